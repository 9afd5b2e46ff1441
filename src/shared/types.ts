// The public types of shared/API.md. This folder imports nothing from outside it; the keyword
// types come from their lists in keywords.ts.

export type {
  IgBackend,
  IgBackendChoice,
  IgBaselineKind,
  IgColormap,
  IgFit,
  IgInputRange,
  IgLoading,
  IgMethod,
  IgOutput,
  IgPolarity,
  IgStatus,
  IgThread,
} from './keywords.js';
import type { IgBackend, IgOutput, IgThread } from './keywords.js';

export type IgErrorCode =
  | 'invalid-attribute'
  | 'image-load'
  | 'image-tainted'
  | 'model-load'
  | 'model-incompatible'
  | 'labels-load'
  | 'target-unknown'
  | 'backend-unavailable'
  | 'worker-failed'
  | 'out-of-memory'
  | 'result-load'
  | 'aborted';

export interface IgPrediction {
  index: number;
  label: string;
  probability: number;
}

export interface IgPath {
  /** The path points actually evaluated, in increasing order. */
  alphas: number[];
  /** The explained output (per `output`) at each alpha. */
  scores: number[];
  /** Mean |gradient| over pixels and channels at each alpha. */
  gradientNorms: number[];
}

/**
 * The attribution accumulated along the path up to some of its points (the `path` view's): at
 * `points[s]` (an index into IgPath.alphas), `attributions[s]`, row-major [h][w][c] as
 * IgResult.attributions; the last snapshot is at the last point and equals the result. Every
 * point while the snapshots fit in 8 MB (a 64x64 model at 50 steps), else evenly spaced ones.
 * Empty when averaged runs (baseline lists, SmoothGrad) stopped at different points (`tolerance`).
 */
export interface IgPathTrace {
  points: number[];
  attributions: Float32Array[];
}

export interface IgTimings {
  modelMs: number;
  attributionMs: number;
  totalMs: number;
}

export interface IgResult {
  target: { index: number; label: string };
  /** Row-major [h][w][c] on the model-input grid. */
  attributions: Float32Array;
  shape: [number, number, number];
  sum: number;
  scoreInput: number;
  scoreBaseline: number;
  /** |sum - (scoreInput - scoreBaseline)|: the completeness error. */
  delta: number;
  steps: number;
  method: string;
  baseline: string;
  output: IgOutput;
  backend: string;
  thread: IgThread;
  path: IgPath;
  timings: IgTimings;
  /**
   * The path view's data: the attribution accumulated up to some of the path's points (at most
   * 8 MB). Present only for a run whose `view` listed `path` (the element asks for it then; see
   * docs/methods.md, "The path view"); absent otherwise and in saved files.
   * Not in shared/API.md: an addition of this package.
   */
  pathTrace?: IgPathTrace;
  /** The explained output at each baseline, in the order given (Blur IG: its blurred start). */
  baselineScores?: number[];
  /** With `regions`: h*w, each pixel its XRAI region's rank score (the region's gain). */
  regionMap?: Float32Array;
  /** SHA-256 (hex) of the explained image file, when the page fetched it (`exportResult()`). */
  imageSha256?: string;
  /** `adaptive` only: gradient evaluations the result cost. */
  evaluations?: number;
  /**
   * `adaptive` only: forward-only evaluations it cost besides; 0 since the rule reads each cell's
   * error from its gradients' own forward passes (results saved before that may hold more).
   */
  probes?: number;
}

export interface IgModelProgressDetail {
  fraction: number;
}

export interface IgModelLoadDetail {
  modelUrl: string;
  backend: IgBackend;
  thread: IgThread;
  inputShape: [number, number, number, number] | number[];
  numClasses: number;
  fromCache: boolean;
  /**
   * SHA-256 (hex) of the model's files as served (model.json, then each weight file: see
   * `modelSha256`), the saved format's `model.sha256`; '' only for a copy cached by an older
   * version and loaded while its server is unreachable.
   */
  modelSha256: string;
  ms: number;
  /** What the explained output is: logits, a final softmax, or a sigmoid. */
  outputKind: 'logits' | 'softmax' | 'sigmoid';
}

export interface IgPredictionDetail {
  predictions: IgPrediction[];
}

export interface IgProgressDetail {
  stepsDone: number;
  stepsTotal: number;
  fraction: number;
  /** A coarse map, when a refinement level has just completed (not the last one). */
  partial?: IgPartialAttributions;
  /** The path points evaluated so far, in increasing alpha: the saturation plots, live. */
  path?: IgPath;
}

/** A complete but coarser IG estimate, shown while the full one is computed. */
export interface IgPartialAttributions {
  /** Row-major [h][w][c], as IgResult.attributions. */
  attributions: Float32Array;
  shape: [number, number, number];
  /** Segments of the coarse rule. */
  steps: number;
  /** Its completeness error |sum - (scoreInput - scoreBaseline)|. */
  delta: number;
}

export interface IgErrorDetail {
  code: Exclude<IgErrorCode, 'aborted'>;
  message: string;
  attribute?: string;
}

/** The error every failure reaches users as: a contract code and a sentence saying how to fix it. */
export class IgError extends Error {
  override name = 'IgError';
  constructor(
    public readonly code: IgErrorCode,
    message: string,
    public readonly attribute?: string,
  ) {
    super(message);
  }
}

export function isIgError(error: unknown): error is IgError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'IgError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

export function abortError(): IgError {
  return new IgError('aborted', 'The explanation was cancelled by a newer request or by cancel().');
}
