// Encoder and decoder of the saved-explanation format. No TF.js, no DOM: the element, a worker
// and Node (the command-line tool) use the same code.
import type { IgPrediction, IgResult } from '../shared/types.js';
import { IgError } from '../shared/types.js';
import { SAVED_FORMAT, SAVED_VERSION, type SavedExplanation, type SavedOptions } from './format.js';
import { dequantize, encodeAttributions, fromBase64, toBase64 } from './quantize.js';

/** What a result does not carry itself: where it came from, and what it was made with. */
export interface SavedMeta {
  imageUrl: string;
  /** SHA-256 (hex) of the image file's bytes: `sha256Hex` or `hashUrl`. */
  imageSha256: string;
  modelUrl: string;
  /** `modelSha256` of model.json and its weight files. */
  modelSha256: string;
  options: SavedOptions;
  /** e.g. `ig-explainer 0.1.0 element`. */
  generator: string;
}

/** A decoded saved explanation: the result as the element shows it, and its record. */
export interface DecodedSavedResult {
  result: IgResult;
  predictions: IgPrediction[];
  saved: Omit<SavedExplanation, 'attributions'>;
}

/** The saved-explanation record of `result` (JSON-ready). */
export function encodeSavedResult(
  result: IgResult,
  predictions: readonly IgPrediction[],
  meta: SavedMeta,
): SavedExplanation {
  const { step, stepsPerScale, bytes } = encodeAttributions(result.attributions, result.shape[2]);
  return {
    format: SAVED_FORMAT,
    version: SAVED_VERSION,
    createdAt: new Date().toISOString(),
    generator: meta.generator,
    image: { url: meta.imageUrl, sha256: meta.imageSha256 },
    model: { url: meta.modelUrl, sha256: meta.modelSha256 },
    options: { ...meta.options },
    predictions: predictions.map(({ index, label, probability }) => ({
      index,
      label,
      probability,
    })),
    target: { index: result.target.index, label: result.target.label },
    shape: [...result.shape],
    sum: result.sum,
    scoreInput: result.scoreInput,
    scoreBaseline: result.scoreBaseline,
    delta: result.delta,
    steps: result.steps,
    method: result.method,
    baseline: result.baseline,
    output: result.output,
    backend: result.backend,
    thread: result.thread,
    path: {
      alphas: [...result.path.alphas],
      scores: [...result.path.scores],
      gradientNorms: [...result.path.gradientNorms],
    },
    timings: { ...result.timings },
    ...(result.baselineScores ? { baselineScores: [...result.baselineScores] } : {}),
    attributions: {
      encoding: 'quantized-varint-base64',
      step,
      stepsPerScale,
      count: result.attributions.length,
      data: toBase64(bytes),
    },
  };
}

/** `result` as a saved-explanation file (JSON), for a download link or `result-src`. */
export function exportResult(
  result: IgResult,
  predictions: readonly IgPrediction[],
  meta: SavedMeta,
): Blob {
  return new Blob([JSON.stringify(encodeSavedResult(result, predictions, meta))], {
    type: 'application/json',
  });
}

/** What a saved file must have been made from; absent fields are not checked. */
export interface SavedExpectations {
  /** SHA-256 (hex) of the image the page shows. */
  imageSha256?: string;
  /** The page's model URLs (model-url, resolved); checked when the file names a URL. */
  modelUrls?: readonly string[];
  /**
   * SHA-256 (hex) of the model the element has loaded (ig-model-load's modelSha256), when it
   * has; checked when the file holds one too.
   */
  modelSha256?: string;
}

/**
 * The saved explanation in `text` (from `source`, named in messages), checked against
 * `expect`. Throws IgError `result-load` saying which: unreadable, unknown format or version,
 * another image, another model.
 */
