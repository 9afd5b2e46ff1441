// Shared by the saved-explanation tests: one real explanation of a shapes fixture, run by the
// engine on the shipped shapes model, and the hashes and metadata its export records.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerInputGradients } from '../../src/engine/gradients/register.js';
import { Explainer } from '../../src/engine/explain.js';
import type { ExplainRequest } from '../../src/shared/protocol.js';
import type { IgPrediction, IgResult } from '../../src/shared/types.js';
import { modelSha256, sha256Hex } from '../../src/saved/hash.js';
import type { SavedMeta } from '../../src/saved/saved-result.js';
import { defaultRequestOptions } from '../request-defaults.js';

export const SHAPES_MODEL = new URL('/demo/models/shapes/model.json', location.href).href;
export const SHAPES_LABELS = new URL('/demo/models/shapes/labels.json', location.href).href;
export const SHAPES_IMAGE = new URL('/test/fixtures/shapes/star-1.png', location.href).href;
export const OTHER_IMAGE = new URL('/test/fixtures/shapes/heart-1.png', location.href).href;

export async function bytesOf(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.arrayBuffer();
}

/** The model hash of the shipped shapes model (model.json + weights.bin). */
export async function shapesModelSha256(): Promise<string> {
  return modelSha256(await bytesOf(SHAPES_MODEL), [
    await bytesOf(new URL('weights.bin', SHAPES_MODEL).href),
  ]);
}

export interface LiveRun {
  result: IgResult;
  predictions: IgPrediction[];
  meta: SavedMeta;
}

/**
 * One explanation of `image` by the engine, on the CPU backend or on WASM as the worker runs it
 * (its fast conv gradient), and the meta of its export.
 */
export async function explainShapes(
  image = SHAPES_IMAGE,
  options: Partial<ExplainRequest> = {},
  backend: 'cpu' | 'wasm' = 'cpu',
): Promise<LiveRun> {
  if (backend === 'wasm') {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    await tf.setBackend('wasm');
    registerInputGradients();
  } else {
    await tf.setBackend('cpu');
  }
  const explainer = new Explainer();
  let predictions: IgPrediction[] = [];
  const request: ExplainRequest = {
    ...defaultRequestOptions(),
    modelUrls: [SHAPES_MODEL],
    labelsUrl: SHAPES_LABELS,
    image: await createImageBitmap(new Blob([await bytesOf(image)])),
    baseline: 'black',
    baselineName: 'black',
    steps: 32,
    backend,
    topK: 3,
    ...options,
  };
  try {
    const result = await explainer.explain(
      request,
      { backend, thread: 'main' },
      { onPrediction: (p) => (predictions = p) },
      new AbortController().signal,
    );
    const meta: SavedMeta = {
      imageUrl: image,
      imageSha256: await sha256Hex(await bytesOf(image)),
      modelUrl: SHAPES_MODEL,
      modelSha256: await shapesModelSha256(),
      options: {
        steps: request.steps,
        method: request.method,
        output: request.output,
        baseline: request.baselineName,
        seed: request.seed,
        fit: request.fit,
        inputRange: request.inputRange,
        target: request.target,
        tolerance: request.tolerance,
        labelsUrl: request.labelsUrl,
      },
      generator: 'ig-explainer test',
    };
    return { result, predictions, meta };
  } finally {
    explainer.dispose();
  }
}

/** gzip size of `blob`, as a server with compression sends it. */
export async function gzipSize(blob: Blob): Promise<number> {
  const stream = blob.stream().pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}
