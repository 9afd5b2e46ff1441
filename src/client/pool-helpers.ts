// The page side of the adaptive rule's helpers (engine/point-helpers.ts): one run on the pool's
// first worker, the others sent a copy of its request and one end of a channel to it.
import { requestImages, type ClientMessage, type ExplainRequest } from '../shared/protocol.js';
import type { IgBaselineKind, IgResult } from '../shared/types.js';
import { abortError } from '../shared/types.js';
import type { ExplainCallbacks } from './runtime.js';
import { poolSize, type PoolRuntime, type WorkerPool } from './worker-pool.js';

/**
 * How many of the pool's other workers help a run that is not split into shares: the adaptive
 * rule on the straight path sends part of each round's points to every one (point-helpers.ts).
 */
export function helpersFor(request: Omit<ExplainRequest, 'image' | 'baseline'>): number {
  const assisted = request.method === 'adaptive' && (request.path ?? 'straight') === 'straight';
  return assisted ? poolSize() - 1 : 0;
}

/**
 * One run on slot 0 helped by slots 1..count (helpersFor): each helper gets a copy of the
 * request and one end of a channel whose other end the run holds. A helper whose worker is
 * slow to start costs the run nothing (it is used once ready); one that dies costs only the
 * points it held, which the run evaluates itself. The helpers stop when the run ends.
 */
export async function assisted(
  pool: WorkerPool,
  request: ExplainRequest,
  count: number,
  callbacks: ExplainCallbacks,
  signal: AbortSignal,
): Promise<IgResult> {
  const leader = await pool.runtime(0);
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
    assist(pool, helper + 1, copy, channels[helper].port2, ended.signal, failed.signal).catch(
      () => {
        if (!ended.signal.aborted) leader.notify({ type: 'helper-lost', id, helper });
      },
    ),
  );
  const ports = channels.map((channel) => channel.port1);
  const message: ClientMessage = { type: 'explain', id, request: { ...request, helpers: ports } };
  const result = leader.request<IgResult>(message, callbacks, [
    ...requestImages(request),
    ...ports,
  ]);
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
async function assist(
  pool: WorkerPool,
  slot: number,
  copy: { request: ExplainRequest; transfer: ImageBitmap[] },
  port: MessagePort,
  ended: AbortSignal,
  failed: AbortSignal,
): Promise<void> {
  let runtime: PoolRuntime;
  try {
    runtime = await pool.runtime(slot);
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
    done.then(() => resolve(), reject).finally(() => failed.removeEventListener('abort', onFailed));
  });
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
  return { request: copy, transfer: requestImages(copy) };
}
