// Weight files (.bin) served byte for byte by the test dev server. Its transform step hands every
// response body to `isbinaryfile` and turns one that looks like text into a string
// (modernweb-dev/web#2984): a uint8-quantized shard whose first bytes hold no NUL is re-encoded as
// UTF-8, each byte >= 0x80 becoming U+FFFD (3 bytes), and TF.js reads garbage weights. This
// middleware runs before that step and answers .bin requests from the disk itself, with an ETag
// so that revalidation still works as it does for the other files.
import { readFile, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

/** @param {{ rootDir?: string }} [options] */
export function binaryFiles({ rootDir = process.cwd() } = {}) {
  const root = resolve(rootDir);
  return async (ctx, next) => {
    if (!['GET', 'HEAD'].includes(ctx.method) || !ctx.path.endsWith('.bin')) return next();
    const file = resolve(root, `.${decodeURIComponent(ctx.path)}`);
    if (!file.startsWith(root + sep)) return next();
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return next();
    ctx.etag = `W/"${info.size.toString(16)}-${info.mtimeMs.toString(16)}"`;
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'application/octet-stream';
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = await readFile(file);
  };
}
