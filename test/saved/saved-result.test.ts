// The saved-explanation format on a real result: the shipped shapes model's explanation of a
// fixture, exported and read back, gives the same attributions (within the stated quantisation),
// the same predictions and a mask within 2/255 of the live one; a 224x224 result fits the size
// bound; each bad file is a result-load error that says what is wrong.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { renderMask } from '../../src/element/mask.js';
import { COLORMAPS, colormapLut } from '../../src/element/colormaps.js';
import { integratedGradients } from '../../src/engine/integrated-gradients.js';
import { fitImage } from '../../src/engine/preprocess.js';
import { SAVED_FORMAT, SAVED_VERSION } from '../../src/saved/format.js';
import { STEPS_PER_SCALE } from '../../src/saved/quantize.js';
import {
  decodeSavedResult,
  encodeSavedResult,
  exportResult,
} from '../../src/saved/saved-result.js';
import type { IgPolarity, IgResult } from '../../src/shared/types.js';
import { isIgError } from '../../src/shared/types.js';
import { convModel } from '../engine/test-models.js';
import { type LiveRun, explainShapes, gzipSize } from './helpers.js';

function maxChannelDifference(a: ImageData, b: ImageData): number {
  let max = 0;
  for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i] - b.data[i]));
  return max;
}

/** The largest change of any channel between neighbouring entries of a colour map. */
function lutStep(colormap: (typeof COLORMAPS)[number]): number {
  const lut = colormapLut(colormap);
  let max = 0;
  for (let i = 3; i < lut.length; i++) max = Math.max(max, Math.abs(lut[i] - lut[i - 3]));
  return max;
}

function resultLoadMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isIgError(error), String(error)).to.equal(true);
    expect((error as { code: string }).code).to.equal('result-load');
    return (error as Error).message;
  }
  throw new Error('no error thrown');
}

