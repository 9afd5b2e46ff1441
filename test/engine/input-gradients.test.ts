// The filled-in input gradients (src/engine/gradients/, src/engine/conv-gradient.ts) against
// TF.js's own gradient on the CPU backend, on seeded random shapes, strides, paddings and
// dilations, on every backend.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { depthwiseInputGradient } from '../../src/engine/gradients/depthwise.js';
import { registerInputGradients } from '../../src/engine/gradients/register.js';
import { countKernels } from './kernel-counter.js';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  op: 'conv2d' | 'depthwise';
  batch: number;
  size: [number, number];
  kernel: [number, number];
  channels: number;
  /** Output channels (conv2d) or channel multiplier (depthwise). */
  out: number;
  stride: number;
  dilation: number;
  pad: Pad;
}

/** Seeded uniform integers in [lo, hi]. */
function random(seed: number): (lo: number, hi: number) => number {
  let state = seed;
  return (lo, hi) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return lo + (state % (hi - lo + 1));
  };
}

const CASES: Case[] = [];
const next = random(12);
for (const op of ['depthwise', 'conv2d'] as const) {
  for (const pad of ['same', 'valid', 'explicit'] as const) {
    for (const [stride, dilation] of [
      [1, 1],
      [2, 1],
      [3, 1],
      [1, 2],
      [1, 3],
    ]) {
      // TF.js's own gradient covers undilated conv2d; its fill runs on WASM (conv-gradient.test.ts).
      if (op === 'conv2d' && dilation === 1 && stride !== 2) continue;
      const size: [number, number] = [next(6, 13), next(6, 13)];
      // A dilated kernel no larger than the input, so that 'valid' has an output.
      const most = (side: number) => Math.min(5, Math.floor((side - 1) / dilation) + 1);
      const kernel: [number, number] = [next(1, most(size[0])), next(1, most(size[1]))];
      CASES.push({
        op,
        batch: next(1, 2),
        size,
        kernel,
        channels: next(1, 6),
        out: op === 'depthwise' ? next(1, 3) : next(1, 6),
        stride,
        dilation,
        pad:
          pad === 'explicit'
            ? [
                [0, 0],
                [next(0, 2), next(0, 2)],
                [next(0, 2), next(0, 2)],
                [0, 0],
              ]
            : pad,
      });
    }
  }
}

const name = (c: Case) =>
  `${c.op} ${c.kernel.join('x')}/${c.stride} dilation ${c.dilation} ` +
  `${typeof c.pad === 'string' ? c.pad : JSON.stringify(c.pad.slice(1, 3))}, ` +
  `${c.batch}x${c.size.join('x')}x${c.channels} -> ${c.out}`;

const filterShape = (c: Case): [number, number, number, number] => [...c.kernel, c.channels, c.out];

function forward(c: Case, x: tf.Tensor, filter: tf.Tensor, dilation = c.dilation): tf.Tensor4D {
  const f = filter as tf.Tensor4D;
  return c.op === 'conv2d'
    ? tf.conv2d(x as tf.Tensor4D, f, c.stride, c.pad, 'NHWC', dilation)
    : tf.depthwiseConv2d(x as tf.Tensor4D, f, c.stride, c.pad, 'NHWC', dilation);
}

/** The filter with dilation - 1 zeros between taps: the same convolution without dilation. */
function dilateFilter(filter: tf.Tensor4D, dilation: number): tf.Tensor4D {
  if (dilation === 1) return filter;
  const [kh, kw, c, m] = filter.shape;
  const out = tf.buffer([(kh - 1) * dilation + 1, (kw - 1) * dilation + 1, c, m]);
  const values = filter.arraySync();
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < c; k++)
        for (let q = 0; q < m; q++) out.set(values[i][j][k][q], i * dilation, j * dilation, k, q);
  return out.toTensor() as tf.Tensor4D;
}

interface Inputs {
  x: Float32Array;
  filter: Float32Array;
  dy: Float32Array;
  dyShape: [number, number, number, number];
  /** TF.js's own dL/dx on the CPU backend. */
  reference: Float32Array;
}

