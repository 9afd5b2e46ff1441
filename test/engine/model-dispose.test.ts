// disposeModel frees every weight of a loaded model, also a Sequential nested in a loaded
// Sequential (how a Teachable Machine export is built), which tf.LayersModel.dispose() keeps.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { disposeModel } from '../../src/engine/model-dispose.js';

/** A small [features, head] export in Teachable Machine's shape, saved and loaded back. */
async function loadedTeachableShape(): Promise<tf.LayersModel> {
  const input = tf.input({ shape: [8, 8, 3] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3 }).apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv) as tf.SymbolicTensor;
  const features = tf.model({ inputs: input, outputs: pooled, name: 'features' });
  const head = tf.sequential({
    name: 'head',
    layers: [
      tf.layers.dense({ inputShape: [4], units: 5, activation: 'relu' }),
      tf.layers.dense({ units: 3, useBias: false, activation: 'softmax' }),
    ],
  });
  const model = tf.sequential({ layers: [features, head] });
  let saved: tf.io.ModelArtifacts | null = null;
  const info = { dateSaved: new Date(), modelTopologyType: 'JSON' as const };
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: info };
    }),
  );
  freeAll(model);
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

/** Disposes the model and whatever weights its own dispose() kept (the test's cleanup). */
function freeAll(model: tf.LayersModel): void {
  const variables = model.weights.map((weight) => weight.read());
  model.dispose();
  for (const variable of variables) if (!variable.isDisposed) variable.dispose();
}

describe('disposeModel', () => {
  it("frees a nested Sequential's weights, which LayersModel.dispose() keeps", async () => {
    const before = tf.memory().numTensors;
    const plain = await loadedTeachableShape();
    expect(tf.memory().numTensors - before).to.equal(5);
    const variables = plain.weights.map((weight) => weight.read());
    plain.dispose();
    // TF.js's own dispose leaves the head's three weights (the reason for disposeModel).
    expect(tf.memory().numTensors - before).to.equal(3);
    for (const variable of variables) if (!variable.isDisposed) variable.dispose();
    expect(tf.memory().numTensors).to.equal(before);

    const start = tf.memory().numTensors;
    const model = await loadedTeachableShape();
    const output = tf.tidy(() => model.predict(tf.ones([1, 8, 8, 3])) as tf.Tensor);
    expect(output.shape).to.deep.equal([1, 3]);
    output.dispose();
    disposeModel(model);
    expect(tf.memory().numTensors).to.equal(start);
  });
});
