// Our methods against PAIR saliency's (Python) on the same model and image: the reference is
// test/fixtures/pair/crosscheck.json, written by scripts/pair-crosscheck.py (see there).
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { attribute } from '../../src/engine/attribution.js';
import { makeBaseline } from '../../src/engine/baselines.js';
import { integratedGradients } from '../../src/engine/integrated-gradients.js';
import { blurIgStart, blurPath } from '../../src/engine/paths/blur.js';
import type { Classifier } from '../../src/engine/preprocess.js';
import type { IgMethod } from '../../src/shared/types.js';

interface Reference {
  steps: number;
  method: IgMethod;
  attributions: number[];
  tolerance: number;
  scoreBaseline?: number;
  noiseSamples?: number;
  noiseLevel?: number;
}

interface Fixture {
  shape: [number, number, number];
  target: number;
  hidden: number;
  classes: number;
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number[];
  image: number[];
  scoreInput: number;
  results: Record<'ig' | 'blurPair' | 'blur' | 'guided' | 'smoothgrad', Reference>;
}

/** max |ours - PAIR's| / max |PAIR's|. */
function mapError(ours: ArrayLike<number>, theirs: readonly number[]): number {
  expect(ours.length).to.equal(theirs.length);
  let worst = 0;
  let scale = 0;
  theirs.forEach((t, i) => {
    worst = Math.max(worst, Math.abs(ours[i] - t));
    scale = Math.max(scale, Math.abs(t));
  });
  return worst / scale;
}

describe('methods against PAIR saliency', () => {
  let fixture: Fixture;
  let weights: tf.Tensor[];
  let classifier: Classifier;
  let image: tf.Tensor3D;
  let black: tf.Tensor3D;

  before(async () => {
    expect(await tf.setBackend('cpu')).to.equal(true);
    fixture = (await (await fetch('/test/fixtures/pair/crosscheck.json')).json()) as Fixture;
    const pixels = fixture.image.length;
    const w1 = tf.tensor2d(fixture.w1, [pixels, fixture.hidden]);
    const b1 = tf.tensor1d(fixture.b1);
    const w2 = tf.tensor2d(fixture.w2, [fixture.hidden, fixture.classes]);
    const b2 = tf.tensor1d(fixture.b2);
    weights = [w1, b1, w2, b2];
    // The script's model: tanh(flatten(x) @ W1 + b1) @ W2 + b2.
    classifier = (batch) =>
      tf.add(
        tf.matMul(tf.tanh(tf.add(tf.matMul(tf.reshape(batch, [batch.shape[0], -1]), w1), b1)), w2),
        b2,
      ) as tf.Tensor2D;
    image = tf.tensor3d(fixture.image, fixture.shape);
    black = makeBaseline('black', image, 0);
  });

  after(() => tf.dispose([...weights, image, black]));

  const base = (reference: Reference) => ({
    target: fixture.target,
    steps: reference.steps,
    method: reference.method,
    output: 'logit' as const,
    batchSize: 32,
  });

  it('IG agrees with PAIR at 4097 points within 5e-4 of the largest attribution (measured 4.7e-5)', async () => {
    const reference = fixture.results.ig;
    const ours = await attribute(classifier, image, [black], {
      ...base(reference),
      path: 'straight',
    });
    expect(ours.scoreInput).to.be.closeTo(fixture.scoreInput, 1e-4);
    expect(mapError(ours.attributions, reference.attributions)).to.be.below(reference.tolerance);
  });

  it("Blur IG on PAIR's own nodes (even sigmas, 100 steps) agrees within 5e-4 (measured 2.1e-5)", async () => {
    const reference = fixture.results.blurPair;
    const start = blurIgStart(image);
    try {
      const ours = await integratedGradients(classifier, image, start, {
        ...base(reference),
        curve: blurPath(image, 50, 1),
      });
      expect(ours.scoreBaseline).to.be.closeTo(reference.scoreBaseline!, 1e-4);
      expect(mapError(ours.attributions, reference.attributions)).to.be.below(reference.tolerance);
    } finally {
      start.dispose();
    }
  });

  it('Blur IG with our defaults agrees with PAIR converged (6000 steps) within 1e-4 (measured 3.2e-6), where PAIR at 100 steps does not', async () => {
    const reference = fixture.results.blur;
    const ours = await attribute(classifier, image, [], { ...base(reference), path: 'blur' });
    expect(mapError(ours.attributions, reference.attributions)).to.be.below(reference.tolerance);
    expect(ours.delta).to.be.below(1e-3);
    expect(mapError(fixture.results.blurPair.attributions, reference.attributions)).to.be.above(
      0.1,
    );
  });

  it("Guided IG agrees with PAIR's (64 steps, fraction 0.25, max_dist 0.02) within 1e-5 (measured 4e-8)", async () => {
    const reference = fixture.results.guided;
    const ours = await attribute(classifier, image, [black], {
      ...base(reference),
      path: 'guided',
    });
    expect(mapError(ours.attributions, reference.attributions)).to.be.below(reference.tolerance);
  });

  it("SmoothGrad's mean over 256 copies agrees with PAIR's over 4096 within 4 standard errors (5.2e-2; measured 2.5e-2)", async () => {
    const reference = fixture.results.smoothgrad;
    const ours = await attribute(classifier, image, [black], {
      ...base(reference),
      batchSize: 65,
      path: 'straight',
      noiseSamples: reference.noiseSamples!,
      noiseLevel: reference.noiseLevel!,
      seed: 3,
    });
    expect(mapError(ours.attributions, reference.attributions)).to.be.below(reference.tolerance);
  });
});
