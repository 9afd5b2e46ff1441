// Replays integration rules on the dense paths of scripts/dense-paths.mjs, without the model:
// for each model, the map error (sum |a - reference| / sum |reference|, the reference being the
// uniform trapezoid on all 513 points) and completeness error of each rule at the point it stops,
// and the gradients it took. A rule here is the adaptive rule's loop (halve cells of a grid that
// starts from 4 segments) with a choice of which cells to halve and when to stop.
//   node scripts/replay-rules.mjs [--only REGEX] [--batch 4] [--tolerance 0.05]
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    dir: { type: 'string', default: '.cache/dense' },
    batch: { type: 'string', default: '4' },
    tolerance: { type: 'string', default: '0.05' },
  },
});
const DIR = resolve(args.dir);
const BATCH = Number(args.batch);
const TOL = Number(args.tolerance);

function load(name) {
  const info = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8'));
  const buffer = readFileSync(join(DIR, `${name}.bin`));
  const all = new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
  const { size, steps } = info;
  const D = Array.from({ length: steps + 1 }, (_, k) => all.subarray(k * size, (k + 1) * size));
  const slope = D.map((d) => d.reduce((s, v) => s + v, 0));
  return { ...info, D, slope };
}

const l1 = (v) => v.reduce((s, x) => s + Math.abs(x), 0);

/** The trapezoid map on the sorted node indices `grid` (of 0..steps). */
function mapOn(m, grid) {
  const out = new Float64Array(m.size);
  for (let i = 0; i < grid.length; i++) {
    const w = (grid[Math.min(grid.length - 1, i + 1)] - grid[Math.max(0, i - 1)]) / 2 / m.steps;
    const d = m.D[grid[i]];
    for (let p = 0; p < m.size; p++) out[p] += w * d[p];
  }
  return out;
}

function errors(m, grid, reference, refL1) {
  const map = mapOn(m, grid);
  let distance = 0;
  let sum = 0;
  for (let p = 0; p < m.size; p++) {
    distance += Math.abs(map[p] - reference[p]);
    sum += map[p];
  }
  const range = m.scores[m.steps] - m.scores[0];
  return {
    map: distance / refL1,
    completeness: Math.abs(sum - range) / Math.abs(range),
  };
}

/**
 * One rule's run. `priority(cell)` ranks cells to halve (higher first); `stop(state)` decides at
 * each grid. A cell: { a, b } node indices, h, error (exact trapezoid error of the score),
 * change (h/2 |D_b - D_a| summed: a bound on the map error of a cell where every pixel's
 * integrand is monotone), parent (the split that made it, with its map change vector delta).
 */
function replay(m, { priority, stop, batch = BATCH, start = 4, excess = false }) {
  const s = m.steps;
  const grid = Array.from({ length: start + 1 }, (_, k) => (k * s) / start);
  const born = new Map(); // node index -> { a, c }: the cell its evaluation halved
  const range = Math.abs(m.scores[s] - m.scores[0]);
  for (;;) {
    const cells = [];
    for (let i = 0; i + 1 < grid.length; i++) {
      const a = grid[i];
      const b = grid[i + 1];
      const h = (b - a) / s;
      cells.push({
        a,
        b,
        h,
        error: (h * (m.slope[a] + m.slope[b])) / 2 - (m.scores[b] - m.scores[a]),
      });
    }
    const state = { m, grid, cells, born, range };
    if (stop(state) || grid.length - 1 >= s) return { grid, evaluations: grid.length };
    const ranked = cells
      .filter((c) => c.b - c.a >= 2)
      .sort((x, y) => priority(y, state) - priority(x, state));
    if (ranked.length === 0) return { grid, evaluations: grid.length, exhausted: true };
    let chosen = ranked.slice(0, batch);
    if (excess) {
      // The shipped rule's batch: only as many of the worst (at least one) as could account for
      // the completeness error's excess over half the tolerance.
      const delta = Math.abs(cells.reduce((t, c) => t + c.error, 0));
      const over = delta - (TOL / 2) * range;
      let covered = 0;
      chosen = chosen.filter((c, j) => {
        const take = j === 0 || covered < over;
        covered += Math.abs(c.error);
        return take;
      });
    }
    for (const c of chosen) {
      const mid = (c.a + c.b) / 2;
      born.set(mid, { a: c.a, c: c.b });
      grid.push(mid);
    }
    grid.sort((x, y) => x - y);
  }
}