describe('saved explanations: format', () => {
  let live: LiveRun;
  let text: string;

  before(async () => {
    // With the path view's trace, as the element asks for it when `view` lists `path`.
    live = await explainShapes(undefined, { pathTrace: true });
    const blob = exportResult(live.result, live.predictions, live.meta);
    text = await blob.text();
    console.log(`64x64x3 shapes explanation: ${blob.size} bytes, ${await gzipSize(blob)} gzipped`);
  });

  it('is self-describing JSON with a format name, a version and the hashes', () => {
    const json = JSON.parse(text);
    expect(json.format).to.equal(SAVED_FORMAT);
    expect(json.version).to.equal(SAVED_VERSION);
    expect(json.image.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(json.model.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(json.image.sha256).to.equal(live.meta.imageSha256);
    expect(json.shape).to.deep.equal([64, 64, 3]);
    expect(json.path.alphas).to.have.length(live.result.path.alphas.length);
  });

  it('reads back the same result, predictions and saturation plots', () => {
    const { result, predictions } = decodeSavedResult(text, 'star-1.json', {
      imageSha256: live.meta.imageSha256,
      modelUrls: [live.meta.modelUrl],
    });
    expect(predictions).to.deep.equal(live.predictions);
    expect(predictions[0].label).to.equal('star');
    const { attributions: _a, ...rest } = result;
    // The path view's per-point snapshots are not saved (its panel says so for a saved result).
    const { attributions: _b, pathTrace, ...liveRest } = live.result;
    expect(pathTrace?.points.length).to.be.above(1);
    expect(rest).to.deep.equal(liveRest);
    expect(result.attributions.length).to.equal(live.result.attributions.length);
  });

  it('keeps every attribution within half a quantisation step, the step tied to the mask', () => {
    const json = JSON.parse(text);
    const step = json.attributions.step as number;
    const { result } = decodeSavedResult(text, 'star-1.json');
    let maxError = 0;
    let maxAbs = 0;
    for (let i = 0; i < result.attributions.length; i++) {
      maxError = Math.max(maxError, Math.abs(result.attributions[i] - live.result.attributions[i]));
      maxAbs = Math.max(maxAbs, Math.abs(live.result.attributions[i]));
    }
    expect(maxError).to.be.at.most(step / 2 + 1e-9);
    expect(maxError).to.be.above(0); // lossy, as documented
    expect(step).to.be.below(maxAbs / 100);
    expect(STEPS_PER_SCALE).to.equal(765);
  });

  // Within one colour-map entry: 1/255 on gray; inferno's neighbouring entries differ by up to
  // 6/255, so no lossy encoding keeps every inferno pixel within 2/255 (an entry can flip).
  it('gives a mask within one colour-map entry of the live one, for every polarity and map', () => {
    const { result } = decodeSavedResult(text, 'star-1.json');
    expect(JSON.parse(text).attributions.stepsPerScale).to.equal(765);
    for (const polarity of ['absolute', 'positive', 'negative'] as IgPolarity[]) {
      for (const colormap of COLORMAPS) {
        const options = { polarity, colormap, clipPercentile: 99 };
        const a = renderMask(live.result.attributions, live.result.shape, options);
        const b = renderMask(result.attributions, result.shape, options);
        expect(maxChannelDifference(a, b), `${polarity} ${colormap}`).to.be.at.most(
          lutStep(colormap),
        );
      }
    }
  });

  it('fits a 224x224x3 explanation in 100 KB gzipped', async () => {
    await tf.setBackend('cpu');
    const model = convModel(224, 10, 7);
    const image = tf.tidy(() =>
      fitImage(tf.randomUniform([180, 240, 3], 0, 1, 'float32', 3), 224, 224, 'pad'),
    );
    const baseline = tf.zerosLike(image);
    try {
      const ig = await integratedGradients(model.classifier, image, baseline, {
        target: 0,
        steps: 16,
        method: 'trapezoid',
        output: 'probability',
        batchSize: 4,
      });
      const result: IgResult = {
        ...ig,
        target: { index: 0, label: 'class 0' },
        baseline: 'black',
        output: 'probability',
        backend: 'cpu',
        thread: 'main',
        timings: { modelMs: 0, attributionMs: 0, totalMs: 0 },
      };
      const blob = exportResult(result, live.predictions, live.meta);
      const gzipped = await gzipSize(blob);
      const stepsPerScale = JSON.parse(await blob.text()).attributions.stepsPerScale as number;
      console.log(
        `224x224x3 saved explanation: ${blob.size} bytes, ${gzipped} gzipped, ` +
          `stepsPerScale ${stepsPerScale}`,
      );
      expect(result.shape).to.deep.equal([224, 224, 3]);
      expect(gzipped).to.be.below(100 * 1024);
      const back = decodeSavedResult(await blob.text(), '224.json').result;
      // This random network's attributions are pixel noise, the worst case for size: the
      // encoder coarsens the step (stepsPerScale < 765), and the mask keeps close on average.
      const options = {
        polarity: 'absolute' as const,
        colormap: 'gray' as const,
        clipPercentile: 99,
      };
      const a = renderMask(result.attributions, result.shape, options).data;
      const b = renderMask(back.attributions, back.shape, options).data;
      let total = 0;
      let max = 0;
      for (let i = 0; i < a.length; i += 4) {
        total += Math.abs(a[i] - b[i]);
        max = Math.max(max, Math.abs(a[i] - b[i]));
      }
      console.log(
        `224x224x3 gray mask: mean difference ${(total / (a.length / 4)).toFixed(2)}, max ${max}`,
      );
      expect(stepsPerScale).to.be.below(765);
      expect(total / (a.length / 4)).to.be.below(8);
      // 3 channels of half a step each, on the value and on the clip scale: 3 * step / scale.
      expect(max).to.be.at.most(Math.ceil((3 * 255) / stepsPerScale) + 1);
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
  });

  describe('bad files are result-load errors that say which', () => {
    it('unreadable: not JSON, cut short, damaged attributions', () => {
      expect(resultLoadMessage(() => decodeSavedResult('<html>', 'a.json'))).to.match(
        /a\.json cannot be read: it is not JSON/,
      );
      expect(
        resultLoadMessage(() => decodeSavedResult(text.slice(0, text.length / 2), 'b.json')),
      ).to.match(/b\.json cannot be read: it is not JSON \(or it is cut short\)/);
      const json = JSON.parse(text);
      json.attributions.data = json.attributions.data.slice(0, 400);
      expect(resultLoadMessage(() => decodeSavedResult(JSON.stringify(json), 'c.json'))).to.match(
        /c\.json cannot be read: its attributions are cut short or damaged/,
      );
    });

    it('unknown format or version', () => {
      const json = JSON.parse(text);
      expect(
        resultLoadMessage(() =>
          decodeSavedResult(JSON.stringify({ ...json, format: 'x' }), 'd.json'),
        ),
      ).to.match(/unknown format \("x"/);
      expect(
        resultLoadMessage(() =>
          decodeSavedResult(JSON.stringify({ ...json, version: 2 }), 'e.json'),
        ),
      ).to.match(/format version 2, which this ig-explainer does not read \(it reads version 1\)/);
    });

    it('made from another image or another model', () => {
      expect(
        resultLoadMessage(() => decodeSavedResult(text, 'f.json', { imageSha256: '0'.repeat(64) })),
      ).to.match(/made from another image .*star-1\.png.* than src: its content hash differs/);
      expect(
        resultLoadMessage(() =>
          decodeSavedResult(text, 'g.json', {
            modelUrls: ['https://example.com/other/model.json'],
          }),
        ),
      ).to.match(/made with another model .*shapes\/model\.json.* than model-url/);
    });

    it('made with another model than the loaded one (same URL, other content hash)', () => {
      const { sha256 } = JSON.parse(text).model;
      expect(sha256).to.match(/^[0-9a-f]{64}$/);
      const loaded = { modelUrls: [live.meta.modelUrl], modelSha256: 'f'.repeat(64) };
      expect(resultLoadMessage(() => decodeSavedResult(text, 'h.json', loaded))).to.match(
        /made with another model .*shapes\/model\.json.* than the one this element loaded: its content hash differs/,
      );
      // The same model loaded, or none known yet: read.
      const same = { modelUrls: [live.meta.modelUrl], modelSha256: sha256 };
      expect(decodeSavedResult(text, 'i.json', same).result.target).to.deep.equal(
        live.result.target,
      );
      expect(decodeSavedResult(text, 'j.json', { modelUrls: [live.meta.modelUrl] })).to.be.ok;
      // A file without a model hash (exported before the worker sent it) is not refused by it.
      const unhashed = JSON.stringify({
        ...JSON.parse(text),
        model: { url: live.meta.modelUrl, sha256: '' },
      });
      expect(decodeSavedResult(unhashed, 'k.json', loaded)).to.be.ok;
    });
  });

  it('encodes deterministically apart from the export time', () => {
    const a = encodeSavedResult(live.result, live.predictions, live.meta);
    const b = encodeSavedResult(live.result, live.predictions, live.meta);
    expect({ ...a, createdAt: '' }).to.deep.equal({ ...b, createdAt: '' });
  });
});