/** Seeded inputs and TF.js's own gradient on cpu (dilations via the zero-dilated filter). */
function cpuReference(c: Case, seed: number): Inputs {
  const previous = tf.getBackend();
  tf.setBackend('cpu');
  try {
    return tf.tidy(() => {
      const x = tf.randomNormal([c.batch, ...c.size, c.channels], 0, 1, 'float32', seed);
      const filter = tf.randomNormal(filterShape(c), 0, 1, 'float32', seed + 1);
      const dense = dilateFilter(filter as tf.Tensor4D, c.dilation);
      const dy = tf.randomNormal(forward(c, x, filter).shape, 0, 1, 'float32', seed + 2);
      const reference = tf.grad((input) => tf.sum(tf.mul(forward(c, input, dense, 1), dy)))(x);
      return {
        x: x.dataSync() as Float32Array,
        filter: filter.dataSync() as Float32Array,
        dy: dy.dataSync() as Float32Array,
        dyShape: dy.shape,
        reference: reference.dataSync() as Float32Array,
      } as unknown as tf.Tensor;
    }) as unknown as Inputs;
  } finally {
    tf.setBackend(previous);
  }
}

function maxRelativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    norm = Math.max(norm, Math.abs(want[i]));
  }
  return diff / norm;
}

for (const backend of ['cpu', 'wasm', 'webgl']) {
  describe(`filled-in input gradients on ${backend}`, function () {
    before(async function () {
      if (backend === 'wasm') setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
      if (!(await tf.setBackend(backend).catch(() => false))) {
        console.log(`skipped: the ${backend} backend does not start in this browser`);
        this.skip();
      }
      registerInputGradients();
    });

    for (const [size, stride, pad] of [
      [2, 2, 'valid'],
      [3, 2, 'same'],
      [3, 1, 'valid'],
    ] as const) {
      it(`gives TF.js's own CPU max-pool gradient on negative windows: ${size}/${stride} ${pad}`, async () => {
        // Shifted down so that many windows hold negative values only (WASM's kernel fails there).
        const pool = (input: tf.Tensor) => tf.maxPool(input as tf.Tensor4D, size, stride, pad);
        const loss = (input: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(pool(input), w));
        const make = () => {
          const x = tf.tidy(() => tf.sub(tf.randomUniform([2, 9, 9, 3], 0, 1, 'float32', 5), 0.8));
          const w = tf.tidy(() => tf.randomNormal(pool(x).shape, 0, 1, 'float32', 6));
          return [x, w];
        };
        const previous = tf.getBackend();
        await tf.setBackend('cpu');
        const want = tf.tidy(() => {
          const [x, w] = make();
          return tf
            .grad((input) => loss(input, w))(x)
            .dataSync();
        });
        await tf.setBackend(previous);
        const [x, w] = make();
        const dx = tf.grad((input) => loss(input, w))(x);
        expect(maxRelativeError(await dx.data(), want)).to.be.below(1e-6);
        tf.dispose([x, w, dx]);
      });
    }

    it('scatters the max-pool gradient to the argmax on WASM, after a ReLU (all-zero windows)', async () => {
      // A ReLU before the pool leaves windows of zeros only, where WASM's kernels start at FLT_MIN.
      const pool = (input: tf.Tensor) => tf.maxPool(input as tf.Tensor4D, 3, 2, 'same');
      const x = tf.tidy(() =>
        tf.relu(tf.sub(tf.randomUniform([2, 10, 10, 4], 0, 1, 'float32', 7), 0.9)),
      );
      const w = tf.tidy(() => tf.randomNormal(pool(x).shape, 0, 1, 'float32', 8));
      const before = tf.memory().numTensors;
      let dx: Float32Array = new Float32Array();
      const kernels = await countKernels(async () => {
        const grad = tf.grad((input) => tf.sum(tf.mul(pool(input), w)))(x);
        dx = (await grad.data()) as Float32Array;
        return grad;
      });
      expect(tf.memory().numTensors).to.equal(before);
      // Every window sends its dy somewhere inside the input: nothing lost, nothing doubled.
      const total = (await tf.sum(w).data())[0];
      expect(dx.reduce((s, v) => s + v, 0)).to.be.closeTo(total, 1e-4 * (1 + Math.abs(total)));
      const xs = await x.data();
      // A window of zeros sends its dy to a zero of x; a position that is no window's maximum
      // (any x that another entry of each of its windows exceeds) gets none.
      expect(dx.some((v, i) => v !== 0 && xs[i] === 0)).to.equal(true);
      if (backend === 'wasm') {
        expect(kernels.counts.IgMaxPoolInputGradient).to.equal(1);
        expect(kernels.counts.MaxPoolWithArgmax).to.equal(undefined);
        expect(kernels.counts.MaxPoolGrad).to.equal(undefined);
      }
      tf.dispose([x, w]);
    });

    it("gives TF.js's own CPU Relu6 gradient, at 0 and 6 exactly, NaN and infinities, in one kernel on WASM", async () => {
      const values = [-1, 0, 1e-30, 3, 6 - 1e-6, 6, 6 + 1e-6, 7, -0, 5.5, NaN, Infinity, -Infinity];
      const relu6 = (input: tf.Tensor) => tf.relu6(input);
      const make = () => {
        const x = tf.tidy(() =>
          // 1002 values: the last two past a multiple of 4 (simd.wat's lanes).
          tf.concat([tf.tensor1d(values), tf.mul(tf.randomNormal([989], 0, 1, 'float32', 9), 5)]),
        );
        const w = tf.tidy(() => tf.randomNormal([1002], 0, 1, 'float32', 10));
        return [x, w];
      };
      const previous = tf.getBackend();
      await tf.setBackend('cpu');
      const want = tf.tidy(() => {
        const [x, w] = make();
        return tf
          .grad((input) => tf.sum(tf.mul(relu6(input), w)))(x)
          .dataSync();
      });
      await tf.setBackend(previous);
      const [x, w] = make();
      const before = tf.memory().numTensors;
      let got: Float32Array = new Float32Array();
      const kernels = await countKernels(async () => {
        const dx = tf.grad((input) => tf.sum(tf.mul(relu6(input), w)))(x);
        got = (await dx.data()) as Float32Array;
        return dx;
      });
      expect(Array.from(got)).to.deep.equal(Array.from(want));
      expect(Array.from(got.slice(0, values.length)).map((v) => v !== 0)).to.deep.equal([
        false,
        false,
        true,
        true,
        true,
        true,
        false,
        false,
        false,
        true,
        true, // NaN: NaN
        false,
        false,
      ]);
      expect(Number.isNaN(got[10])).to.equal(true);
      expect(tf.memory().numTensors).to.equal(before);
      if (backend === 'wasm') {
        expect(kernels.counts.LessEqual).to.equal(undefined);
        expect(kernels.counts.IgRelu6InputGradient).to.equal(1);
      }
      tf.dispose([x, w]);
    });

    CASES.forEach((c, index) => {
      it(`equals TF.js's own CPU gradient: ${name(c)}`, async () => {
        const inputs = cpuReference(c, 10 + 3 * index);
        expect(tf.getBackend()).to.equal(backend);
        const xShape: [number, number, number, number] = [c.batch, ...c.size, c.channels];
        const x = tf.tensor4d(inputs.x, xShape);
        const filter = tf.tensor4d(inputs.filter, filterShape(c));
        const dy = tf.tensor4d(inputs.dy, inputs.dyShape);
        const before = tf.memory().numTensors;
        // Through the tape, as IG differentiates: the registered gradient of the kernel.
        let viaTape: Float32Array = new Float32Array();
        const kernels = await countKernels(async () => {
          const dx = tf.grad((input) => tf.sum(tf.mul(forward(c, input, filter), dy)))(x);
          viaTape = (await dx.data()) as Float32Array;
          return dx;
        });
        expect(kernels.weightGradients).to.deep.equal([]);
        expect(maxRelativeError(viaTape, inputs.reference)).to.be.below(1e-4);
        if (c.op === 'depthwise') {
          // The fill itself, also where the backend has its own kernel.
          const attrs = { strides: c.stride, pad: c.pad, dilations: c.dilation };
          const fill = depthwiseInputGradient(
            dy,
            x.shape as [number, number, number, number],
            filter,
            attrs,
          );
          const dx = tf.tidy(fill);
          expect(dx.shape).to.deep.equal(x.shape);
          expect(maxRelativeError(await dx.data(), inputs.reference)).to.be.below(1e-4);
          dx.dispose();
        }
        expect(Array.from(inputs.reference).some((v) => v !== 0)).to.equal(true);
        expect(tf.memory().numTensors).to.equal(before);
        tf.dispose([x, filter, dy]);
      });
    });
  });
}