// Cell measures, cached per (a, b).
const cache = new Map();
function cellChange(m, a, b) {
  const key = `${m.model} ${a} ${b}`;
  if (!cache.has(key)) {
    const da = m.D[a];
    const db = m.D[b];
    let t = 0;
    for (let p = 0; p < m.size; p++) t += Math.abs(db[p] - da[p]);
    cache.set(key, (((b - a) / m.steps) * t) / 2);
  }
  return cache.get(key);
}

/**
 * The map's change if every node whose halving made both of its neighbour cells were removed
 * again (each halving's h/4 (2 D_b - D_a - D_c)), per pixel with signs kept: its L1 norm. Nodes of the start grid are not removable.
 */
function lastHalvings(state) {
  const { m, grid, born } = state;
  const delta = new Float64Array(m.size);
  for (let i = 1; i + 1 < grid.length; i++) {
    const parent = born.get(grid[i]);
    if (!parent || parent.a !== grid[i - 1] || parent.c !== grid[i + 1]) continue;
    const h = (parent.c - parent.a) / m.steps;
    const da = m.D[parent.a];
    const db = m.D[grid[i]];
    const dc = m.D[parent.c];
    for (let p = 0; p < m.size; p++) delta[p] += (h / 4) * (2 * db[p] - da[p] - dc[p]);
  }
  return l1(delta);
}

/** The grid's map's L1 norm, computed once per grid (priorities ask for it in every comparison). */
const mapL1 = (state) => (state.mapL1 ??= l1(mapOn(state.m, state.grid)));
const completenessWithin = (state, tol) => {
  const delta = Math.abs(state.cells.reduce((s, c) => s + c.error, 0));
  return delta <= tol * state.range;
};

/** The shipped stop: completeness within the tolerance on 8+ segments, or on a coarser grid whose cells' |errors| add up to within it. */
const shippedStop = (st) => {
  const bound = st.cells.reduce((s, c) => s + Math.abs(c.error), 0);
  return completenessWithin(st, TOL) && (st.grid.length - 1 >= 8 || bound <= TOL * st.range);
};

const RULES = {
  // The shipped rule (src/engine/adaptive-rule.ts), batch's excess rule left out: worst exact
  // cell error first; stop at completeness within the tolerance on 8+ segments (or a coarser grid
  // whose |errors| add up to within it).
  completeness: {
    priority: (c) => Math.abs(c.error),
    stop: shippedStop,
  },
  shipped: {
    priority: (c) => Math.abs(c.error),
    excess: true,
    stop: shippedStop,
  },
  'shipped, start 2': {
    priority: (c) => Math.abs(c.error),
    excess: true,
    start: 2,
    stop: shippedStop,
  },
  'shipped, start 1': {
    priority: (c) => Math.abs(c.error),
    excess: true,
    start: 1,
    stop: shippedStop,
  },
  // Halve where the map changes most over a cell; stop when the last halvings' signed change
  // (Richardson without the 3: safe where each pixel's integrand jumps) is within the tolerance
  // of the map's L1 norm, and completeness is within it too.
  'change/signed': {
    priority: (c, st) => cellChange(st.m, c.a, c.b),
    stop: (st) =>
      st.grid.length - 1 >= 8 && completenessWithin(st, TOL) && lastHalvings(st) <= TOL * mapL1(st),
  },
  'change/signed/3': {
    priority: (c, st) => cellChange(st.m, c.a, c.b),
    stop: (st) =>
      st.grid.length - 1 >= 8 &&
      completenessWithin(st, TOL) &&
      lastHalvings(st) / 3 <= TOL * mapL1(st),
  },
  'change/bound': {
    priority: (c, st) => cellChange(st.m, c.a, c.b),
    stop: (st) =>
      st.grid.length - 1 >= 8 &&
      completenessWithin(st, TOL) &&
      st.cells.reduce((s, c) => s + cellChange(st.m, c.a, c.b), 0) / 2 <= TOL * mapL1(st),
  },
  'change/completeness': {
    priority: (c, st) => cellChange(st.m, c.a, c.b),
    stop: shippedStop,
  },
  'both/completeness': {
    priority: (c, st) => Math.abs(c.error) / st.range + cellChange(st.m, c.a, c.b) / mapL1(st),
    stop: shippedStop,
  },
  'completeness/signed': {
    priority: (c) => Math.abs(c.error),
    stop: (st) =>
      st.grid.length - 1 >= 8 && completenessWithin(st, TOL) && lastHalvings(st) <= TOL * mapL1(st),
  },
};

