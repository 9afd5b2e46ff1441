// Content hashes of the saved format: the image's (shared/sha256.ts, also the client's) and the model's.

import { sha256Hex } from '../shared/sha256.js';

export { sha256Hex };

/**
 * The model's hash: SHA-256 of the hex SHA-256 of model.json's bytes, then of each weight
 * file's, joined by newlines (manifest order). A retrained model with the same model.json
 * differs; a copy of the same files elsewhere does not.
 */
export async function modelSha256(
  modelJson: ArrayBuffer | ArrayBufferView,
  weightFiles: readonly (ArrayBuffer | ArrayBufferView)[],
): Promise<string> {
  const parts = await Promise.all([modelJson, ...weightFiles].map(sha256Hex));
  return sha256Hex(new TextEncoder().encode(parts.join('\n')));
}
