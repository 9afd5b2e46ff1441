#!/usr/bin/env node
// `npm run bench:pytorch`: ig-explainer against plain PyTorch IG on the same machine, one run.
//   1. PyTorch (scripts/bench_pytorch_ig.py, /usr/bin/python3 with Debian's python3-torch):
//      ms per path evaluation on torchvision's GoogLeNet, MobileNetV2 and Inception V3 shapes,
//      uniform trapezoid, batch tuned, all threads.
//   2. Our engine in headless Chromium on WASM (bench/perf.html, main thread of the page, as one
//      worker runs it): ms per evaluation on the Inception-V1-shaped fixture and the nsfwjs
//      MobileNetV2 graph model, batch tuned.
//   3. Trained models (the zoo folder): the uniform trapezoid's step count reaching 5%
//      completeness error, and what the adaptive rule spends (gradient evaluations + forward
//      probes) for the same error.
//   4. Time to a 5%-error explanation: PyTorch's ms per evaluation times the uniform evaluations
//      the same model needs; ours measured end to end (prediction + adaptive IG) by the engine on
//      one core and by the built element with 1 and N workers (the adaptive rule's helpers); the
//      ratio is the element's with N workers.
//   5. Where the time goes: tf.profile of one batch per backend, top kernels and their share.
//   6. The page's main thread (bench/src/main-thread.ts): a cold run of the built element per
//      architecture, 1 and N workers, its defaults (trapezoid, 50 steps, batch auto, coarse maps)
//      on part 2's backend; the longest main-thread task from setting `src` to the drawn result
//      (goal: none over 50 ms) and the time from ig-prediction to the first coarse map (goal: 2 s).
// Prints Markdown tables; writes bench/pytorch.json.
//
//   node scripts/bench-pytorch.mjs [--zoo DIR] [--quick] [--no-build] [--no-python]
//                                  [--max-steps 256] [--backends wasm,webgl] [--only REGEX]
//                                  [--zoo-only] [--out FILE] [--uniform-from FILE]
//                                  [--main-thread-only] [--trace-dir DIR]
//
// The zoo: --zoo, else $IG_ZOO_DIR, else .cache/zoo/ (written by the zoo's fetch script); every
// TF.js model.json under it (up to 3 levels deep) is used; --only keeps the paths matching REGEX.
// --quick: small settings for a smoke run (few batch sizes, max 32 steps, one profile backend).
// --zoo-only: part 3 alone (no PyTorch, no timing, no profiles): evaluation counts, which do not
// depend on the machine's load; written to bench/zoo-counts.json unless --out says otherwise.
// --uniform-from FILE: the uniform step counts of a previous run's JSON (same --max-steps), not
// searched again (they do not depend on the adaptive rule).
// --main-thread-only: part 6 alone (no PyTorch, no timing, no zoo, no profiles).
// --trace-dir DIR: part 6's runs under a DevTools trace (DIR/<arch>-<N>-workers.json, for the
// Performance panel), and what each main-thread task over 50 ms did in the JSON (`traced`). The
// tracing itself slows the page: the figures of a traced run are not the ones to quote.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BUILD,
  ROOT,
  buildProduct,
  bundlePages,
  fixed,
  openPage,
  percent,
  startBrowser,
  table,
  writeJson,
} from '../bench/driver.mjs';
import { zooModels } from '../bench/zoo.mjs';
import { PROFILE_CATEGORIES, TRACE_CATEGORIES, longTasksOf } from '../bench/long-tasks.mjs';
import { startStaticServer } from './static-server.mjs';

