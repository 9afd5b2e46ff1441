// The page's worker pool: one explanation's path points split across N workers (each with its own
// TF.js and model copy), the parts' attributions added in a fixed order. Every element shares it;
// slot 0 is the client's shared worker, so one worker behaves exactly as without a pool.
import { pageOptions, type IgWorkers } from '../shared/page-options.js';
import type { ClientMessage, ExplainRequest } from '../shared/protocol.js';
import type { IgPath, IgProgressDetail, IgResult } from '../shared/types.js';
import { abortError } from '../shared/types.js';
import type { ExplainCallbacks } from './explain-client.js';
import { runShares } from './pool-schedule.js';

/** What the pool needs of one worker (the client's Runtime). */
export interface PoolRuntime {
  readonly usable: boolean;
  /** Resolves once the worker's script has loaded. */
  readonly loaded: Promise<void>;
  id(): number;
  request<T>(
    message: ClientMessage,
    callbacks: ExplainCallbacks,
    transfer?: Transferable[],
  ): Promise<T>;
  cancel(id: number): void;
  notify(message: ClientMessage): void;
  terminate(): void;
}

/** The most workers 'auto' starts, whatever the machine: past this, startup and memory dominate. */
export const MAX_AUTO_WORKERS = 8;
/**
 * What one worker may hold, in GiB of `navigator.deviceMemory`: TF.js, a model copy and one
 * batch's activations (engine/explain.ts's BATCH_MEMORY_BUDGET is 1 GiB).
 */
export const GIB_PER_WORKER = 1;

/**
 * The pool size for `workers`: a number as given (at least 1); 'auto': one per core
 * (`navigator.hardwareConcurrency`), no more than half the device's memory allows at
 * GIB_PER_WORKER each (`navigator.deviceMemory`, 4 GiB where unknown), at most MAX_AUTO_WORKERS.
 */
export function poolSize(workers: IgWorkers = pageOptions.workers): number {
  if (workers !== 'auto') return Math.max(1, Math.floor(workers) || 1);
  const nav = navigator as Navigator & { deviceMemory?: number };
  const cores = nav.hardwareConcurrency || 1;
  const memory = nav.deviceMemory ?? 4;
  const fit = Math.floor(memory / 2 / GIB_PER_WORKER);
  return Math.max(1, Math.min(cores, fit, MAX_AUTO_WORKERS));
}

/**
 * How many workers `request` is split across: 1 where the run is not a fixed sum over path points
 * (adaptive or guided points, a tolerance that may stop early, several runs averaged, XRAI's
 * regions, the path view's trace: a running sum over the whole path), else the pool size, never
 * more than `steps`.
 */
export function sharesFor(request: Omit<ExplainRequest, 'image' | 'baseline'>): number {
  const fixedSum =
    request.method !== 'adaptive' &&
    (request.tolerance ?? null) === null &&
    (request.path ?? 'straight') !== 'guided' &&
    (request.noiseSamples ?? 0) === 0 &&
    (request.baselines?.length ?? 1) <= 1 &&
    !request.regions &&
    !request.pathTrace;
  return fixedSum ? Math.max(1, Math.min(poolSize(), request.steps)) : 1;
}

export class WorkerPool {
  private readonly slots: (PoolRuntime | null)[] = [];
  private readonly starting = new Map<number, Promise<PoolRuntime>>();

  /** `first`: the client's shared worker (slot 0); `start`: a fresh worker for another slot. */
  constructor(
    private readonly first: () => Promise<PoolRuntime>,
    private readonly start: () => Promise<PoolRuntime>,
  ) {}

  /** The worker of slot `index`, started (or replaced, when it died) now. */
  runtime(index: number): Promise<PoolRuntime> {
    if (index === 0) return this.first();
    const current = this.slots[index];
    if (current?.usable) return Promise.resolve(current);
    let started = this.starting.get(index);
    if (!started) {
      // Cold workers start one after another: slot 0's script loads alone first. Two at once can
      // make a browser refuse some of their requests (the unbundled worker's module graph: Chrome
      // answers net::ERR_INSUFFICIENT_RESOURCES past its requests per page), and then neither loads.
      started = this.first()
        .then((first) => first.loaded)
        .then(() => this.start())
        .then(
          (runtime) => {
            this.slots[index] = runtime;
            this.starting.delete(index);
            return runtime;
          },
          (error: unknown) => {
            this.starting.delete(index);
            throw error;
          },
        );
      this.starting.set(index, started);
    }
    return started;
  }

  /** Stops every worker but slot 0's (the client stops that one). */
  terminate(): void {
    for (const runtime of this.slots.splice(0)) runtime?.terminate();
  }

