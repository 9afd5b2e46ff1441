// Fused ops with a linear activation, rewritten so that IG's gradient needs no filter gradient.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { unfuseLinearOps } from '../../src/engine/unfuse.js';

const f32 = { type: 'DT_FLOAT' };
const ints = (...values: number[]) => ({ list: { i: values.map(String) } });
const dims = (...sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) });
const constant = (name: string, dtype = 'DT_FLOAT') => ({
  name,
  op: 'Const',
  attr: { dtype: { type: dtype }, value: { tensor: { dtype } } },
});

/**
 * input [N,8,8,3] -> _FusedConv2D[BiasAdd] 3x3x3x4 -> Reshape [N,256] -> _FusedMatMul[BiasAdd]
 * -> logits [N,5]: both fused ops linear, as the converter emits a logits layer.
 */
function linearFusedModel(): tf.io.ModelArtifacts {
  const filter = tf.randomNormal([3, 3, 3, 4], 0, 0.5, 'float32', 1);
  const bias = tf.randomNormal([4], 0, 0.5, 'float32', 2);
  const weights = tf.randomNormal([256, 5], 0, 0.2, 'float32', 3);
  const dense = tf.randomNormal([5], 0, 0.5, 'float32', 4);
  const values = [filter, bias, weights, dense].map((t) => t.dataSync() as Float32Array);
  [filter, bias, weights, dense].forEach((t) => t.dispose());
  const shape = new Int32Array([-1, 256]);
  const parts = [...values, shape];
  const bytes = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    bytes.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), offset);
    offset += p.byteLength;
  }
  const fused = (op: string, name: string, input: string[], attr: object) => ({
    name,
    op,
    input,
    attr: {
      T: f32,
      num_args: { i: '1' },
      fused_ops: { list: { s: [btoa('BiasAdd')] } },
      epsilon: { f: 0 },
      ...attr,
    },
  });
  return {
    format: 'graph-model',
    modelTopology: {
      versions: { producer: 1 },
      node: [
        {
          name: 'images',
          op: 'Placeholder',
          attr: { dtype: f32, shape: { shape: dims(-1, 8, 8, 3) } },
        },
        constant('filter'),
        constant('bias'),
        constant('weights'),
        constant('dense'),
        constant('shape', 'DT_INT32'),
        fused('_FusedConv2D', 'conv/BiasAdd', ['images', 'filter', 'bias'], {
          strides: ints(1, 1, 1, 1),
          padding: { s: btoa('SAME') },
          data_format: { s: btoa('NHWC') },
          dilations: ints(1, 1, 1, 1),
          explicit_paddings: { list: {} },
        }),
        { name: 'flat', op: 'Reshape', input: ['conv/BiasAdd', 'shape'], attr: { T: f32 } },
        fused('_FusedMatMul', 'logits', ['flat', 'weights', 'dense'], {
          transpose_a: { b: false },
          transpose_b: { b: false },
        }),
      ],
    },
    weightSpecs: [
      { name: 'filter', shape: [3, 3, 3, 4], dtype: 'float32' },
      { name: 'bias', shape: [4], dtype: 'float32' },
      { name: 'weights', shape: [256, 5], dtype: 'float32' },
      { name: 'dense', shape: [5], dtype: 'float32' },
      { name: 'shape', shape: [2], dtype: 'int32' },
    ],
    weightData: bytes.buffer,
  };
}

async function graphModel(artifacts: tf.io.ModelArtifacts): Promise<tf.GraphModel> {
  return tf.loadGraphModel({ load: async () => artifacts });
}

/** The input gradient of logit 2. */
function inputGradient(model: tf.GraphModel, x: tf.Tensor4D): tf.Tensor {
  return tf.grad((input: tf.Tensor) =>
    tf.sum(tf.slice(model.predict(input) as tf.Tensor2D, [0, 2], [-1, 1])),
  )(x);
}

describe('unfuseLinearOps', () => {
  it('splits linear fused conv and matmul into the plain op + BiasAdd under the same name', () => {
    const artifacts = linearFusedModel();
    const rewritten = unfuseLinearOps(artifacts);
    const nodes = (
      rewritten.modelTopology as { node: Array<{ name: string; op: string; input?: string[] }> }
    ).node;
    const ops = Object.fromEntries(nodes.map((n) => [n.name, n.op]));
    expect(ops['conv/BiasAdd']).to.equal('BiasAdd');
    expect(ops['conv/BiasAdd/ig_unfused']).to.equal('Conv2D');
    expect(ops['logits']).to.equal('BiasAdd');
    expect(ops['logits/ig_unfused']).to.equal('MatMul');
    expect(nodes.find((n) => n.name === 'logits')!.input).to.deep.equal([
      'logits/ig_unfused',
      'dense',
    ]);
    expect(Object.values(ops)).to.not.include('_FusedConv2D');
    // A fused op with a non-linear activation, or a model without fused ops, is left alone.
    const relu = linearFusedModel();
    const conv = (
      relu.modelTopology as { node: Array<{ op: string; attr: Record<string, unknown> }> }
    ).node.find((n) => n.op === '_FusedConv2D')!;
    conv.attr.fused_ops = { list: { s: [btoa('BiasAdd'), btoa('Relu')] } };
    const kept = unfuseLinearOps(relu).modelTopology as { node: Array<{ op: string }> };
    expect(kept.node.filter((n) => n.op === '_FusedConv2D')).to.have.length(1);
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`gives the fused model's outputs and input gradient on ${backend}, computing no filter gradient`, async () => {
      if (backend === 'wasm') setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
      expect(await tf.setBackend(backend)).to.equal(true);
      const fused = await graphModel(linearFusedModel());
      const plain = await graphModel(unfuseLinearOps(linearFusedModel()));
      const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      try {
        const outputs = tf.tidy(() =>
          tf.stack([fused.predict(x) as tf.Tensor, plain.predict(x) as tf.Tensor]).arraySync(),
        ) as number[][][];
        outputs[0].flat().forEach((v, i) => expect(outputs[1].flat()[i]).to.be.closeTo(v, 1e-4));

        // The kernels the gradient runs: no filter gradient with the rewrite.
        const profile = await tf.profile(() => inputGradient(plain, x));
        const kernels = profile.kernels.map((k) => k.name);
        (profile.result as tf.Tensor).dispose();
        expect(kernels).to.include('Conv2DBackpropInput');
        expect(kernels).to.not.include('Conv2DBackpropFilter');
        const plainGrad = inputGradient(plain, x);
        if (backend === 'cpu') {
          // The fused model differentiates too on cpu, at the cost of the filter gradient.
          const fusedProfile = await tf.profile(() => inputGradient(fused, x));
          const fusedGrad = fusedProfile.result as tf.Tensor;
          expect(fusedProfile.kernels.map((k) => k.name)).to.include('Conv2DBackpropFilter');
          const [a, b] = [await fusedGrad.data(), await plainGrad.data()];
          a.forEach((v, i) => expect(b[i]).to.be.closeTo(v, 1e-5));
          fusedGrad.dispose();
        } else {
          expect(Array.from(await plainGrad.data()).some((v) => v !== 0)).to.equal(true);
        }
        plainGrad.dispose();
        expect(tf.memory().numTensors).to.be.at.most(before);
        // WASM has no Conv2DBackpropFilter kernel: only the rewritten model differentiates there.
        if (backend === 'wasm') {
          expect(() => inputGradient(fused, x).dispose()).to.throw(/Conv2DBackpropFilter/);
        }
      } finally {
        x.dispose();
        fused.dispose();
        plain.dispose();
      }
    });
  }
});
