// The filters a gradient derives from a weight (flipped, transposed, phases gathered), made once
// per explanation instead of once per batch of path points.
import * as tf from '@tensorflow/tfjs';

/** Derived filters by the source filter's data and what was derived. */
const derived = new Map<tf.DataId, Map<string, tf.Tensor>>();
/** Runs of withDerivedFilters under way: the derived filters live while one is. */
let runs = 0;

/**
 * Runs `run` with derived filters reused across its gradients, and disposes them when the last
 * such run under way ends (several explanations of a worker may overlap). The engine wraps each
 * explanation in it (explain.ts); gradients outside any such run derive their filters each time.
 */
export async function withDerivedFilters<T>(run: () => Promise<T>): Promise<T> {
  runs++;
  try {
    return await run();
  } finally {
    runs--;
    if (runs === 0) release(() => true);
  }
}

/**
 * `make()` of `filter`; inside withDerivedFilters, kept and reused while `filter`'s data lives, so
 * that a weight's derived filter is computed at its first gradient only. Besides the Reverse and
 * Transpose kernels saved, the derived filter keeps its id, so that WASM's XNNPACK packs it once
 * instead of at every batch. `kind` names the derivation (with whatever besides the filter it
 * depends on). Keyed by the data, not the tensor: TF.js hands a gradient clones of the saved
 * inputs, which share the weight's data (on WASM through kernels/identity.ts). Where the filter
 * is itself computed at each call, each miss first frees the entries whose data no longer lives.
 */
export function derivedFilter<T extends tf.Tensor>(
  filter: tf.Tensor,
  kind: string,
  make: () => T,
): T {
  if (runs === 0) return make();
  const hit = derived.get(filter.dataId)?.get(kind);
  if (hit && !hit.isDisposed) return hit as T;
  const backend = tf.backend();
  release((dataId) => backend.refCount(dataId) === 0);
  const made = tf.keep(tf.tidy(make));
  const entry = derived.get(filter.dataId) ?? new Map<string, tf.Tensor>();
  entry.set(kind, made);
  derived.set(filter.dataId, entry);
  return made;
}

/** Disposes the derived filters of the source data that `gone` picks. */
function release(gone: (dataId: tf.DataId) => boolean): void {
  for (const [dataId, entry] of derived) {
    if (!gone(dataId)) continue;
    for (const tensor of entry.values()) tensor.dispose();
    derived.delete(dataId);
  }
}
