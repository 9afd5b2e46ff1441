// Quadrature rules for the IG path integral, as nodes (alphas) and weights on [0, 1].
import type { IgMethod } from '../shared/types.js';
import { IgError } from '../shared/types.js';

/** Nodes on [0, 1] in increasing order, and weights that sum to 1. */
export interface IntegrationRule {
  alphas: number[];
  weights: number[];
}

/**
 * The rule `method` with `steps` segments (the tutorial's `m_steps`).
 * `trapezoid` has `steps + 1` nodes, the others `steps`.
 */
export function integrationRule(method: IgMethod, steps: number): IntegrationRule {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new IgError(
      'invalid-attribute',
      `steps must be a whole number of at least 1, not ${steps}: set steps="50" for example.`,
      'steps',
    );
  }
  const uniform = (offset: number): IntegrationRule => ({
    alphas: Array.from({ length: steps }, (_, k) => (k + offset) / steps),
    weights: new Array<number>(steps).fill(1 / steps),
  });
  switch (method) {
    case 'trapezoid':
    case 'adaptive': // its start: adaptive-rule.ts halves cells of this grid, up to steps + 1 nodes
      return trapezoid(steps);
    case 'riemann-left':
      return uniform(0);
    case 'riemann-right':
      return uniform(1);
    case 'riemann-middle':
      return uniform(0.5);
    case 'gausslegendre':
      return gaussLegendreNodes(steps);
    default:
      throw new IgError(
        'invalid-attribute',
        `Unknown integration method "${String(method)}": use gausslegendre, trapezoid, ` +
          'adaptive, riemann-left, riemann-right or riemann-middle.',
        'method',
      );
  }
}

/**
 * The tutorial's rule: nodes `tf.linspace(0, 1, steps + 1)`, reproduced bit for bit (TF.js
 * builds linspace by adding a float32 step repeatedly, on every backend), and the mean of
 * `(g[:-1] + g[1:]) / 2`, i.e. weight 1/(2 steps) at the ends and 1/steps inside.
 */
function trapezoid(steps: number): IntegrationRule {
  const nodes = new Float32Array(steps + 1);
  const step = 1 / steps;
  for (let i = 1; i <= steps; i++) nodes[i] = nodes[i - 1] + step;
  const weights = Array.from({ length: steps + 1 }, (_, i) =>
    i === 0 || i === steps ? 1 / (2 * steps) : 1 / steps,
  );
  return { alphas: Array.from(nodes), weights };
}

/**
 * The n-point Gauss-Legendre rule mapped to [0, 1]: exact for polynomials of degree 2n - 1.
 * Roots of P_n by Newton's method on the three-term recurrence, in double precision, from
 * Tricomi's initial guesses; accurate to about 1e-15 for n up to 4096 (O(n^2) work, well under
 * a second at 4096).
 */
export function gaussLegendreNodes(n: number): IntegrationRule {
  if (!Number.isInteger(n) || n < 1) {
    throw new IgError(
      'invalid-attribute',
      `A Gauss-Legendre rule needs a whole number of nodes, at least 1, not ${n}.`,
      'steps',
    );
  }
  const alphas = new Array<number>(n);
  const weights = new Array<number>(n);
  // Roots are symmetric about 0: compute the non-negative half (i = 0 .. ceil(n/2)-1).
  const half = Math.ceil(n / 2);
  for (let i = 0; i < half; i++) {
    // Tricomi: x_i ~ (1 - (n-1)/(8 n^3)) cos(pi (4i + 3) / (4n + 2)), the i-th largest root.
    let x = (1 - (n - 1) / (8 * n * n * n)) * Math.cos((Math.PI * (4 * i + 3)) / (4 * n + 2));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      const [p, dp] = legendre(n, x);
      derivative = dp;
      const dx = p / dp;
      x -= dx;
      if (Math.abs(dx) <= 1e-16 * Math.max(1, Math.abs(x))) break;
    }
    derivative = legendre(n, x)[1];
    const w = 2 / ((1 - x * x) * derivative * derivative);
    // Map [-1, 1] -> [0, 1]: alpha = (1 + x) / 2, weight halves. Largest roots fill the top.
    alphas[n - 1 - i] = (1 + x) / 2;
    weights[n - 1 - i] = w / 2;
    alphas[i] = (1 - x) / 2;
    weights[i] = w / 2;
  }
  if (n % 2 === 1) alphas[(n - 1) / 2] = 0.5; // the middle root is exactly 0
  return { alphas, weights };
}

