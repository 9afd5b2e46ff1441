// The attribution accumulated along the path (result.pathTrace), what the `path` view shows at
// its slider's point: exact on a linear model, the final attribution at the last point, bounded.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { attribute, type AttributionOptions } from '../../src/engine/attribution.js';
import { makeBaselines } from '../../src/engine/baseline-set.js';
import { integrationRule } from '../../src/engine/integration-rules.js';
import { PATH_TRACE_BYTES, traceIndices } from '../../src/engine/paths/trace.js';
import type { IgMethod } from '../../src/shared/types.js';
import { convModel, linearModel, testImage } from './test-models.js';

function options(overrides: Partial<AttributionOptions>): AttributionOptions {
  return {
    path: 'straight',
    target: 1,
    steps: 8,
    method: 'trapezoid',
    output: 'logit',
    batchSize: 3,
    trace: true,
    ...overrides,
  };
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const sumOf = (values: ArrayLike<number>) => Array.from(values).reduce((s, v) => s + v, 0);

describe('path trace (attribution accumulated along the path)', () => {
  before(async () => {
    expect(await tf.setBackend('cpu')).to.equal(true);
  });

  it("is (x - x') * w times the rule's weights so far on a linear model, every rule, any batch", async () => {
    const [h, w, classes, target] = [5, 4, 3, 1];
    const model = linearModel(h * w * 3, classes, 3);
    const image = testImage(h, w, 5);
    const weights = await model.w.data();
    const pixels = await image.data();
    const baselines = makeBaselines(['black'], image, 0);
    try {
      for (const method of ['trapezoid', 'riemann-middle', 'gausslegendre'] as IgMethod[]) {
        for (const batchSize of [1, 3, 64]) {
          const result = await attribute(
            model.classifier,
            image,
            baselines,
            options({ method, batchSize }),
          );
          const trace = result.pathTrace!;
          const rule = integrationRule(method, 8);
          // Small enough for a snapshot at every point.
          expect(trace.points).to.deep.equal(rule.alphas.map((_, i) => i));
          let so = 0;
          trace.points.forEach((point, s) => {
            so += rule.weights[point];
            const expected = Array.from(pixels, (x, i) => x * weights[i * classes + target] * so);
            expect(
              maxDifference(trace.attributions[s], expected),
              `${method} ${point}`,
            ).to.be.below(1e-5);
          });
          expect(trace.attributions.at(-1)).to.deep.equal(result.attributions);
        }
      }
    } finally {
      tf.dispose(baselines);
      image.dispose();
      model.dispose();
    }
  });

  it('adds up to the score gained so far along Guided IG, from 0 at the baseline to the final attribution', async () => {
    const model = linearModel(6 * 5 * 3, 4, 7);
    const image = testImage(6, 5, 11);
    const baselines = makeBaselines(['black'], image, 0);
    try {
      const result = await attribute(
        model.classifier,
        image,
        baselines,
        options({ path: 'guided' }),
      );
      const { points, attributions } = result.pathTrace!;
      expect(points).to.deep.equal(result.path.alphas.map((_, i) => i));
      expect(sumOf(attributions[0])).to.equal(0);
      points.forEach((point, s) => {
        const gained = result.path.scores[point] - result.path.scores[0];
        expect(sumOf(attributions[s]), `point ${point}`).to.be.closeTo(gained, 1e-4);
      });
      expect(maxDifference(attributions.at(-1)!, result.attributions)).to.be.below(1e-6);
    } finally {
      tf.dispose(baselines);
      image.dispose();
      model.dispose();
    }
  });

  it('ends at the final attribution for Blur IG, baseline lists and SmoothGrad, and leaks no tensor', async () => {
    const model = convModel(8, 3, 9);
    const image = testImage(8, 8, 2);
    const baselines = makeBaselines(['black', 'white'], image, 0);
    try {
      const before = tf.memory().numTensors;
      for (const overrides of [
        { path: 'blur' as const, steps: 16 },
        { path: 'straight' as const },
        { path: 'guided' as const },
        { path: 'straight' as const, noiseSamples: 2 },
      ]) {
        const result = await attribute(model.classifier, image, baselines, options(overrides));
        const { points, attributions } = result.pathTrace!;
        const label = JSON.stringify(overrides);
        expect(points.at(-1), label).to.equal(result.path.alphas.length - 1);
        expect(maxDifference(attributions.at(-1)!, result.attributions), label).to.be.below(1e-5);
        expect(maxDifference(attributions[0], result.attributions), label).to.be.above(1e-4);
      }
      expect(tf.memory().numTensors).to.equal(before);
      const plain = await attribute(model.classifier, image, baselines, options({ trace: false }));
      expect(plain.pathTrace).to.equal(undefined);
    } finally {
      tf.dispose(baselines);
      image.dispose();
      model.dispose();
    }
  });

  it('is empty, not absent, when averaged runs stop at different points; absent when not asked for', async () => {
    // Found by trying seeds and tolerances: at 0.2 the black and the white run stop at different
    // refinement levels, so their paths' points differ.
    const model = convModel(8, 3, 9);
    const image = testImage(8, 8, 2);
    const baselines = makeBaselines(['black', 'white'], image, 0);
    try {
      const stopped = options({ steps: 64, batchSize: 8, tolerance: 0.2 });
      const result = await attribute(model.classifier, image, baselines, stopped);
      expect(result.steps).to.be.below(64);
      expect(result.pathTrace).to.deep.equal({ points: [], attributions: [] });
      const single = await attribute(model.classifier, image, baselines.slice(0, 1), stopped);
      expect(single.pathTrace!.points).to.deep.equal(single.path.alphas.map((_, i) => i));
      const plain = await attribute(model.classifier, image, baselines, {
        ...stopped,
        trace: false,
      });
      expect(plain.pathTrace).to.equal(undefined);
    } finally {
      tf.dispose(baselines);
      image.dispose();
      model.dispose();
    }
  });

  it('keeps every point of a 64x64 model and a bounded, evenly spread set at 224x224', () => {
    expect(traceIndices(51, 64 * 64 * 3)).to.deep.equal([...Array(51).keys()]);
    const large = traceIndices(51, 224 * 224 * 3);
    expect(large.length).to.equal(Math.floor(PATH_TRACE_BYTES / (4 * 224 * 224 * 3)));
    expect(large[0]).to.equal(0);
    expect(large.at(-1)).to.equal(50);
    expect(traceIndices(51, 4096 * 4096 * 3)).to.deep.equal([0, 50]);
    expect(traceIndices(1, 10)).to.deep.equal([0]);
  });
});
