// A constructed model, checked as IG needs it and warmed up once: one image input [N, H, W, 1|3],
// its outputs found (model-output.ts), every op on the explained path differentiable.
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_INPUT_SIZE } from '../shared/defaults.js';
import { IgError, isIgError } from '../shared/types.js';
import {
  chooseHead,
  graphOutputs,
  layersOutputs,
  modelHeads,
  type ModelHead,
} from './model-output.js';

/** What the checks find. */
export interface CheckedModel {
  height: number;
  width: number;
  /** 3: RGB; 1: the model takes luma, and is attributed on that one channel. */
  channels: 1 | 3;
  /** Every output of the model, in its own order. */
  heads: ModelHead[];
  /** The first [N, classes] output: explained unless `model-output` names another. */
  defaultHead: ModelHead;
}

/**
 * Checks `model`'s input and outputs and warms it up: one forward pass of every output on a
 * zero image, one gradient of the default head (which proves every op on its path has a gradient
 * and compiles the backward kernels). `size` fills an input size the model leaves open (-1).
 */
export async function checkModel(
  model: tf.GraphModel | tf.LayersModel,
  topology: unknown,
  url: string,
  size: { height?: number; width?: number } = {},
): Promise<CheckedModel> {
  const inputs = model.inputs as Array<{
    name: string;
    shape?: Array<number | null>;
    dtype?: string;
  }>;
  if (inputs.length !== 1) {
    throw incompatible(
      url,
      `has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}), not one image input ` +
        '[N, height, width, 3]',
    );
  }
  const shape = inputs[0].shape;
  if (shape && (shape.length !== 4 || (shape[3] !== 3 && shape[3] !== 1))) {
    throw incompatible(
      url,
      `takes input "${inputs[0].name}" of shape [${shape.map(dim).join(', ')}], not images ` +
        '[N, height, width, 3] (RGB) or [N, height, width, 1] (luma)',
    );
  }
  if (inputs[0].dtype && inputs[0].dtype !== 'float32') {
    throw incompatible(url, `takes ${inputs[0].dtype} input, not float32 pixels`);
  }
  const height = known(shape?.[1]) ?? size.height ?? DEFAULT_INPUT_SIZE;
  const width = known(shape?.[2]) ?? size.width ?? DEFAULT_INPUT_SIZE;
  const channels = shape?.[3] === 1 ? 1 : 3;
  const sources =
    model instanceof tf.GraphModel ? graphOutputs(model, topology) : layersOutputs(model);

  const probe = tf.zeros([1, height, width, channels]) as tf.Tensor4D;
  let heads: ModelHead[];
  try {
    heads = modelHeads(sources, probe);
  } catch (error) {
    probe.dispose();
    if (isIgError(error)) throw error;
    throw incompatible(
      url,
      `failed on a [1, ${height}, ${width}, ${channels}] image (${errorText(error)})`,
    );
  }
  try {
    const defaultHead = chooseHead(heads, null, url);
    await checkGradient(defaultHead, probe, model, topology, url);
    return { height, width, channels, heads, defaultHead };
  } finally {
    probe.dispose();
  }
}

async function checkGradient(
  head: ModelHead,
  probe: tf.Tensor4D,
  model: tf.GraphModel | tf.LayersModel,
  topology: unknown,
  url: string,
): Promise<void> {
  const scores = head.scores('probability');
  try {
    const gradient = tf.tidy(() =>
      tf.grad((x) => tf.sum(tf.slice(scores(x as tf.Tensor4D), [0, 0], [-1, 1])))(probe),
    );
    await gradient.data();
    gradient.dispose();
  } catch (error) {
    const text = errorText(error);
    const op = /gradient function not found for (\w+)/i.exec(text)?.[1];
    // A backend without the gradient's kernel: the op is the one that kernel differentiates.
    const kernel = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(text);
    const forward = kernel?.[1].replace(/Backprop(Input|Filter)$/, '');
    const where = op
      ? ` (the op ${op}${whereOp(op, model, topology)})`
      : kernel && forward
        ? ` on the ${kernel[2]} backend (the gradient of the op ${forward}` +
          `${whereOp(forward, model, topology)})`
        : '';
    throw new IgError(
      'model-incompatible',
      `The model at ${url} cannot be differentiated${where}: ${text}. IG needs a model whose ops ` +
        'all have gradients in TensorFlow.js; export the model without that op.',
      'model-url',
    );
  }
}

/** Where `op` is used: the graph nodes of that op, or the layers whose class names it. */
function whereOp(op: string, model: tf.GraphModel | tf.LayersModel, topology: unknown): string {
  let names: string[];
  if (model instanceof tf.GraphModel) {
    const nodes = (topology as { node?: Array<{ name: string; op: string }> })?.node ?? [];
    // Fused forms too: _FusedConv2D for Conv2D, FusedDepthwiseConv2dNative for depthwise.
    const ops = new Set([op, `_Fused${op}`, `Fused${op}`]);
    names = nodes.filter((n) => ops.has(n.op)).map((n) => `node "${n.name}" (${n.op})`);
  } else {
    const word = op.toLowerCase();
    names = model.layers
      .filter((l) => word.includes(l.getClassName().toLowerCase()))
      .map((l) => `layer "${l.name}" (${l.getClassName()})`);
  }
  if (names.length === 0) return '';
  const shown = names.slice(0, 3).join(', ');
  return ` in ${shown}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`;
}

function incompatible(url: string, what: string): IgError {
  return new IgError(
    'model-incompatible',
    `The model at ${url} ${what}: ig-explainer needs an image classifier with input ` +
      '[N, height, width, 3] and output [N, classes] (a one-channel input [N, height, width, 1] works too).',
    'model-url',
  );
}

function known(size: number | null | undefined): number | null {
  return typeof size === 'number' && size > 0 ? size : null;
}

function dim(size: number | null): string {
  return size === null || size < 0 ? '?' : String(size);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
