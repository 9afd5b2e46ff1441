// The adaptive integration rule: a trapezoid rule on a grid refined where it is wrong. Every
// gradient evaluation's forward pass also gives the explained score, and the score's change over
// a cell is the exact integral of the path derivative there (the sum of that cell's
// attributions), so each cell's trapezoid error is known exactly, without forward-only probes;
// the worst cells are halved until the completeness error is within `tolerance` (adaptive
// quadrature, as adaptive Gauss-Kronrod, with an exact local error instead of an estimate).
import * as tf from '@tensorflow/tfjs';
import type { IgMethod, IgPath, IgProgressDetail } from '../shared/types.js';
import { IgError, abortError } from '../shared/types.js';
import { asIgError, explainedOutput, yieldToEventLoop } from './gradients.js';
import {
  checkOptions,
  integratedGradients,
  MIN_TOLERANCE_STEPS,
  type IntegratedGradientsOptions,
  type IntegratedGradientsResult,
} from './integrated-gradients.js';
import { evaluatePoints, type EvaluatedPoints } from './path-points.js';
import { straightPath } from './paths/path.js';
import { traceIndices } from './paths/trace.js';
import type { Classifier } from './preprocess.js';

/**
 * Segments of the uniform grid the rule starts from (fewer when `steps` is smaller): coarser than
 * the uniform rule's first tolerance check (MIN_TOLERANCE_STEPS), since the rule refines where
 * the cells are wrong, and may stop there only when no cancellation can be luck (see below).
 */
export const ADAPTIVE_START = 4;
/**
 * Cell errors below this share of the largest |score| are float32 noise (the score's last bits,
 * the gradient's rounding): such cells rank as exact, and the widest of them is halved first.
 */
const NOISE = 1e-5;
/** Cells are not halved below this width. */
const MIN_CELL = 2 ** -24;
/** Bytes the kept gradients may take: the rule reweights every node as cells are halved. */
export const ADAPTIVE_MEMORY_BUDGET = 2 ** 30;

export interface AdaptiveResult extends IntegratedGradientsResult {
  /** Gradient evaluations (forward + backward) the result cost. */
  evaluations: number;
  /** Forward-only evaluations: none, since every gradient evaluation gives the score too. */
  probes: number;
}

/** The IG run for `method`: the adaptive rule's, or integratedGradients with a fixed rule. */
export function integratorFor(
  method: IgMethod,
): (
  ...args: Parameters<typeof integratedGradients>
) => Promise<IntegratedGradientsResult & Partial<Pick<AdaptiveResult, 'evaluations' | 'probes'>>> {
  return method === 'adaptive' ? adaptiveIntegratedGradients : integratedGradients;
}

/** A path point evaluated: its score, d score / d alpha there, and its integrand, kept. */
interface PathNode {
  alpha: number;
  score: number;
  /** The path derivative of the score: the sum of the point's attribution density. */
  slope: number;
  gradientNorm: number;
  integrand: Float32Array;
}

/** The trapezoid's error on the cell between two nodes: its estimate less the exact integral. */
function cellError(a: PathNode, b: PathNode): number {
  return ((b.alpha - a.alpha) * (a.slope + b.slope)) / 2 - (b.score - a.score);
}

/**
 * Integrated Gradients with the adaptive rule. It starts from the uniform trapezoid of
 * ADAPTIVE_START segments (both ends are nodes), then, a batch at a time, halves the cells whose
 * trapezoid error |h (g_a + g_b) / 2 - (f_b - f_a)| is largest (g the score's path derivative,
 * the sum of the node's attributions over pixels; f the score, from the same forward pass). The
 * completeness error is exactly the sum of the cells' errors, so with `tolerance` the run stops
 * at the first grid within it: of at least MIN_TOLERANCE_STEPS segments (as the uniform rule),
 * or a coarser one whose cells' |errors| add up to within it too (a bound that no cancellation
 * between cells can meet by luck); without a tolerance, at `steps` segments. The weights are the
 * trapezoid's on the final grid, (alpha[i + 1] - alpha[i - 1]) / 2, summing to 1: exact on a
 * linear model. Each node's gradient is kept
 * (ADAPTIVE_MEMORY_BUDGET bounds them) since halving a cell changes its ends' weights.
 */
