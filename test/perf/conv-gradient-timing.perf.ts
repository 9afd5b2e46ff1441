// Measurement, not a test: ms per gradient evaluation on the Inception-V1-shaped fixture on WASM,
// with TF.js's own Conv2D gradient (Conv2DBackpropInput) and then with the input gradient as a
// forward convolution (src/engine/conv-gradient.ts). Needs `npm run fixtures:inception`. Run alone:
//   TEST_FILES=test/perf/conv-gradient-timing.perf.ts npx web-test-runner
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerFastConvGradient } from '../../src/engine/conv-gradient.js';
import { fetchModelArtifacts } from '../../src/engine/model-loader.js';
import { unfuseLinearOps } from '../../src/engine/unfuse.js';

const MODEL = '/bench/fixtures/inception-v1/model.json';
const REPEATS = 3;

describe('conv input gradient timing on the Inception-V1-shaped fixture (wasm)', function () {
  this.timeout(3_600_000);
  it('prints ms per gradient evaluation before and after the override', async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    expect(await tf.setBackend('wasm')).to.equal(true);
    const artifacts = unfuseLinearOps(
      await fetchModelArtifacts(new URL(MODEL, location.href).href),
    );
    const model = await tf.loadGraphModel({ load: async () => artifacts });
    const score = (x: tf.Tensor) =>
      tf.sum(tf.slice(tf.softmax(model.predict(x) as tf.Tensor2D), [0, 1], [-1, 1]));
    const rows: string[] = [];
    const results: Float32Array[] = [];
    try {
      for (const variant of ['own gradient', 'conv as conv'] as const) {
        if (variant === 'conv as conv') registerFastConvGradient();
        for (const n of [1, 4]) {
          const x = tf.randomUniform([n, 224, 224, 3], 0, 1, 'float32', 1);
          const times: number[] = [];
          for (let i = 0; i <= REPEATS; i++) {
            const start = performance.now();
            const g = tf.grad(score)(x);
            const data = Float32Array.from(await g.data());
            g.dispose();
            if (i === 0 && n === 1) results.push(data);
            if (i > 0) times.push(Math.round(performance.now() - start)); // 0: warm-up
          }
          x.dispose();
          rows.push(
            `wasm ${variant} batch ${n}: ${JSON.stringify(times)} ms ` +
              `(${Math.round(Math.min(...times) / n)} ms per point, best)`,
          );
          console.log(rows.join('\n'));
        }
      }
      console.log(`first values: ${results[0].slice(0, 3)} / ${results[1].slice(0, 3)}`);
      let diff = 0;
      let norm = 0;
      results[0].forEach((v, i) => {
        diff = Math.max(diff, Math.abs(v - results[1][i]));
        norm = Math.max(norm, Math.abs(v));
      });
      console.log(`max |difference| / max |gradient|: ${diff / norm} (max |gradient| ${norm})`);
      expect(norm).to.be.above(0);
      expect(diff / norm).to.be.below(1e-3);
    } finally {
      model.dispose();
    }
  });
});
