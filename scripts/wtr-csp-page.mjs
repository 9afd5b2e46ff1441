// A web-test-runner plugin for the "tag pasted into someone else's page" tests: a third origin
// that serves a page under a strict Content-Security-Policy (as a response header) with one
// <ig-explainer> whose script comes from another origin (the CDN), and collects the CSP violation
// reports of that page and of the workers it starts (report-uri reaches both).
//
//   GET  /page.html?script=URL&cdn=ORIGIN&run=ID[&wasm=1]&<attribute>=<value>...
//        the page: probe.js, then <script type="module" src=script>, then the element; wasm=1
//        adds 'wasm-unsafe-eval' to the policy;
//   GET  /probe.js   relays ig-* events, securitypolicyviolation events, resource timings and
//        the workers the page started to the parent window with postMessage; explains on the
//        parent's { type: 'explain', workers? } (workers: IgExplainer.workers first);
//   POST /report?run=ID   a CSP violation report.
//
// Tests read the origin with executeServerCommand('ig-csp-page') and the reports of a run with
// executeServerCommand('ig-csp-reports', { run }).
import { createServer } from 'node:http';

/**
 * The policy: no unsafe-eval, no unsafe-inline; scripts and workers from 'self', the CDN, blob:.
 * `wasm` adds 'wasm-unsafe-eval', which TF.js's WASM backend needs.
 */
export function strictPolicy(cdn, report, wasm = false) {
  return [
    "default-src 'self'",
    `script-src 'self' ${cdn} blob:${wasm ? " 'wasm-unsafe-eval'" : ''}`,
    `worker-src 'self' ${cdn} blob:`,
    `connect-src 'self' ${cdn}`,
    `img-src 'self' ${cdn} blob: data:`,
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `report-uri ${report}`,
  ].join('; ');
}

const PROBE = `'use strict';
(() => {
  // Every worker the page starts, and the errors they report (the pool tests count them).
  const workers = [];
  const Worker = window.Worker;
  window.Worker = class extends Worker {
    constructor(url, options) {
      super(url, options);
      const record = { url: String(url), errors: [] };
      workers.push(record);
      this.addEventListener('error', (e) => record.errors.push(e.message || 'error'));
    }
  };
  const post = (message) => parent.postMessage({ ...message, workers }, '*');
  const resources = () => performance.getEntriesByType('resource').map((e) => e.name);
  document.addEventListener('securitypolicyviolation', (e) =>
    post({ type: 'violation', directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, sample: e.sample }),
  );
  const summary = (type, d) =>
    type === 'ig-complete'
      ? { thread: d.thread, backend: d.backend, shape: d.shape, sum: d.sum, delta: d.delta, target: d.target, steps: d.steps, finite: d.attributions.every(Number.isFinite) }
      : type === 'ig-error'
        ? { code: d.code, message: d.message }
        : type === 'ig-model-load'
          ? { thread: d.thread, backend: d.backend, modelUrl: d.modelUrl }
          : null;
  for (const type of ['ig-model-load', 'ig-complete', 'ig-error']) {
    document.addEventListener(type, (e) => post({ type, detail: summary(type, e.detail), resources: resources() }));
  }
  addEventListener('message', (e) => {
    if (e.source !== parent || e.data?.type !== 'explain') return;
    if (e.data.workers) customElements.get('ig-explainer').workers = e.data.workers;
    document.querySelector('ig-explainer').explain().catch(() => {});
  });
  addEventListener('load', () =>
    customElements.whenDefined('ig-explainer').then(() =>
      setTimeout(() => post({ type: 'ready', defined: true, resources: resources() }), 200),
    ),
  );
})();
`;

const escape = (text) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

function page(url, origin) {
  const script = url.searchParams.get('script') ?? '';
  const cdn = url.searchParams.get('cdn') ?? '';
  const run = url.searchParams.get('run') ?? '';
  const attributes = [...url.searchParams]
    .filter(([name]) => !['script', 'cdn', 'run', 'wasm'].includes(name) && /^[a-z-]+$/.test(name))
    .map(([name, value]) => ` ${name}="${escape(value)}"`)
    .join('');
  const body = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>ig-explainer under a strict CSP</title>
    <script src="/probe.js"></script>
    <script type="module" src="${escape(script)}"></script>
  </head>
  <body>
    <ig-explainer${attributes}></ig-explainer>
  </body>
</html>
`;
  const report = `${origin}/report?run=${encodeURIComponent(run)}`;
  return { body, policy: strictPolicy(cdn, report, url.searchParams.get('wasm') === '1') };
}

/** The web-test-runner plugin: starts the page origin with the test server. */
export function cspPage() {
  const reports = new Map();
  let server = null;
  let origin = null;
  return {
    name: 'ig-csp-page',
    async serverStart() {
      server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (req.method === 'POST' && url.pathname === '/report') {
          let text = '';
          req.on('data', (chunk) => (text += chunk));
          req.on('end', () => {
            const run = url.searchParams.get('run') ?? '';
            let report;
            try {
              report = JSON.parse(text)['csp-report'] ?? JSON.parse(text);
            } catch {
              report = { unparsed: text };
            }
            reports.set(run, [...(reports.get(run) ?? []), report]);
            res.writeHead(204).end();
          });
          return;
        }
        if (url.pathname === '/probe.js') {
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(PROBE);
          return;
        }
        if (url.pathname === '/page.html') {
          const { body, policy } = page(url, origin);
          res
            .writeHead(200, {
              'content-type': 'text/html; charset=utf-8',
              'content-security-policy': policy,
              'cache-control': 'no-store',
            })
            .end(body);
          return;
        }
        res.writeHead(404).end('not found');
      });
      await new Promise((done) => server.listen(0, '127.0.0.1', done));
      origin = `http://127.0.0.1:${server.address().port}`;
    },
    async serverStop() {
      server?.closeAllConnections?.();
      await new Promise((done) => (server ? server.close(() => done()) : done()));
      server = null;
    },
    executeCommand({ command, payload }) {
      if (command === 'ig-csp-page') return { origin };
      if (command === 'ig-csp-reports') return reports.get(payload?.run ?? '') ?? [];
      return undefined;
    },
  };
}