  /**
   * One explanation split into `count` shares, share i on slot i unless its worker is slow to
   * start or fails (pool-schedule.ts); `images` are cloned for each send (the caller closes
   * them). The prediction, model events and coarse maps are the first share's (it holds the
   * plan's coarse levels); progress is summed over the shares, each at its furthest try; the
   * result is the first share's with the shares' attributions added in share order.
   */
  async explain(
    request: Omit<ExplainRequest, 'image' | 'baseline'>,
    images: { image: ImageBitmap; baseline: ImageBitmap | ExplainRequest['baseline'] },
    count: number,
    callbacks: ExplainCallbacks,
    signal: AbortSignal,
  ): Promise<IgResult> {
    // Per share, its furthest try: progress never goes back when a share is sent again.
    const done = new Array<number>(count).fill(0);
    const paths = new Array<IgPath | undefined>(count);
    const report = (index: number, detail: IgProgressDetail) => {
      if (detail.stepsDone < done[index]) return;
      done[index] = detail.stepsDone;
      if (detail.path) paths[index] = detail.path;
      const stepsDone = done.reduce((a, b) => a + b, 0);
      const merged = mergePaths(paths);
      callbacks.onProgress?.({
        stepsDone,
        stepsTotal: detail.stepsTotal,
        fraction: stepsDone / detail.stepsTotal,
        ...(merged ? { path: merged } : {}),
        ...(index === 0 && detail.partial ? { partial: detail.partial } : {}),
      });
    };
    const results = await runShares(
      count,
      (slot, index, on, attemptSignal) =>
        this.send(
          slot,
          index,
          count,
          request,
          images,
          attemptSignal,
          {
            // The model events are share 0's on slot 0 (which holds the plan's coarse levels).
            ...(index === 0 && slot === 0
              ? {
                  onModelProgress: callbacks.onModelProgress,
                  onModelLoad: callbacks.onModelLoad,
                  onPrediction: callbacks.onPrediction,
                }
              : {}),
            onProgress: on.progress,
          },
          on.ready,
        ),
      report,
      signal,
    );
    return combine(results);
  }

  private async send(
    slot: number,
    index: number,
    count: number,
    request: Omit<ExplainRequest, 'image' | 'baseline'>,
    images: { image: ImageBitmap; baseline: ImageBitmap | ExplainRequest['baseline'] },
    signal: AbortSignal,
    callbacks: ExplainCallbacks,
    onReady: () => void,
  ): Promise<IgResult> {
    const runtime = await this.runtime(slot);
    if (signal.aborted) throw abortError();
    runtime.loaded.then(onReady, () => {});
    const image = await createImageBitmap(images.image);
    const baseline =
      typeof images.baseline === 'object'
        ? await createImageBitmap(images.baseline)
        : images.baseline;
    const transfer = typeof baseline === 'object' ? [image, baseline] : [image];
    if (signal.aborted) {
      transfer.forEach((bitmap) => bitmap.close());
      throw abortError();
    }
    const id = runtime.id();
    const message: ClientMessage = {
      type: 'explain',
      id,
      request: { ...request, image, baseline, share: { index, count } },
    };
    const result = runtime.request<IgResult>(message, callbacks, transfer);
    // A cancelled request never settles: the abort rejects instead.
    return new Promise<IgResult>((resolve, reject) => {
      const onAbort = () => {
        runtime.cancel(id);
        reject(abortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      result.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }
}

/** The shares' points in increasing alpha; undefined before any share reported a path. */
function mergePaths(paths: readonly (IgPath | undefined)[]): IgPath | undefined {
  const points = paths.flatMap((path) =>
    path ? path.alphas.map((alpha, i) => [alpha, path.scores[i], path.gradientNorms[i]]) : [],
  );
  if (points.length === 0) return undefined;
  points.sort((a, b) => a[0] - b[0]);
  return {
    alphas: points.map((p) => p[0]),
    scores: points.map((p) => p[1]),
    gradientNorms: points.map((p) => p[2]),
  };
}

/** The first share's value that is a number: a rule's end node lies in one share only. */
function firstFinite(values: readonly (number | undefined)[]): number {
  return values.find((value) => Number.isFinite(value)) ?? NaN;
}

/**
 * The whole run from its shares: attributions added in share order; the ends' scores from the
 * share that evaluated them (every share computes those the rule has no node at).
 */
function combine(results: readonly IgResult[]): IgResult {
  const [first] = results;
  const scoreInput = firstFinite(results.map((r) => r.scoreInput));
  const scoreBaseline = firstFinite(results.map((r) => r.scoreBaseline));
  const baselineScores = first.baselineScores?.map((_, i) =>
    firstFinite(results.map((r) => r.baselineScores?.[i])),
  );
  // Plain indexed loops: this runs on the page's thread as the run ends (a forEach callback and
  // Float32Array.from's iterator took tens of ms of it on a 224x224x3 map).
  const total = new Float64Array(first.attributions.length);
  for (const { attributions: share } of results) {
    for (let i = 0; i < share.length; i++) total[i] += share[i];
  }
  const attributions = new Float32Array(total);
  let sum = 0;
  for (let i = 0; i < total.length; i++) sum += total[i];
  const attributionMs = Math.max(...results.map((r) => r.timings.attributionMs));
  const totalMs = Math.max(...results.map((r) => r.timings.totalMs));
  return {
    ...first,
    attributions,
    sum,
    scoreInput,
    scoreBaseline,
    delta: Math.abs(sum - (scoreInput - scoreBaseline)),
    ...(baselineScores ? { baselineScores } : {}),
    path: mergePaths(results.map((r) => r.path))!,
    timings: { ...first.timings, attributionMs, totalMs },
  };
}
