// Which worker runs which share of one pooled explanation. Share i goes to slot i. A share whose
// worker dies is sent again to a fresh worker. A worker that is slow to start, or fails to,
// never holds the run back or fails it: a slot whose work is done takes over a share whose
// worker's script has not loaded yet (the worker is cold and slow, or will never start), the
// first result of a share wins and its other tries are cancelled, and a share that failed on its own slot runs on slot 0
// (the worker that served this page already). Only slot 0 failing fails the run.
import type { IgProgressDetail, IgResult } from '../shared/types.js';
import { IgError, abortError } from '../shared/types.js';

/** Runs share `share` on slot `slot`; `on.ready()` once that slot's worker has loaded. */
export type SendShare = (
  slot: number,
  share: number,
  on: { ready(): void; progress(detail: IgProgressDetail): void },
  signal: AbortSignal,
) => Promise<IgResult>;

/** How often a share is sent again to a fresh worker of the same slot after that worker died. */
export const RETRIES = 1;

interface Attempt {
  share: number;
  slot: number;
  controller: AbortController;
  ready: boolean;
}

/**
 * The results of shares 0..count-1, run on slots 0..count-1 as the comment above says. Rejects
 * with slot 0's error (after its retry, when its worker died), or `aborted` when `signal` aborts.
 */
export function runShares(
  count: number,
  send: SendShare,
  onProgress: (share: number, detail: IgProgressDetail) => void,
  signal: AbortSignal,
): Promise<IgResult[]> {
  return new Promise((resolve, reject) => {
    const results = new Array<IgResult | undefined>(count);
    let left = count;
    const live: Attempt[] = [];
    const tries = new Map<string, number>();
    // Slots whose latest try failed: they take over nothing in this run.
    const failed = new Set<number>();
    let finished = false;

    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      signal.removeEventListener('abort', onAbort);
      for (const attempt of live.splice(0)) attempt.controller.abort();
      if (error === undefined) resolve(results as IgResult[]);
      else reject(error);
    };
    const onAbort = () => finish(abortError());
    signal.addEventListener('abort', onAbort, { once: true });

    const triesOf = (share: number, slot: number) => tries.get(`${share} ${slot}`) ?? 0;
    const drop = (attempt: Attempt) => {
      const at = live.indexOf(attempt);
      if (at >= 0) live.splice(at, 1);
    };
    const start = (share: number, slot: number) => {
      const attempt: Attempt = { share, slot, controller: new AbortController(), ready: false };
      tries.set(`${share} ${slot}`, triesOf(share, slot) + 1);
      live.push(attempt);
      const on = {
        ready: () => (attempt.ready = true),
        progress: (detail: IgProgressDetail) => onProgress(share, detail),
      };
      send(slot, share, on, attempt.controller.signal).then(
        (result) => succeeded(attempt, result),
        (error: unknown) => failedWith(attempt, error),
      );
    };

    const succeeded = (attempt: Attempt, result: IgResult) => {
      drop(attempt);
      if (finished) return;
      failed.delete(attempt.slot);
      if (results[attempt.share] === undefined) {
        results[attempt.share] = result;
        left -= 1;
        for (const other of live.filter((a) => a.share === attempt.share)) {
          drop(other);
          other.controller.abort();
        }
        if (left === 0) return finish();
      }
      takeOver();
    };

    const failedWith = (attempt: Attempt, error: unknown) => {
      drop(attempt);
      if (finished || results[attempt.share] !== undefined) return;
      const { share, slot } = attempt;
      const died = error instanceof IgError && error.code === 'worker-failed';
      const others = live.some((a) => a.share === share);
      if (slot === 0) {
        if (others) return takeOver();
        if (died && triesOf(share, 0) <= RETRIES) return start(share, 0);
        return finish(error);
      }
      if (died && slot === share && triesOf(share, slot) <= RETRIES) return start(share, slot);
      failed.add(slot);
      if (!others) start(share, 0);
      takeOver();
    };

    /** Every idle slot takes over a share whose only try waits on a worker not loaded yet. */
    const takeOver = () => {
      for (let slot = 0; slot < count; slot++) {
        if (failed.has(slot) || live.some((a) => a.slot === slot)) continue;
        const share = results.findIndex((result, index) => {
          if (result !== undefined || index === 0) return false;
          const tries = live.filter((a) => a.share === index);
          return tries.length === 1 && !tries[0].ready;
        });
        if (share > 0) start(share, slot);
      }
    };

    if (signal.aborted) return finish(abortError());
    for (let share = 0; share < count; share++) start(share, share);
  });
}