export async function adaptiveIntegratedGradients(
  classifier: Classifier,
  image: tf.Tensor3D,
  baseline: tf.Tensor3D,
  options: IntegratedGradientsOptions,
): Promise<AdaptiveResult> {
  const { steps, batchSize, signal, onProgress } = options;
  if (signal?.aborted) throw abortError();
  checkOptions(image, baseline, options);
  checkNodeMemory(steps, image);
  const tolerance = options.tolerance ?? null;
  const explained = explainedOutput(classifier, options.target, options.output);
  const curve = options.curve ?? straightPath(image, baseline);
  const shape = [...image.shape] as [number, number, number];
  const size = image.size;
  const total = steps + 1;
  try {
    const factor = curve.factor ? ((await curve.factor.data()) as Float32Array) : null;
    const nodes: PathNode[] = [];
    const add = (alphas: readonly number[], { values, integrands }: EvaluatedPoints) => {
      alphas.forEach((alpha, i) => {
        const integrand = integrands.subarray(i * size, (i + 1) * size);
        let slope = 0;
        for (let p = 0; p < size; p++) slope += integrand[p] * (factor ? factor[p] : 1);
        nodes.push({
          alpha,
          score: values[i],
          slope,
          gradientNorm: values[alphas.length + i],
          integrand,
        });
      });
      nodes.sort((a, b) => a.alpha - b.alpha);
    };
    const between = async () => {
      report(onProgress, nodes, total);
      await yieldToEventLoop();
      if (signal?.aborted) throw abortError();
    };
    const here = async (alphas: readonly number[]) => {
      for (let from = 0; from < alphas.length; from += batchSize) {
        if (from > 0) await between();
        const batch = alphas.slice(from, from + batchSize);
        add(batch, await evaluatePoints(explained, curve, batch));
      }
    };
    // A round's points, split evenly between this worker (the larger parts, a batch at a time)
    // and the helpers idle now; what a helper could not evaluate is evaluated here after. A
    // helper left without a share (rounds are often of one point) evaluates the next-worst cells'
    // midpoints ahead: a cell is only ever halved at its midpoint, so a later round that halves
    // it takes that point as computed. The rule decides as on one worker (the same nodes); what
    // it never asks for is discarded.
    const at = { run: options.run ?? 0, target: options.target };
    const ahead = new Map<number, Promise<EvaluatedPoints | null>>();
    const evaluate = async (alphas: readonly number[], spare: readonly number[]) => {
      const helpers = (options.helpers ?? []).filter((helper) => helper.usable && !helper.busy);
      const known = alphas.filter((alpha) => ahead.has(alpha));
      const [own, ...others] = splitEvenly(
        alphas.filter((alpha) => !ahead.has(alpha)),
        helpers.length + 1,
      );
      const guesses = spare.filter((alpha) => !ahead.has(alpha) && !alphas.includes(alpha));
      const share = Math.max(1, own.length);
      helpers.slice(others.length).forEach((helper, i) => {
        const part = guesses.slice(i * share, (i + 1) * share);
        if (part.length === 0) return;
        const points = helper.evaluate(part, at, signal).catch(() => null);
        part.forEach((alpha, j) =>
          ahead.set(
            alpha,
            points.then((p) => p && pointOf(p, j, part.length)),
          ),
        );
      });
      const remote = others.map((part, i) =>
        helpers[i].evaluate(part, at, signal).then(
          (points): readonly number[] => {
            add(part, points);
            return [];
          },
          () => part,
        ),
      );
      await here(own);
      const left = (await Promise.all(remote)).flat();
      for (const alpha of known) {
        const point = await ahead.get(alpha);
        ahead.delete(alpha);
        if (point) add([alpha], point);
        else left.push(alpha);
      }
      if (signal?.aborted) throw abortError();
      if (left.length > 0) {
        await between();
        await here(left);
      }
    };

    const start = Math.min(steps, ADAPTIVE_START);
    const pending = Array.from({ length: start + 1 }, (_, k) => k / start);
    // The midpoints of the cells ranked after the round's: what helpers may evaluate ahead.
    let guesses: number[] = [];
    let shown = 0;
    for (;;) {
      // The pending points, a batch at a time, then the grid they make is checked.
      let partial: IgProgressDetail['partial'];
      await evaluate(pending, guesses);
      pending.length = 0;
      const segments = nodes.length - 1;
      const cells = nodes.slice(1).map((b, k) => ({ k, error: cellError(nodes[k], b) }));
      const range = Math.abs(nodes[segments].score - nodes[0].score);
      const delta = Math.abs(cells.reduce((sum, c) => sum + c.error, 0));
      const bound = cells.reduce((sum, c) => sum + Math.abs(c.error), 0);
      const within =
        tolerance !== null &&
        delta <= tolerance * range &&
        (segments >= MIN_TOLERANCE_STEPS || bound <= tolerance * range);
      // Cells to halve next: the worst first, then (errors equal) the widest, at most batchSize.
      // With a tolerance, only as many of the worst (at least one) as could account for the
      // completeness error's excess over half of it: halving a cell removes at most about its
      // error, and a gradient spent on a cell that no longer matters is one too many (rounds of a
      // full batch of 16 took 21 evaluations on human-emotion, one cell at a time 10).
      const width = (k: number) => nodes[k + 1].alpha - nodes[k].alpha;
      const noise = NOISE * Math.max(...nodes.map((n) => Math.abs(n.score)));
      const rank = (error: number) => (Math.abs(error) > noise ? Math.abs(error) : 0);
      const ranked =
        within || segments >= steps
          ? []
          : cells
              .filter(({ k }) => width(k) > 2 * MIN_CELL)
              .sort((x, y) => rank(y.error) - rank(x.error) || width(y.k) - width(x.k))
              .slice(0, steps - segments);
      const candidates = ranked.slice(0, batchSize);
      const excess = tolerance === null ? Infinity : delta - (tolerance / 2) * range;
      let covered = 0;
      const next = candidates.filter((c, j) => {
        const take = j === 0 || covered < excess;
        covered += rank(c.error);
        return take;
      });
      if (next.length === 0) {
        report(onProgress, nodes, total);
        // The trace's last snapshot is the whole sum, in the same order: it is the result.
        const pathTrace = options.trace ? traceOf(nodes, factor, size) : undefined;
        const attributions = pathTrace
          ? pathTrace.attributions[pathTrace.attributions.length - 1].slice()
          : mapOf(nodes, factor, size);
        return {
          ...resultOf(nodes, attributions, shape),
          ...(pathTrace && { pathTrace }),
          steps: segments,
          method: 'adaptive',
          evaluations: nodes.length,
          probes: 0,
        };
      }
      // The first coarse map at once, then one each time the grid doubles.
      if (options.partials && segments >= Math.max(start, 2 * shown)) {
        shown = segments;
        partial = { attributions: mapOf(nodes, factor, size), shape, steps: segments, delta };
      }
      report(onProgress, nodes, total, partial);
      await yieldToEventLoop();
      if (signal?.aborted) throw abortError();
      const midpoint = ({ k }: { k: number }) => (nodes[k].alpha + nodes[k + 1].alpha) / 2;
      pending.push(...next.map(midpoint));
      guesses = ranked.slice(next.length).map(midpoint);
    }
  } catch (error) {
    throw asIgError(error);
  } finally {
    if (!options.curve) curve.dispose();
  }
}

