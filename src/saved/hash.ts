// Content hashes of the saved format: the image's and the model's (shared/sha256.ts, which the
// client and the worker use too).

export { modelSha256, sha256Hex } from '../shared/sha256.js';
