// Class names: the built-in ImageNet list, or a labels file the page gives.
import * as mobilenetClasses from '@tensorflow-models/mobilenet/dist/imagenet_classes.js';
import { FetchFailed, boundedFetch, describeFailure, raceAbort } from '../shared/bounded-fetch.js';
import { IgError, abortError } from '../shared/types.js';

// The file is CommonJS: Rollup's full build sees its named export, a per-file conversion (the
// dev server's) only a default export holding `exports`.
const IMAGENET_CLASSES =
  mobilenetClasses.IMAGENET_CLASSES ??
  (mobilenetClasses as unknown as { default: typeof mobilenetClasses }).default.IMAGENET_CLASSES;

/** The 1000 ImageNet class names as @tensorflow-models/mobilenet ships them, index 0 = tench. */
export const IMAGENET_LABELS: readonly string[] = Object.freeze(
  Array.from({ length: 1000 }, (_, i) => IMAGENET_CLASSES[i]),
);

/**
 * Built-in labels for a model with `numClasses` outputs: ImageNet for 1000, `background` then
 * ImageNet for 1001 (TF Hub's Inception/MobileNet layout); otherwise none (`class N` is shown).
 */
export function builtInLabels(numClasses: number): readonly string[] {
  if (numClasses === 1000) return IMAGENET_LABELS;
  if (numClasses === 1001) return ['background', ...IMAGENET_LABELS];
  return [];
}

/** Labels from a JSON array of strings, or from text with one label a line. */
export function parseLabels(text: string): string[] | null {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((label) => typeof label === 'string')) {
        return parsed as string[];
      }
    } catch {
      // Not JSON after all: read it as lines.
    }
    return null;
  }
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines;
}

/**
 * The labels for a model with `numClasses` outputs: from `url` when given (a JSON array of
 * strings or a text file, one label a line), else the built-in ones. Throws IgError
 * `labels-load` when the file cannot be fetched or read, or holds a different number of labels.
 */
export async function loadLabels(
  url: string | null,
  numClasses: number,
  signal?: AbortSignal,
  stallMs?: number,
): Promise<readonly string[]> {
  if (url === null) return builtInLabels(numClasses);
  const text = await raceAbort(labelsText(url, stallMs, true), signal);
  const labels = parseLabels(text);
  if (signal?.aborted) throw abortError();
  if (labels === null) {
    throw new IgError(
      'labels-load',
      `The labels at ${url} are neither a JSON array of strings nor text with one label a line: ` +
        'give one of those.',
      'labels-url',
    );
  }
  if (labels.length !== numClasses) {
    throw new IgError(
      'labels-load',
      `The labels at ${url} hold ${labels.length} labels but the model has ${numClasses} ` +
        `outputs: give exactly one label per output${numClasses === 1001 ? ' (for a 1001-output ImageNet model, "background" first)' : ''}.`,
      'labels-url',
    );
  }
  return labels;
}

/** Downloads started by prefetchLabels, kept for the load that takes them (or a while). */
const downloads = new Map<string, Promise<string>>();
const KEEP_SETTLED_MS = 30_000;

/**
 * Starts downloading the labels at `url` before the request queues (as the model: one stalled
 * labels server never holds back another element's run); loadLabels takes the download.
 */
export function prefetchLabels(url: string, stallMs?: number): Promise<void> {
  return labelsText(url, stallMs, false).then(
    () => {},
    () => {},
  );
}

function labelsText(url: string, stallMs: number | undefined, take: boolean): Promise<string> {
  const key = `${stallMs ?? ''} ${url}`;
  let download = downloads.get(key);
  if (!download) {
    const started = downloadLabels(url, stallMs);
    download = started;
    downloads.set(key, started);
    const drop = () =>
      setTimeout(() => downloads.get(key) === started && downloads.delete(key), KEEP_SETTLED_MS);
    started.then(drop, drop);
  }
  if (take) downloads.delete(key);
  return download;
}

async function downloadLabels(url: string, stallMs: number | undefined): Promise<string> {
  try {
    const answer = await boundedFetch(url, { stallMs, init: { mode: 'cors' } });
    if (!answer.response.ok) {
      const { status, statusText } = answer.response;
      throw new IgError(
        'labels-load',
        `The server answered ${status} ${statusText} for the labels at ${url}: check labels-url.`,
        'labels-url',
      );
    }
    return new TextDecoder().decode(await answer.bytes());
  } catch (error) {
    if (!(error instanceof FetchFailed)) throw error;
    const advice =
      error.failure.kind === 'stall'
        ? 'check that the server sends the whole file, or raise IgExplainer.stallTimeout for a ' +
          'slow network.'
        : 'check labels-url, and serve the file from this origin or with Access-Control-Allow-Origin.';
    throw new IgError(
      'labels-load',
      `The download of the labels from ${url} ${describeFailure(error.failure)}: ${advice}`,
      'labels-url',
    );
  }
}
