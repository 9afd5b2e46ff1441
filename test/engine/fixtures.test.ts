// The generated test models (scripts/make-fixtures.mjs) load with TF.js's own loaders, have the
// shapes their README promises, predict sensibly and are differentiable, or fail the way their
// names say. This guards the fixtures every worker and element test builds on.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';

const BASE = '/test/fixtures/models';

type Model = tf.GraphModel | tf.LayersModel;

async function loadFixture(name: string): Promise<Model> {
  const url = `${BASE}/${name}/model.json`;
  const json = (await (await fetch(url)).json()) as { format: string };
  return json.format === 'graph-model' ? tf.loadGraphModel(url) : tf.loadLayersModel(url);
}

function inputShape(model: Model): number[] {
  const shape = 'executor' in model ? model.inputs[0].shape : model.inputs[0].shape;
  return (shape ?? []).map((d) => d ?? -1);
}

/** The signature's declared output shape (graph models carry no shape on their output node). */
function signatureOutputShape(model: tf.GraphModel): number[] {
  const signature = model.modelSignature as {
    outputs: Record<string, { tensorShape: { dim: Array<{ size: string }> } }>;
  };
  const [info] = Object.values(signature.outputs);
  return info.tensorShape.dim.map((d) => Number(d.size));
}

/** A smooth, deterministic test image [n, h, w, 3] in [0, 1]: ramps and their product. */
function testImages(n: number, height: number, width: number): tf.Tensor4D {
  return tf.tidy(() => {
    const rows = tf.linspace(0, 1, height).reshape([height, 1, 1]).tile([1, width, 1]);
    const cols = tf.linspace(0, 1, width).reshape([1, width, 1]).tile([height, 1, 1]);
    const image = tf.concat([rows, cols, rows.mul(cols)], 2) as tf.Tensor3D;
    // Each image of the batch is the ramp image dimmed differently.
    const scales = tf.linspace(1, 0.5, n).reshape([n, 1, 1, 1]);
    return image.expandDims(0).mul(scales) as tf.Tensor4D;
  });
}

function predict(model: Model, x: tf.Tensor): tf.Tensor {
  return model.predict(x) as tf.Tensor;
}

/** Gradient of logit `target` of the first image with respect to the input batch. */
function logitGradient(model: Model, x: tf.Tensor4D, target: number): tf.Tensor4D {
  const gradient = tf.grad((input: tf.Tensor) =>
    tf.slice(predict(model, input), [0, target], [1, 1]).sum(),
  );
  return gradient(x) as tf.Tensor4D;
}

/** Frees what a tf.grad that threw left on TF.js's tape (engine.gradients only frees on success). */
function disposeAbandonedTape(): void {
  const state = tf.engine().state;
  for (const node of state.activeTape ?? []) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = [];
}

interface GoodCase {
  name: string;
  size: number;
  classes: number;
  format: 'graph' | 'layers';
}

const GOOD: GoodCase[] = [
  { name: 'tiny-graph', size: 32, classes: 1001, format: 'graph' },
  { name: 'tiny-graph-10', size: 24, classes: 10, format: 'graph' },
  { name: 'tiny-layers', size: 32, classes: 10, format: 'layers' },
  { name: 'sharded-8', size: 32, classes: 1001, format: 'graph' },
];

