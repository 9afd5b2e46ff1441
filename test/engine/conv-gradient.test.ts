// Conv2D's input gradient as a forward convolution: the same values as TF.js's own gradient.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { originalConvGradient, registerFastConvGradient } from '../../src/engine/conv-gradient.js';
import { subPixelPlan } from '../../src/engine/gradients/sub-pixel.js';
import { convInfo } from '../../src/engine/gradients/transposed.js';

interface Case {
  batch: number;
  size: [number, number];
  kernel: [number, number];
  inChannels: number;
  outChannels: number;
  stride: number;
  pad: 'same' | 'valid' | number;
}

const CASES: Case[] = [];
let seed = 0;
for (const kernel of [1, 3, 5]) {
  for (const pad of ['same', 'valid'] as const) {
    for (const stride of [1, 2]) {
      const batch = (kernel + stride) % 2 === 0 ? 1 : 3;
      const inChannels = 3 + ((seed * 5) % 14);
      const outChannels = 16 - ((seed * 3) % 14);
      const size: [number, number] = [9 + (seed % 4), 12 - (seed % 3)];
      CASES.push({ batch, size, kernel: [kernel, kernel], inChannels, outChannels, stride, pad });
      seed++;
    }
  }
}
// The Inception stem (7x7/2, 'same', even input), even and non-square kernels (asymmetric
// 'same' padding), numeric padding, and a 1-row input.
CASES.push(
  {
    batch: 1,
    size: [16, 16],
    kernel: [7, 7],
    inChannels: 3,
    outChannels: 8,
    stride: 2,
    pad: 'same',
  },
  {
    batch: 3,
    size: [8, 10],
    kernel: [2, 2],
    inChannels: 4,
    outChannels: 5,
    stride: 1,
    pad: 'same',
  },
  { batch: 1, size: [9, 8], kernel: [4, 3], inChannels: 6, outChannels: 3, stride: 2, pad: 'same' },
  { batch: 2, size: [7, 9], kernel: [3, 5], inChannels: 5, outChannels: 7, stride: 1, pad: 1 },
  {
    batch: 1,
    size: [8, 8],
    kernel: [3, 3],
    inChannels: 3,
    outChannels: 4,
    stride: 3,
    pad: 'valid',
  },
  { batch: 1, size: [1, 6], kernel: [1, 3], inChannels: 3, outChannels: 4, stride: 2, pad: 'same' },
);
// Strides that tile the input, which the sub-pixel convolution serves (SUB_PIXEL below): the
// MobileNetV2 stem (3x3/2 'same'), a ResNet shortcut (1x1/2), 'valid', even kernels, stride 3,
// numeric padding up to the kernel's size.
const SUB_PIXEL: Case[] = [
  {
    batch: 1,
    size: [16, 16],
    kernel: [3, 3],
    inChannels: 3,
    outChannels: 8,
    stride: 2,
    pad: 'same',
  },
  {
    batch: 2,
    size: [12, 12],
    kernel: [1, 1],
    inChannels: 5,
    outChannels: 7,
    stride: 2,
    pad: 'valid',
  },
  {
    batch: 1,
    size: [12, 10],
    kernel: [3, 3],
    inChannels: 4,
    outChannels: 3,
    stride: 2,
    pad: 'valid',
  },
  {
    batch: 2,
    size: [8, 10],
    kernel: [2, 2],
    inChannels: 3,
    outChannels: 6,
    stride: 2,
    pad: 'same',
  },
  { batch: 1, size: [10, 10], kernel: [4, 4], inChannels: 2, outChannels: 5, stride: 2, pad: 1 },
  { batch: 1, size: [9, 9], kernel: [3, 3], inChannels: 3, outChannels: 4, stride: 3, pad: 'same' },
  {
    batch: 1,
    size: [12, 12],
    kernel: [5, 5],
    inChannels: 3,
    outChannels: 2,
    stride: 3,
    pad: 'same',
  },
  { batch: 1, size: [10, 8], kernel: [3, 5], inChannels: 3, outChannels: 4, stride: 2, pad: 2 },
];
CASES.push(...SUB_PIXEL);

const name = (c: Case) =>
  `${c.kernel.join('x')}/${c.stride} ${c.pad}, ${c.batch}x${c.size.join('x')}x${c.inChannels} -> ${c.outChannels}`;

function relativeError(a: Float32Array | Int32Array | Uint8Array, b: typeof a): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    norm = Math.max(norm, Math.abs(b[i]));
  }
  return diff / norm;
}

