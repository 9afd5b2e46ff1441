// A loaded model disposed with every weight it holds. tf.LayersModel.dispose() counts references,
// and a Sequential nested in a loaded Sequential (a Teachable Machine export: [features, head]) is
// counted twice, once as it is built and once as it is added, so disposing the outer model keeps
// the inner one's weights (tensorflow/tfjs#1865 fixed this for functional outer models only).
import * as tf from '@tensorflow/tfjs';

export function disposeModel(model: tf.GraphModel | tf.LayersModel): void {
  if (model instanceof tf.GraphModel) {
    model.dispose();
    return;
  }
  // Every weight of a loaded model is its own: none is shared with a model that lives on.
  const variables = model.weights.map((weight) => weight.read());
  model.dispose();
  for (const variable of variables) if (!variable.isDisposed) variable.dispose();
}
