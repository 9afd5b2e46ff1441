// The public types of shared/API.md. This folder imports nothing.

export type IgMethod =
  'gausslegendre' | 'trapezoid' | 'riemann-left' | 'riemann-right' | 'riemann-middle' | 'adaptive';
export type IgOutput = 'probability' | 'logit';
export type IgBaselineKind = 'black' | 'white' | 'random' | 'blur';
export type IgFit = 'pad' | 'crop' | 'stretch';
export type IgInputRange = '0,1' | '-1,1' | '0,255';
export type IgLoading = 'lazy' | 'eager' | 'manual';
export type IgBackendChoice = 'auto' | 'webgl' | 'wasm' | 'cpu';
export type IgBackend = 'webgl' | 'wasm' | 'cpu';
export type IgThread = 'worker' | 'main';
export type IgColormap = 'inferno' | 'viridis' | 'magma' | 'gray' | 'diverging';
export type IgPolarity = 'absolute' | 'positive' | 'negative';
export type IgStatus = 'idle' | 'loading-model' | 'predicting' | 'attributing' | 'done' | 'error';

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
  /** `adaptive` only: gradient evaluations and forward-only probes the result cost. */
  evaluations?: number;
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
  ms: number;
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
