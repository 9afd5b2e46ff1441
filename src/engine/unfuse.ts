// Graph models as IG differentiates them best: fused ops with a linear activation split in two.
import type * as tf from '@tensorflow/tfjs';

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { list?: { s?: string[] } } & Record<string, unknown>>;
  device?: string;
}

/** The fused ops of TF.js graph models and their unfused main op. */
const UNFUSED: Record<string, string> = {
  _FusedConv2D: 'Conv2D',
  FusedDepthwiseConv2dNative: 'DepthwiseConv2dNative',
  _FusedMatMul: 'MatMul',
};
const FUSION_ATTRS = new Set(['fused_ops', 'num_args', 'epsilon', 'leakyrelu_alpha']);

/**
 * `artifacts` with every fused conv, depthwise conv or matmul whose only fused op is BiasAdd
 * (a linear activation) rewritten as the plain op followed by BiasAdd, under the same output
 * name. Under a gradient TF.js runs such a fused op through a custom gradient that also computes
 * the filter (or weight) gradient, which IG never needs and the WASM backend cannot compute (it
 * has no Conv2DBackpropFilter kernel); the plain ops differentiate only towards the input. Fused
 * ops with a non-linear activation already run unfused under a gradient and are left as they are
 * (fused, they keep the forward pass fast). Returns `artifacts` itself when nothing changes.
 */
export function unfuseLinearOps(artifacts: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  const topology = artifacts.modelTopology as { node?: GraphNode[] } | undefined;
  if (!topology || !Array.isArray(topology.node)) return artifacts;
  let changed = false;
  const nodes: GraphNode[] = [];
  for (const node of topology.node) {
    const plain = UNFUSED[node.op];
    const fused = (node.attr?.fused_ops?.list?.s ?? []).map(decode);
    const inputs = node.input ?? [];
    const data = inputs.filter((input) => !input.startsWith('^'));
    if (!plain || fused.length !== 1 || fused[0] !== 'BiasAdd' || data.length !== 3) {
      nodes.push(node);
      continue;
    }
    changed = true;
    const attr = Object.fromEntries(
      Object.entries(node.attr ?? {}).filter(([key]) => !FUSION_ATTRS.has(key)),
    );
    const main = `${node.name}/ig_unfused`;
    const controls = inputs.filter((input) => input.startsWith('^'));
    nodes.push({ ...node, name: main, op: plain, input: [data[0], data[1], ...controls], attr });
    const biasAttr: GraphNode['attr'] = {};
    if (attr.T) biasAttr.T = attr.T;
    if (attr.data_format) biasAttr.data_format = attr.data_format;
    nodes.push({ name: node.name, op: 'BiasAdd', input: [main, data[2]], attr: biasAttr });
  }
  if (!changed) return artifacts;
  return { ...artifacts, modelTopology: { ...topology, node: nodes } };
}

/** Graph-def strings are base64 in model.json. */
function decode(value: string): string {
  try {
    return atob(value);
  } catch {
    return value;
  }
}
