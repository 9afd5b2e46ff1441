// Monotone cubic interpolation (Fritsch-Carlson), for the adaptive rule's score curve.

/**
 * The monotone piecewise-cubic Hermite interpolant (Fritsch and Carlson 1980, as PCHIP) through
 * (x, y), x increasing, and its derivative: continuous, with no overshoot where the data are
 * monotone, so a saturating score gives a density without spurious bumps.
 */
export function monotoneCubic(
  x: readonly number[],
  y: readonly number[],
): (at: number) => [value: number, slope: number] {
  const n = x.length;
  const h = Array.from({ length: n - 1 }, (_, i) => x[i + 1] - x[i]);
  const delta = h.map((hi, i) => (y[i + 1] - y[i]) / hi);
  const d = new Array<number>(n).fill(0);
  if (n === 2) d.fill(delta[0]);
  for (let i = 1; i < n - 1; i++) {
    if (delta[i - 1] * delta[i] > 0) {
      const w1 = 2 * h[i] + h[i - 1];
      const w2 = h[i] + 2 * h[i - 1];
      d[i] = (w1 + w2) / (w1 / delta[i - 1] + w2 / delta[i]);
    }
  }
  if (n > 2) {
    d[0] = endSlope(h[0], h[1], delta[0], delta[1]);
    d[n - 1] = endSlope(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
  }
  return (at: number) => {
    let i = Math.min(n - 2, Math.max(0, Math.floor(((at - x[0]) / (x[n - 1] - x[0])) * (n - 1))));
    while (i > 0 && at < x[i]) i--;
    while (i < n - 2 && at > x[i + 1]) i++;
    const t = (at - x[i]) / h[i];
    const t2 = t * t;
    const t3 = t2 * t;
    const value =
      (2 * t3 - 3 * t2 + 1) * y[i] +
      (t3 - 2 * t2 + t) * h[i] * d[i] +
      (-2 * t3 + 3 * t2) * y[i + 1] +
      (t3 - t2) * h[i] * d[i + 1];
    const slope =
      ((6 * t2 - 6 * t) * (y[i] - y[i + 1])) / h[i] +
      (3 * t2 - 4 * t + 1) * d[i] +
      (3 * t2 - 2 * t) * d[i + 1];
    return [value, slope];
  };
}

/** PCHIP's one-sided three-point end slope, kept monotone. */
function endSlope(h0: number, h1: number, delta0: number, delta1: number): number {
  const d = ((2 * h0 + h1) * delta0 - h0 * delta1) / (h0 + h1);
  if (Math.sign(d) !== Math.sign(delta0)) return 0;
  if (Math.sign(delta0) !== Math.sign(delta1) && Math.abs(d) > Math.abs(3 * delta0)) {
    return 3 * delta0;
  }
  return d;
}
