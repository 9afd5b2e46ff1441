// The saved-explanation format (version 1): what `exportResult()` writes, `result-src` reads and
// `npx ig-explainer explain` writes, as a TypeScript type. schema/saved-explanation.schema.json
// is the same contract as a JSON schema; README "Saved explanations" documents it.
import type { IgPrediction, IgResult } from '../shared/types.js';

export const SAVED_FORMAT = 'ig-explainer/saved-explanation';
export const SAVED_VERSION = 1;

/** The inputs that decide the attributions: a saved file matches a run with the same ones. */
export interface SavedOptions {
  steps: number;
  method: string;
  output: 'probability' | 'logit';
  baseline: string;
  seed: number;
  fit: string;
  inputRange: string;
  target: 'auto' | number | string;
  tolerance: number | null;
  labelsUrl: string | null;
}

/**
 * Attributions as integers `q` with `a = q * step`: zigzag (0, -1, 1, -2, … → 0, 1, 2, 3, …),
 * then LEB128 varints (7 bits a byte, low first), then base64. See `encodeAttributions` for
 * the step and the bound it keeps on the mask.
 */
export interface SavedAttributions {
  encoding: 'quantized-varint-base64';
  step: number;
  /**
   * The mask's clip scale (99th percentile of the channel-summed map) over `step`: 765 keeps the
   * saved mask within one colour-map entry (1/255 of the map's range) of the live one; the
   * encoder halves it while the attributions exceed their byte budget (noise-like results),
   * loosening that bound to 765 / stepsPerScale entries.
   */
  stepsPerScale: number;
  /** h * w * c values, row-major [h][w][c]. */
  count: number;
  data: string;
}

/** The result's fields a saved file keeps as they are (target, shape, scores, path, timings…). */
type SavedResultFields = Pick<
  IgResult,
  | 'target'
  | 'shape'
  | 'sum'
  | 'scoreInput'
  | 'scoreBaseline'
  | 'delta'
  | 'steps'
  | 'method'
  | 'baseline'
  | 'output'
  | 'backend'
  | 'path'
  | 'timings'
>;

export interface SavedExplanation extends SavedResultFields {
  format: typeof SAVED_FORMAT;
  version: typeof SAVED_VERSION;
  /** ISO 8601 time of the export. */
  createdAt: string;
  /** What wrote it: `ig-explainer <version> element` or `… cli`. */
  generator: string;
  image: {
    /** The image as given to the run (URL or file path). */
    url: string;
    /** SHA-256 (hex) of the image file's bytes. */
    sha256: string;
  };
  model: {
    /** The model URL that loaded (or the path the command-line tool was given). */
    url: string;
    /** SHA-256 (hex) of model.json's bytes followed by each weight file's, in manifest order. */
    sha256: string;
  };
  options: SavedOptions;
  predictions: IgPrediction[];
  /** Where the live run ran (`worker` or `main`; the command-line tool writes its own name). */
  thread: string;
  /** The explained output at each baseline (IgResult.baselineScores), when the run gave them. */
  baselineScores?: number[];
  attributions: SavedAttributions;
}
