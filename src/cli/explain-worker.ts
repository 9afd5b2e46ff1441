// One worker thread of the tool: TF.js on its WASM backend (one thread each: the tool runs one
// worker per core), the engine's Explainer, and the saved format's encoder.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerInputGradients } from '../engine/gradients/register.js';
import { Explainer } from '../engine/explain.js';
import { sha256Hex } from '../saved/hash.js';
import { encodeSavedResult } from '../saved/saved-result.js';
import type { IgPrediction } from '../shared/types.js';
import { isIgError } from '../shared/types.js';
import { readImage } from './decode-image.js';
import { installFileFetch } from './model-files.js';
import { explainRequest, savedOptions, type RunSettings } from './run-options.js';

export type ToWorker = { type: 'job'; id: number; path: string; name: string };
export type FromWorker =
  | { type: 'done'; id: number; text: string; target: string }
  | { type: 'failed'; id: number; code: string; message: string }
  | { type: 'progress'; id: number; fraction: number };

const port = parentPort;
if (!port) throw new Error('explain-worker runs in a worker thread of the ig-explainer tool.');

async function start(settings: RunSettings, generator: string): Promise<void> {
  installFileFetch();
  const require = createRequire(import.meta.url);
  setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/')}`);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend('wasm');
  await tf.ready();
  // As the browser's worker does on WASM (src/worker/backend.ts): the same gradients, faster.
  registerInputGradients();
  const explainer = new Explainer();
  const jobs: ToWorker[] = [];
  let wake: (() => void) | null = null;
  port!.on('message', (message: ToWorker) => {
    jobs.push(message);
    wake?.();
  });
  port!.postMessage({ type: 'ready' });
  for (;;) {
    if (!jobs.length) await new Promise<void>((r) => (wake = r));
    wake = null;
    const job = jobs.shift()!;
    try {
      const { bytes, image } = await readImage(job.path);
      let predictions: IgPrediction[] = [];
      const result = await explainer.explain(
        explainRequest(settings, image as unknown as ImageBitmap),
        { backend: 'wasm', thread: 'worker' },
        {
          onPrediction: (p) => (predictions = p),
          onProgress: (p) =>
            port!.postMessage({ type: 'progress', id: job.id, fraction: p.fraction }),
        },
        new AbortController().signal,
      );
      const saved = encodeSavedResult(result, predictions, {
        imageUrl: job.name,
        imageSha256: await sha256Hex(bytes),
        modelUrl: settings.modelName,
        modelSha256: settings.modelSha256,
        options: savedOptions(settings),
        generator,
      });
      port!.postMessage({
        type: 'done',
        id: job.id,
        text: JSON.stringify(saved),
        target: result.target.label,
      });
    } catch (error) {
      port!.postMessage({
        type: 'failed',
        id: job.id,
        code: isIgError(error) ? error.code : 'worker-failed',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

port.once('message', (message: { type: 'init'; settings: RunSettings; generator: string }) => {
  start(message.settings, message.generator).catch((error: unknown) => {
    port.postMessage({
      type: 'fatal',
      message: error instanceof Error ? error.message : String(error),
    });
  });
});
