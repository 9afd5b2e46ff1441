// How far a pooled (or retried) run's attributions are from one worker's.
import { expect } from '@open-wc/testing';

/** max |a - b| over max |a|: the pooled sum differs from one worker's by float rounding only. */
export function relativeDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).to.equal(b.length);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]));
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  expect(scale).to.be.above(0);
  return worst / scale;
}
