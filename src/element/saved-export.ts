// exportResult(): the element's latest result as a saved-explanation file (src/saved/format.ts),
// with the options it was computed with and the content hashes: the image's, which the client
// took from the bytes it decoded (IgResult.imageSha256), and the model's, which the worker took
// from the files it downloaded (ig-model-load's modelSha256), so nothing is fetched again.
import type { IgPrediction, IgResult } from '../shared/types.js';
import type { ExplainerConfig } from './attributes.js';
import { loadedResultView } from './result-view-loader.js';

/**
 * The saved file of `result`; `modelUrl` and `modelSha256` are the model the run loaded
 * (ig-model-load). Throws a
 * DOMException `InvalidStateError` while there is no result.
 */
export function exportSaved(
  result: IgResult | null,
  predictions: readonly IgPrediction[] | null,
  config: ExplainerConfig | null,
  image: string | null,
  modelUrl: string | undefined,
  modelSha256: string,
): Blob {
  const view = loadedResultView();
  if (!result || !predictions || !config || !image || !modelUrl || !view) {
    throw new DOMException(
      'There is no result to export yet: wait for ig-complete.',
      'InvalidStateError',
    );
  }
  const imageUrl = new URL(image, document.baseURI).href;
  return view.exportResult(result, predictions, {
    imageUrl,
    imageSha256: result.imageSha256 ?? '',
    modelUrl,
    modelSha256,
    options: {
      steps: config.steps,
      method: config.method,
      output: config.output,
      baseline: config.baseline,
      seed: config.seed,
      fit: config.fit,
      inputRange: config.inputRange,
      target: config.target,
      tolerance: config.tolerance,
      labelsUrl: config.labelsUrl,
    },
    generator: 'ig-explainer element',
  });
}

/** `<image name>.ig.json`: the download name of an image URL's explanation. */
export function savedFileName(imageUrl: string): string {
  let name = '';
  try {
    name = decodeURIComponent(new URL(imageUrl).pathname.split('/').pop() ?? '');
  } catch {
    // A data: or odd URL: the generic name below.
  }
  const stem = name.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_');
  return `${stem && !imageUrl.startsWith('data:') ? stem : 'explanation'}.ig.json`;
}

/** Downloads `blob` as `name` (a temporary link, clicked). */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
