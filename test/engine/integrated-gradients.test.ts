import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { integratedGradients } from '../../src/engine/integrated-gradients.js';
import type { IntegratedGradientsOptions } from '../../src/engine/integrated-gradients.js';
import { makeBaseline } from '../../src/engine/baselines.js';
import type { Classifier } from '../../src/engine/preprocess.js';
import type { IgMethod, IgProgressDetail } from '../../src/shared/types.js';
import { isIgError } from '../../src/shared/types.js';
import * as tutorial from './tutorial-port.js';
import { convModel, linearModel, testImage } from './test-models.js';

const METHODS: IgMethod[] = [
  'trapezoid',
  'riemann-left',
  'riemann-right',
  'riemann-middle',
  'gausslegendre',
];

function options(overrides: Partial<IntegratedGradientsOptions>): IntegratedGradientsOptions {
  return {
    target: 0,
    steps: 16,
    method: 'trapezoid',
    output: 'probability',
    batchSize: 32,
    ...overrides,
  };
}

/** max |actual - expected| / max |expected|. */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).to.equal(expected.length);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return worst / scale;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** The 16x16 conv model, a test image and a black baseline, disposed after `use`. */
async function withConvModel(
  use: (setup: {
    model: ReturnType<typeof convModel>;
    image: tf.Tensor3D;
    baseline: tf.Tensor3D;
  }) => Promise<void>,
): Promise<void> {
  const model = convModel(16, 5, 3);
  const image = testImage(16, 16, 5);
  const baseline = makeBaseline('black', image, 0);
  try {
    await use({ model, image, baseline });
  } finally {
    image.dispose();
    baseline.dispose();
    model.dispose();
  }
}

