// The WASM kernels the engine replaces or adds (src/engine/kernels/) and the derived filters its
// gradients reuse within an explanation (src/engine/gradients/derived-filters.ts): TF.js's CPU
// results exactly, no tensor left behind.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { withDerivedFilters } from '../../src/engine/gradients/derived-filters.js';
import { registerInputGradients } from '../../src/engine/gradients/register.js';
import { countKernels } from './kernel-counter.js';

/** `compute` on CPU and on WASM, from the same values: both results as arrays. */
async function onBoth<T extends tf.TensorContainer>(
  compute: () => T,
): Promise<{ cpu: unknown; wasm: unknown }> {
  const read = async (backend: string) => {
    await tf.setBackend(backend);
    const result = tf.tidy(compute);
    const tensors = (Array.isArray(result) ? result : [result]) as tf.Tensor[];
    const values = await Promise.all(tensors.map((t) => t.array()));
    tf.dispose(tensors);
    return values;
  };
  const cpu = await read('cpu');
  const wasm = await read('wasm');
  return { cpu, wasm };
}

describe('WASM kernels the engine replaces', () => {
  before(async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    expect(await tf.setBackend('wasm')).to.equal(true);
    registerInputGradients();
  });
  after(async () => {
    await tf.setBackend('wasm');
  });

  const splits: [number[], number[], number, tf.DataType][] = [
    [[5, 7, 7, 480], [128, 192, 96, 64], 3, 'float32'], // an Inception module's Concat gradient
    [[2, 3, 4, 40], [3, 20, -1], -1, 'float32'], // runs shorter than 16, and an inferred size
    [[6, 5, 4], [1, 4, 1], 0, 'int32'], // the outer axis: contiguous parts
    [[3, 9, 2], [2, 7], 1, 'float32'],
    [[4, 6], [3, 3], 1, 'bool'],
  ];
  for (const [shape, sizes, axis, dtype] of splits) {
    it(`splits ${dtype} [${shape}] into [${sizes}] along ${axis} as TF.js's CPU kernel does`, async () => {
      const values = Array.from({ length: tf.util.sizeFromShape(shape) }, (_, i) =>
        dtype === 'bool'
          ? i % 3 === 0
          : ((i * 7919) % 1000) - 500 + (dtype === 'float32' ? 0.25 : 0),
      );
      const { cpu, wasm } = await onBoth(() =>
        tf.split(tf.tensor(values as number[], shape, dtype), sizes, axis),
      );
      expect(wasm).to.deep.equal(cpu);
      expect((cpu as unknown[]).length).to.equal(sizes.length);
    });
  }

  for (const [shape, block] of [
    [[5, 112, 112, 12], 2], // the 7x7/2 stem's sub-pixel gradient
    [[2, 3, 5, 18], 3],
    [[1, 4, 4, 28], 2],
  ] as const) {
    it(`moves depth to space, block ${block}, [${shape}] as TF.js's CPU kernel does`, async () => {
      const values = Array.from(
        { length: tf.util.sizeFromShape(shape as unknown as number[]) },
        (_, i) => ((i * 7919) % 1013) / 7,
      );
      const { cpu, wasm } = await onBoth(() =>
        tf.depthToSpace(
          tf.tensor4d(values, shape as unknown as [number, number, number, number]),
          block,
        ),
      );
      expect(wasm).to.deep.equal(cpu);
    });
  }

  const reverses: [number[], number | number[], tf.DataType][] = [
    [[3, 3, 192, 384], [0, 1], 'float32'], // an Inception 3x3 filter's flip (conv-gradient.ts)
    [[5, 5, 3, 7], [1], 'float32'],
    [[2, 3, 4, 5], [0, 2], 'int32'],
    [[4, 6, 2], -2, 'float32'], // a negative axis
    [[3, 5], [0, 1], 'float32'], // the last axis: TF.js's kernel
    [[6, 4], 0, 'bool'],
    [[7], [], 'float32'], // no axis: a copy
  ];
  for (const [shape, dims, dtype] of reverses) {
    it(`reverses ${dtype} [${shape}] along ${JSON.stringify(dims)} as TF.js's CPU kernel does`, async () => {
      const values = Array.from({ length: tf.util.sizeFromShape(shape) }, (_, i) =>
        dtype === 'bool'
          ? i % 3 === 0
          : ((i * 7919) % 1000) - 500 + (dtype === 'float32' ? 0.5 : 0),
      );
      const { cpu, wasm } = await onBoth(() =>
        tf.reverse(tf.tensor(values as number[], shape, dtype), dims),
      );
      expect(wasm).to.deep.equal(cpu);
    });
  }

  it('gives a clone that shares the memory and outlives its source', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).to.equal(buffers);
    x.dispose();
    expect(await y.array()).to.deep.equal([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    y.dispose();
    expect(tf.memory().numDataBuffers).to.equal(buffers - 1);
  });

  it('keeps an input saved for a gradient readable after the input is disposed', async () => {
    await tf.setBackend('wasm');
    // The tape saves clones of x; disposing x before the gradient must not free their memory.
    const x = tf.tensor1d([1, -2, 3]);
    const before = tf.memory().numTensors;
    const { value, grad } = tf.valueAndGrad((input: tf.Tensor) => {
      const y = tf.sum(tf.mul(input, input));
      x.dispose();
      return y;
    })(x);
    expect(Array.from(await grad.data())).to.deep.equal([2, -4, 6]);
    expect((await value.data())[0]).to.equal(14);
    tf.dispose([value, grad]);
    expect(tf.memory().numTensors).to.equal(before - 1);
  });

  for (const [size, stride, pad, shape] of [
    [3, 1, 'same', [2, 9, 9, 40]],
    [3, 2, 'same', [1, 10, 11, 19]],
    [2, 2, 'valid', [3, 8, 8, 5]],
    [3, 2, 'same', [2, 28, 28, 64]], // padding below and right only, as Inception V1's pools
  ] as const) {
    it(`adds the max-pool gradient TF.js's CPU gives, ${size}/${stride} ${pad} [${shape}], negative and tied windows`, async () => {
      const n = tf.util.sizeFromShape(shape as unknown as number[]);
      // Rounded to a few values: many ties, whole windows of negatives and of zeros.
      const values = Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 12.9898) * 2) - 1);
      const pool = (input: tf.Tensor) => tf.maxPool(input as tf.Tensor4D, size, stride, pad);
      const { cpu, wasm } = await onBoth(() => {
        const x = tf.tensor4d(values, shape as unknown as [number, number, number, number]);
        const w = tf.tensor(
          Array.from({ length: pool(x).size }, (_, i) => ((i * 31) % 17) - 8),
          pool(x).shape,
        );
        return tf.grad((input) => tf.sum(tf.mul(pool(input), w)))(x);
      });
      expect(wasm).to.deep.equal(cpu);
    });
  }
});

