// The zoo suite of one model: a real pretrained classifier published on npm (test/zoo/models.json;
// `npm run zoo` fetches them), explained through the element as a page would, and the same engine
// code run in the page with every dispatched kernel counted. One test file per model
// (test/zoo/<name>.test.ts) keeps each within the test runner's time per file.
import { expect, fixture, html } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import '../../src/index.js';
import type { IgExplainer, IgModelLoadDetail, IgResult } from '../../src/index.js';
import { integratedGradients } from '../../src/engine/integrated-gradients.js';
import { loadModel } from '../../src/engine/model-loader.js';
import { withInputRange } from '../../src/engine/preprocess.js';
import type { IgBackend } from '../../src/shared/types.js';
import { record } from '../element/helpers.js';
import {
  FILTER_GRADIENT,
  ZOO_IMAGE,
  argmax,
  pageBackend,
  plainPrediction,
  preprocessed,
  zooModels,
  zooUrl,
  type ZooModel,
} from './helpers.js';

/**
 * Steps of the element's run: every kernel of the gradient runs at any count, and no assertion
 * here depends on the integral's accuracy (the adaptive-batch test and bench:pytorch measure
 * that); 8 rather than 32 keeps the suite's minutes on a 2-core CI machine down (Inception V3's
 * 32 steps took 49 s on WASM).
 */
const STEPS = 8;

/**
 * Backends each model runs on in CI time: WASM for all (what `backend="auto"` picks without a
 * GPU); the CPU backend for the small ones; software WebGL (minutes per MobileNet gradient) for
 * the smallest only.
 */
const BACKENDS: Record<IgBackend, (model: ZooModel) => boolean> = {
  wasm: () => true,
  cpu: (model) => model.inputSize <= 64,
  webgl: (model) => model.inputSize <= 32,
};

function explainer(model: ZooModel, backend: IgBackend): Promise<IgExplainer> {
  return fixture<IgExplainer>(html`
    <ig-explainer
      loading="manual"
      src=${ZOO_IMAGE}
      model-url=${zooUrl(model)}
      backend=${backend}
      input-range=${model.inputRange}
      steps=${STEPS}
      method="trapezoid"
    ></ig-explainer>
  `);
}

/** Declares the suite of the zoo model `name` (call at the top level of a test file). */
export async function zooSuite(name: string): Promise<void> {
  const model = (await zooModels()).find((m) => m.name === name);
  if (!model) throw new Error(`test/zoo/models.json has no model "${name}"`);
  describe(`zoo: ${model.name} (${model.package}, ${model.format}, ${model.inputSize}x${model.inputSize}x${model.channels}, ${model.outputKind})`, () => {
    for (const backend of ['wasm', 'cpu', 'webgl'] as const) {
      if (!BACKENDS[backend](model)) continue;
      it(`explains on ${backend} with the model's own probabilities`, async function () {
        this.timeout(900000);
        const recorder = record();
        const el = await explainer(model, backend);
        let result: IgResult | null = null;
        let failure: unknown = null;
        try {
          result = await el.explain();
        } catch (error) {
          failure = error;
        } finally {
          recorder.stop();
        }
        if (!model.overflows && failure) throw failure;
        const load = recorder.events.find((e) => e.type === 'ig-model-load')!
          .detail as IgModelLoadDetail;
        expect(load.backend).to.equal(backend);
        expect(load.outputKind).to.equal(model.outputKind);
        expect(load.numClasses).to.equal(model.classes);
        expect(load.inputShape).to.deep.equal([
          -1,
          model.inputSize,
          model.inputSize,
          model.channels,
        ]);

        // Plain TF.js on the same preprocessed image, with the model's own output.
        await pageBackend(backend);
        const image = await preprocessed(model);
        const plain = await plainPrediction(model, image);
        image.dispose();
        const top = el.predictions![0];
        expect(top.index).to.equal(argmax(plain));
        expect(top.probability).to.be.closeTo(plain[top.index], 1e-3);
        // The Teachable Machine export's labels come from its metadata.json, and its head was
        // trained on this photograph as "cat".
        if (model.name.startsWith('teachable')) expect(top.label).to.equal('cat');

        if (model.overflows) {
          // Its predictions are still the model's own (above); no attribution can be made.
          console.log(
            `zoo ${model.name} ${backend}: not explainable as published: ${model.overflows}`,
          );
          expect(result, 'a result of NaN attributions').to.equal(null);
          expect((failure as { code?: string }).code).to.equal('model-incompatible');
          expect((failure as Error).message).to.match(/gradient of the model at .* is not finite/);
          expect(el.error?.code).to.equal('model-incompatible');
          return;
        }
        result = result!;
        expect(result.steps).to.equal(STEPS);
        expect(result.shape).to.deep.equal([model.inputSize, model.inputSize, model.channels]);
        expect(result.target.index).to.equal(top.index);
        expect(result.scoreInput).to.be.closeTo(top.probability, 1e-3);
        expect(Number.isFinite(result.delta)).to.be.true;
        const change = Math.abs(result.scoreInput - result.scoreBaseline);
        console.log(
          `zoo ${model.name} ${backend}: top-1 ${top.index} p=${top.probability.toFixed(4)} ` +
            `(plain TF.js ${plain[top.index].toFixed(4)}); ${STEPS} steps: completeness error ` +
            `${result.delta.toExponential(2)} (${((100 * result.delta) / Math.max(change, 1e-12)).toFixed(1)}% ` +
            `of f(x) - f(x') = ${change.toFixed(4)}); attribution ${result.timings.attributionMs.toFixed(0)} ms`,
        );
      });
    }

    it('dispatches no filter-gradient kernel during attribution (engine, wasm)', async function () {
      this.timeout(600000);
      await pageBackend('wasm');
      const before = tf.memory().numTensors;
      const loaded = await loadModel([zooUrl(model)], { cache: false });
      const image = await preprocessed(model);
      const baseline = tf.zerosLike(image);
      try {
        const explained = withInputRange(
          loaded.defaultHead.scores('probability'),
          model.inputRange,
        );
        const profile = await tf.profile(async () => {
          const ig = await integratedGradients(explained, image, baseline, {
            target: 0,
            steps: 2,
            method: 'trapezoid',
            output: 'logit',
            batchSize: 3,
          });
          expect(ig.attributions.length).to.equal(image.size);
          return [];
        });
        const kernels = new Map<string, number>();
        for (const { name } of profile.kernels) kernels.set(name, (kernels.get(name) ?? 0) + 1);
        const filters = [...kernels].filter(([name]) => FILTER_GRADIENT.test(name));
        expect(kernels.size).to.be.greaterThan(5);
        expect(
          filters,
          `filter-gradient kernels dispatched: ${JSON.stringify(filters)}`,
        ).to.deep.equal([]);
      } finally {
        image.dispose();
        baseline.dispose();
        loaded.dispose();
      }
      expect(tf.memory().numTensors).to.equal(before);
    });
  });
}