const { values: args } = parseArgs({
  options: {
    zoo: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'no-python': { type: 'boolean', default: false },
    'max-steps': { type: 'string' },
    backends: { type: 'string' },
    python: { type: 'string', default: '/usr/bin/python3' },
    only: { type: 'string' },
    'zoo-only': { type: 'boolean', default: false },
    out: { type: 'string' },
    'uniform-from': { type: 'string' },
    'main-thread-only': { type: 'boolean', default: false },
    'trace-dir': { type: 'string' },
  },
});
const quick = args.quick;
const zooOnly = args['zoo-only'];
const mainThreadOnly = args['main-thread-only'];
const OUT = resolve(ROOT, args.out ?? (zooOnly ? 'bench/zoo-counts.json' : 'bench/pytorch.json'));
const TOLERANCE = 0.05;
const MAX_STEPS = Number(args['max-steps'] ?? (quick ? 32 : 256));
/** Segments of a zoo model's reference map (the adaptive rule's grid, no tolerance). */
const REFERENCE_STEPS = quick ? 64 : 512;
const BATCHES = quick ? [4] : [1, 4, 8, 16];
const PROFILE_BACKENDS = (args.backends ?? (quick ? 'wasm' : 'wasm,webgl')).split(',');
const ZOO = resolve(ROOT, args.zoo ?? process.env.IG_ZOO_DIR ?? '.cache/zoo');
const INCEPTION = 'bench/fixtures/inception-v1/model.json';
/** Issue 16's responsiveness goals: no main-thread task longer, the first coarse map sooner. */
const LONG_TASK_GOAL_MS = 50;
const FIRST_MAP_GOAL_MS = 2000;

/** Our models timed against a PyTorch architecture of the same shape. */
const ARCHITECTURES = [
  { name: 'Inception V1 (GoogLeNet)', torch: 'googlenet', ours: { repo: INCEPTION } },
  {
    name: 'MobileNetV2',
    torch: 'mobilenet_v2',
    // The nsfwjs graph model (converter output), else its Keras layers export (the zoo's folders
    // are named nsfw-mobilenet-v2-mid/ and nsfw-mobilenet-v2/).
    ours: { zoo: [/mobilenet[_-]v2[_-]mid\/model\.json$/, /mobilenet[_-]v2\/model\.json$/] },
  },
];
/** Zoo models whose architecture PyTorch times (for the time to a 5%-error explanation). */
const TORCH_OF = [
  [/mobilenet[_-]v2/, 'mobilenet_v2'],
  [/inception[_-]v3/, 'inception_v3'],
];

const previousZoo = args['uniform-from']
  ? JSON.parse(readFileSync(resolve(ROOT, args['uniform-from']), 'utf8')).zoo
  : {};
const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/shapes/index.json'), 'utf8'))[0];
const IMAGE = `/test/fixtures/shapes/${fixture.file}`;
const log = (...parts) =>
  console.error(`[bench:pytorch ${new Date().toISOString().slice(11, 19)}]`, ...parts);
const message = (error) =>
  String(error?.message ?? error)
    .split('\n')[0]
    .slice(0, 300);

