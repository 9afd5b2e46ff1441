// The adaptive rule with a helper (the pool's other worker, here on the same page over a
// MessageChannel): rounds of one point leave the helper nothing to share, so it evaluates the
// next-worst cells' midpoints ahead, and the rounds that halve those cells take its points. The
// run decides on the same nodes as alone; fewer of them are computed where it runs.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { adaptiveIntegratedGradients } from '../../src/engine/adaptive-rule.js';
import { makeBaseline } from '../../src/engine/baselines.js';
import type { IntegratedGradientsOptions } from '../../src/engine/integrated-gradients.js';
import { PointHelper, servePoints, type PointPort } from '../../src/engine/point-helpers.js';
import type { Classifier } from '../../src/engine/preprocess.js';
import type { PointReply, PointRequest } from '../../src/shared/protocol.js';
import { convModel, testImage } from './test-models.js';

const SIZE = 16;

/** `classifier`'s softmax, counting the path points it is given. */
function counted(classifier: Classifier): { classifier: Classifier; points: number } {
  const counter = {
    points: 0,
    classifier: (batch: tf.Tensor4D) => {
      counter.points += batch.shape[0];
      return tf.softmax(classifier(batch));
    },
  };
  return counter;
}

describe('adaptiveIntegratedGradients with a helper', () => {
  before(async () => {
    expect(await tf.setBackend('cpu')).to.equal(true);
    await tf.ready();
  });

  it("takes the points its helper evaluated ahead, and gives the lone run's result", async () => {
    const before = tf.memory().numTensors;
    const model = convModel(SIZE, 3, 5);
    const image = testImage(SIZE, SIZE, 8);
    const baseline = makeBaseline('black', image, 0);
    const options: IntegratedGradientsOptions = {
      target: 1,
      steps: 64,
      method: 'adaptive',
      output: 'logit',
      batchSize: 1,
      tolerance: 0.002,
    };
    try {
      const lone = counted(model.classifier);
      const alone = await adaptiveIntegratedGradients(lone.classifier, image, baseline, options);
      expect(lone.points).to.equal(alone.evaluations);
      expect(alone.evaluations).to.be.above(12);

      const channel = new MessageChannel();
      const served = counted(model.classifier);
      const controller = new AbortController();
      const serving = servePoints(
        channel.port2 as PointPort<PointReply, PointRequest>,
        {
          classifier: served.classifier,
          image,
          baselines: [baseline],
          noiseSamples: 0,
          noiseLevel: 0,
          batchSize: 4,
        },
        controller.signal,
      );
      const helper = new PointHelper(channel.port1 as PointPort<PointRequest, PointReply>);
      const own = counted(model.classifier);
      let helped;
      try {
        helped = await adaptiveIntegratedGradients(own.classifier, image, baseline, {
          ...options,
          helpers: [helper],
        });
      } finally {
        helper.close();
      }
      const helperPoints = await serving;
      expect(helped.path.alphas).to.deep.equal(alone.path.alphas);
      expect(helped.evaluations).to.equal(alone.evaluations);
      let worst = 0;
      let scale = 0;
      alone.attributions.forEach((a, i) => {
        worst = Math.max(worst, Math.abs(helped.attributions[i] - a));
        scale = Math.max(scale, Math.abs(a));
      });
      expect(worst / scale).to.be.below(1e-6);
      // The first round (the 5 points of 4 segments) is split 3 here, 2 there; every later
      // round is one point, which only an evaluation ahead can take off the run.
      const fromHelper = alone.evaluations! - own.points;
      expect(fromHelper).to.be.above(alone.evaluations! / 4);
      expect(helperPoints).to.be.at.least(fromHelper);
      expect(served.points).to.be.at.least(helperPoints);
    } finally {
      image.dispose();
      baseline.dispose();
      model.dispose();
    }
    expect(tf.memory().numTensors).to.equal(before);
  });
});
