// Per path evaluation on WASM for the published classifiers in `.cache/zoo/` (the zoo script
// fetches them): ms per gradient evaluation, the model's plain forward ms, their ratio (goal:
// at most 3x), and the kernels that take the most time in one evaluation. Indicative only on a
// loaded machine. Run alone:
//   TEST_FILES=test/perf/zoo-gradient-timing.perf.ts npx web-test-runner
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerInputGradients } from '../../src/engine/gradients/register.js';
import { loadModel } from '../../src/engine/model-loader.js';

const MODELS = ['nsfw-mobilenet-v2', 'nsfw-mobilenet-v2-mid', 'nsfw-inception-v3'];
const BATCH = 4;
const REPEATS = 3;
const url = (name: string) => new URL(`/.cache/zoo/${name}/model.json`, location.href).href;

async function medianMs(run: () => tf.Tensor): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    const out = run();
    await out.data();
    times.push(performance.now() - start);
    out.dispose();
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

describe('zoo gradient timing on wasm', () => {
  before(async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    await tf.setBackend('wasm');
    registerInputGradients();
  });

  for (const name of MODELS) {
    it(name, async function () {
      this.timeout(900000);
      if (
        !(await fetch(url(name), { method: 'HEAD' }).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        console.log(`skipped ${name}: not in .cache/zoo`);
        this.skip();
      }
      const model = await loadModel([url(name)], { cache: false });
      const points = tf.randomUniform([BATCH, model.height, model.width, 3], 0, 1, 'float32', 1);
      const forward = (await medianMs(() => model.classifier(points as tf.Tensor4D))) / BATCH;
      const gradient = () =>
        tf.grad((x) => tf.sum(tf.slice(model.classifier(x as tf.Tensor4D), [0, 0], [-1, 1])))(
          points,
        );
      const evaluation = (await medianMs(gradient)) / BATCH;
      const profile = await tf.profile(gradient);
      tf.dispose(profile.result);
      const byKernel = new Map<string, number>();
      for (const k of profile.kernels) {
        byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
      }
      const top = [...byKernel]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, ms]) => `${k} ${ms.toFixed(0)}`);
      console.log(
        `${name} ${model.height}x${model.width}: ${evaluation.toFixed(0)} ms per evaluation, ` +
          `forward ${forward.toFixed(0)} ms, ratio ${(evaluation / forward).toFixed(2)}; ` +
          `32 steps ~ ${((33 * evaluation) / 1000).toFixed(1)} s; top kernels (ms, batch ${BATCH}): ${top.join(', ')}`,
      );
      points.dispose();
      model.dispose();
    });
  }
});
