// The zoo suite (test/zoo/suite.ts) of human-antispoof.
import { zooSuite } from './suite.js';

await zooSuite('human-antispoof');
