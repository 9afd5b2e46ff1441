// A web-test-runner command for the cross-origin isolated case: a page served with COOP and COEP
// (so `crossOriginIsolated` and SharedArrayBuffer hold, and TF.js's WASM backend may take its
// threaded SIMD build), opened as a top-level tab of its own (an isolated document cannot be an
// iframe of the test page), with the bundle from the CDN origin and one <ig-explainer>.
//
//   executeServerCommand('ig-isolated-explain', { script, workers, attributes, runs })
//     opens /isolated.html on this plugin's origin, loads `script` (a module URL), sets
//     IgExplainer.workers = workers, explains with `attributes` `runs` times in a row (1 unless
//     given: a reader pressing Explain again) and resolves to
//     { crossOriginIsolated, results: [{ backend, thread, sum, delta, steps }, ...] } or { error };
//     the tab is closed after.
import { createServer } from 'node:http';

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>ig-explainer, cross-origin isolated</title></head>
  <body></body>
</html>
`;

/** What the isolated tab runs: load the bundle, explain once, report. */
async function explainInPage({ script, workers, attributes, runs = 1 }) {
  await import(script);
  const Element = await customElements.whenDefined('ig-explainer');
  if (workers) Element.workers = workers;
  const element = document.createElement('ig-explainer');
  for (const [name, value] of Object.entries({ loading: 'manual', ...attributes })) {
    element.setAttribute(name, value);
  }
  document.body.append(element);
  try {
    const results = [];
    for (let run = 0; run < runs; run++) {
      const r = await element.explain();
      results.push({
        backend: r.backend,
        thread: r.thread,
        sum: r.sum,
        delta: r.delta,
        steps: r.steps,
      });
    }
    return { crossOriginIsolated: globalThis.crossOriginIsolated === true, results };
  } catch (error) {
    return { crossOriginIsolated: globalThis.crossOriginIsolated === true, error: String(error) };
  }
}

export function isolatedPage() {
  let server = null;
  let origin = null;
  return {
    name: 'ig-isolated-page',
    async serverStart() {
      server = createServer((req, res) => {
        const { pathname } = new URL(req.url ?? '/', 'http://localhost');
        if (pathname !== '/isolated.html') {
          res.writeHead(404).end('not found');
          return;
        }
        res
          .writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'cross-origin-opener-policy': 'same-origin',
            'cross-origin-embedder-policy': 'require-corp',
            'cache-control': 'no-store',
          })
          .end(PAGE);
      });
      await new Promise((done) => server.listen(0, '127.0.0.1', done));
      origin = `http://127.0.0.1:${server.address().port}`;
    },
    async serverStop() {
      server?.closeAllConnections?.();
      await new Promise((done) => (server ? server.close(() => done()) : done()));
      server = null;
    },
    async executeCommand({ command, payload, session }) {
      if (command !== 'ig-isolated-explain') return undefined;
      if (session.browser.type !== 'puppeteer') {
        throw new Error(
          `ig-isolated-explain needs the Chrome launcher, not ${session.browser.type}.`,
        );
      }
      const opener = session.browser.getPage(session.id);
      const page = await opener.browser().newPage();
      try {
        await page.goto(`${origin}/isolated.html`);
        return await page.evaluate(explainInPage, payload);
      } finally {
        await page.close();
      }
    },
  };
}
