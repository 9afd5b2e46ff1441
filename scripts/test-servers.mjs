// Other origins for the browser tests, started with web-test-runner (see
// web-test-runner.config.mjs), each on a free port so parallel runs never collide:
// - `static`: the repo root on a plain HTTP/1.1 static server with CORS (a CDN or model host);
//   it counts requests per path, so tests can tell how often a model file was fetched;
// - `noCors`: the same files without CORS headers (a host whose images taint a canvas);
// - `proxy`: the test dev server itself behind another origin, with CORS: modules served there
//   (TypeScript compiled, imports resolved) run as a cross-origin script, like a CDN's bundle.
// - `faults`: what real hosts do wrong (startFaultServer below): stalls, a model replaced at
//   its URL with ETag / Last-Modified / Cache-Control, foreign weight paths, mismatched shapes.
// Tests read the origins with executeServerCommand('ig-test-servers').
import { existsSync, readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { startStaticServer } from './static-server.mjs';

const FIXTURES = 'test/fixtures/models';
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since',
  'Access-Control-Expose-Headers': 'ETag',
};
/** The two versions a replaced model goes through: other weights, other input size. */
const VERSIONS = {
  1: { dir: 'tiny-graph-10', lastModified: 'Mon, 02 Nov 2026 10:00:00 GMT' },
  2: { dir: 'tiny-layers', lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT' },
};

/**
 * Routes (all with CORS):
 * - /stall/PATH: PATH of the repo with its headers and half its body, then nothing, forever;
 * - /stall-headers/PATH: no answer at all (the connection stays open);
 * - /stall-shards/DIR/model.json: DIR's model.json, but its weight files stall like /stall/;
 * - /foreign/model.json: tiny-graph-10 whose weight paths name the `static` origin (absolute);
 * - /reshaped/model.json: tiny-graph-10 with the first conv kernel's manifest shape permuted
 *   (same byte count; its graph node says otherwise); /reshaped-layers/: the same, tiny-layers;
 * - /undersized/model.json: tiny-layers whose manifest lists fewer bytes than its shard holds;
 * - /versioned/NAME/model.json (+ shard): a model its test replaces (command ig-versioned:
 *   { name, version: 1 | 2, validators: 'etag' | 'last-modified' | 'none', noStore, offline }),
 *   answering If-None-Match / If-Modified-Since with 304; the reply counts what was served.
 */
function startFaultServer({ root, staticOrigin }) {
  const versioned = new Map();
  const state = (name) => {
    if (!versioned.has(name)) {
      versioned.set(name, {
        version: 1,
        validators: 'etag',
        noStore: false,
        offline: false,
        served: { json: 0, notModified: 0, weights: 0 },
      });
    }
    return versioned.get(name);
  };
  const file = (path) => readFileSync(join(root, path));
  const tinyJson = () => JSON.parse(file(`${FIXTURES}/tiny-graph-10/model.json`));
  const json = (res, value, extra = {}) =>
    res
      .writeHead(200, { 'Content-Type': 'application/json', ...CORS, ...extra })
      .end(JSON.stringify(value));
  const stall = (res, path) => {
    const body = file(path);
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': body.length,
      ...CORS,
    });
    res.write(body.subarray(0, Math.floor(body.length / 2)));
  };
  const held = new Set();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (req.method === 'OPTIONS') return res.writeHead(204, CORS).end();
    try {
      let match;
      if ((match = path.match(/^\/stall-headers\//))) return held.add(res);
      if ((match = path.match(/^\/stall\/(.+)$/))) return (held.add(res), stall(res, match[1]));
      if ((match = path.match(/^\/stall-shards\/(.+)$/))) {
        if (match[1].endsWith('model.json')) return json(res, JSON.parse(file(match[1])));
        return (held.add(res), stall(res, match[1]));
      }
      if (path === '/foreign/model.json') {
        const model = tinyJson();
        for (const group of model.weightsManifest) {
          group.paths = group.paths.map((p) => `${staticOrigin}/${FIXTURES}/tiny-graph-10/${p}`);
        }
        return json(res, model);
      }
      if ((match = path.match(/^\/(reshaped|reshaped-layers|undersized)\/(.+)$/))) {
        const dir = match[1] === 'reshaped' ? 'tiny-graph-10' : 'tiny-layers';
        if (match[2] !== 'model.json') {
          // A loader asks for files a model may lack (metadata.json beside a layers model).
          if (!existsSync(`${FIXTURES}/${dir}/${match[2]}`)) return res.writeHead(404, CORS).end();
          return res
            .writeHead(200, { 'Content-Type': 'application/octet-stream', ...CORS })
            .end(file(`${FIXTURES}/${dir}/${match[2]}`));
        }
        const model = JSON.parse(file(`${FIXTURES}/${dir}/model.json`));
        const weights = model.weightsManifest[0].weights;
        if (match[1] === 'undersized') weights[2].shape = [512, 8];
        else weights[dir === 'tiny-layers' ? 0 : 2].shape = [3, 3, 8, 3];
        return json(res, model);
      }
      if ((match = path.match(/^\/versioned\/([\w-]+)\/(model\.json|group1-shard1of1\.bin)$/))) {
        const model = state(match[1]);
        if (model.offline) return req.socket.destroy();
        const { dir, lastModified } = VERSIONS[model.version];
        const headers = { ...CORS, 'Cache-Control': model.noStore ? 'no-store' : 'no-cache' };
        if (model.validators === 'etag') headers.ETag = `"v${model.version}"`;
        if (model.validators === 'last-modified') headers['Last-Modified'] = lastModified;
        if (match[2] === 'model.json') {
          const fresh =
            (headers.ETag && req.headers['if-none-match'] === headers.ETag) ||
            (headers['Last-Modified'] &&
              req.headers['if-modified-since'] === headers['Last-Modified']);
          if (fresh) {
            model.served.notModified += 1;
            return res.writeHead(304, headers).end();
          }
          model.served.json += 1;
          return json(res, JSON.parse(file(`${FIXTURES}/${dir}/model.json`)), headers);
        }
        model.served.weights += 1;
        return res
          .writeHead(200, { 'Content-Type': 'application/octet-stream', ...headers })
          .end(file(`${FIXTURES}/${dir}/${match[2]}`));
      }
      res.writeHead(404, CORS).end('not found');
    } catch (error) {
      res.writeHead(500, CORS).end(String(error));
    }
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      done({
        server,
        origin: `http://127.0.0.1:${port}`,
        versioned(payload) {
          const model = state(payload.name);
          for (const key of ['version', 'validators', 'noStore', 'offline']) {
            if (payload[key] !== undefined) model[key] = payload[key];
          }
          return { ...model.served };
        },
        close: () =>
          new Promise((closed) => {
            for (const res of held) res.destroy();
            held.clear();
            server.close(() => closed());
          }),
      });
    });
  });
}

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
  let faults = null;
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
            // As CDNs send it: pages may read the sizes in their resource timings.
            return { 'Timing-Allow-Origin': '*' };
          },
        }),
        startStaticServer({ root, cors: false }),
        startProxy({
          host: host === '::' || host === '[::]' ? 'localhost' : host,
          port: address.port,
        }),
      ]);
      faults = await startFaultServer({ root, staticOrigin: cors.origin });
      servers = [cors, noCors, proxy, faults];
      origins = {
        static: cors.origin,
        noCors: noCors.origin,
        proxy: proxy.origin,
        faults: faults.origin,
      };
    },
    async serverStop() {
      for (const { server } of servers) server.closeAllConnections?.();
      await Promise.all(servers.map((s) => s.close()));
      servers = [];
    },
    async executeCommand({ command, payload, session }) {
      if (command === 'ig-test-servers') return origins;
      // The page's JS heap after a full garbage collection (Chrome DevTools Protocol), in bytes.
      if (command === 'ig-heap') {
        const cdp = await session.browser.getPage(session.id).createCDPSession();
        try {
          await cdp.send('HeapProfiler.collectGarbage');
          const { usedSize } = await cdp.send('Runtime.getHeapUsage');
          return usedSize;
        } finally {
          await cdp.detach();
        }
      }
      if (command === 'ig-request-count') return counts.get(payload?.path) ?? 0;
      if (command === 'ig-versioned') return faults.versioned(payload);
      // What the fuzz test reads from the environment (the page has none).
      if (command === 'ig-env') {
        return { IG_FUZZ_RUNS: process.env.IG_FUZZ_RUNS, IG_FUZZ_SEED: process.env.IG_FUZZ_SEED };
      }
      return undefined;
    },
  };
}
