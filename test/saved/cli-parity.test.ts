// The command-line tool's output (written by test/scripts/cli.test.mjs, which `npm test` runs
// before the browser tests) equals the engine's explanation of the same image with the same
// options in Chromium (WASM, as the worker runs it there): same predictions, attributions within the
// two files' quantisation steps plus float32 noise. The element's own export (its worker's
// download of the model, then the model from the IndexedDB cache in a fresh worker) holds the
// same model hash as the tool's.
import '../worker-entry/hooks.js';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { terminateWorker } from '../../src/client/explain-client.js';
import type { IgExplainer, IgModelLoadDetail } from '../../src/index.js';
import type { SavedExplanation } from '../../src/saved/format.js';
import { decodeSavedResult, exportResult } from '../../src/saved/saved-result.js';
import { explainShapes, SHAPES_IMAGE, SHAPES_LABELS, SHAPES_MODEL } from './helpers.js';

const CLI_OUTPUT = '/test-results/cli/star-1.png.json';

async function cliOutput(): Promise<string> {
  const response = await fetch(CLI_OUTPUT);
  expect(response.ok, `${CLI_OUTPUT}: run node --test test/scripts/cli.test.mjs first`).to.equal(
    true,
  );
  return response.text();
}

/** A live run of the element on star-1.png, its ig-model-load detail and its export. */
async function elementExport(): Promise<{ load: IgModelLoadDetail; saved: SavedExplanation }> {
  let load: IgModelLoadDetail | null = null;
  const el = await fixture<IgExplainer>(html`
    <ig-explainer
      src=${SHAPES_IMAGE}
      model-url=${SHAPES_MODEL}
      labels-url=${SHAPES_LABELS}
      steps="16"
      loading="manual"
      @ig-model-load=${(e: CustomEvent<IgModelLoadDetail>) => (load = e.detail)}
    ></ig-explainer>
  `);
  await el.explain();
  await waitUntil(() => load !== null, 'no ig-model-load');
  return { load: load!, saved: JSON.parse(await el.exportResult().text()) };
}

describe('saved explanations: the command-line tool matches the browser', () => {
  it("the element's export holds the tool's model and image hashes, downloaded or cached", async function () {
    this.timeout(120000);
    const cli = decodeSavedResult(await cliOutput(), CLI_OUTPUT).saved;
    expect(cli.model.sha256).to.match(/^[0-9a-f]{64}$/);
    terminateWorker();
    const first = await elementExport();
    expect(first.load.modelSha256).to.equal(cli.model.sha256);
    expect(first.saved.model).to.deep.equal({ url: SHAPES_MODEL, sha256: cli.model.sha256 });
    expect(first.saved.image.sha256).to.equal(cli.image.sha256);
    // A fresh worker takes the model from the IndexedDB cache (revalidated): the hash was kept.
    terminateWorker();
    const second = await elementExport();
    expect(second.load.fromCache).to.equal(true);
    expect(second.saved.model.sha256).to.equal(cli.model.sha256);
  });

  it('gives the same predictions and attributions for star-1.png, 16 steps', async () => {
    const cliText = await cliOutput();
    const cli = decodeSavedResult(cliText, CLI_OUTPUT);
    const live = await explainShapes(SHAPES_IMAGE, { steps: 16 }, 'wasm');
    const browserText = await exportResult(live.result, live.predictions, live.meta).text();
    const browser = decodeSavedResult(browserText, 'browser export');

    expect(cli.saved.image.sha256).to.equal(live.meta.imageSha256);
    expect(cli.saved.model.sha256).to.equal(live.meta.modelSha256);
    expect(cli.saved.options).to.deep.include({
      ...live.meta.options,
      labelsUrl: cli.saved.options.labelsUrl,
    });
    expect(cli.predictions.map((p) => p.label)).to.deep.equal(
      browser.predictions.map((p) => p.label),
    );
    cli.predictions.forEach((p, i) =>
      expect(p.probability).to.be.closeTo(browser.predictions[i].probability, 1e-5),
    );
    expect(cli.result.target).to.deep.equal(browser.result.target);
    expect(cli.result.scoreInput).to.be.closeTo(browser.result.scoreInput, 1e-5);
    expect(cli.result.sum).to.be.closeTo(
      browser.result.sum,
      1e-3 * Math.abs(browser.result.sum) + 1e-6,
    );

    const steps =
      (JSON.parse(cliText).attributions.step as number) / 2 +
      (JSON.parse(browserText).attributions.step as number) / 2;
    let maxAbs = 0;
    let maxError = 0;
    for (let i = 0; i < live.result.attributions.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(live.result.attributions[i]));
      maxError = Math.max(
        maxError,
        Math.abs(cli.result.attributions[i] - live.result.attributions[i]),
      );
    }
    console.log(
      `CLI vs browser: max attribution difference ${maxError}, max |attribution| ${maxAbs}`,
    );
    // Half a step of each file's quantisation, plus float32 noise (1e-3 of the largest value).
    expect(maxError).to.be.at.most(steps + 1e-3 * maxAbs);
  });
});