for (const backend of ['cpu', 'webgl']) {
  describe(`generated test models on ${backend}`, () => {
    let tensorsBefore = 0;

    before(async () => {
      expect(await tf.setBackend(backend)).to.equal(true);
      await tf.ready();
    });

    beforeEach(() => {
      tensorsBefore = tf.memory().numTensors;
    });

    afterEach(() => {
      expect(tf.memory().numTensors).to.equal(tensorsBefore);
    });

    for (const { name, size, classes, format } of GOOD) {
      it(`${name}: [N,${size},${size},3] -> [N,${classes}] logits, finite, differentiable`, async () => {
        const model = await loadFixture(name);
        try {
          expect('executor' in model ? 'graph' : 'layers').to.equal(format);
          expect(inputShape(model)).to.deep.equal([-1, size, size, 3]);
          if (model instanceof tf.GraphModel) {
            expect(model.inputs[0].name).to.equal('images');
            expect(signatureOutputShape(model)).to.deep.equal([-1, classes]);
          } else {
            expect(model.outputs[0].shape).to.deep.equal([null, classes]);
          }

          const x = testImages(3, size, size);
          const logits = predict(model, x);
          const probabilities = tf.softmax(logits);
          expect(logits.shape).to.deep.equal([3, classes]);
          const values = await logits.data();
          expect(values.every(Number.isFinite)).to.equal(true);
          const p = await probabilities.data();
          const top = Array.from(p.subarray(0, classes));
          const maxProbability = Math.max(...top);
          // Non-degenerate: neither one-hot nor flat.
          expect(maxProbability).to.be.below(0.9);
          expect(maxProbability).to.be.above(1.5 / classes);
          // The three images (dimmed differently) give different logits.
          expect(values[0]).to.not.equal(values[classes]);

          const target = top.indexOf(maxProbability);
          const gradient = logitGradient(model, x, target);
          const g = await gradient.data();
          expect(gradient.shape).to.deep.equal(x.shape);
          expect(g.every(Number.isFinite)).to.equal(true);
          // Only the first image feeds the target logit; its gradient is not zero.
          const perImage = size * size * 3;
          const norm = (from: number) =>
            Array.from(g.subarray(from, from + perImage)).reduce((s, v) => s + Math.abs(v), 0);
          expect(norm(0)).to.be.above(1e-3);
          expect(norm(perImage)).to.equal(0);
          tf.dispose([x, logits, probabilities, gradient]);
        } finally {
          model.dispose();
        }
      });
    }

    it('sharded-8 really spreads its weights over 8 files', async () => {
      const json = await (await fetch(`${BASE}/sharded-8/model.json`)).json();
      const [group] = json.weightsManifest as Array<{ paths: string[] }>;
      expect(group.paths).to.have.length(8);
      const sizes = await Promise.all(
        group.paths.map(async (p) => (await fetch(`${BASE}/sharded-8/${p}`)).arrayBuffer()),
      );
      for (const buffer of sizes) expect(buffer.byteLength).to.be.within(4096, 16384);
    });

    it('tiny-graph-10 ships 10 labels as JSON and as text', async () => {
      const json = await (await fetch(`${BASE}/tiny-graph-10/labels.json`)).json();
      const text = await (await fetch(`${BASE}/tiny-graph-10/labels.txt`)).text();
      expect(json).to.have.length(10);
      expect(text.trim().split('\n')).to.deep.equal(json);
    });

    it('no-gradient predicts, but has no gradient (Cumprod)', async () => {
      const model = await loadFixture('no-gradient');
      const x = testImages(1, 24, 24);
      try {
        const logits = predict(model, x);
        expect(logits.shape).to.deep.equal([1, 10]);
        expect((await logits.data()).every(Number.isFinite)).to.equal(true);
        logits.dispose();
        expect(() => logitGradient(model, x, 0)).to.throw(
          /gradient function not found for Cumprod/,
        );
        // TF.js keeps the forward pass's saved tensors on its tape when backprop throws (tidy
        // cannot free kept tensors); whoever catches this error must free them.
        expect(tf.engine().state.activeTape.length).to.be.above(0);
        disposeAbandonedTape();
      } finally {
        x.dispose();
        model.dispose();
      }
    });

    it('bad-output gives a rank-4 output', async () => {
      const model = (await loadFixture('bad-output')) as tf.GraphModel;
      const x = testImages(2, 24, 24);
      try {
        expect(signatureOutputShape(model)).to.deep.equal([-1, 6, 6, 20]);
        const y = predict(model, x);
        expect(y.shape).to.deep.equal([2, 6, 6, 20]);
        y.dispose();
      } finally {
        x.dispose();
        model.dispose();
      }
    });

    it('bad-input takes [N,10] feature vectors, not images', async () => {
      const model = (await loadFixture('bad-input')) as tf.GraphModel;
      try {
        expect(inputShape(model)).to.deep.equal([-1, 10]);
        const x = tf.ones([2, 10]);
        const y = predict(model, x);
        expect(y.shape).to.deep.equal([2, 10]);
        tf.dispose([x, y]);
      } finally {
        model.dispose();
      }
    });

    it('nan-output predicts NaN for every logit', async () => {
      const model = await loadFixture('nan-output');
      const x = testImages(2, 24, 24);
      try {
        const y = predict(model, x);
        expect(y.shape).to.deep.equal([2, 10]);
        expect((await y.data()).every(Number.isNaN)).to.equal(true);
        y.dispose();
      } finally {
        x.dispose();
        model.dispose();
      }
    });

    it('missing-weights lists a shard that is not there', async () => {
      const json = await (await fetch(`${BASE}/missing-weights/model.json`)).json();
      const [group] = json.weightsManifest as Array<{ paths: string[] }>;
      expect(group.paths).to.deep.equal(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
      expect((await fetch(`${BASE}/missing-weights/${group.paths[0]}`)).status).to.equal(200);
      expect((await fetch(`${BASE}/missing-weights/${group.paths[1]}`)).status).to.equal(404);
    });
  });

  // Not under the tensor-count check: TF.js keeps the weights it decoded before a failed load.
  describe(`broken weight files on ${backend}`, () => {
    before(async () => {
      expect(await tf.setBackend(backend)).to.equal(true);
    });

    // TF.js reads a 404's body as weight bytes (it does not check response.ok), so a missing
    // shard surfaces as a size error; a loader that checks `ok` reports the 404 itself.
    for (const [name, pattern] of [
      ['truncated-weights', /should have \d+ values but has \d+/],
      ['missing-weights', /multiple of 4|should have \d+ values|404/],
    ] as const) {
      it(`${name} fails to load with tf.loadGraphModel`, async () => {
        let error: unknown = null;
        try {
          (await loadFixture(name)).dispose();
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(Error);
        expect((error as Error).message).to.match(pattern);
      });
    }
  });
}
