// The zoo suite (test/zoo/suite.ts) of teachable-mobilenet-v2.
import { zooSuite } from './suite.js';

await zooSuite('teachable-mobilenet-v2');
