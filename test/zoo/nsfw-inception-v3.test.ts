// The zoo suite (test/zoo/suite.ts) of nsfw-inception-v3.
import { zooSuite } from './suite.js';

await zooSuite('nsfw-inception-v3');
