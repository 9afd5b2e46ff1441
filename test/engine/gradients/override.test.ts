// overrideGradient: our gradient on the backends it picks, TF.js's own on the others, registered
// once. Round (TF.js's gradient: zero) gets a straight-through gradient (dy) on WASM only; Exp
// (which saves its output) checks that ours is handed the tensors TF.js's own gradient saves.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { overrideGradient } from '../../../src/engine/gradients/override.js';

const X = [-1.7, -0.2, 0.4, 2.5];
let roundCalls = 0;

/** d/dx of sum(w * round(x)) on `backend`, with `w` = 1, 2, 3, 4 (so dy is not all ones). */
async function roundGradient(backend: string, x: number[] = X): Promise<number[]> {
  expect(await tf.setBackend(backend)).to.equal(true);
  const before = tf.memory().numTensors;
  const input = tf.tensor1d(x);
  const w = tf.tensor1d(x.map((_, i) => i + 1));
  const dx = tf.grad((t) => tf.sum(tf.mul(tf.round(t), w)))(input);
  const values = Array.from(await dx.data());
  tf.dispose([input, w, dx]);
  expect(tf.memory().numTensors).to.equal(before);
  return values;
}

describe('overrideGradient', () => {
  let ownRound: tf.GradConfig;

  before(async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    expect(await tf.setBackend('wasm')).to.equal(true);
    ownRound = tf.getGradient('Round')!;
    const returned = overrideGradient(
      'Round',
      (backend) => backend === 'wasm',
      // Straight through, except where asked for a rank above 1: TF.js's own then.
      (dy) => {
        roundCalls++;
        const g = dy as tf.Tensor;
        return g.rank > 1 ? null : { x: () => tf.clone(g) };
      },
    );
    expect(returned).to.equal(ownRound);
    expect(tf.getGradient('Round')).to.not.equal(ownRound);
  });

  it('runs our gradient on the backend it picks', async () => {
    roundCalls = 0;
    expect(await roundGradient('wasm')).to.deep.equal([1, 2, 3, 4]);
    expect(roundCalls).to.equal(1);
  });

  it("runs TF.js's own gradient on another backend, without calling ours", async () => {
    roundCalls = 0;
    expect(await roundGradient('cpu')).to.deep.equal([0, 0, 0, 0]);
    expect(roundCalls).to.equal(0);
  });

  it("runs TF.js's own gradient where ours returns null", async () => {
    expect(await tf.setBackend('wasm')).to.equal(true);
    roundCalls = 0;
    const x = tf.tensor2d([X]);
    const dx = tf.grad((t) => tf.sum(tf.round(t)))(x);
    expect(Array.from(await dx.data())).to.deep.equal([0, 0, 0, 0]);
    expect(roundCalls).to.equal(1);
    tf.dispose([x, dx]);
  });

  it('changes nothing when registered a second time', async () => {
    let secondCalls = 0;
    const returned = overrideGradient(
      'Round',
      (backend) => backend === 'cpu',
      (dy) => {
        secondCalls++;
        return { x: () => tf.mul(dy as tf.Tensor, 2) };
      },
    );
    expect(returned).to.equal(ownRound);
    roundCalls = 0;
    expect(await roundGradient('wasm')).to.deep.equal([1, 2, 3, 4]);
    expect(await roundGradient('cpu')).to.deep.equal([0, 0, 0, 0]);
    expect(roundCalls).to.equal(1);
    expect(secondCalls).to.equal(0);
  });

  it("hands ours the tensors TF.js's own gradient saves", async () => {
    let calls = 0;
    const ownExp = tf.getGradient('Exp')!;
    overrideGradient(
      'Exp',
      (backend) => backend === 'wasm',
      (dy, [y], _attrs, own) => {
        calls++;
        expect(own).to.equal(ownExp);
        // y = exp(x), saved by TF.js for its own gradient dy * y; ours adds dy.
        return { x: () => tf.mul(dy as tf.Tensor, tf.add(y, 1)) };
      },
    );
    const x = [0, 1, -2];
    for (const [backend, plus] of [
      ['wasm', 1],
      ['cpu', 0],
    ] as const) {
      expect(await tf.setBackend(backend)).to.equal(true);
      const input = tf.tensor1d(x);
      const dx = tf.grad((t) => tf.sum(tf.exp(t)))(input);
      const got = Array.from(await dx.data());
      got.forEach((v, i) => expect(v).to.be.closeTo(Math.exp(x[i]) + plus, 1e-5));
      tf.dispose([input, dx]);
    }
    expect(calls).to.equal(1);
  });

  it('throws for a kernel TF.js has no gradient for, registering nothing', () => {
    expect(() =>
      overrideGradient(
        'IgNoSuchKernel',
        () => true,
        () => null,
      ),
    ).to.throw('TF.js has no gradient registered for IgNoSuchKernel');
    expect(tf.getGradient('IgNoSuchKernel')).to.equal(undefined);
  });
});
