// The page's worker pool: one explanation's path points split across N workers (each with its own
// TF.js and model copy), the parts' attributions added in a fixed order. Every element shares it;
// slot 0 is the client's shared worker, so one worker behaves exactly as without a pool.
import { pageOptions, type IgWorkers } from '../shared/page-options.js';
import type { ClientMessage, ExplainRequest } from '../shared/protocol.js';
import type { IgBaselineKind, IgPath, IgProgressDetail, IgResult } from '../shared/types.js';
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

/**
 * How many of the pool's other workers help a run that is not split into shares: the adaptive
 * rule on the straight path sends part of each round's points to every one (point-helpers.ts).
 */
export function helpersFor(request: Omit<ExplainRequest, 'image' | 'baseline'>): number {
  const assisted = request.method === 'adaptive' && (request.path ?? 'straight') === 'straight';
  return assisted ? poolSize() - 1 : 0;
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

  /**
   * One run on slot 0 helped by slots 1..count (helpersFor): each helper gets a copy of the
   * request and one end of a channel whose other end the run holds. A helper whose worker is
   * slow to start costs the run nothing (it is used once ready); one that dies costs only the
   * points it held, which the run evaluates itself. The helpers stop when the run ends.
   */
  async assisted(
    request: ExplainRequest,
    count: number,
    callbacks: ExplainCallbacks,
    signal: AbortSignal,
  ): Promise<IgResult> {
    const leader = await this.first();
    const copies = await Promise.all(Array.from({ length: count }, () => copyImages(request)));
    if (signal.aborted) {
      for (const copy of copies) copy.transfer.forEach((bitmap) => bitmap.close());
      throw abortError();
    }
    const id = leader.id();
    const channels = copies.map(() => new MessageChannel());
    // `ended`: a helper not sent its request yet is not sent it; `failed`: one sent it stops.
    const ended = new AbortController();
    const failed = new AbortController();
    copies.forEach((copy, helper) =>
      this.assist(helper + 1, copy, channels[helper].port2, ended.signal, failed.signal).catch(
        () => {
          if (!ended.signal.aborted) leader.notify({ type: 'helper-lost', id, helper });
        },
      ),
    );
    const ports = channels.map((channel) => channel.port1);
    const message: ClientMessage = { type: 'explain', id, request: { ...request, helpers: ports } };
    const result = leader.request<IgResult>(message, callbacks, [...imagesOf(request), ...ports]);
    // A run that ends says so to its helpers; one that is cancelled or fails cannot.
    try {
      return await new Promise<IgResult>((resolve, reject) => {
        const onAbort = () => {
          leader.cancel(id);
          reject(abortError());
        };
        signal.addEventListener('abort', onAbort, { once: true });
        result.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    } catch (error) {
      failed.abort();
      throw error;
    } finally {
      ended.abort();
    }
  }

  /**
   * Sends helper `slot` its copy of the run, unless the run `ended` first; settles when the
   * helper stops, or at once when the run `failed` (the helper's request is cancelled).
   */
  private async assist(
    slot: number,
    copy: { request: ExplainRequest; transfer: ImageBitmap[] },
    port: MessagePort,
    ended: AbortSignal,
    failed: AbortSignal,
  ): Promise<void> {
    let runtime: PoolRuntime;
    try {
      runtime = await this.runtime(slot);
      if (ended.aborted) throw abortError();
    } catch (error) {
      copy.transfer.forEach((bitmap) => bitmap.close());
      port.close();
      throw error;
    }
    const id = runtime.id();
    const message: ClientMessage = { type: 'assist', id, request: copy.request, port };
    const done = runtime.request<number>(message, {}, [...copy.transfer, port]);
    await new Promise<void>((resolve, reject) => {
      const onFailed = () => {
        runtime.cancel(id);
        resolve();
      };
      failed.addEventListener('abort', onFailed, { once: true });
      done
        .then(() => resolve(), reject)
        .finally(() => failed.removeEventListener('abort', onFailed));
    });
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

/** The request's decoded images, to transfer. */
function imagesOf(request: ExplainRequest): ImageBitmap[] {
  return [request.image, request.baseline, ...(request.baselines ?? [])].filter(
    (b): b is ImageBitmap => typeof b === 'object' && b !== null,
  );
}

/** The request with a copy of each of its images (the copies to transfer). */
async function copyImages(
  request: ExplainRequest,
): Promise<{ request: ExplainRequest; transfer: ImageBitmap[] }> {
  const copyOf = (b: IgBaselineKind | ImageBitmap) =>
    typeof b === 'object' ? createImageBitmap(b) : Promise.resolve(b);
  const [image, baseline, ...baselines] = await Promise.all([
    createImageBitmap(request.image),
    copyOf(request.baseline),
    ...(request.baselines ?? []).map(copyOf),
  ]);
  const copy: ExplainRequest = {
    ...request,
    image,
    baseline,
    ...(request.baselines ? { baselines } : {}),
  };
  return { request: copy, transfer: imagesOf(copy) };
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
  const total = new Float64Array(first.attributions.length);
  for (const result of results) {
    result.attributions.forEach((a, i) => (total[i] += a));
  }
  const attributions = Float32Array.from(total);
  let sum = 0;
  for (const a of total) sum += a;
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
