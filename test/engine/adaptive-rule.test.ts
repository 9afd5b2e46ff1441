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
  it('has weights that sum to 1 and increasing nodes from 0 to 1, crowded where the score rises, nested as the trapezoid', () => {
    const alphas = Array.from({ length: 9 }, (_, j) => j / 8);
    const scores = alphas.map((a) => 1 / (1 + Math.exp(-40 * (a - 0.5))));
    const { rule, plan } = adaptiveSchedule(alphas, scores, 12);
    expect(rule.alphas).to.have.length(13);
    expect(rule.alphas[0]).to.equal(0);
    expect(rule.alphas[12]).to.equal(1);
    expect(rule.weights.reduce((s, w) => s + w, 0)).to.be.closeTo(1, 1e-12);
    rule.alphas.forEach((a, k) => {
      expect(a).to.be.within(0, 1);
      if (k > 0) expect(a).to.be.above(rule.alphas[k - 1]);
    });
    const middle = rule.alphas.filter((a) => a > 0.4 && a < 0.6).length;
    // A uniform rule would put 13 * 0.2, about 2.6, there.
    expect(middle).to.be.at.least(6);
    expect(plan.levels).to.deep.equal([{ points: 13, scale: 1, steps: 12 }]);
  });

  it('nests its levels as the trapezoid: every level is a rule on every other node of the next, its weights summing to 1', () => {
    const alphas = Array.from({ length: 9 }, (_, j) => j / 8);
    const scores = alphas.map((a) => 1 / (1 + Math.exp(-40 * (a - 0.3))));
    const { rule, plan } = adaptiveSchedule(alphas, scores, 64, { partials: true });
    expect(plan.levels.map((l) => [l.points, l.scale, l.steps])).to.deep.equal([
      [9, 8, 8],
      [17, 4, 16],
      [33, 2, 32],
      [65, 1, 64],
    ]);
    expect(new Set(plan.order).size).to.equal(65);
    for (const level of plan.levels) {
      const used = plan.order.slice(0, level.points).sort((a, b) => a - b);
      const total = used.reduce((s, k) => s + level.scale * rule.weights[k], 0);
      expect(total).to.be.closeTo(1, 1e-12);
      // Each weight is the trapezoid's on the level's own nodes.
      used.forEach((k, j) => {
        const left = rule.alphas[used[Math.max(0, j - 1)]];
        const right = rule.alphas[used[Math.min(used.length - 1, j + 1)]];
        expect(level.scale * rule.weights[k]).to.be.closeTo((right - left) / 2, 1e-12);
      });
    }
    // The coarse grid crowds where the score rises.
    const coarse = plan.order.slice(0, 9).map((k) => rule.alphas[k]);
    expect(coarse.filter((a) => a > 0.2 && a < 0.4).length).to.be.at.least(4);
  });

  it('is the uniform trapezoid on a straight score', () => {
    const alphas = [0, 0.25, 0.5, 0.75, 1];
    const { rule } = adaptiveSchedule(
      alphas,
      alphas.map((a) => 2 * a + 1),
      4,
    );
    rule.alphas.forEach((a, k) => expect(a).to.be.closeTo(k / 4, 1e-9));
    [1 / 8, 1 / 4, 1 / 4, 1 / 4, 1 / 8].forEach((w, k) =>
      expect(rule.weights[k]).to.be.closeTo(w, 1e-9),
    );
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
      // The trapezoid in u: 6 segments, 7 gradients, both ends among them.
      expect(result.evaluations).to.equal(7);
      expect(result.path.alphas).to.have.length(7);
      // 5 probes (0, 1/4, ..., 1: the image's score unknown); a straight score splits none.
      expect(result.probes).to.equal(5);
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
      // One nested rule: the 65 points of 64 segments, coarse levels first.
      reports.forEach((r) => expect(r.stepsTotal).to.equal(65));
      expect(result.evaluations).to.equal(result.steps + 1);
      const partials = reports.filter((r) => r.partial).map((r) => r.partial!);
      expect(partials.length).to.be.at.least(2);
      // With partial maps the coarse grid has at most steps / 4 segments: two levels below 64.
      expect(partials[0].steps).to.be.at.most(16);
      partials.forEach((p, k) => {
        expect([8, 16, 32]).to.include(p.steps);
        if (k > 0) expect(p.steps).to.be.above(partials[k - 1].steps);
        expect(p.attributions).to.have.length(PIXELS);
      });
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
