// What a classifier outputs, found in its graph or layers topology on load: logits, a final
// softmax or a sigmoid, so that the explained probability is the model's own (never a softmax
// applied twice) and the logit is the tensor before the model's own activation.
import * as tf from '@tensorflow/tfjs';
import type { IgModelLoadDetail, IgOutput } from '../shared/types.js';
import { IgError } from '../shared/types.js';

export type OutputKind = IgModelLoadDetail['outputKind'];

/** [N, h, w, c] pixels as the model expects them to [N, classes] scores. */
export type ScoreFunction = (batch: tf.Tensor4D) => tf.Tensor2D;

/** One output of a model, as `model-output` chooses it. */
export interface ModelHead {
  index: number;
  /** Every name the output answers to (signature key, tensor name, node or layer name). */
  names: string[];
  kind: OutputKind;
  /** Classes as the element lists them: a [N, 1] sigmoid counts two (1 - p, p). */
  numClasses: number;
  /** The output's shape for one image. */
  shape: number[];
  /** [1, classes] (classes > 1), or a [1, 1] sigmoid: a class score IG can explain. */
  isScore: boolean;
  /** Where the output comes from, for messages. */
  what: string;
  /** The output as the model computes it. */
  forward: ScoreFunction;
  /** The explained quantity per class: the model's own probability, or its logit. */
  scores(output: IgOutput): ScoreFunction;
}

/** How one output is computed: its own tensor, and the one before its activation if any. */
interface OutputSource {
  names: string[];
  kind: OutputKind;
  forward: ScoreFunction;
  /** The tensor the final softmax or sigmoid is applied to; null where the model has none. */
  preActivation: ScoreFunction | null;
  /** Where the output comes from, for messages. */
  what: string;
}

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
}

/** The outputs of a graph model; `topology` is what it was built from. */
export function graphOutputs(model: tf.GraphModel, topology: unknown): OutputSource[] {
  const nodes = new Map<string, GraphNode>();
  for (const node of (topology as { node?: GraphNode[] })?.node ?? []) nodes.set(node.name, node);
  const { signature } = model as unknown as {
    signature?: { outputs?: Record<string, { name: string }> };
  };
  // outputNodes are the signature's keys where the model has a signature, else node names.
  return model.outputNodes.map((outputName) => {
    const tensorName = signature?.outputs?.[outputName]?.name ?? outputName;
    const name = nodeName(tensorName);
    // Identity nodes (the converter's output names) pass the producing op through.
    let node = nodes.get(name);
    let port = outputPort(tensorName);
    while (node && (node.op === 'Identity' || node.op === 'IdentityN') && node.input?.length) {
      const input = node.input[node.op === 'IdentityN' ? port : 0] ?? node.input[0];
      port = outputPort(input);
      node = nodes.get(nodeName(input));
    }
    const kind = kindOf(node?.op);
    const pre = kind !== 'logits' && node?.input?.length ? node.input[0] : null;
    const run =
      (target: string): ScoreFunction =>
      (batch) =>
        model.execute(batch, target) as tf.Tensor2D;
    return {
      names: [...new Set([outputName, tensorName, name])],
      kind,
      forward: run(outputName),
      preActivation: pre ? run(pre.replace(/^\^/, '')) : null,
      what: `node "${node?.name ?? name}"${node ? ` (${node.op})` : ''}`,
    };
  });
}

/** The outputs of a layers model. */
export function layersOutputs(model: tf.LayersModel): OutputSource[] {
  return model.outputs.map((symbolic, index) => {
    const { layer, className, activation, kind, preActivation } = finalLayer(model, symbolic);
    const forward: ScoreFunction = (batch) => {
      const out = model.apply(batch, { training: false });
      return (Array.isArray(out) ? out[index] : out) as tf.Tensor2D;
    };
    return {
      names: [model.outputNames?.[index], layer.name, symbolic.name].filter(
        (n): n is string => !!n,
      ),
      kind,
      forward,
      preActivation,
      what: `layer "${layer.name}" (${className}${activation !== 'linear' ? `, ${activation}` : ''})`,
    };
  });
}

/**
 * The layer that computes `symbolic` of `model`, looking into nested models (a Teachable Machine
 * export is a Sequential of two models), its activation, and the tensor before that activation
 * as a function of `model`'s input.
 */
function finalLayer(
  model: tf.LayersModel,
  symbolic: tf.SymbolicTensor,
): {
  layer: tf.layers.Layer;
  className: string;
  activation: string;
  kind: OutputKind;
  preActivation: ScoreFunction | null;
} {
  const layer = symbolic.sourceLayer;
  // The tensor this call of the layer took (a nested model's layer is called more than once).
  const input = symbolic.inputs?.length === 1 ? symbolic.inputs[0] : null;
  if (layer instanceof tf.LayersModel && layer.outputs.length === 1 && input) {
    const inner = finalLayer(layer, layer.outputs[0]);
    const pre = inner.preActivation;
    // Shares the model's weights: never disposed on its own.
    const upTo = tf.model({ inputs: model.inputs, outputs: input });
    return {
      ...inner,
      preActivation: pre
        ? (batch) => pre(upTo.apply(batch, { training: false }) as tf.Tensor4D)
        : null,
    };
  }
  const className = layer.getClassName();
  const activation = String(layer.getConfig().activation ?? 'linear');
  const kind: OutputKind =
    className === 'Softmax' ? 'softmax' : (kindOf(capitalised(activation)) ?? 'logits');
  const preActivation =
    kind === 'logits' || !input ? null : layerPreActivation(model, layer, input, className);
  return { layer, className, activation, kind, preActivation };
}

