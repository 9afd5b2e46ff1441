// The zoo suite (test/zoo/suite.ts) of nsfw-mobilenet-v2.
import { zooSuite } from './suite.js';

await zooSuite('nsfw-mobilenet-v2');
