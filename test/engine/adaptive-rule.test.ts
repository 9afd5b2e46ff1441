import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import {
  ADAPTIVE_MEMORY_BUDGET,
  adaptiveIntegratedGradients,
} from '../../src/engine/adaptive-rule.js';
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

/**
 * Logits [z, 0] with z = t^4 - 2 t^3, t = w . x / (w . image): along the straight path from black,
 * the explained logit is alpha^4 - 2 alpha^3. The uniform trapezoid's cell errors on it cancel
 * exactly (the completeness error is 0 on 4 segments) while their |errors| add up to 1/32 of the
 * score's change on 4 segments and 1/128 on 8: a grid that agrees with completeness by luck.
 */
async function cancellingModel(
  image: tf.Tensor3D,
): Promise<{ classifier: Classifier; dispose(): void }> {
  const w = tf.randomUniform([PIXELS, 1], 0.5, 1.5, 'float32', 9) as tf.Tensor2D;
  const full = tf.tidy(() => tf.sum(tf.mul(image.reshape([PIXELS, 1]), w)));
  const scale = (await full.data())[0];
  full.dispose();
  return {
    classifier: (batch) => {
      const t = tf.div(tf.matMul(tf.reshape(batch, [batch.shape[0], -1]), w), scale);
      const z = tf.sub(tf.pow(t, 4), tf.mul(2, tf.pow(t, 3)));
      return tf.concat([z, tf.zerosLike(z)], 1) as tf.Tensor2D;
    },
    dispose: () => w.dispose(),
  };
}