for (const backend of ['cpu', 'webgl']) {
  describe(`integratedGradients on ${backend}`, () => {
    before(async () => {
      expect(await tf.setBackend(backend)).to.equal(true);
      await tf.ready();
    });

    it("gives (x - x') * w[:, target] for a linear-logit model, for every rule and black and white baselines", async () => {
      const [h, w, classes, target] = [6, 5, 4, 2];
      const model = linearModel(h * w * 3, classes, 7);
      const image = testImage(h, w, 11);
      const weights = await model.w.data();
      const pixels = await image.data();
      try {
        for (const kind of ['black', 'white'] as const) {
          const baseline = makeBaseline(kind, image, 0);
          const base = await baseline.data();
          const expected = Array.from(
            pixels,
            (x, i) => (x - base[i]) * weights[i * classes + target],
          );
          const logit = (values: ArrayLike<number>) =>
            Array.from(values).reduce((s, x, i) => s + x * weights[i * classes + target], 0);
          try {
            for (const method of METHODS) {
              const result = await integratedGradients(model.classifier, image, baseline, {
                target,
                steps: 5,
                method,
                output: 'logit',
                batchSize: 4,
              });
              for (let i = 0; i < expected.length; i++) {
                expect(
                  Math.abs(result.attributions[i] - expected[i]),
                  `${kind} ${method} pixel ${i}`,
                ).to.be.at.most(1e-5 * Math.abs(expected[i]) + 1e-12);
              }
              expect(result.shape).to.deep.equal([h, w, 3]);
              expect(result.scoreInput).to.be.closeTo(logit(pixels), 1e-4);
              expect(result.scoreBaseline).to.be.closeTo(logit(base), 1e-4);
              expect(result.delta, `${kind} ${method} delta`).to.be.below(1e-4);
            }
          } finally {
            baseline.dispose();
          }
        }
      } finally {
        image.dispose();
        model.dispose();
      }
    });

    it('with trapezoid equals the TensorFlow tutorial ported literally', async () => {
      await withConvModel(async ({ model, image, baseline }) => {
        const target = 1;
        const ported = tutorial.integratedGradients(
          model.classifier,
          baseline,
          image,
          target,
          50,
          32,
        );
        const reference = await ported.data();
        ported.dispose();
        const result = await integratedGradients(
          model.classifier,
          image,
          baseline,
          options({ target, steps: 50, batchSize: 32 }),
        );
        expect(relativeError(result.attributions, reference)).to.be.below(1e-5);
        const linspace = tf.linspace(0, 1, 51);
        expect(result.path.alphas).to.deep.equal(Array.from(linspace.dataSync()));
        linspace.dispose();
        // The tutorial's score is the softmax probability at the image.
        const probability = tf.tidy(() =>
          tf.softmax(model.classifier(image.expandDims(0) as tf.Tensor4D)).dataSync(),
        );
        expect(result.scoreInput).to.be.closeTo(probability[target], 1e-6);
      });
    });

    async function completenessErrors(
      kind: 'relu' | 'smooth',
      target: number,
    ): Promise<Record<number, number>> {
      const model = convModel(16, 5, 3, kind);
      const image = testImage(16, 16, 5);
      const baseline = makeBaseline('black', image, 0);
      try {
        const errors: Record<number, number> = {};
        for (const steps of [4, 16, 64, 256]) {
          const result = await integratedGradients(
            model.classifier,
            image,
            baseline,
            options({ target, steps, batchSize: 128 }),
          );
          errors[steps] = result.delta / Math.abs(result.scoreInput - result.scoreBaseline);
        }
        console.log(
          `${backend} ${kind}: relative completeness error by steps`,
          JSON.stringify(errors),
        );
        return errors;
      } finally {
        image.dispose();
        baseline.dispose();
        model.dispose();
      }
    }

    it('has a relative completeness error that falls about 16x per 4x steps on a smooth conv model, below 1% from 16 steps on', async () => {
      // Measured: 1.8e-2, 1.1e-3, 7.0e-5, 4.5e-6 on both backends (trapezoid is O(1/steps^2)).
      const errors = await completenessErrors('smooth', 3);
      expect(errors[4]).to.be.above(0.01);
      expect(errors[16]).to.be.below(0.01);
      expect(errors[64]).to.be.below(0.01);
      expect(errors[256]).to.be.below(0.01);
      expect(errors[4] / errors[16]).to.be.above(8);
      expect(errors[16] / errors[64]).to.be.above(8);
      expect(errors[64] / errors[256]).to.be.above(8);
    });

    it('has a relative completeness error that falls on a relu/max-pool conv model, below 1% from 64 steps on', async () => {
      // Kinks on the path make the fall uneven. Measured (cpu / webgl, whose max-pool gradients
      // break ties at the black baseline differently): 4: 8% / 17%, 16: 2.9% / 0.7%,
      // 64: 0.20% / 0.35%, 256: 0.17% / 0.31%.
      const errors = await completenessErrors('relu', 1);
      expect(errors[4]).to.be.above(0.01);
      expect(errors[64]).to.be.below(errors[4]);
      expect(errors[64]).to.be.below(0.01);
      expect(errors[256]).to.be.below(0.01);
    });

    it('gives the same attributions for batch sizes 1, 7 and 64', async () => {
      const model = convModel(16, 5, 3);
      const image = testImage(16, 16, 5);
      const baseline = makeBaseline('random', image, 9);
      try {
        const results = [];
        for (const batchSize of [1, 7, 64]) {
          results.push(
            await integratedGradients(
              model.classifier,
              image,
              baseline,
              options({ target: 3, steps: 20, method: 'gausslegendre', batchSize }),
            ),
          );
        }
        expect(relativeError(results[1].attributions, results[0].attributions)).to.be.below(1e-5);
        expect(relativeError(results[2].attributions, results[0].attributions)).to.be.below(1e-5);
        expect(relativeError(results[2].path.scores, results[0].path.scores)).to.be.below(1e-5);
      } finally {
        image.dispose();
        baseline.dispose();
        model.dispose();
      }
    });

    it('reports the path, ends and progress the tutorial plots', async () => {
      const model = convModel(16, 5, 3);
      const image = testImage(16, 16, 5);
      const baseline = makeBaseline('white', image, 0);
      const progress: IgProgressDetail[] = [];
      try {
        const result = await integratedGradients(
          model.classifier,
          image,
          baseline,
          options({
            target: 4,
            steps: 10,
            method: 'gausslegendre',
            output: 'logit',
            batchSize: 4,
            onProgress: (p) => progress.push(p),
          }),
        );
        expect(progress.map((p) => p.stepsDone)).to.deep.equal([4, 8, 10]);
        expect(progress.every((p) => p.stepsTotal === 10)).to.equal(true);
        expect(progress[2].fraction).to.equal(1);
        expect(result.path.alphas).to.have.length(10);
        expect(result.path.scores).to.have.length(10);
        expect(result.path.gradientNorms.every((g) => g > 0)).to.equal(true);
        const ends = tf.tidy(() =>
          model.classifier(tf.stack([baseline, image]) as tf.Tensor4D).dataSync(),
        );
        expect(result.scoreBaseline).to.be.closeTo(ends[4], 1e-4);
        expect(result.scoreInput).to.be.closeTo(ends[5 + 4], 1e-4);
        const sum = result.attributions.reduce((s, a) => s + a, 0);
        expect(result.sum).to.be.closeTo(sum, 1e-4);
        expect(result.delta).to.be.closeTo(
          Math.abs(result.sum - (result.scoreInput - result.scoreBaseline)),
          1e-9,
        );
      } finally {
        image.dispose();
        baseline.dispose();
        model.dispose();
      }
    });

    /** The classifier, counting the images it is called with. */
    function counted(classifier: Classifier): { classifier: Classifier; images: () => number } {
      let images = 0;
      return {
        classifier: (batch) => {
          images += batch.shape[0];
          return classifier(batch);
        },
        images: () => images,
      };
    }

    it('stops at a coarser level once the completeness error is within tolerance', async () => {
      const model = convModel(16, 5, 3, 'smooth');
      const image = testImage(16, 16, 5);
      const baseline = makeBaseline('black', image, 0);
      try {
        const full = await integratedGradients(
          model.classifier,
          image,
          baseline,
          options({ target: 3, steps: 64, batchSize: 1 }),
        );
        const tolerance = 0.01;
        const calls = counted(model.classifier);
        const result = await integratedGradients(
          calls.classifier,
          image,
          baseline,
          options({ target: 3, steps: 64, batchSize: 1, tolerance }),
        );
        // Smooth model: 4 segments miss 1% (1.8%), 16 reach it (0.1%); the 8-segment level is
        // the first a tolerance may stop at.
        expect(result.steps).to.be.oneOf([8, 16]);
        const relative = result.delta / Math.abs(result.scoreInput - result.scoreBaseline);
        expect(relative).to.be.at.most(tolerance);
        expect(result.path.alphas).to.have.length(result.steps + 1);
        // Only the points of the levels up to the one used: steps + 1 images, nothing twice.
        expect(calls.images()).to.equal(result.steps + 1);
        expect(result.scoreInput).to.be.closeTo(full.scoreInput, 1e-6);
        expect(result.scoreBaseline).to.be.closeTo(full.scoreBaseline, 1e-6);
        // An unreachable tolerance runs every step and gives the plain result.
        const strict = await integratedGradients(
          model.classifier,
          image,
          baseline,
          options({ target: 3, steps: 64, batchSize: 5, tolerance: 1e-12 }),
        );
        expect(strict.steps).to.equal(64);
        expect(relativeError(strict.attributions, full.attributions)).to.be.below(1e-5);
      } finally {
        image.dispose();
        baseline.dispose();
        model.dispose();
      }
    });

    it('reports coarse maps that are the coarser rules, reusing their points in the full run', async () => {
      await withConvModel(async ({ model, image, baseline }) => {
        const partials: NonNullable<IgProgressDetail['partial']>[] = [];
        const calls = counted(model.classifier);
        const result = await integratedGradients(
          calls.classifier,
          image,
          baseline,
          options({
            target: 1,
            steps: 50,
            batchSize: 2,
            partials: true,
            onProgress: (p) => p.partial && partials.push(p.partial),
          }),
        );
        // Levels of 1, 2 and 10 segments, then the full 50: 51 images in all, as in plain order.
        expect(partials.map((p) => p.steps)).to.deep.equal([1, 2, 10]);
        expect(calls.images()).to.equal(51);
        expect(result.steps).to.equal(50);
        const ten = await integratedGradients(
          model.classifier,
          image,
          baseline,
          options({ target: 1, steps: 10 }),
        );
        expect(relativeError(partials[2].attributions, ten.attributions)).to.be.below(1e-5);
        expect(partials[2].delta).to.be.closeTo(ten.delta, 1e-6);
        expect(partials[2].shape).to.deep.equal([16, 16, 3]);
      });
    });

    it('shows the first coarse map early even when the whole path fits one batch', async () => {
      await withConvModel(async ({ model, image, baseline }) => {
        const reports: IgProgressDetail[] = [];
        const calls = counted(model.classifier);
        const result = await integratedGradients(
          calls.classifier,
          image,
          baseline,
          options({
            target: 1,
            steps: 50,
            batchSize: 64,
            partials: true,
            onProgress: (p) => reports.push(p),
          }),
        );
        // Batches cut at the levels of 1, 2 and 10 segments (2, 3 and 11 points, within the
        // first quarter of 51), then the rest in one: still 51 images.
        expect(reports.map((p) => p.stepsDone)).to.deep.equal([2, 3, 11, 51]);
        expect(reports[0].partial?.steps).to.equal(1);
        expect(calls.images()).to.equal(51);
        expect(result.steps).to.equal(50);
      });
    });

    it('skips the forward pass at the image when its score is given', async () => {
      await withConvModel(async ({ model, image, baseline }) => {
        const plain = await integratedGradients(
          model.classifier,
          image,
          baseline,
          options({ target: 2, steps: 6, method: 'gausslegendre' }),
        );
        const calls = counted(model.classifier);
        const given = await integratedGradients(
          calls.classifier,
          image,
          baseline,
          options({
            target: 2,
            steps: 6,
            method: 'gausslegendre',
            scoreInput: plain.scoreInput,
          }),
        );
        // The 6 nodes and the baseline; the image's score came with the prediction.
        expect(calls.images()).to.equal(7);
        expect(given.delta).to.be.closeTo(plain.delta, 1e-6);
      });
    });

    it('leaks no tensor after a run, an aborted run or a failed run', async () => {
      await withConvModel(async ({ model, image, baseline }) => {
        const before = tf.memory().numTensors;
        await integratedGradients(
          model.classifier,
          image,
          baseline,
          options({ steps: 8, batchSize: 3 }),
        );
        expect(tf.memory().numTensors).to.equal(before);

        const controller = new AbortController();
        let batches = 0;
        const aborted = await rejection(
          integratedGradients(
            model.classifier,
            image,
            baseline,
            options({
              steps: 40,
              batchSize: 4,
              signal: controller.signal,
              onProgress: () => {
                batches += 1;
                if (batches === 3) controller.abort();
              },
            }),
          ),
        );
        expect(isIgError(aborted) && aborted.code).to.equal('aborted');
        expect(batches).to.equal(3);
        expect(tf.memory().numTensors).to.equal(before);

        const failed = await rejection(
          integratedGradients(model.classifier, image, baseline, options({ target: 5 })),
        );
        expect(isIgError(failed) && failed.code).to.equal('target-unknown');
        expect(tf.memory().numTensors).to.equal(before);

        const already = new AbortController();
        already.abort();
        const early = await rejection(
          integratedGradients(
            model.classifier,
            image,
            baseline,
            options({ signal: already.signal }),
          ),
        );
        expect(isIgError(early) && early.code).to.equal('aborted');
        expect(tf.memory().numTensors).to.equal(before);
      });
    });

    it('lets an abort posted from another task land between batches', async () => {
      const model = convModel(16, 5, 3);
      const image = testImage(16, 16, 5);
      const baseline = makeBaseline('black', image, 0);
      const before = tf.memory().numTensors;
      try {
        const controller = new AbortController();
        let stepsDone = 0;
        const running = integratedGradients(
          model.classifier,
          image,
          baseline,
          options({
            steps: 400,
            batchSize: 1,
            signal: controller.signal,
            onProgress: (p) => (stepsDone = p.stepsDone),
          }),
        );
        setTimeout(() => controller.abort(), 0);
        const error = await rejection(running);
        expect(isIgError(error) && error.code).to.equal('aborted');
        // Measured: after the first point on both backends.
        expect(stepsDone).to.be.below(10);
        expect(tf.memory().numTensors).to.equal(before);
      } finally {
        image.dispose();
        baseline.dispose();
        model.dispose();
      }
    });

    it('reports a model with an op that has no gradient as model-incompatible, leaking nothing', async () => {
      const image = testImage(4, 4, 1);
      const baseline = makeBaseline('black', image, 0);
      const before = tf.memory().numTensors;
      try {
        // TopK has no gradient in TF.js.
        const noGradient = (batch: tf.Tensor4D) =>
          tf.topk(tf.reshape(batch, [batch.shape[0], -1]), 3).values as tf.Tensor2D;
        const failed = await rejection(
          integratedGradients(noGradient, image, baseline, options({ steps: 2 })),
        );
        expect(isIgError(failed) && failed.code).to.equal('model-incompatible');
        expect((failed as Error).message).to.contain('TopK');
        expect(tf.memory().numTensors).to.equal(before);
        // A classifier that fails after some ops: the error comes through, nothing leaks.
        const broken = (batch: tf.Tensor4D): tf.Tensor2D => {
          tf.relu(tf.mul(batch, 2));
          throw new Error('weights missing');
        };
        const brokenError = await rejection(
          integratedGradients(broken, image, baseline, options({})),
        );
        expect((brokenError as Error).message).to.equal('weights missing');
        expect(tf.memory().numTensors).to.equal(before);
      } finally {
        image.dispose();
        baseline.dispose();
      }
    });

    it('rejects a model that returns no [N, classes] logits as model-incompatible', async () => {
      const image = testImage(4, 4, 1);
      const baseline = makeBaseline('black', image, 0);
      const before = tf.memory().numTensors;
      try {
        const flat = (batch: tf.Tensor4D) => tf.reshape(batch, [-1]) as unknown as tf.Tensor2D;
        const failed = await rejection(integratedGradients(flat, image, baseline, options({})));
        expect(isIgError(failed) && failed.code).to.equal('model-incompatible');
        expect(tf.memory().numTensors).to.equal(before);
      } finally {
        image.dispose();
        baseline.dispose();
      }
    });
  });
}

describe('integratedGradients on wasm', () => {
  // The worker may run on WASM, which has no gradient for gather: the engine must not need one.
  it('gives the cpu result for every rule and leaks nothing', async () => {
    const results: Record<string, Float32Array> = {};
    for (const backend of ['cpu', 'wasm']) {
      if (backend === 'wasm') setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
      expect(await tf.setBackend(backend)).to.equal(true);
      const model = convModel(16, 5, 3, 'smooth');
      const image = testImage(16, 16, 5);
      const baseline = makeBaseline('blur', image, 0);
      const before = tf.memory().numTensors;
      try {
        for (const method of METHODS) {
          const result = await integratedGradients(
            model.classifier,
            image,
            baseline,
            options({ target: 3, steps: 8, method, batchSize: 4 }),
          );
          results[`${backend} ${method}`] = result.attributions;
        }
        expect(tf.memory().numTensors).to.equal(before);
      } finally {
        image.dispose();
        baseline.dispose();
        model.dispose();
      }
    }
    for (const method of METHODS) {
      expect(
        relativeError(results[`wasm ${method}`], results[`cpu ${method}`]),
        method,
      ).to.be.below(1e-4);
    }
  });
});