function report(
  onProgress: IntegratedGradientsOptions['onProgress'],
  nodes: readonly PathNode[],
  total: number,
  partial?: IgProgressDetail['partial'],
): void {
  const stepsDone = nodes.length;
  onProgress?.({
    stepsDone,
    stepsTotal: total,
    fraction: stepsDone / total,
    path: pathOf(nodes),
    ...(partial ? { partial } : {}),
  });
}

function pathOf(nodes: readonly PathNode[]): IgPath {
  return {
    alphas: nodes.map((n) => n.alpha),
    scores: nodes.map((n) => n.score),
    gradientNorms: nodes.map((n) => n.gradientNorm),
  };
}

/** The trapezoid's weight of node i on the grid `nodes`. */
function weightOf(nodes: readonly PathNode[], i: number): number {
  return (nodes[Math.min(nodes.length - 1, i + 1)].alpha - nodes[Math.max(0, i - 1)].alpha) / 2;
}

/** factor * sum_i w_i integrand_i over the nodes from `from` to `to` (exclusive), in doubles. */
function weightedSum(
  nodes: readonly PathNode[],
  size: number,
  accumulated = new Float64Array(size),
  from = 0,
  to = nodes.length,
): Float64Array {
  for (let i = from; i < to; i++) {
    const w = weightOf(nodes, i);
    const integrand = nodes[i].integrand;
    for (let p = 0; p < size; p++) accumulated[p] += w * integrand[p];
  }
  return accumulated;
}

