// Path points per model call: the automatic batch size, the memory check of an explicit one, and
// a worker pool's share of the points.
import type { IgBackend, IgMethod } from '../shared/types.js';
import { IgError } from '../shared/types.js';
import { schedule, type RefinementLevel, type Schedule } from './integration-rules.js';

/**
 * Path points per batch for `batch-size="auto"`: about 2^19 input pixels on WebGL, half that on
 * the CPU backends, so a 224x224 model runs 10 (WebGL) or 5 points at once and memory stays
 * bounded whatever `steps` is. Measured on the Inception-V1-shaped model (README, "Performance"):
 * batches of 4 cost 0.75x (WASM) and 0.93x (software WebGL) the time per point of batches of 1;
 * larger ones gain little and hold back the first coarse map.
 */
export function autoBatchSize(backend: IgBackend, height: number, width: number): number {
  const budget = backend === 'webgl' ? 2 ** 19 : 2 ** 18;
  return Math.max(1, Math.min(32, Math.floor(budget / (height * width))));
}

/**
 * What one path point may take in a forward and backward pass, per byte of input: a conv net's
 * activations and their gradients are tens of times its input (Inception V1: ~40 MB at 224x224).
 */
const BYTES_PER_INPUT_BYTE = 64;
/** What one batch may take, on any backend: past this a tab stalls or the GPU process dies. */
export const BATCH_MEMORY_BUDGET = 2 ** 30;

/**
 * Refuses an explicit batch size whose batch would exceed BATCH_MEMORY_BUDGET with IgError
 * `out-of-memory` before anything is allocated: TF.js cannot fail cleanly on WebGL (a lost
 * context, a hung tab). `autoBatchSize` stays far below the budget.
 */
export function checkBatchMemory(
  batchSize: number,
  points: number,
  height: number,
  width: number,
): void {
  const perPoint = height * width * 3 * 4 * BYTES_PER_INPUT_BYTE;
  const batch = Math.min(batchSize, points);
  // A batch of one is never refused: nothing smaller could be asked for.
  if (batch <= 1 || batch * perPoint <= BATCH_MEMORY_BUDGET) return;
  const fits = Math.max(1, Math.floor(BATCH_MEMORY_BUDGET / perPoint));
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  throw new IgError(
    'out-of-memory',
    `batch-size ${batchSize} puts ${batch} path points of ${width}x${height} through the model ` +
      `at once, about ${mb(batch * perPoint)} MB, more than the ${mb(BATCH_MEMORY_BUDGET)} MB ` +
      `an explanation may use: set batch-size to ${fits} or less, or to "auto".`,
    'batch-size',
  );
}

/**
 * The `index`-th of `count` contiguous parts of the refinement order of `method` with `steps`:
 * the first part keeps the coarse levels it holds (its partial maps are the whole run's), every
 * part ends in a level of its own points at the full rule's weights, so the parts' attributions
 * add up to the full rule's.
 */
export function shareSchedule(
  method: IgMethod,
  steps: number,
  { index, count }: { index: number; count: number },
): Schedule {
  const { rule, plan } = schedule(method, steps);
  const n = plan.order.length;
  const from = Math.floor((n * index) / count);
  const to = Math.floor((n * (index + 1)) / count);
  if (!(Number.isInteger(index) && index >= 0 && to > from)) {
    throw new IgError(
      'invalid-attribute',
      `Worker share ${index} of ${count} holds no path points of ${n}: set IgExplainer.workers ` +
        `to ${n} or fewer.`,
    );
  }
  const final: RefinementLevel = { points: to - from, scale: 1, steps };
  const coarse = index === 0 ? plan.levels.filter((level) => level.points < to) : [];
  return { rule, plan: { order: plan.order.slice(from, to), levels: [...coarse, final] } };
}
