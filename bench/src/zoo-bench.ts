// The zoo's timings (test/zoo/models.json): for a real pretrained model, the ms of one plain
// forward pass and the ms per path evaluation of IG (a forward and a backward pass of each path
// point, batched as the element batches them), and their ratio.
import * as tf from '@tensorflow/tfjs';
import { autoBatchSize } from '../../src/engine/explain.js';
import { integratedGradients } from '../../src/engine/integrated-gradients.js';
import type { LoadedModel } from '../../src/engine/model-loader.js';
import { withInputRange } from '../../src/engine/preprocess.js';
import type { IgBackend, IgInputRange } from '../../src/shared/types.js';

export interface ZooRun {
  backend: IgBackend;
  inputRange: IgInputRange;
  /** Segments of the trapezoid rule timed (steps + 1 evaluations). */
  steps: number;
  /** Forward passes averaged. */
  forwards: number;
}

export async function zooTiming(m: LoadedModel, image: tf.Tensor3D, run: ZooRun) {
  const forward = withInputRange(m.defaultHead.forward, run.inputRange);
  const explained = withInputRange(m.defaultHead.scores('probability'), run.inputRange);
  const batch = image.expandDims(0) as tf.Tensor4D;
  const pass = async () => {
    const out = tf.tidy(() => forward(batch));
    await out.data();
    out.dispose();
  };
  const batchSize = autoBatchSize(run.backend, m.height, m.width);
  const baseline = tf.zerosLike(image);
  try {
    await pass(); // warm-up: kernels compiled, weights uploaded
    let start = performance.now();
    for (let i = 0; i < run.forwards; i++) await pass();
    const forwardMs = (performance.now() - start) / run.forwards;
    const options = { target: 0, method: 'trapezoid', output: 'logit', batchSize } as const;
    await integratedGradients(explained, image, baseline, { ...options, steps: 1 }); // warm-up
    start = performance.now();
    const r = await integratedGradients(explained, image, baseline, {
      ...options,
      steps: run.steps,
    });
    const evaluations = r.path.alphas.length;
    const perEvaluationMs = (performance.now() - start) / evaluations;
    return {
      forwardMs,
      perEvaluationMs,
      ratio: perEvaluationMs / forwardMs,
      evaluations,
      batchSize,
      outputKind: m.outputKind,
      numTensors: tf.memory().numTensors,
    };
  } finally {
    batch.dispose();
    baseline.dispose();
  }
}