for (const backend of ['cpu', 'wasm']) {
  describe(`registerFastConvGradient on ${backend}`, () => {
    before(async () => {
      if (backend === 'wasm') setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
      expect(await tf.setBackend(backend)).to.equal(true);
      // The worker enables it on WASM only; cpu checks the same arithmetic exactly.
      registerFastConvGradient(['cpu', 'wasm']);
      registerFastConvGradient(['cpu', 'wasm']); // idempotent
    });

    for (const c of CASES) {
      it(`gives TF.js's own input and filter gradients: ${name(c)}`, async () => {
        const own = originalConvGradient();
        expect(own).to.not.equal(null);
        const x = tf.randomNormal([c.batch, ...c.size, c.inChannels], 0, 1, 'float32', 1);
        const filter = tf.randomNormal(
          [...c.kernel, c.inChannels, c.outChannels],
          0,
          1,
          'float32',
          2,
        );
        const conv = (input: tf.Tensor, f: tf.Tensor) =>
          tf.conv2d(input as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad);
        const dy = tf.tidy(() => tf.randomNormal(conv(x, filter).shape, 0, 1, 'float32', 3));
        const before = tf.memory().numTensors;
        const loss = (input: tf.Tensor, f: tf.Tensor) => tf.sum(tf.mul(conv(input, f), dy));

        // The overridden gradient runs forward convolutions only.
        const profile = await tf.profile(() => tf.grad((input) => loss(input, filter))(x));
        const dx = profile.result as tf.Tensor;
        const kernels = profile.kernels.map((k) => k.name);
        expect(kernels).to.not.include('Conv2DBackpropInput');
        expect(kernels.filter((k) => k === 'Conv2D')).to.have.length(2);
        expect(kernels).to.not.include('Conv2DBackpropFilter');
        // A strided convolution whose phases tile x runs as a sub-pixel convolution (its
        // sub-filters gathered, no Reverse); else a 1x1 filter has nothing to flip spatially.
        type Shape = [number, number, number, number];
        const info = convInfo(x.shape as Shape, filter.shape as Shape, {
          strides: c.stride,
          pad: c.pad,
        });
        const subPixel = subPixelPlan(info) !== null;
        if (SUB_PIXEL.includes(c)) expect(subPixel).to.equal(true);
        expect(kernels.filter((k) => k === 'DepthToSpace')).to.have.length(subPixel ? 1 : 0);
        const spatial = c.kernel[0] * c.kernel[1] > 1;
        expect(kernels.filter((k) => k === 'Reverse')).to.have.length(spatial && !subPixel ? 1 : 0);

        const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: 1 };
        const reference = tf.tidy(() => own!.gradFunc(dy, [x, filter], attrs).x());
        expect(dx.shape).to.deep.equal(x.shape);
        const [got, want] = [await dx.data(), await reference.data()];
        expect(Array.from(want).some((v) => v !== 0)).to.equal(true);
        expect(relativeError(got, want)).to.be.below(1e-4);

        if (backend === 'cpu') {
          // WASM has no Conv2DBackpropFilter kernel; on cpu the filter gradient is TF.js's own.
          const [dx2, df] = tf.grads((input, f) => loss(input, f))([x, filter]);
          const ownDf = tf.tidy(() => own!.gradFunc(dy, [x, filter], attrs).filter());
          expect(relativeError(await df.data(), await ownDf.data())).to.equal(0);
          tf.dispose([dx2, df]);
          ownDf.dispose();
        }
        dx.dispose();
        reference.dispose();
        expect(tf.memory().numTensors).to.equal(before);
        tf.dispose([x, filter, dy]);
      });
    }

    it('differentiates dilated convolutions, which TF.js refuses, as the zero-dilated filter', async () => {
      const x = tf.randomNormal([1, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const filter = tf.randomNormal([3, 3, 3, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
      // The same convolution with the taps spread out by zeros: TF.js's own gradient runs there.
      const spread = tf.tidy(() => {
        const z = tf.zerosLike(filter);
        const rows = tf.reshape(tf.stack([filter, z], 1), [6, 3, 3, 2]).slice(0, 5);
        const z2 = tf.zerosLike(rows);
        return tf.reshape(tf.stack([rows, z2], 2), [5, 6, 3, 2]).slice([0, 0], [5, 5]);
      }) as tf.Tensor4D;
      const dx = tf.grad((input) =>
        tf.sum(tf.conv2d(input as tf.Tensor4D, filter, 1, 'same', 'NHWC', 2)),
      )(x);
      const want = tf.grad((input) => tf.sum(tf.conv2d(input as tf.Tensor4D, spread, 1, 'same')))(
        x,
      );
      expect(relativeError(await dx.data(), await want.data())).to.be.below(1e-5);
      tf.dispose([x, filter, spread, dx, want]);
    });
  });
}

describe('registerFastConvGradient, default backends', () => {
  after(() => registerFastConvGradient(['cpu', 'wasm']));

  it('leaves TF.js its own Conv2DBackpropInput on a backend it does not cover', async () => {
    expect(await tf.setBackend('cpu')).to.equal(true);
    registerFastConvGradient(); // WASM only
    const x = tf.randomNormal([1, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const filter = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    const profile = await tf.profile(() =>
      tf.grad((input) => tf.sum(tf.conv2d(input as tf.Tensor4D, filter, 1, 'same')))(x),
    );
    expect(profile.kernels.map((k) => k.name)).to.include('Conv2DBackpropInput');
    tf.dispose([x, filter, profile.result as tf.Tensor]);
  });
});