/**
 * The input of a Softmax or Activation layer, or a Dense layer's product before its fused
 * activation (kernel and bias applied to the layer's input); null for any other layer.
 */
function layerPreActivation(
  model: tf.LayersModel,
  layer: tf.layers.Layer,
  input: tf.SymbolicTensor,
  className: string,
): ScoreFunction | null {
  // Shares the model's weights: never disposed on its own.
  const upTo = tf.model({ inputs: model.inputs, outputs: input });
  const before: ScoreFunction = (batch) => upTo.apply(batch, { training: false }) as tf.Tensor2D;
  if (className === 'Softmax' || className === 'Activation') return before;
  if (className !== 'Dense') return null;
  const [kernel, bias] = layer.getWeights();
  return (batch) => {
    const product: tf.Tensor2D = tf.matMul(before(batch), kernel as tf.Tensor2D);
    return bias ? (tf.add(product, bias) as tf.Tensor2D) : product;
  };
}

/**
 * The heads of a model from a forward pass of each output on `probe` (one image): outputs that
 * are not [N, classes] class scores are kept out, and said so when chosen.
 */
export function modelHeads(sources: OutputSource[], probe: tf.Tensor4D): ModelHead[] {
  return sources.map((source, index) => {
    const shape = tf.tidy(() => source.forward(probe).shape);
    return makeHead(source, index, shape);
  });
}

function makeHead(source: OutputSource, index: number, shape: number[]): ModelHead {
  const classes = shape.length === 2 ? shape[1] : 0;
  const binary = source.kind === 'sigmoid' && classes === 1;
  const isScore = shape.length === 2 && shape[0] === 1 && (classes > 1 || binary);
  return {
    index,
    names: source.names,
    kind: source.kind,
    numClasses: binary ? 2 : classes,
    shape,
    isScore,
    what: source.what,
    forward: source.forward,
    scores: (output) => {
      if (output === 'probability') {
        if (source.kind === 'logits') return (batch) => tf.softmax(source.forward(batch));
        if (!binary) return source.forward;
        return (batch) => twoClasses(source.forward(batch), (p) => tf.sub(1, p));
      }
      if (source.kind === 'logits') return source.forward;
      const pre = source.preActivation;
      if (!pre) {
        throw new IgError(
          'model-incompatible',
          `The model's output ${source.what} ends in a ${source.kind} whose input TF.js cannot ` +
            'reach, so its logit cannot be explained: set output="probability".',
          'output',
        );
      }
      // A binary sigmoid's logit z is class 1's; class 0's is -z.
      return binary ? (batch) => twoClasses(pre(batch), (z) => tf.neg(z)) : pre;
    },
  };
}

/** [other(x), x] for a [N, 1] column x. */
function twoClasses(column: tf.Tensor2D, other: (x: tf.Tensor) => tf.Tensor): tf.Tensor2D {
  return tf.concat([other(column) as tf.Tensor2D, column], 1);
}

/**
 * The head `choice` names (an output's name or index), or by default the first [N, classes]
 * output. Throws IgError `model-incompatible` naming every output when it is not a class score.
 */
export function chooseHead(
  heads: ModelHead[],
  choice: string | number | null | undefined,
  url: string,
): ModelHead {
  const list = () =>
    heads
      .map((h) => `${h.index}: "${h.names[0]}" [${h.shape.join(', ')}] from ${h.what}`)
      .join('; ');
  let head: ModelHead | undefined;
  if (choice === null || choice === undefined || choice === '') {
    head = heads.find((h) => h.isScore);
    if (!head) {
      throw new IgError(
        'model-incompatible',
        `No output of the model at ${url} is a class score; its outputs: ${list()}. To explain ` +
          'it, use a classifier whose output is [N, classes] (logits or probabilities) or [N, 1] (a sigmoid).',
        'model-url',
      );
    }
    return head;
  }
  const byIndex = typeof choice === 'number' || /^\d+$/.test(choice) ? Number(choice) : -1;
  head = heads.find((h) => h.index === byIndex || h.names.includes(String(choice)));
  if (!head) {
    throw new IgError(
      'model-incompatible',
      `The model at ${url} has no output "${choice}"; its outputs: ${list()}. Set model-output ` +
        'to one of these names or indices.',
      'model-output',
    );
  }
  if (!head.isScore) {
    throw new IgError(
      'model-incompatible',
      `The output "${choice}" of the model at ${url} is not a class score [N, classes] (or a ` +
        `[N, 1] sigmoid); its outputs: ${list()}. Set model-output to a class-score output.`,
      'model-output',
    );
  }
  return head;
}

function kindOf(op: string | undefined): OutputKind {
  if (op === 'Softmax') return 'softmax';
  if (op === 'Sigmoid') return 'sigmoid';
  return 'logits';
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The output index of a tensor name: "split:1" is output 1 of node "split". */
function outputPort(tensorName: string): number {
  return Number(/:(\d+)$/.exec(tensorName)?.[1] ?? 0);
}

/** "Identity:0" and "^Identity" name the node "Identity". */
function nodeName(tensorName: string): string {
  return tensorName.replace(/^\^/, '').replace(/:\d+$/, '');
}