describe('derived filters within an explanation', () => {
  before(async () => {
    expect(await tf.setBackend('wasm')).to.equal(true);
    registerInputGradients();
  });

  it('flips a weight once per explanation, the same gradient, nothing left after', async () => {
    const filter = tf.randomNormal([3, 3, 8, 16], 0, 1, 'float32', 1);
    const x = tf.randomNormal([2, 12, 12, 8], 0, 1, 'float32', 2);
    const loss = (input: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2d(input as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same')));
    const gradient = async () => {
      const g = tf.grad(loss)(x);
      const values = (await g.data()) as Float32Array;
      g.dispose();
      return values;
    };
    const before = tf.memory().numTensors;
    const alone = await countKernels(async () => {
      await gradient();
      await gradient();
      return [];
    });
    expect(alone.counts.Reverse).to.equal(2);
    const want = await gradient();
    let got: Float32Array[] = [];
    const within = await countKernels(() =>
      withDerivedFilters(async () => {
        got = [await gradient(), await gradient(), await gradient()];
        // The flipped filter lives while the explanation does.
        expect(tf.memory().numTensors).to.equal(before + 1);
        return [];
      }),
    );
    expect(within.counts.Reverse).to.equal(1);
    for (const values of got) expect(Array.from(values)).to.deep.equal(Array.from(want));
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([filter, x]);
  });

  it('frees the derived filters of a filter disposed during the explanation', async () => {
    const x = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    await withDerivedFilters(async () => {
      for (let i = 0; i < 4; i++) {
        // A filter computed anew at each gradient, as a model that derives its weights would.
        const filter = tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 10 + i);
        const g = tf.grad((input) =>
          tf.sum(tf.conv2d(input as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same')),
        )(x);
        tf.dispose([g, filter]);
        // At most the last filter's flip lives on: each miss frees those of disposed filters.
        expect(tf.memory().numTensors).to.be.at.most(before + 1);
      }
    });
    expect(tf.memory().numTensors).to.equal(before);
    x.dispose();
  });
});
