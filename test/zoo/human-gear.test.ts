// The zoo suite (test/zoo/suite.ts) of human-gear.
import { zooSuite } from './suite.js';

await zooSuite('human-gear');
