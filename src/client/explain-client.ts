// The page side of the worker runtime. STUB: the worker-runtime issue implements it with exactly
// these exports; the element codes against them.
import type { ExplainRequest, WorkerMemory } from '../shared/protocol.js';
import type {
  IgBaselineKind,
  IgModelLoadDetail,
  IgModelProgressDetail,
  IgPredictionDetail,
  IgProgressDetail,
  IgResult,
} from '../shared/types.js';

/** An explanation as the element asks for it: images by URL (or a slotted <img>), not decoded. */
export interface ExplainInput extends Omit<ExplainRequest, 'image' | 'baseline' | 'baselineName'> {
  /** Image URL, or an <img> element (its currentSrc is fetched). */
  image: string | HTMLImageElement;
  /** A named baseline, or the URL of a baseline image. */
  baseline: IgBaselineKind | string;
}

export interface ExplainCallbacks {
  onModelProgress?(detail: IgModelProgressDetail): void;
  onModelLoad?(detail: IgModelLoadDetail): void;
  onPrediction?(detail: IgPredictionDetail): void;
  onProgress?(detail: IgProgressDetail): void;
}

/**
 * Runs one explanation on the page's shared worker (started lazily; main-thread fallback).
 * Rejects with an IgError; with code `aborted` when `signal` aborts, after which no callback runs.
 */
export function explain(
  _input: ExplainInput,
  _callbacks: ExplainCallbacks,
  _signal: AbortSignal,
): Promise<IgResult> {
  return Promise.reject(new Error('explain-client: not implemented yet'));
}

/** Test and benchmark hook: the worker's tf.memory() (starts the worker if needed). */
export function workerMemory(): Promise<WorkerMemory> {
  return Promise.reject(new Error('explain-client: not implemented yet'));
}

/** Stops the shared worker; the next explanation starts a fresh one. */
export function terminateWorker(): void {}
