// A plain HTTP/1.1 static file server: the demo's, and the "other origin" (CDN, model host) of
// the tests. Deliberately dumb, like the servers users self-host models on.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
};

/**
 * Serves `root` on `port` (0 = any free port). `headers(path)` may add response headers (CORS,
 * CSP); `cors: true` adds Access-Control-Allow-Origin: * to every response.
 * Resolves to { server, port, origin, close() }.
 */
export function startStaticServer({
  root,
  port = 0,
  host = '127.0.0.1',
  cors = false,
  headers,
} = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path = normalize(join(base, decodeURIComponent(url.pathname)));
    if (!path.startsWith(base)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    let stat;
    try {
      stat = statSync(path);
      if (stat.isDirectory()) {
        path = join(path, 'index.html');
        stat = statSync(path);
      }
    } catch {
      res.writeHead(404, cors ? { 'Access-Control-Allow-Origin': '*' } : {}).end('not found');
      return;
    }
    // Validators as nginx and most static hosts send them; a matching request gets a 304.
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const lastModified = new Date(Math.floor(stat.mtimeMs / 1000) * 1000).toUTCString();
    const corsHead = cors
      ? {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since',
          'Access-Control-Expose-Headers': 'ETag',
        }
      : {};
    if (req.method === 'OPTIONS') {
      res.writeHead(204, corsHead).end();
      return;
    }
    const head = {
      'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
      'Cache-Control': 'no-cache',
      ETag: etag,
      'Last-Modified': lastModified,
      ...corsHead,
      ...(headers?.(url.pathname) ?? {}),
    };
    const fresh =
      req.headers['if-none-match'] === etag ||
      (!req.headers['if-none-match'] && req.headers['if-modified-since'] === lastModified);
    if (fresh) {
      res.writeHead(304, { ETag: etag, 'Last-Modified': lastModified, ...corsHead }).end();
      return;
    }
    res.writeHead(200, head);
    if (req.method === 'HEAD') res.end();
    else createReadStream(path).pipe(res);
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const actual = server.address().port;
      done({
        server,
        port: actual,
        origin: `http://${host}:${actual}`,
        close: () => new Promise((closed) => server.close(() => closed())),
      });
    });
  });
}