function relativeDelta(result: { delta: number; scoreInput: number; scoreBaseline: number }) {
  return result.delta / Math.abs(result.scoreInput - result.scoreBaseline);
}

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
      // No forward-only probes: each gradient evaluation's forward pass gives the score.
      expect(result.probes).to.equal(0);
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
  });

  it('halves the cells where the trapezoid is wrong: its nodes crowd where a saturating score rises', async () => {
    const image = testImage(SIZE, SIZE, 3);
    const baseline = makeBaseline('black', image, 0);
    const model = await saturatingModel(image, 100, 0.5);
    try {
      const result = await adaptiveIntegratedGradients(
        model.classifier,
        image,
        baseline,
        options({ steps: 24, batchSize: 4 }),
      );
      const { alphas } = result.path;
      expect(result.evaluations).to.equal(25);
      expect(alphas[0]).to.equal(0);
      expect(alphas[24]).to.equal(1);
      alphas.slice(1).forEach((a, k) => expect(a).to.be.above(alphas[k]));
      // A uniform grid puts 25 * 0.2 = 5 nodes there.
      expect(alphas.filter((a) => a > 0.4 && a < 0.6).length).to.be.at.least(10);
      // ...and the trapezoid on them is nearer completeness than the uniform one.
      const uniform = await integratedGradients(
        model.classifier,
        image,
        baseline,
        options({ method: 'trapezoid', steps: 24 }),
      );
      expect(relativeDelta(result)).to.be.below(relativeDelta(uniform) / 4);
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
  });

  it('is the uniform trapezoid where every cell is exact (a linear logit), widest cells halved first', async () => {
    const model = linearModel(PIXELS, 3, 11);
    const image = testImage(SIZE, SIZE, 2);
    const baseline = makeBaseline('black', image, 0);
    try {
      const common = { target: 1, output: 'logit', steps: 16 } as const;
      const adaptive = await adaptiveIntegratedGradients(
        model.classifier,
        image,
        baseline,
        options({ ...common, batchSize: 4 }),
      );
      const uniform = await integratedGradients(
        model.classifier,
        image,
        baseline,
        options({ ...common, method: 'trapezoid' }),
      );
      adaptive.path.alphas.forEach((a, k) => expect(a).to.be.closeTo(k / 16, 1e-12));
      adaptive.attributions.forEach((v, i) =>
        expect(v).to.be.closeTo(uniform.attributions[i], 1e-5 * Math.max(1, Math.abs(v))),
      );
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
  });

  it("keeps the path view's trace at the final weights: on a linear logit, each snapshot is the result times the weight up to it", async () => {
    const model = linearModel(PIXELS, 3, 5);
    const image = testImage(SIZE, SIZE, 6);
    const baseline = makeBaseline('black', image, 0);
    try {
      const result = await adaptiveIntegratedGradients(
        model.classifier,
        image,
        baseline,
        options({ target: 2, output: 'logit', steps: 12, batchSize: 3, trace: true }),
      );
      const trace = result.pathTrace!;
      const { alphas } = result.path;
      expect(trace.points).to.deep.equal(alphas.map((_, k) => k));
      expect(Array.from(trace.attributions.at(-1)!)).to.deep.equal(Array.from(result.attributions));
      // A constant gradient: the attribution up to node i is the whole one times the trapezoid
      // weights up to it, (alpha_i + alpha_{i+1}) / 2.
      trace.points.forEach((point, s) => {
        const share = point === alphas.length - 1 ? 1 : (alphas[point] + alphas[point + 1]) / 2;
        trace.attributions[s].forEach((v, i) =>
          expect(v).to.be.closeTo(share * result.attributions[i], 1e-5),
        );
      });
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
  });

  it('refuses, with out-of-memory and the steps that fit, a steps whose kept gradients exceed its budget', async () => {
    // 160 x 160 x 3 floats a gradient: about 3500 of them fit in the budget, under MAX_STEPS.
    const model = convModel(160, 3, 2);
    const image = testImage(160, 160, 1);
    const baseline = makeBaseline('black', image, 0);
    try {
      const perNode = 4 * image.size;
      const steps = Math.ceil(ADAPTIVE_MEMORY_BUDGET / perNode) + 10;
      const failed = await rejection(
        adaptiveIntegratedGradients(model.classifier, image, baseline, options({ steps })),
      );
      expect(isIgError(failed) && failed.code).to.equal('out-of-memory');
      expect(String((failed as Error).message)).to.contain(
        `set steps to ${Math.floor(ADAPTIVE_MEMORY_BUDGET / perNode) - 1} or less`,
      );
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
  });

  // A rise in mid-path, and one right at the black baseline (as on human-gear and
  // human-liveness, where the rule of probes placed from 4 forward passes missed 5% at 257).
  for (const center of [0.6, 0.02])
    it(`reaches 1% completeness error on a score saturating at alpha ${center} with at most half the evaluations of the uniform trapezoid, probes included`, async () => {
      const image = testImage(SIZE, SIZE, 3);
      const baseline = makeBaseline('black', image, 0);
      const model = await saturatingModel(image, 400, center);
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
        // The start grid's map at once, then one each time the grid has doubled.
        if (k === 0) expect(p.steps).to.equal(4);
        else expect(p.steps).to.be.at.least(2 * partials[k - 1].steps);
        expect(p.attributions).to.have.length(PIXELS);
      });
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
  });

  it("stops on a grid coarser than 8 segments only where its cells' |errors| are within the tolerance too", async () => {
    const image = testImage(SIZE, SIZE, 3);
    const baseline = makeBaseline('black', image, 0);
    const model = await cancellingModel(image);
    try {
      const run = (tolerance: number) =>
        adaptiveIntegratedGradients(
          model.classifier,
          image,
          baseline,
          options({ steps: 64, tolerance, output: 'logit', batchSize: 4 }),
        );
      // 4 segments: completeness error 0, |errors| 1/32 of the change. Within 5%: it stops there.
      const loose = await run(0.05);
      expect(loose.evaluations).to.equal(5);
      expect(loose.path.alphas).to.deep.equal([0, 0.25, 0.5, 0.75, 1]);
      expect(relativeDelta(loose)).to.be.below(1e-4);
      // Within 1%: 4 segments agree with completeness only by cancellation, so it goes on to a
      // grid of at least 8 segments (or a coarser one within 1% in |errors|).
      const tight = await run(0.01);
      expect(tight.evaluations).to.be.above(5);
      expect(relativeDelta(tight)).to.be.at.most(0.01);
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
  });

  it('stops at its 4-segment start grid on a linear-logit model with a tolerance', async () => {
    const model = linearModel(PIXELS, 4, 7);
    const image = testImage(SIZE, SIZE, 5);
    const baseline = makeBaseline('black', image, 0);
    try {
      const result = await adaptiveIntegratedGradients(
        model.classifier,
        image,
        baseline,
        options({ steps: 64, tolerance: 0.01, output: 'logit' }),
      );
      expect(result.evaluations).to.equal(5);
      expect(relativeDelta(result)).to.be.below(1e-5);
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
