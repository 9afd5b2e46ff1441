// Teachable Machine image exports: a layers model.json with a metadata.json beside it that holds
// the class labels and the image size (https://teachablemachine.withgoogle.com, "Export Model",
// TensorFlow.js). Read when present, so such a model needs no labels-url.
import { abortError } from '../shared/types.js';

export interface TeachableMetadata {
  labels: string[];
  imageSize: number;
}

/**
 * The metadata.json beside `modelJsonUrl`, or null when there is none or it is not Teachable
 * Machine's (labels: strings, imageSize: a positive integer). Never throws but `aborted`.
 */
export async function readTeachableMetadata(
  modelJsonUrl: string,
  signal?: AbortSignal,
): Promise<TeachableMetadata | null> {
  let url: URL;
  try {
    url = new URL('metadata.json', modelJsonUrl);
  } catch {
    return null;
  }
  url.search = new URL(modelJsonUrl).search;
  try {
    const response = await fetch(url.href, { mode: 'cors', credentials: 'same-origin', signal });
    if (!response.ok) return null;
    return parseTeachableMetadata(await response.json());
  } catch {
    if (signal?.aborted) throw abortError();
    return null;
  }
}

export function parseTeachableMetadata(json: unknown): TeachableMetadata | null {
  if (typeof json !== 'object' || json === null) return null;
  const { labels, imageSize } = json as { labels?: unknown; imageSize?: unknown };
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) return null;
  const size = imageSize ?? 224;
  if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) return null;
  return { labels: labels as string[], imageSize: size };
}
