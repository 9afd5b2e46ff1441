import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { adaptiveIntegratedGradients, adaptiveSchedule } from '../../src/engine/adaptive-rule.js';
import { makeBaseline } from '../../src/engine/baselines.js';
import {
  integratedGradients,
  type IntegratedGradientsOptions,
} from '../../src/engine/integrated-gradients.js';
import type { Classifier } from '../../src/engine/preprocess.js';
import type { IgProgressDetail } from '../../src/shared/types.js';
import { isIgError } from '../../src/shared/types.js';
import { convModel, linearModel, testImage } from './test-models.js';

const SIZE = 8;
const PIXELS = SIZE * SIZE * 3;

function options(overrides: Partial<IntegratedGradientsOptions>): IntegratedGradientsOptions {
  return {
    target: 0,
    steps: 16,
    method: 'adaptive',
    output: 'probability',
    batchSize: 16,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/**
 * Two classes with logits [z, 0], z = steepness * (w . x / (w . image) - center): the explained
 * probability sigmoid(z) stays near 0 along the path, then rises within a few hundredths of
 * alpha around `center`, and saturates: the score of a confident classifier.
 */
async function saturatingModel(
  image: tf.Tensor3D,
  steepness: number,
  center: number,
): Promise<{ classifier: Classifier; dispose(): void }> {
  const w = tf.randomUniform([PIXELS, 1], 0.5, 1.5, 'float32', 4) as tf.Tensor2D;
  const full = tf.tidy(() => tf.sum(tf.mul(image.reshape([PIXELS, 1]), w)));
  const scale = (await full.data())[0];
  full.dispose();
  return {
    classifier: (batch) => {
      const projected = tf.matMul(tf.reshape(batch, [batch.shape[0], -1]), w);
      const z = tf.mul(steepness / scale, tf.sub(projected, center * scale));
      return tf.concat([z, tf.zerosLike(z)], 1) as tf.Tensor2D;
    },
    dispose: () => w.dispose(),
  };
}

function relativeDelta(result: { delta: number; scoreInput: number; scoreBaseline: number }) {
  return result.delta / Math.abs(result.scoreInput - result.scoreBaseline);
}

describe('adaptiveSchedule', () => {
  it('has weights that sum to 1 and increasing nodes inside (0, 1), crowded where the score rises', () => {
    const alphas = Array.from({ length: 9 }, (_, j) => j / 8);
    const scores = alphas.map((a) => 1 / (1 + Math.exp(-40 * (a - 0.5))));
    const { rule, plan } = adaptiveSchedule(alphas, scores, 12);
    expect(rule.alphas).to.have.length(12);
    expect(rule.weights.reduce((s, w) => s + w, 0)).to.be.closeTo(1, 1e-12);
    rule.alphas.forEach((a, k) => {
      expect(a).to.be.within(0, 1);
      if (k > 0) expect(a).to.be.above(rule.alphas[k - 1]);
    });
    const middle = rule.alphas.filter((a) => a > 0.4 && a < 0.6).length;
    // A uniform rule would put 12 * 0.2, about 2, there.
    expect(middle).to.be.at.least(6);
    expect(plan.levels).to.deep.equal([{ points: 12, scale: 1, steps: 12 }]);
  });

  it('is the uniform midpoint rule on a straight score', () => {
    const alphas = [0, 0.25, 0.5, 0.75, 1];
    const { rule } = adaptiveSchedule(
      alphas,
      alphas.map((a) => 2 * a + 1),
      4,
    );
    rule.alphas.forEach((a, k) => expect(a).to.be.closeTo((k + 0.5) / 4, 1e-3));
    rule.weights.forEach((w) => expect(w).to.be.closeTo(0.25, 1e-9));
  });
});

describe('adaptiveIntegratedGradients on cpu', () => {
  before(async () => {
    expect(await tf.setBackend('cpu')).to.equal(true);
    await tf.ready();
  });

  it("gives (x - x') * w[:, target] exactly on a linear-logit model", async () => {
    const model = linearModel(PIXELS, 4, 7);
    const image = testImage(SIZE, SIZE, 5);
    const baseline = makeBaseline('white', image, 0);
    try {
      const result = await adaptiveIntegratedGradients(
        model.classifier,
        image,
        baseline,
        options({ target: 2, output: 'logit', steps: 6 }),
      );
      const expected = tf.tidy(() =>
        tf.mul(
          tf.sub(image, baseline),
          tf.reshape(tf.slice(model.w, [0, 2], [-1, 1]), image.shape),
        ),
      );
      const want = await expected.data();
      expected.dispose();
      let worst = 0;
      let scale = 0;
      want.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(result.attributions[i] - v));
        scale = Math.max(scale, Math.abs(v));
      });
      expect(worst / scale).to.be.below(1e-5);
      expect(relativeDelta(result)).to.be.below(1e-5);
      expect(result.method).to.equal('adaptive');
      expect(result.evaluations).to.equal(6);
      expect(result.path.alphas).to.have.length(6);
      // 9 probes (the image's score unknown) and the two ends of the midpoint rule.
      expect(result.probes).to.equal(11);
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
  });

  it('reaches 1% completeness error on a saturating score with at most half the evaluations of the uniform trapezoid, probes included', async () => {
    const image = testImage(SIZE, SIZE, 3);
    const baseline = makeBaseline('black', image, 0);
    const model = await saturatingModel(image, 400, 0.6);
    const tolerance = 0.01;
    try {
      const adaptive = await adaptiveIntegratedGradients(
        model.classifier,
        image,
        baseline,
        options({ steps: 256, tolerance }),
      );
      expect(relativeDelta(adaptive)).to.be.at.most(tolerance);
      const adaptiveCost = adaptive.evaluations + adaptive.probes;

      // The uniform trapezoid with the same tolerance and its own nested levels...
      const stopped = await integratedGradients(
        model.classifier,
        image,
        baseline,
        options({ method: 'trapezoid', steps: 256, tolerance }),
      );
      expect(relativeDelta(stopped)).to.be.at.most(tolerance);
      const stoppedCost = stopped.path.alphas.length;
      // ...and at the smallest step count from which every count up to 8 more is within it
      // (the error of a uniform rule on a steep step oscillates with the step count).
      const within = async (steps: number) =>
        relativeDelta(
          await integratedGradients(
            model.classifier,
            image,
            baseline,
            options({ method: 'trapezoid', steps, batchSize: 64 }),
          ),
        ) <= tolerance;
      let uniformSteps = 0;
      for (let steps = 2, run = 0; steps <= 400 && run < 9; steps++) {
        run = (await within(steps)) ? run + 1 : 0;
        if (run === 1) uniformSteps = steps;
      }
      expect(uniformSteps).to.be.above(0);
      expect(adaptiveCost).to.be.at.most((uniformSteps + 1) / 2);
      expect(adaptiveCost).to.be.at.most(stoppedCost / 2);
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
  });

  it('reports progress over every level and a coarse map for each level it refines', async () => {
    const image = testImage(SIZE, SIZE, 3);
    const baseline = makeBaseline('black', image, 0);
    // Shallow enough that 8 points miss 0.01% and more levels run.
    const model = await saturatingModel(image, 30, 0.3);
    const reports: IgProgressDetail[] = [];
    try {
      const result = await adaptiveIntegratedGradients(
        model.classifier,
        image,
        baseline,
        options({
          steps: 64,
          tolerance: 1e-4,
          partials: true,
          batchSize: 4,
          onProgress: (p) => reports.push(p),
        }),
      );
      const done = reports.map((r) => r.stepsDone);
      done.slice(1).forEach((d, k) => expect(d).to.be.at.least(done[k]));
      expect(done[done.length - 1]).to.equal(result.evaluations);
      reports.forEach((r) => expect(r.stepsTotal).to.equal(8 + 16 + 32 + 64));
      const partials = reports.filter((r) => r.partial);
      expect(partials.length).to.be.at.least(1);
      expect(partials[0].partial!.steps).to.equal(8);
      expect(partials[0].partial!.attributions).to.have.length(PIXELS);
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
  });

  it('leaks no tensor after a run, an aborted run or a failed run', async () => {
    const model = convModel(16, 5, 3);
    const image = testImage(16, 16, 5);
    const baseline = makeBaseline('black', image, 0);
    try {
      const before = tf.memory().numTensors;
      await adaptiveIntegratedGradients(model.classifier, image, baseline, options({ steps: 8 }));
      expect(tf.memory().numTensors).to.equal(before);

      const controller = new AbortController();
      let batches = 0;
      const aborted = await rejection(
        adaptiveIntegratedGradients(
          model.classifier,
          image,
          baseline,
          options({
            steps: 40,
            batchSize: 4,
            signal: controller.signal,
            onProgress: () => {
              batches += 1;
              if (batches === 2) controller.abort();
            },
          }),
        ),
      );
      expect(isIgError(aborted) && aborted.code).to.equal('aborted');
      expect(batches).to.equal(2);
      expect(tf.memory().numTensors).to.equal(before);

      const failed = await rejection(
        adaptiveIntegratedGradients(model.classifier, image, baseline, options({ target: 5 })),
      );
      expect(isIgError(failed) && failed.code).to.equal('target-unknown');
      expect(tf.memory().numTensors).to.equal(before);

      const already = new AbortController();
      already.abort();
      const early = await rejection(
        adaptiveIntegratedGradients(
          model.classifier,
          image,
          baseline,
          options({ signal: already.signal }),
        ),
      );
      expect(isIgError(early) && early.code).to.equal('aborted');
      expect(tf.memory().numTensors).to.equal(before);
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
  });
});