function scaled(accumulated: Float64Array, factor: Float32Array | null): Float32Array {
  return Float32Array.from(accumulated, (v, p) => (factor ? v * factor[p] : v));
}

/** The attribution map on the grid `nodes`: factor * sum_i w_i integrand_i. */
function mapOf(nodes: readonly PathNode[], factor: Float32Array | null, size: number) {
  return scaled(weightedSum(nodes, size), factor);
}

function resultOf(
  nodes: readonly PathNode[],
  attributions: Float32Array,
  shape: [number, number, number],
): Pick<
  IntegratedGradientsResult,
  'attributions' | 'shape' | 'sum' | 'scoreInput' | 'scoreBaseline' | 'delta' | 'path'
> {
  let sum = 0;
  for (let p = 0; p < attributions.length; p++) sum += attributions[p];
  const scoreBaseline = nodes[0].score;
  const scoreInput = nodes[nodes.length - 1].score;
  return {
    attributions,
    shape,
    sum,
    scoreInput,
    scoreBaseline,
    delta: Math.abs(sum - (scoreInput - scoreBaseline)),
    path: pathOf(nodes),
  };
}

/** The attribution accumulated up to some of the nodes (the path view's), at final weights. */
function traceOf(nodes: readonly PathNode[], factor: Float32Array | null, size: number) {
  const points = traceIndices(nodes.length, size);
  const accumulated = new Float64Array(size);
  let done = 0;
  const attributions = points.map((point) => {
    weightedSum(nodes, size, accumulated, done, point + 1);
    done = point + 1;
    return scaled(accumulated, factor);
  });
  return { points, attributions };
}

/** Point `j` of `count` evaluated together, on its own. */
function pointOf({ values, integrands }: EvaluatedPoints, j: number, count: number) {
  const size = integrands.length / count;
  return {
    values: Float32Array.of(values[j], values[count + j]),
    integrands: integrands.slice(j * size, (j + 1) * size),
  };
}

/** `items` in `parts` contiguous parts of sizes as equal as can be, the larger first; none empty. */
export function splitEvenly<T>(items: readonly T[], parts: number): T[][] {
  const base = Math.floor(items.length / parts);
  const extra = items.length % parts;
  const split: T[][] = [];
  for (let i = 0, from = 0; i < parts; i++) {
    const to = from + base + (i < extra ? 1 : 0);
    if (to > from || i === 0) split.push(items.slice(from, to));
    from = to;
  }
  return split;
}

/** Refuses a `steps` whose kept gradients would exceed ADAPTIVE_MEMORY_BUDGET. */
function checkNodeMemory(steps: number, image: tf.Tensor3D): void {
  const perNode = 4 * image.size;
  if ((steps + 1) * perNode <= ADAPTIVE_MEMORY_BUDGET) return;
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  throw new IgError(
    'out-of-memory',
    `method="adaptive" keeps one gradient per path point: steps ${steps} at ` +
      `${image.shape[1]}x${image.shape[0]} would keep about ${mb((steps + 1) * perNode)} MB, ` +
      `more than the ${mb(ADAPTIVE_MEMORY_BUDGET)} MB it may use: set steps to ` +
      `${Math.floor(ADAPTIVE_MEMORY_BUDGET / perNode) - 1} or less, or method="trapezoid".`,
    'steps',
  );
}
