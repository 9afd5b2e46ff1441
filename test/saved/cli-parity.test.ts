// The command-line tool's output (written by test/scripts/cli.test.mjs, which `npm test` runs
// before the browser tests) equals the engine's explanation of the same image with the same
// options in Chromium (WASM, as the worker runs it there): same predictions, attributions within the
// two files' quantisation steps plus float32 noise.
import { expect } from '@open-wc/testing';
import { decodeSavedResult, exportResult } from '../../src/saved/saved-result.js';
import { explainShapes, SHAPES_IMAGE } from './helpers.js';

const CLI_OUTPUT = '/test-results/cli/star-1.png.json';

describe('saved explanations: the command-line tool matches the browser', () => {
  it('gives the same predictions and attributions for star-1.png, 16 steps', async () => {
    const response = await fetch(CLI_OUTPUT);
    expect(response.ok, `${CLI_OUTPUT}: run node --test test/scripts/cli.test.mjs first`).to.equal(
      true,
    );
    const cliText = await response.text();
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
