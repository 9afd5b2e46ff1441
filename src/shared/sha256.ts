// SHA-256 with crypto.subtle (browsers, workers, Node 18+): the saved format's content hashes.

/** SHA-256 of `bytes`, as lowercase hex. */
export async function sha256Hex(bytes: ArrayBuffer | ArrayBufferView): Promise<string> {
  // Node's Buffer types its memory as ArrayBufferLike; digest reads it all the same.
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The model's hash (the saved format's `model.sha256`): SHA-256 of the hex SHA-256 of
 * model.json's bytes, then of each weight file's, joined by newlines (manifest order: every
 * group's paths in turn). The bytes are the files as served (after HTTP decoding), so the
 * worker's download and the command-line tool's files give the same hash. A retrained model
 * with the same model.json differs; a copy of the same files elsewhere does not.
 */
export async function modelSha256(
  modelJson: ArrayBuffer | ArrayBufferView,
  weightFiles: readonly (ArrayBuffer | ArrayBufferView)[],
): Promise<string> {
  const parts = await Promise.all([modelJson, ...weightFiles].map(sha256Hex));
  return sha256Hex(new TextEncoder().encode(parts.join('\n')));
}