/** Oracle: halve the cell whose halving brings the map nearest the reference; stop within TOL. */
function oracle(m, reference, refL1) {
  const s = m.steps;
  const grid = [0, s / 4, s / 2, (3 * s) / 4, s];
  const map = mapOn(m, grid);
  const err = () => {
    let d = 0;
    for (let p = 0; p < m.size; p++) d += Math.abs(map[p] - reference[p]);
    return d / refL1;
  };
  let e = err();
  while (e > TOL && grid.length <= s) {
    let best = null;
    for (let i = 0; i + 1 < grid.length; i++) {
      const a = grid[i];
      const c = grid[i + 1];
      if (c - a < 2) continue;
      const b = (a + c) / 2;
      const h = (c - a) / s;
      let d = 0;
      for (let p = 0; p < m.size; p++) {
        d += Math.abs(map[p] + (h / 4) * (2 * m.D[b][p] - m.D[a][p] - m.D[c][p]) - reference[p]);
      }
      if (!best || d < best.d) best = { i, a, b, c, h, d };
    }
    if (!best) break;
    for (let p = 0; p < m.size; p++) {
      map[p] += (best.h / 4) * (2 * m.D[best.b][p] - m.D[best.a][p] - m.D[best.c][p]);
    }
    grid.splice(best.i + 1, 0, best.b);
    e = best.d / refL1;
  }
  return { evaluations: grid.length, map: e };
}

const names = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .filter((n) => !args.only || new RegExp(args.only).test(n));
for (const name of names) {
  const m = load(name);
  const all = Array.from({ length: m.steps + 1 }, (_, k) => k);
  const reference = mapOn(m, all);
  const refL1 = l1(reference);
  const ref = errors(m, all, reference, refL1);
  const pct = (v) => `${(100 * v).toFixed(1)}%`;
  console.log(`\n${name}: size ${m.size}, reference completeness ${pct(ref.completeness)}`);
  const uniform = [4, 8, 16, 32, 64, 128, 256].map((n) => {
    const g = Array.from({ length: n + 1 }, (_, k) => (k * m.steps) / n);
    const e = errors(m, g, reference, refL1);
    return `${n + 1}: ${pct(e.map)} (c ${pct(e.completeness)})`;
  });
  console.log('  uniform (map, completeness):', uniform.join(', '));
  const o = oracle(m, reference, refL1);
  console.log(`  oracle: ${o.evaluations} gradients, map ${pct(o.map)}`);
  for (const [rule, spec] of Object.entries(RULES)) {
    const r = replay(m, spec);
    const e = errors(m, r.grid, reference, refL1);
    console.log(
      `  ${rule}: ${r.evaluations} gradients, map ${pct(e.map)}, completeness ${pct(e.completeness)}${r.exhausted ? ' (exhausted)' : ''}`,
    );
  }
}
