// The attribution accumulated along the path, at some of its points: what the `path` view shows
// at its slider's point. Snapshots cost memory (one attribution each), so they are bounded.
import type { IgPathTrace } from '../../shared/types.js';

/** Bytes the snapshots of one result may take: all 51 points of a 64x64 model, 13 at 224x224. */
export const PATH_TRACE_BYTES = 8 * 2 ** 20;

/**
 * The indices (of `points` path points, in increasing alpha) to keep a snapshot at, for an
 * attribution of `size` values: every point when the budget allows, otherwise evenly spaced
 * ones, always the first and the last (whose snapshot is the final attribution).
 */
export function traceIndices(points: number, size: number): number[] {
  if (points <= 1) return [0];
  const count = Math.max(2, Math.min(points, Math.floor(PATH_TRACE_BYTES / (4 * size))));
  const indices = new Set<number>();
  for (let k = 0; k < count; k++) indices.add(Math.round((k * (points - 1)) / (count - 1)));
  return [...indices];
}

/**
 * The mean of several runs' traces (baseline lists, SmoothGrad); an empty trace when their points
 * differ (a tolerance stopped them at different levels): asked for, none can be kept, and the
 * path view says why rather than offering to compute it again.
 */
export function meanTrace(traces: readonly (IgPathTrace | undefined)[]): IgPathTrace | undefined {
  const [first] = traces;
  if (!first) return undefined;
  const same = traces.every(
    (t) =>
      t !== undefined &&
      t.points.length === first.points.length &&
      t.points.every((p, i) => p === first.points[i]),
  );
  if (!same) return { points: [], attributions: [] };
  if (traces.length === 1) return first;
  return {
    points: [...first.points],
    attributions: first.attributions.map((_, s) => {
      const mean = new Float32Array(first.attributions[s].length);
      for (const t of traces) {
        const a = t!.attributions[s];
        for (let i = 0; i < mean.length; i++) mean[i] += a[i] / traces.length;
      }
      return mean;
    }),
  };
}
