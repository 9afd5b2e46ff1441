// Layers models as IG differentiates them: under a gradient, the layers whose TF.js call would
// compute a weight gradient, or fail, run as the plain ops they stand for.
import * as tf from '@tensorflow/tfjs';

type Kwargs = Record<string, unknown>;
type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs) => tf.Tensor | tf.Tensor[];
interface Variable {
  read(): tf.Tensor;
}
interface Activation {
  apply(x: tf.Tensor): tf.Tensor;
}
/** The fields of tfjs-layers' Conv2D, Dense and BatchNormalization that their calls read. */
interface LayerFields {
  kernel?: Variable;
  bias?: Variable | null;
  activation?: Activation | null;
  rank?: number;
  strides?: number[];
  padding?: string;
  dataFormat?: string;
  dilationRate?: number | number[];
  axis?: number;
  epsilon?: number;
  gamma?: Variable | null;
  beta?: Variable | null;
  movingMean?: Variable;
  movingVariance?: Variable;
  maxValue?: number | null;
}
type AnyLayer = tf.layers.Layer & LayerFields & { layers?: tf.layers.Layer[] };

/**
 * The plain-op forward pass of each layer class whose TF.js call differentiates badly, or null
 * where this layer's configuration keeps TF.js's call.
 * - Conv2D and Dense call `tf.fused.conv2d` / `tf.fused.matMul`; with a linear activation (the
 *   usual case before a BatchNormalization, and a softmax Dense) those run under a gradient
 *   through a `customGrad` that computes the filter and bias gradients eagerly: wasted work, and
 *   on WASM a failure (no Conv2DBackpropFilter kernel). The tape node of a customGrad keeps no
 *   attributes (strides, padding), so no gradient override can replace it: the call is.
 * - BatchNormalization with `scale: false` (Keras InceptionV3) passes no scale to the
 *   FusedBatchNorm kernel, whose gradient saves its `scale` input: TF.js fails on the missing
 *   tensor ("Cannot read properties of undefined (reading 'dtype')" or 'dataId'). As plain ops, inference
 *   mode only.
 * - ReLU with a `maxValue` (Keras MobileNetV2's ReLU6) calls relu then clipByValue, whose
 *   gradients are Step, Mul, GreaterEqual, LessEqual, LogicalAnd, ZerosLike and Select (boolean
 *   kernels, slow on WASM): as one clip whose gradient is `dy * step(x * (max - x))` (1 inside
 *   the open interval (0, max), 0 outside; float kernels only).
 */
const PLAIN_CALLS: Record<string, (layer: AnyLayer) => Call | null> = {
  Conv2D: (layer) => {
    if (layer.rank !== 2 || layer.dataFormat !== 'channelsLast' || !layer.kernel) return null;
    const { kernel, bias, activation } = layer;
    const strides = layer.strides as [number, number];
    const pad = layer.padding === 'same' ? 'same' : 'valid';
    const dilations = layer.dilationRate as [number, number];
    return (inputs) => {
      let y: tf.Tensor = tf.conv2d(
        one(inputs) as tf.Tensor4D,
        kernel.read() as tf.Tensor4D,
        strides,
        pad,
        'NHWC',
        dilations,
      );
      if (bias) y = tf.add(y, bias.read());
      return activation ? activation.apply(y) : y;
    };
  },
  Dense: (layer) => {
    if (!layer.kernel) return null;
    const { kernel, bias, activation } = layer;
    return (inputs) => {
      const x = one(inputs);
      const w = kernel.read() as tf.Tensor2D;
      let y: tf.Tensor =
        x.rank === 2
          ? tf.matMul(x as tf.Tensor2D, w)
          : tf.reshape(tf.matMul(tf.reshape(x, [-1, w.shape[0]]), w), [
              ...x.shape.slice(0, -1),
              w.shape[1],
            ]);
      if (bias) y = tf.add(y, bias.read());
      return activation ? activation.apply(y) : y;
    };
  },
  BatchNormalization: (layer) => {
    const { movingMean, movingVariance, gamma, beta, epsilon } = layer;
    if (!movingMean || !movingVariance || epsilon === undefined) return null;
    return (inputs) => {
      const x = one(inputs);
      const axis = (layer.axis ?? -1) < 0 ? x.rank + (layer.axis ?? -1) : layer.axis!;
      const shape = x.shape.map((size, i) => (i === axis ? size : 1));
      const along = (t: tf.Tensor) => tf.reshape(t, shape);
      // gamma / sqrt(variance + epsilon), as FusedBatchNorm computes it.
      let factor = tf.rsqrt(tf.add(movingVariance.read(), epsilon));
      if (gamma) factor = tf.mul(factor, gamma.read());
      const y = tf.mul(tf.sub(x, along(movingMean.read())), along(factor));
      return beta ? tf.add(y, along(beta.read())) : y;
    };
  },
  ReLU: (layer) => {
    const max = layer.maxValue;
    if (max === null || max === undefined || !(max > 0)) return null;
    const clipped = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
      save([x]);
      return {
        value: tf.clipByValue(x, 0, max),
        gradFunc: (dy: tf.Tensor, [input]: tf.Tensor[]) =>
          tf.mul(dy, tf.step(tf.mul(input, tf.sub(max, input)))),
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return (inputs) => clipped(one(inputs));
  },
};

/**
 * Makes every layer of `model` (nested models included) that PLAIN_CALLS lists run as plain ops
 * while a gradient is recorded; forward passes outside a gradient keep TF.js's (fused, faster)
 * call. The values are the same; the gradient then flows towards the input only, and the tape
 * prunes every weight gradient. Returns `model`.
 */
export function differentiateTowardsInput(model: tf.LayersModel): tf.LayersModel {
  const visit = (layer: AnyLayer) => {
    layer.layers?.forEach((inner) => visit(inner as AnyLayer));
    const plain = PLAIN_CALLS[layer.getClassName()]?.(layer);
    if (!plain) return;
    const own = layer.call.bind(layer) as Call;
    layer.call = ((inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs) => {
      if (tf.engine().state.gradientDepth === 0 || kwargs?.training === true) {
        return own(inputs, kwargs);
      }
      return tf.tidy(() => plain(inputs, kwargs ?? {}));
    }) as typeof layer.call;
  };
  model.layers.forEach((layer) => visit(layer as AnyLayer));
  return model;
}

function one(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (!Array.isArray(inputs)) return inputs;
  if (inputs.length !== 1) throw new Error(`Expected one input tensor, got ${inputs.length}`);
  return inputs[0];
}
