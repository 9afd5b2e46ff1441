// Measurement, not a test: ms per gradient evaluation on the Inception-V1-shaped fixture, with the
// converter's fused convs as they are and with linear fused ops unfused (src/engine/unfuse.ts),
// per backend and batch size. Needs `npm run fixtures:inception`. Run alone (minutes):
//   TEST_FILES=test/perf/gradient-timing.perf.ts npx web-test-runner
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fetchModelArtifacts } from '../../src/engine/model-loader.js';
import { unfuseLinearOps } from '../../src/engine/unfuse.js';
import { webglRenderer } from '../../src/worker/backend.js';

const MODEL = '/bench/fixtures/inception-v1/model.json';
const REPEATS: Record<string, number> = { wasm: 3, webgl: 2, cpu: 1 };

async function time(run: () => tf.Tensor, repeats: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    const out = run();
    await out.data();
    out.dispose();
    times.push(Math.round(performance.now() - start));
  }
  return times;
}

describe('gradient timing on the Inception-V1-shaped fixture', function () {
  this.timeout(3_600_000);
  it('prints ms per forward pass and per gradient evaluation', async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    const artifacts = await fetchModelArtifacts(new URL(MODEL, location.href).href);
    console.log(`renderer: ${webglRenderer()}; cores: ${navigator.hardwareConcurrency}`);
    const rows: string[] = [];
    for (const backend of ['wasm', 'webgl', 'cpu']) {
      expect(await tf.setBackend(backend)).to.equal(true);
      const repeats = REPEATS[backend];
      for (const variant of ['fused', 'unfused'] as const) {
        const model = await tf.loadGraphModel({
          load: async () => (variant === 'fused' ? artifacts : unfuseLinearOps(artifacts)),
        });
        const classify = (x: tf.Tensor) => model.predict(x) as tf.Tensor2D;
        const gradient = (n: number) => () =>
          tf.tidy(() =>
            tf.grad((x) => tf.sum(tf.slice(tf.softmax(classify(x)), [0, 1], [-1, 1])))(
              tf.randomUniform([n, 224, 224, 3], 0, 1, 'float32', 1),
            ),
          );
        try {
          if (variant === 'unfused') {
            const forward = () => tf.tidy(() => classify(tf.zeros([1, 224, 224, 3])));
            await time(forward, 1);
            rows.push(`${backend} forward [1]: ${JSON.stringify(await time(forward, repeats))} ms`);
          }
          await time(gradient(1), 1); // warm-up: compiles kernels / shaders
          const batches =
            backend === 'wasm' || (backend === 'webgl' && variant === 'unfused') ? [1, 4] : [1];
          for (const n of batches) {
            const times = await time(gradient(n), repeats);
            rows.push(
              `${backend} ${variant} gradient batch ${n}: ${JSON.stringify(times)} ms ` +
                `(${Math.round(Math.min(...times) / n)} ms per point)`,
            );
          }
        } catch (error) {
          rows.push(`${backend} ${variant}: fails (${String(error).slice(0, 100)})`);
        } finally {
          model.dispose();
        }
        console.log(rows.join('\n'));
      }
    }
  });
});
