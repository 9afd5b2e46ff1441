// A literal port of the TensorFlow Integrated Gradients tutorial's code
// (https://www.tensorflow.org/tutorials/interpretability/integrated_gradients) to TF.js, kept
// apart from src/engine so the engine can be checked against it. Python in the comments.
import * as tf from '@tensorflow/tfjs';

type Model = (images: tf.Tensor4D) => tf.Tensor2D;

// def interpolate_images(baseline, image, alphas):
//   alphas_x = alphas[:, tf.newaxis, tf.newaxis, tf.newaxis]
//   baseline_x = tf.expand_dims(baseline, axis=0)
//   input_x = tf.expand_dims(image, axis=0)
//   delta = input_x - baseline_x
//   images = baseline_x +  alphas_x * delta
//   return images
export function interpolateImages(
  baseline: tf.Tensor3D,
  image: tf.Tensor3D,
  alphas: tf.Tensor1D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const alphasX = alphas.reshape([-1, 1, 1, 1]);
    const baselineX = tf.expandDims(baseline, 0);
    const inputX = tf.expandDims(image, 0);
    const delta = tf.sub(inputX, baselineX);
    const images = tf.add(baselineX, tf.mul(alphasX, delta));
    return images as tf.Tensor4D;
  });
}

// def compute_gradients(images, target_class_idx):
//   with tf.GradientTape() as tape:
//     tape.watch(images)
//     logits = model(images)
//     probs = tf.nn.softmax(logits, axis=-1)[:, target_class_idx]
//   return tape.gradient(probs, images)
export function computeGradients(
  model: Model,
  images: tf.Tensor4D,
  targetClassIdx: number,
): tf.Tensor4D {
  return tf.grad((x) => {
    const logits = model(x as tf.Tensor4D);
    const probs = tf.gather(tf.softmax(logits, -1), targetClassIdx, 1);
    return probs;
  })(images) as tf.Tensor4D;
}

// def integral_approximation(gradients):
//   # riemann_trapezoidal
//   grads = (gradients[:-1] + gradients[1:]) / tf.constant(2.0)
//   integrated_gradients = tf.math.reduce_mean(grads, axis=0)
//   return integrated_gradients
export function integralApproximation(gradients: tf.Tensor4D): tf.Tensor3D {
  return tf.tidy(() => {
    const n = gradients.shape[0];
    const grads = tf.div(
      tf.add(
        tf.slice(gradients, [0, 0, 0, 0], [n - 1, -1, -1, -1]),
        tf.slice(gradients, [1, 0, 0, 0], [n - 1, -1, -1, -1]),
      ),
      tf.scalar(2.0),
    );
    return tf.mean(grads, 0) as tf.Tensor3D;
  });
}

// def integrated_gradients(baseline, image, target_class_idx, m_steps=50, batch_size=32):
//   alphas = tf.linspace(start=0.0, stop=1.0, num=m_steps+1)
//   gradient_batches = []
//   for alpha in tf.range(0, len(alphas), batch_size):
//     from_ = alpha
//     to = tf.minimum(from_ + batch_size, len(alphas))
//     alpha_batch = alphas[from_:to]
//     gradient_batch = one_batch(baseline, image, alpha_batch, target_class_idx)
//     gradient_batches.append(gradient_batch)
//   total_gradients = tf.concat(gradient_batches, axis=0)
//   avg_gradients = integral_approximation(gradients=total_gradients)
//   integrated_gradients = (image - baseline) * avg_gradients
//   return integrated_gradients
export function integratedGradients(
  model: Model,
  baseline: tf.Tensor3D,
  image: tf.Tensor3D,
  targetClassIdx: number,
  mSteps = 50,
  batchSize = 32,
): tf.Tensor3D {
  return tf.tidy(() => {
    const alphas = tf.linspace(0.0, 1.0, mSteps + 1);
    const gradientBatches: tf.Tensor4D[] = [];
    for (let from = 0; from < alphas.size; from += batchSize) {
      const to = Math.min(from + batchSize, alphas.size);
      const alphaBatch = tf.slice(alphas, [from], [to - from]);
      const gradientBatch = oneBatch(model, baseline, image, alphaBatch, targetClassIdx);
      gradientBatches.push(gradientBatch);
    }
    const totalGradients = tf.concat(gradientBatches, 0);
    const avgGradients = integralApproximation(totalGradients);
    return tf.mul(tf.sub(image, baseline), avgGradients) as tf.Tensor3D;
  });
}

// def one_batch(baseline, image, alpha_batch, target_class_idx):
//   interpolated_path_input_batch = interpolate_images(baseline=baseline, image=image, alphas=alpha_batch)
//   gradient_batch = compute_gradients(images=interpolated_path_input_batch, target_class_idx=target_class_idx)
//   return gradient_batch
function oneBatch(
  model: Model,
  baseline: tf.Tensor3D,
  image: tf.Tensor3D,
  alphaBatch: tf.Tensor1D,
  targetClassIdx: number,
): tf.Tensor4D {
  const interpolatedPathInputBatch = interpolateImages(baseline, image, alphaBatch);
  return computeGradients(model, interpolatedPathInputBatch, targetClassIdx);
}
