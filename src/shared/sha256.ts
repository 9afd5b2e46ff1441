// SHA-256 with crypto.subtle (browsers, workers, Node 18+): the saved format's content hashes.

/** SHA-256 of `bytes`, as lowercase hex. */
export async function sha256Hex(bytes: ArrayBuffer | ArrayBufferView): Promise<string> {
  // Node's Buffer types its memory as ArrayBufferLike; digest reads it all the same.
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