/** P_n(x) and P_n'(x) by the Bonnet recurrence. */
function legendre(n: number, x: number): [number, number] {
  let p0 = 1;
  let p1 = x;
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  const p = n === 1 ? x : p1;
  const pPrev = n === 1 ? 1 : p0;
  return [p, (n * (x * p - pPrev)) / (x * x - 1)];
}

/** A refinement level: the first `points` entries of the plan's order form a complete rule. */
export interface RefinementLevel {
  /** Points of the plan's order this level uses (a prefix). */
  points: number;
  /** The level's rule is `scale` times the full rule's weights on its points. */
  scale: number;
  /** Segments of the level's rule: steps / scale. */
  steps: number;
}

/** Nested point sets, coarse to fine, over the nodes of integrationRule(method, steps). */
export interface RefinementPlan {
  /** Indices into the rule's nodes, in evaluation order; every level is a prefix. */
  order: number[];
  /** Coarse to fine; the last one is the full rule (scale 1). */
  levels: RefinementLevel[];
}

/**
 * The order in which progressive IG visits the rule's nodes, so that every gradient of a coarse
 * level is reused by the finer ones and the last level is exactly the full rule.
 *
 * A rule on the grid k / steps with stride d (a divisor of steps) is the same rule with
 * steps / d segments, its weights d times the full rule's: trapezoid (ends and interior),
 * riemann-left and riemann-right. Strides go from steps down to 1, divided each time by their
 * smallest prime factor (50: 50, 25, 5, 1 = 1, 2, 10, 50 segments). Midpoints nest only when a
 * stride is divided by an odd factor, so riemann-middle refines over the odd part of steps (a
 * power of two gives one level). Gauss-Legendre nodes never nest: one level, all nodes.
 */
export function refinementPlan(method: IgMethod, steps: number): RefinementPlan {
  const count = integrationRule(method, steps).alphas.length;
  const onGrid = (k: number, d: number): boolean => {
    switch (method) {
      case 'trapezoid':
      case 'adaptive':
      case 'riemann-left':
        return k % d === 0;
      case 'riemann-right':
        return (k + 1) % d === 0;
      case 'riemann-middle':
        return k % d === (d - 1) / 2;
      default:
        return d === 1;
    }
  };
  let stride = method === 'gausslegendre' ? 1 : steps;
  if (method === 'riemann-middle') while (stride % 2 === 0) stride /= 2;
  const strides = [stride];
  while (stride > 1) {
    stride /= smallestPrimeFactor(stride);
    strides.push(stride);
  }
  const taken = new Uint8Array(count);
  const order: number[] = [];
  const levels: RefinementLevel[] = [];
  for (const d of strides) {
    for (let k = 0; k < count; k++) {
      if (!taken[k] && onGrid(k, d)) {
        taken[k] = 1;
        order.push(k);
      }
    }
    levels.push({ points: order.length, scale: d, steps: steps / d });
  }
  return { order, levels };
}

function smallestPrimeFactor(n: number): number {
  for (let p = 2; p * p <= n; p++) if (n % p === 0) return p;
  return n;
}

/** A run's nodes and weights with their refinement order. */
export interface Schedule {
  rule: IntegrationRule;
  plan: RefinementPlan;
}

/** The schedule of `method` with `steps`. */
export function schedule(method: IgMethod, steps: number): Schedule {
  return { rule: integrationRule(method, steps), plan: refinementPlan(method, steps) };
}