export function decodeSavedResult(
  text: string,
  source: string,
  expect: SavedExpectations = {},
): DecodedSavedResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw unreadable(
      source,
      `it is not JSON${text.length ? ' (or it is cut short)' : ' (it is empty)'}`,
    );
  }
  if (!isObject(json)) throw unreadable(source, 'it is JSON but not an object');
  if (json.format !== SAVED_FORMAT) {
    throw new IgError(
      'result-load',
      `The saved explanation ${source} is of an unknown format (${JSON.stringify(json.format ?? null)}, ` +
        `not "${SAVED_FORMAT}"): point result-src at a file written by exportResult() or ` +
        '`npx ig-explainer explain`.',
      'result-src',
    );
  }
  if (json.version !== SAVED_VERSION) {
    throw new IgError(
      'result-load',
      `The saved explanation ${source} is format version ${JSON.stringify(json.version ?? null)}, ` +
        `which this ig-explainer does not read (it reads version ${SAVED_VERSION}): export it ` +
        'again with this version, or use the ig-explainer version that wrote it.',
      'result-src',
    );
  }
  const saved = json as unknown as SavedExplanation;
  const problem = shapeProblem(saved);
  if (problem) throw unreadable(source, problem);
  const { attributions: encoded, ...record } = saved;
  const bytes = fromBase64(encoded.data);
  const attributions = bytes && dequantize(bytes, encoded.count, encoded.step);
  if (!attributions) throw unreadable(source, 'its attributions are cut short or damaged');

  if (expect.imageSha256 !== undefined && expect.imageSha256 !== saved.image.sha256) {
    throw new IgError(
      'result-load',
      `The saved explanation ${source} was made from another image (${saved.image.url}) than ` +
        'src: its content hash differs. Export it again from this image, or point src at the ' +
        'image it was made from.',
      'result-src',
    );
  }
  if (
    expect.modelUrls !== undefined &&
    isUrl(saved.model.url) &&
    !expect.modelUrls.includes(saved.model.url)
  ) {
    throw new IgError(
      'result-load',
      `The saved explanation ${source} was made with another model (${saved.model.url}) than ` +
        `model-url (${expect.modelUrls.join(' ')}): set model-url to that model, or export the ` +
        'explanation again with this one.',
      'result-src',
    );
  }
  if (
    expect.modelSha256 &&
    typeof saved.model.sha256 === 'string' &&
    saved.model.sha256 !== '' &&
    saved.model.sha256 !== expect.modelSha256
  ) {
    throw new IgError(
      'result-load',
      `The saved explanation ${source} was made with another model (${saved.model.url}) than ` +
        'the one this element loaded: its content hash differs (the files behind the URL ' +
        'changed, or it was exported elsewhere). Export the explanation again with this model, ' +
        'or point model-url at the model it was made with.',
      'result-src',
    );
  }
  const result: IgResult = {
    target: { ...saved.target },
    attributions,
    shape: [...saved.shape],
    sum: saved.sum,
    scoreInput: saved.scoreInput,
    scoreBaseline: saved.scoreBaseline,
    delta: saved.delta,
    steps: saved.steps,
    method: saved.method,
    baseline: saved.baseline,
    output: saved.output,
    backend: saved.backend,
    thread: saved.thread === 'main' ? 'main' : 'worker',
    path: saved.path,
    timings: saved.timings,
    ...(Array.isArray(saved.baselineScores) ? { baselineScores: saved.baselineScores } : {}),
  };
  return { result, predictions: saved.predictions, saved: record };
}

function unreadable(source: string, why: string): IgError {
  return new IgError(
    'result-load',
    `The saved explanation ${source} cannot be read: ${why}. Download or export it again ` +
      '(exportResult() or `npx ig-explainer explain`).',
    'result-src',
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !text.startsWith('file:');
}

const NUMBERS = ['sum', 'scoreInput', 'scoreBaseline', 'delta', 'steps'] as const;

/** What is missing or mistyped in a file of the right format and version, or null. */
function shapeProblem(saved: SavedExplanation): string | null {
  if (!isObject(saved.image) || typeof saved.image.sha256 !== 'string')
    return 'it has no image hash';
  if (!isObject(saved.model) || typeof saved.model.url !== 'string') return 'it names no model';
  if (!Array.isArray(saved.predictions)) return 'it has no predictions';
  if (!isObject(saved.target) || typeof saved.target.index !== 'number') return 'it has no target';
  const shape = saved.shape;
  if (
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    !shape.every((n) => Number.isInteger(n) && n > 0)
  ) {
    return 'its shape is not [height, width, channels]';
  }
  for (const key of NUMBERS) {
    if (typeof saved[key] !== 'number') return `its ${key} is missing`;
  }
  const path = saved.path;
  if (
    !isObject(path) ||
    !['alphas', 'scores', 'gradientNorms'].every((k) => Array.isArray(path[k as keyof typeof path]))
  ) {
    return 'its path (the saturation plots) is missing';
  }
  const a = saved.attributions;
  if (
    !isObject(a) ||
    a.encoding !== 'quantized-varint-base64' ||
    typeof a.data !== 'string' ||
    !(a.step > 0) ||
    a.count !== shape[0] * shape[1] * shape[2]
  ) {
    return 'its attributions are missing or do not fit its shape';
  }
  return null;
}
