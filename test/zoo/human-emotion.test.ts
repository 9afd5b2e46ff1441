// The zoo suite (test/zoo/suite.ts) of human-emotion.
import { zooSuite } from './suite.js';

await zooSuite('human-emotion');
