// `result-src` with the built bundle, as a docs page uses it: a page that loads dist/ig-explainer.js
// from a CDN origin (the test's static server, which serves the files as they are) with one
// <ig-explainer result-src> pointing at the command-line tool's saved explanation of a shapes
// fixture (written by test/scripts/cli.test.mjs, which `npm test` runs first). From the page's
// own resource timings: the package files it fetched add up to under 300 KB (their bytes as
// served, before any compression); it requested no model, TF.js, WASM or worker file and started
// no worker, and the CDN's log shows no request for the worker. Needs `npm run build`.
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';

const PACKAGE_BUDGET = 300 * 1024;
const SAVED = '/test-results/cli/star-1.png.json';
/** What only a live run fetches: the worker (TF.js is inside it), TF.js chunks, WASM, the model. */
const LIVE_ONLY = /worker|tfjs|chunks\/dist-|\.wasm|model\.json|weights|\.bin\b/i;

interface ShownPage {
  frame: HTMLIFrameElement;
  element: HTMLElement & {
    status: string;
    predictions: Array<{ label: string }> | null;
    result: { target: { index: number } } | null;
    updateComplete: Promise<boolean>;
  };
  workers: string[];
}

/** How often the CDN (static test server) was asked for `path` so far. */
function cdnRequests(path: string): Promise<number> {
  return executeServerCommand<number, { path: string }>('ig-request-count', { path });
}

/** A page with the bundle from `cdn` and one element showing `resultSrc`. */
async function openPage(cdn: string, resultSrc: string): Promise<ShownPage> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 640px; height: 480px; border: 0';
  // The page records every Worker it starts (none should).
  frame.srcdoc = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <script>
      window.startedWorkers = [];
      const PageWorker = window.Worker;
      window.Worker = class extends PageWorker {
        constructor(url, options) {
          window.startedWorkers.push(String(url));
          super(url, options);
        }
      };
    </script>
    <script type="module" src="${cdn}/dist/ig-explainer.js"></script>
  </head>
  <body>
    <ig-explainer
      src="/test/fixtures/shapes/star-1.png"
      model-url="/demo/models/shapes/model.json"
      labels-url="/demo/models/shapes/labels.json"
      result-src="${resultSrc}"
    ></ig-explainer>
  </body>
</html>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const win = frame.contentWindow as Window & { startedWorkers: string[] };
  const element = frame.contentDocument!.querySelector('ig-explainer') as ShownPage['element'];
  return { frame, element, workers: win.startedWorkers };
}

describe('result-src with the built bundle: what a reader downloads', function () {
  this.timeout(60000);
  let page: ShownPage | null = null;
  afterEach(() => {
    page?.frame.remove();
    page = null;
  });

  it('shows the saved mask and predictions from under 300 KB of package files, with no model, TF.js or worker', async () => {
    const saved = await fetch(SAVED);
    expect(saved.ok, `${SAVED}: run node --test test/scripts/cli.test.mjs first`).to.equal(true);
    const file = (await saved.json()) as { predictions: Array<{ label: string }> };
    const { static: cdn } = await executeServerCommand<{ static: string }, undefined>(
      'ig-test-servers',
    );
    const bundle = await fetch(`${cdn}/dist/ig-explainer.js`);
    expect(bundle.ok, 'dist/ig-explainer.js: run npm run build first').to.equal(true);
    const WORKER = '/dist/ig-explainer-worker.js';
    const workerRequests = await cdnRequests(WORKER);

    page = await openPage(cdn, SAVED);
    const { element, frame } = page;
    await waitUntil(() => element.status === 'done' || element.status === 'error', 'not shown', {
      timeout: 30000,
    });
    expect(element.status, JSON.stringify((element as { error?: unknown }).error)).to.equal('done');
    // Drawn once the update is complete (the mask is computed in a task after the render).
    await element.updateComplete;
    expect(element.predictions?.map((p) => p.label)).to.deep.equal(
      file.predictions.slice(0, element.predictions!.length).map((p) => p.label),
    );
    expect(element.predictions![0].label).to.equal('star');
    const canvas = element.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part="mask"]');
    expect(canvas, 'no mask canvas').to.exist;
    const pixels = canvas!.getContext('2d')!.getImageData(0, 0, canvas!.width, canvas!.height);
    expect(
      pixels.data.some((v, i) => i % 4 !== 3 && v > 0),
      'the mask is blank',
    ).to.equal(true);
    // Nothing more starts by itself after the saved result is shown.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const entries = frame
      .contentWindow!.performance.getEntriesByType('resource')
      .map((e) => e as PerformanceResourceTiming);
    const names = entries.map((e) => new URL(e.name).pathname);
    expect(
      names.filter((n) => LIVE_ONLY.test(n)),
      'requested by a saved result',
    ).to.deep.equal([]);
    expect(page.workers, 'workers started').to.deep.equal([]);
    expect(await cdnRequests(WORKER), 'the CDN served the worker').to.equal(workerRequests);

    const packageFiles = entries.filter((e) => e.name.startsWith(`${cdn}/dist/`));
    const files = packageFiles.map((e) => new URL(e.name).pathname);
    expect(files).to.include('/dist/ig-explainer.js');
    // The element's code, its result view and the saved-file reader: real files, really counted.
    expect(files.some((n) => /result-view/.test(n))).to.equal(true);
    expect(files.some((n) => /load-saved-result/.test(n))).to.equal(true);
    for (const e of packageFiles) expect(e.decodedBodySize, e.name).to.be.above(0);
    const bytes = packageFiles.reduce((sum, e) => sum + e.decodedBodySize, 0);
    const transferred = packageFiles.reduce((sum, e) => sum + e.encodedBodySize, 0);
    console.log(
      `result-src page: ${files.length} package files, ${bytes} bytes (${transferred} as sent): ` +
        files.join(', '),
    );
    expect(bytes).to.be.below(PACKAGE_BUDGET);
  });
});
