// The zoo suite (test/zoo/suite.ts) of human-liveness.
import { zooSuite } from './suite.js';

await zooSuite('human-liveness');