function runPython() {
  if (args['no-python']) return { skipped: '--no-python' };
  if (zooOnly) return { skipped: '--zoo-only' };
  if (mainThreadOnly) return { skipped: '--main-thread-only' };
  const torchModels = [...new Set([...ARCHITECTURES.map((a) => a.torch), 'inception_v3'])];
  const run = spawnSync(
    args.python,
    [
      join(ROOT, 'scripts/bench_pytorch_ig.py'),
      '--models',
      torchModels.join(','),
      '--batches',
      (quick ? [4] : [1, 4, 8, 16]).join(','),
      '--evaluations',
      String(quick ? 8 : 32),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (run.status !== 0) {
    return {
      error:
        `${args.python} scripts/bench_pytorch_ig.py failed (exit ${run.status}): install ` +
        'PyTorch with apt-get install -y python3-torch python3-torchvision.',
    };
  }
  return JSON.parse(run.stdout);
}

/**
 * The smallest uniform trapezoid step count within TOLERANCE: the cap first (a model it misses
 * at MAX_STEPS is "> MAX_STEPS + 1" at once, without the search), then doubling and bisection.
 */
/**
 * The uniform trapezoid's step count to 5%, by doubling then bisection: of the completeness
 * error, or with `measure` 'map' of the map's error against the kept reference.
 */
async function uniformSteps(ig, measure = 'completeness') {
  const runs = [];
  const run = async (steps) => {
    const r = await ig({ method: 'trapezoid', steps });
    if (measure === 'map') {
      runs.push({ steps, mapError: r.mapError, relativeError: r.relativeError, ms: r.ms });
      return r.mapError <= TOLERANCE;
    }
    if (!Number.isFinite(r.relativeError)) {
      throw new Error(
        `the explained score is ${r.scoreInput} at the image and ${r.scoreBaseline} at the ` +
          'baseline: no completeness error to reach (a one-column sigmoid output?)',
      );
    }
    runs.push({ steps, relativeError: r.relativeError, ms: r.ms });
    return r.relativeError <= TOLERANCE;
  };
  const tested = new Map();
  const within = (steps) => {
    if (!tested.has(steps)) tested.set(steps, run(steps));
    return tested.get(steps);
  };
  let low = 0;
  let high = 1;
  if (!(await within(MAX_STEPS))) return { steps: null, runs };
  while (!(await within(high))) {
    low = high;
    if (high >= MAX_STEPS) return { steps: null, runs };
    high = Math.min(MAX_STEPS, 2 * high);
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await within(mid)) high = mid;
    else low = mid;
  }
  return { steps: high, runs };
}

async function main() {
  const started = Date.now();
  log('PyTorch');
  const torch = runPython();
  if (torch.error) log(torch.error);

  log(args['no-build'] ? 'snapshot of dist/' : 'npm run build');
  buildProduct(!args['no-build']);
  await bundlePages([join(ROOT, 'bench/src/perf-bench.ts')]);
  if (!existsSync(join(ROOT, INCEPTION))) {
    log('generating the Inception-V1-shaped fixture');
    spawnSync('node', ['scripts/make-inception-fixture.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
  const zoo = zooModels(ZOO).filter((path) => !args.only || new RegExp(args.only).test(path));
  const zooRuns = mainThreadOnly ? [] : zoo;
  if (zoo.length === 0) log(`no models under ${ZOO}: set --zoo or IG_ZOO_DIR`);
  const zooServer = await startStaticServer({ root: existsSync(ZOO) ? ZOO : ROOT, cors: true });
  const session = await startBrowser();
  const results = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    tolerance: TOLERANCE,
    machine: {
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverageAtStart: loadavg()[0],
      browser: session.version,
    },
    pytorch: torch,
    ours: {},
    zoo: {},
    profiles: {},
    mainThreadGoals: { longTaskMs: LONG_TASK_GOAL_MS, firstMapMs: FIRST_MAP_GOAL_MS },
  };
  try {
    const context = await session.browser.createBrowserContext();
    const page = await openPage(context, session.origin, 'perf');
    const imageUrl = session.origin + IMAGE;
    const urlOf = (spec) => {
      if (spec.repo) return session.origin + '/' + spec.repo;
      const path = spec.zoo.map((re) => zoo.find((p) => re.test(p))).find(Boolean);
      return path ? `${zooServer.origin}/${path}` : null;
    };
    // WASM, or WebGL for a model WASM cannot differentiate (a kernel it lacks).
    const backendOf = new Map();
    const ig = async (url, run) => {
      const call = (backend) =>
        page.evaluate((u, i, r) => window.perf.runIg(u, i, r), url, imageUrl, {
          backend,
          batchSize: 4,
          tolerance: null,
          ...run,
        });
      const backend = backendOf.get(url) ?? 'wasm';
      try {
        return { ...(await call(backend)), backend };
      } catch (error) {
        if (backendOf.has(url) || !/differentiated|not registered/.test(message(error)))
          throw error;
        log(url, 'on WebGL:', message(error).slice(0, 120));
        backendOf.set(url, 'webgl');
        return { ...(await call('webgl')), backend: 'webgl' };
      }
    };

    // The built element through the worker pool, 1 and N workers (N: this machine's cores).
    const elementRuns = async (url, run, onCount) => {
      const runs = {};
      for (const count of [...new Set([1, availableParallelism()])]) {
        onCount(count);
        try {
          runs[count] = await page.evaluate(
            (u, i, r, n) => window.perf.runPooled(u, i, r, n),
            url,
            imageUrl,
            run,
            count,
          );
        } catch (error) {
          runs[count] = { error: message(error) };
        }
      }
      return runs;
    };

    // 2. ms per evaluation, WASM, batch tuned: a warm-up run, then one of 2 batches.
    for (const arch of zooOnly ? [] : ARCHITECTURES) {
      const url = urlOf(arch.ours);
      const out = { model: url, byBatch: {} };
      results.ours[arch.torch] = out;
      if (!url) {
        out.error = 'model not found';
        continue;
      }
      try {
        for (const batchSize of mainThreadOnly ? [] : BATCHES) {
          log('ours', arch.torch, 'batch', batchSize);
          const run = { method: 'riemann-middle', steps: 2 * batchSize, batchSize };
          await ig(url, { ...run, steps: batchSize });
          const r = await ig(url, run);
          out.backend = r.backend;
          out.byBatch[batchSize] = r.ms / (r.evaluations + r.probes + 1);
        }
        const best = Object.entries(out.byBatch).sort((a, b) => a[1] - b[1])[0];
        if (best) {
          out.batch = Number(best[0]);
          out.msPerEvaluation = best[1];
        }
      } catch (error) {
        out.error = message(error);
      }
      // The built element through the worker pool, 1 and N workers (N: this machine's cores),
      // with the element's own method and steps (a run as a page gets it: 51 evaluations of the
      // trapezoid, so the prediction and the messages weigh as they do there).
      out.workers = {};
      if (out.batch) {
        const run = { backend: out.backend, batchSize: out.batch };
        out.workers = await elementRuns(url, run, (count) =>
          log('ours', arch.torch, 'element,', count, 'worker(s)'),
        );
      }
    }

    // 3 and 4. Trained models: uniform steps to 5% and the adaptive rule's cost.
    // Batch 4, as --zoo-only counts them: the adaptive rule halves up to a batch of cells per
    // round, so its counts depend on the batch (a tuned batch changes from run to run).
    const batchSize = 4;
    for (const path of zooRuns) {
      const url = `${zooServer.origin}/${path}`;
      const ours = (run) => ig(url, { batchSize, ...run });
      log('zoo', path);
      try {
        const uniform = previousZoo[path]?.uniform ?? (await uniformSteps(ours));
        log('zoo', path, 'uniform steps to 5%:', uniform.steps);
        // The map both rules approximate: the adaptive rule without a tolerance on
        // REFERENCE_STEPS segments (refined where the score's integral is hardest, dense
        // everywhere; a completeness error near 0 can be cancellation between pixels, so no
        // tolerance decides it); each rule's map at 5% is compared with it (mapError).
        const reference = await ours({
          method: 'adaptive',
          steps: REFERENCE_STEPS,
          reference: 'keep',
        });
        log('zoo', path, 'reference:', reference.evaluations, 'error', reference.relativeError);
        const uniformMap = await ours({ method: 'trapezoid', steps: uniform.steps ?? MAX_STEPS });
        // Equal accuracy: the uniform steps whose map is within 5% of the reference.
        const uniformToMap = previousZoo[path]?.uniformToMap ?? (await uniformSteps(ours, 'map'));
        log('zoo', path, 'uniform steps to a map within 5%:', uniformToMap.steps);
        const adaptive = await ours({ method: 'adaptive', steps: MAX_STEPS, tolerance: TOLERANCE });
        log(
          'zoo',
          path,
          'adaptive:',
          adaptive.evaluations,
          '+',
          adaptive.probes,
          'error',
          adaptive.relativeError,
        );
        // The same explanation as a page gets it: the built element, 1 and N workers (N: this
        // machine's cores; the adaptive rule's helpers evaluate part of each round's points).
        const run = {
          backend: adaptive.backend,
          batchSize,
          method: 'adaptive',
          steps: MAX_STEPS,
          tolerance: TOLERANCE,
        };
        const element = zooOnly
          ? {}
          : await elementRuns(url, run, (count) =>
              log('zoo', path, 'element,', count, 'worker(s)'),
            );
        const elementN = element[availableParallelism()];
        const torchName = TORCH_OF.find(([re]) => re.test(path))?.[1];
        const torchMs = torch.models?.[torchName]?.msPerEvaluation;
        const uniformEvaluations = uniform.steps === null ? null : uniform.steps + 1;
        // A model the cap misses needs more than MAX_STEPS + 1 evaluations: bounds, not values.
        const uniformAtLeast = uniformEvaluations ?? MAX_STEPS + 2;
        results.zoo[path] = {
          uniform,
          uniformEvaluations,
          reference: {
            evaluations: reference.evaluations,
            relativeError: reference.relativeError,
            ms: reference.ms,
          },
          uniformMap: {
            steps: uniformMap.steps,
            relativeError: uniformMap.relativeError,
            mapError: uniformMap.mapError,
          },
          uniformToMap,
          adaptive,
          backend: adaptive.backend,
          adaptiveCost: adaptive.evaluations + adaptive.probes,
          costRatio:
            uniformEvaluations === null
              ? null
              : (adaptive.evaluations + adaptive.probes) / uniformEvaluations,
          torch: torchName ?? null,
          torchMsTo5: torchMs && uniformEvaluations ? torchMs * uniformEvaluations : null,
          ...(uniformEvaluations === null && {
            uniformAtLeast,
            costRatioBelow: (adaptive.evaluations + adaptive.probes) / uniformAtLeast,
            ...(torchMs && { torchMsTo5AtLeast: torchMs * uniformAtLeast }),
          }),
          element,
          engineMsTo5: adaptive.relativeError <= TOLERANCE ? adaptive.ms : null,
          // Ours: the element on every core, end to end (prediction, messages, adaptive IG).
          oursMsTo5:
            elementN?.ms !== undefined && elementN.relativeError <= TOLERANCE ? elementN.ms : null,
        };
      } catch (error) {
        results.zoo[path] = { error: message(error) };
      }
      // One zoo model at a time in the page's WASM memory.
      await page.evaluate(() => window.perf.releaseModels());
    }

    // 5. Where the time goes, per backend. WebGL on a software renderer (SwiftShader) is skipped
    // unless --backends names it: `auto` never picks it there, and profiling MobileNetV2 on it
    // has held the GPU process at 9 GB for an hour on a 2-core machine.
    const webgl = zooOnly || mainThreadOnly ? null : await page.evaluate(() => window.perf.webgl());
    results.machine.webglRenderer = webgl?.renderer ?? null;
    for (const arch of zooOnly || mainThreadOnly ? [] : ARCHITECTURES) {
      const url = urlOf(arch.ours);
      if (!url) continue;
      for (const backend of PROFILE_BACKENDS) {
        const key = `${arch.torch} ${backend}`;
        if (backend === 'webgl' && !args.backends && webgl?.software) {
          results.profiles[key] = {
            error: `not profiled: WebGL here is a software renderer (${webgl.renderer}); --backends webgl profiles it anyway`,
          };
          continue;
        }
        log('profile', arch.torch, backend);
        try {
          results.profiles[key] = await page.evaluate(
            (u, i, b, n) => window.perf.profileEvaluation(u, i, b, n),
            url,
            imageUrl,
            backend,
            results.ours[arch.torch]?.batch ?? 4,
          );
          results.profiles[key].kernels = results.profiles[key].kernels.slice(0, 12);
        } catch (error) {
          results.profiles[key] = { error: message(error) };
        }
      }
    }
    // 6. The page's main thread: a cold run of the built element on a fresh page, per worker count.
    for (const arch of zooOnly ? [] : ARCHITECTURES) {
      const url = urlOf(arch.ours);
      const out = results.ours[arch.torch];
      if (!url || !out) continue;
      out.mainThread = {};
      for (const count of [...new Set([1, availableParallelism()])]) {
        log('main thread', arch.torch, count, 'worker(s)');
        const fresh = await openPage(context, session.origin, 'perf');
        // Every run under a DevTools trace (the tasks' CPU time); with --trace-dir the trace is
        // kept and profiled too.
        const traceDir = args['trace-dir'] ? resolve(args['trace-dir']) : BUILD;
        const tracePath = join(traceDir, `${arch.torch}-${count}-workers.trace.json`);
        try {
          mkdirSync(traceDir, { recursive: true });
          await fresh.tracing.start({
            path: tracePath,
            categories: args['trace-dir'] ? PROFILE_CATEGORIES : TRACE_CATEGORIES,
          });
          const m = await fresh.evaluate(
            (i, a, n) => window.perf.traceMainThread(i, a, n),
            imageUrl,
            { 'model-url': url, backend: out.backend ?? 'wasm' },
            count,
          );
          await fresh.tracing.stop();
          m.trace = longTasksOf(JSON.parse(readFileSync(tracePath, 'utf8')), {
            limitMs: LONG_TASK_GOAL_MS,
            url: '/bench/perf.html',
            ...m.marks,
            fileOf: (script) =>
              script.startsWith(session.origin) && join(ROOT, new URL(script).pathname),
          });
          if (!args['trace-dir']) rmSync(tracePath, { force: true });
          m.met = {
            longTask: m.longestTaskMs <= LONG_TASK_GOAL_MS,
            firstMap:
              m.predictionToFirstMap !== null && m.predictionToFirstMap <= FIRST_MAP_GOAL_MS,
          };
          out.mainThread[count] = m;
          for (const t of m.trace.tasks) {
            log(
              `  task at ${fixed(t.start)} ms: ${fixed(t.wallMs)} ms wall, ${fixed(t.cpuMs)} ms CPU:`,
              t.top.join(', '),
              ...(t.functions.length ? ['| JS:', t.functions.join(', ')] : []),
            );
          }
          log(
            'main thread',
            arch.torch,
            `longest task ${fixed(m.longestTaskMs)} ms, ${m.tasksOver50} over 50 ms, most CPU in`,
            `one task ${fixed(m.trace.maxCpuMs)} ms; first map ${fixed(m.predictionToFirstMap)} ms`,
            'after the prediction',
          );
        } catch (error) {
          out.mainThread[count] = { error: message(error) };
        } finally {
          await fresh.close();
        }
      }
    }
    await context.close();
  } finally {
    await session.close();
    await zooServer.close();
  }
  results.machine.loadAverageAtEnd = loadavg()[0];
  results.wallSeconds = (Date.now() - started) / 1000;
  await writeJson(OUT, results);
  console.log(report(results));
}

/** The element's adaptive run with `count` workers: "ms (N workers)", or why there is none. */
function elementCell(element = {}, count) {
  const run = element[count];
  if (!run) return '–';
  if (run.error) return run.error.slice(0, 60);
  const error = run.relativeError <= TOLERANCE ? '' : `, error ${percent(run.relativeError)}`;
  return `${fixed(run.ms)} (${count} worker${count === 1 ? '' : 's'}${error})`;
}

/** "ms (N workers, speed-up over the element with 1)" from the pooled element runs. */
function pooledCell(workers = {}) {
  const counts = Object.keys(workers).map(Number);
  const n = Math.max(...counts, 0);
  const one = workers[1]?.msPerEvaluation;
  const many = workers[n]?.msPerEvaluation;
  if (!many) return workers[n]?.error ?? '–';
  const speedup = one && n > 1 ? `, ${fixed(one / many, 2)}x of 1 worker's ${fixed(one, 1)}` : '';
  return `${fixed(many, 1)} (${n} workers${speedup})`;
}

/** What the long tasks over the goal were doing: "3 attributing, 1 drawing (result)". */
function longTaskCauses(tasks, goal) {
  const counts = new Map();
  for (const t of tasks.filter((task) => task.duration > goal)) {
    const key = t.drew ? `${t.phase} (${t.drew})` : t.phase;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const attributions = [
    ...new Set(tasks.filter((t) => t.duration > goal).map((t) => t.attribution)),
  ];
  const phases = [...counts].map(([key, n]) => `${n} ${key}`).join(', ');
  return phases ? `${phases}; attribution: ${attributions.join(' / ')}` : 'none';
}

const verdict = (met) => (met ? 'met' : 'not met');

/** Rows of the main-thread table: one per architecture and worker count. */
function mainThreadRows(r) {
  const { longTaskMs } = r.mainThreadGoals;
  return ARCHITECTURES.flatMap((a) =>
    Object.entries(r.ours[a.torch]?.mainThread ?? {}).map(([workers, m]) =>
      m.error
        ? [a.name, workers, m.error, '', '', '', '', '', '']
        : [
            a.name,
            workers,
            `${fixed(m.longestTaskMs)} ms: ${verdict(m.met.longTask)}`,
            m.tasksOver50,
            `${fixed(m.trace?.maxCpuMs)} ms`,
            longTaskCauses(m.longTasks, longTaskMs),
            m.predictionToFirstMap === null
              ? 'no coarse map: not met'
              : `${fixed(m.predictionToFirstMap)} ms: ${verdict(m.met.firstMap)}`,
            `${fixed(m.predictionToComplete)} ms`,
            `${m.method}, ${m.steps} steps, ${m.backend}, ${m.partials} coarse maps`,
          ],
    ),
  );
}

/** One line per task over the goal in the runs' DevTools traces: wall and CPU time, what ran. */
function mainThreadTaskLines(r) {
  const lines = ARCHITECTURES.flatMap((a) =>
    Object.entries(r.ours[a.torch]?.mainThread ?? {}).flatMap(([workers, m]) =>
      (m.trace?.tasks ?? []).map(
        (t) =>
          `- ${a.name}, ${workers} worker(s), at ${fixed(t.start)} ms: ${fixed(t.wallMs)} ms ` +
          `wall, ${fixed(t.cpuMs)} ms CPU; ${[...t.top.slice(0, 3), ...t.functions.slice(0, 3)].join(', ')}`,
      ),
    ),
  );
  return lines.length
    ? [
        'Tasks over the goal in the DevTools trace (CPU well under wall: the thread waited for a core):',
        '',
        ...lines,
        '',
      ]
    : [];
}

function report(r) {
  const lines = [
    `Machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.browser}, ` +
      `PyTorch ${r.pytorch.torch ?? '–'} with ${r.pytorch.threads ?? '–'} threads; ` +
      `load average ${fixed(r.machine.loadAverageAtStart, 1)} at start. Mode: ${r.mode}.`,
    '',
    '**ms per path evaluation** (forward + input gradient), batch tuned:',
    '',
    table(
      ['architecture', 'PyTorch', 'ours, 1 worker', 'ours, N workers', 'ours / PyTorch'],
      ARCHITECTURES.map((a) => {
        const t = r.pytorch.models?.[a.torch];
        const o = r.ours[a.torch] ?? {};
        return [
          a.name,
          t ? `${fixed(t.msPerEvaluation, 1)} (batch ${t.batch})` : '–',
          o.msPerEvaluation
            ? `${fixed(o.msPerEvaluation, 1)} (batch ${o.batch}, ${o.backend})`
            : (o.error ?? '–'),
          pooledCell(o.workers),
          t && o.msPerEvaluation ? `${fixed(o.msPerEvaluation / t.msPerEvaluation, 2)}x` : '–',
        ];
      }),
    ),
    '',
    `**Trained models, ${percent(r.tolerance, 0)} completeness error** (top-1 class, black ` +
      'baseline, probability):',
    '',
    table(
      [
        'model',
        'uniform trapezoid: evaluations',
        'adaptive: gradients + probes',
        'adaptive / uniform',
        'adaptive error',
        'PyTorch ms to 5%',
        'ours ms to 5%: engine (1 core)',
        'element, 1 worker',
        'element, N workers',
        'ours / PyTorch',
      ],
      Object.entries(r.zoo).map(([path, z]) =>
        z.error
          ? [path, z.error, '', '', '', '', '', '', '', '']
          : [
              path,
              z.uniformEvaluations ?? `> ${MAX_STEPS + 1}`,
              `${z.adaptive.evaluations} + ${z.adaptive.probes}`,
              z.costRatio !== null
                ? fixed(z.costRatio, 2)
                : z.costRatioBelow !== undefined
                  ? `< ${fixed(z.costRatioBelow, 2)}`
                  : '–',
              percent(z.adaptive.relativeError),
              z.torchMsTo5 !== null
                ? fixed(z.torchMsTo5)
                : z.torchMsTo5AtLeast
                  ? `> ${fixed(z.torchMsTo5AtLeast)}`
                  : '–',
              z.engineMsTo5 == null ? '–' : fixed(z.engineMsTo5),
              elementCell(z.element, 1),
              elementCell(z.element, Math.max(...Object.keys(z.element ?? {}).map(Number), 0)),
              z.torchMsTo5 && z.oursMsTo5
                ? `${fixed(z.oursMsTo5 / z.torchMsTo5, 2)}x`
                : z.torchMsTo5AtLeast && z.oursMsTo5
                  ? `< ${fixed(z.oursMsTo5 / z.torchMsTo5AtLeast, 2)}x`
                  : '–',
            ],
      ),
    ),
    '',
    `**How near each rule's map at ${percent(r.tolerance, 0)} is to the integral** (sum of ` +
      '|a - reference| over sum of |reference|, every pixel and channel; the reference: the ' +
      `adaptive rule's grid of ${REFERENCE_STEPS} segments, no tolerance):`,
    '',
    table(
      [
        'model',
        'reference: evaluations, completeness error',
        'uniform trapezoid at its 5% count: map error',
        'uniform trapezoid: evaluations to a map within 5%',
        'adaptive at 5%: gradients, map error',
        'adaptive / uniform, maps within 5%',
      ],
      Object.entries(r.zoo)
        .filter(([, z]) => !z.error && z.reference)
        .map(([path, z]) => {
          const toMap = z.uniformToMap?.steps;
          const cost = z.adaptive.evaluations + z.adaptive.probes;
          const uniformCost = toMap === null || toMap === undefined ? null : toMap + 1;
          return [
            path,
            `${z.reference.evaluations}, ${percent(z.reference.relativeError, 2)}`,
            `${percent(z.uniformMap.mapError)} (${z.uniformMap.steps} steps${
              z.uniformEvaluations === null ? `, error ${percent(z.uniformMap.relativeError)}` : ''
            })`,
            uniformCost === null ? `> ${MAX_STEPS + 1}` : String(uniformCost),
            `${cost}, ${percent(z.adaptive.mapError)}`,
            z.adaptive.mapError > r.tolerance
              ? 'adaptive map not within 5%'
              : uniformCost === null
                ? `< ${fixed(cost / (MAX_STEPS + 2), 2)}`
                : fixed(cost / uniformCost, 2),
          ];
        }),
    ),
    '',
    `**The page's main thread during a run** (a cold run of the built element from setting ` +
      `\`src\` to the drawn result; its defaults on the backend above; goals: no task over ` +
      `${r.mainThreadGoals.longTaskMs} ms, the first coarse map within ` +
      `${fixed(r.mainThreadGoals.firstMapMs / 1000, 0)} s of the prediction):`,
    '',
    table(
      [
        'architecture',
        'workers',
        'longest main-thread task',
        `tasks > ${r.mainThreadGoals.longTaskMs} ms`,
        'most CPU in one task',
        'what ran in them',
        'ig-prediction to first coarse map',
        'ig-prediction to ig-complete',
        'run',
      ],
      mainThreadRows(r),
    ),
    '',
    ...mainThreadTaskLines(r),
    '**Where the time goes** (tf.profile of one batch; top kernels by time):',
  ];
  for (const [key, p] of Object.entries(r.profiles)) {
    lines.push('', `${key}: ${p.error ?? `${fixed(p.wallMs)} ms wall for ${p.points} points`}`);
    if (p.kernels) {
      lines.push(
        '',
        table(
          ['kernel', 'ms', 'calls', 'share'],
          p.kernels.map((k) => [k.name, fixed(k.ms, 1), k.calls, percent(k.share)]),
        ),
      );
    }
  }
  return lines.join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
