// Other origins for the browser tests, started with web-test-runner (see
// web-test-runner.config.mjs), each on a free port so parallel runs never collide:
// - `static`: the repo root on a plain HTTP/1.1 static server with CORS (a CDN or model host);
//   it counts requests per path, so tests can tell how often a model file was fetched;
// - `noCors`: the same files without CORS headers (a host whose images taint a canvas);
// - `proxy`: the test dev server itself behind another origin, with CORS: modules served there
//   (TypeScript compiled, imports resolved) run as a cross-origin script, like a CDN's bundle.
// Tests read the origins with executeServerCommand('ig-test-servers').
import { createServer, request } from 'node:http';
import { startStaticServer } from './static-server.mjs';

function startProxy(target) {
  const server = createServer((req, res) => {
    const upstream = request(
      {
        host: target.host,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: `${target.host}:${target.port}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          'access-control-allow-origin': '*',
        });
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => res.writeHead(502).end(String(error)));
    req.pipe(upstream);
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      done({
        server,
        origin: `http://127.0.0.1:${port}`,
        close: () => new Promise((closed) => server.close(() => closed())),
      });
    });
  });
}

/** A web-test-runner plugin that runs the servers above for the length of a test run. */
export function testServers({ root = '.' } = {}) {
  const counts = new Map();
  let servers = [];
  let origins = null;
  return {
    name: 'ig-test-servers',
    async serverStart({ server }) {
      const address = server.address();
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const [cors, noCors, proxy] = await Promise.all([
        startStaticServer({
          root,
          cors: true,
          headers: (path) => {
            counts.set(path, (counts.get(path) ?? 0) + 1);
            return {};
          },
        }),
        startStaticServer({ root, cors: false }),
        startProxy({
          host: host === '::' || host === '[::]' ? 'localhost' : host,
          port: address.port,
        }),
      ]);
      servers = [cors, noCors, proxy];
      origins = { static: cors.origin, noCors: noCors.origin, proxy: proxy.origin };
    },
    async serverStop() {
      for (const { server } of servers) server.closeAllConnections?.();
      await Promise.all(servers.map((s) => s.close()));
      servers = [];
    },
    executeCommand({ command, payload }) {
      if (command === 'ig-test-servers') return origins;
      if (command === 'ig-request-count') return counts.get(payload?.path) ?? 0;
      return undefined;
    },
  };
}
