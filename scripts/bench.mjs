#!/usr/bin/env node
// `npm run bench`: performance of ig-explainer in headless Chromium, on the Inception-V1-shaped
// fixture and on the trained shapes model, side by side with a literal port of the TensorFlow
// tutorial's algorithm (main thread, batch 32, trapezoid, WebGL) run in the same session.
// Prints Markdown tables and the goals of issue 7; writes bench/results.json.
//
//   node scripts/bench.mjs [--full] [--models shapes,inception,zoo] [--backends webgl,wasm,cpu]
//                          [--budget-s 90] [--no-build] [--zoo-steps 8]
//   node scripts/bench.mjs --report   # the tables again from bench/results.json
//
// --quick (the default) keeps the run to minutes on a 2-core machine with software WebGL: every
// configuration whose estimated time (ms per gradient evaluation, probed first, times the number
// of evaluations) exceeds --budget-s is skipped and listed as such; Inception runs 16 steps.
// --full runs 16, 50 and 128 steps and every batch size with a budget of 20 minutes each.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ROOT,
  buildPages,
  buildProduct,
  fixed,
  openPage,
  percent,
  startBrowser,
  table,
  writeJson,
} from '../bench/driver.mjs';
import { benchZoo, zooReport } from '../bench/zoo.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    models: { type: 'string', default: 'shapes,inception,zoo' },
    backends: { type: 'string', default: 'webgl,wasm,cpu' },
    'budget-s': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'zoo-steps': { type: 'string', default: '8' },
    report: { type: 'boolean', default: false },
  },
});
const full = args.full && !args.quick;
const RULES = ['trapezoid', 'riemann-middle', 'gausslegendre', 'riemann-left', 'riemann-right'];
const BUDGET_MS = 1000 * Number(args['budget-s'] ?? (full ? 1200 : 90));
const BACKENDS = args.backends.split(',').filter(Boolean);

/** What is measured per model; `quick` trims what is slow on software WebGL. */
const PLANS = {
  shapes: {
    title: 'shapes (64x64, 6 classes, trained)',
    backends: ['webgl', 'wasm', 'cpu'],
    probe: 4,
    modelUrl: '/demo/models/shapes/model.json',
    labelsUrl: '/demo/models/shapes/labels.json',
    timingSteps: [16, 50, 128],
    batches: [1, 8, 32],
    errorSteps: [2, 4, 8, 16, 32, 50, 128],
    memoryBatches: [1, 8, 32],
    // The element's defaults (steps 50) and the tutorial's m_steps = 50.
    productSteps: null,
    tutorialSteps: 50,
    cachedRunFull: true,
  },
  inception: {
    title: 'Inception-V1-shaped (224x224, 1001 classes, 6.6 M params)',
    backends: full ? ['webgl', 'wasm', 'cpu'] : ['webgl', 'wasm'],
    probe: 2,
    modelUrl: '/bench/fixtures/inception-v1/model.json',
    labelsUrl: null,
    timingSteps: full ? [16, 50, 128] : [16],
    batches: full ? [1, 4, 8, 16, 32] : [4],
    errorSteps: full ? [4, 8, 16, 32, 50, 128] : [8, 16],
    memoryBatches: full ? [1, 4, 8, 16, 32] : [1, 4, 8],
    productSteps: full ? null : 8,
    tutorialSteps: full ? 50 : 8,
    cachedRunFull: full,
  },
};
const MODELS = args.models.split(',').filter((m) => m in PLANS);

// The image: the first held-out shapes fixture, decoded as the client decodes it on both pages
// (fitted to 224x224 with `pad` for Inception, whose random weights make any image as good).
const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/shapes/index.json'), 'utf8'))[0];
const IMAGE_SRC = `/test/fixtures/shapes/${fixture.file}`;

const evaluationsOf = (rule, steps) => (rule === 'trapezoid' ? steps + 1 : steps);
const log = (...parts) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);

async function main() {
  const started = Date.now();
  log(args['no-build'] ? 'snapshot of dist/' : 'npm run build');
  buildProduct(!args['no-build']);
  await buildPages();
  if (MODELS.includes('inception') && !existsSync(join(ROOT, PLANS.inception.modelUrl.slice(1)))) {
    log('generating the Inception-V1-shaped fixture');
    spawnSync('node', ['scripts/make-inception-fixture.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
  const session = await startBrowser();
  const results = {
    date: new Date().toISOString(),
    mode: full ? 'full' : 'quick',
    machine: {
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverageAtStart: loadavg()[0],
      browser: session.version,
    },
    models: {},
  };
  try {
    const engineContext = await session.browser.createBrowserContext();
    const engine = await openPage(engineContext, session.origin, 'engine');
    results.machine.renderer = await engine.evaluate(() => window.bench.renderer());
    results.defaults = await engine.evaluate(() => window.bench.defaults);
    for (const name of MODELS) {
      results.models[name] = await benchModel(name, PLANS[name], session, engine, results.defaults);
    }
    if (args.models.split(',').includes('zoo'))
      results.zoo = await benchZoo(session, engine, { steps: Number(args['zoo-steps']), log });
    await engineContext.close();
  } finally {
    await session.close();
  }
  results.firstLoad = firstLoadSize();
  results.machine.loadAverageAtEnd = loadavg()[0];
  results.wallSeconds = (Date.now() - started) / 1000;
  results.goals = goals(results);
  await writeJson(join(ROOT, 'bench/results.json'), results);
  console.log(report(results));
}

async function benchModel(name, plan, session, engine, defaults) {
  const modelUrl = session.origin + plan.modelUrl;
  const IMAGE = { url: session.origin + IMAGE_SRC };
  const out = { title: plan.title, probes: {}, runs: [], skipped: [], memory: [], errors: [] };
  const ig = (run) =>
    engine.evaluate((url, image, r) => window.bench.runIg(url, image, r), modelUrl, IMAGE, run);

  // Probe each backend: a warm-up batch (model load, WebGL shader compilation), then the same
  // batch again, whose ms per evaluation sizes everything else.
  const probeRun = { method: 'riemann-middle', steps: plan.probe, batchSize: plan.probe };
  for (const backend of plan.backends.filter((b) => BACKENDS.includes(b))) {
    log(name, backend, 'probe');
    try {
      await ig({ backend, ...probeRun });
      const probe = await ig({ backend, ...probeRun });
      out.probes[backend] = { msPerEvaluation: probe.ms / probe.evaluations };
    } catch (error) {
      out.probes[backend] = { error: String(error?.message ?? error).slice(0, 300) };
      log(name, backend, 'unavailable:', out.probes[backend].error);
    }
  }
  const usable = Object.keys(out.probes).filter((b) => out.probes[b].msPerEvaluation !== undefined);
  const fastest = [...usable].sort(
    (a, b) => out.probes[a].msPerEvaluation - out.probes[b].msPerEvaluation,
  )[0];
  out.fastestBackend = fastest ?? null;

  // Timing rows: every backend, the default rule, steps x batch sizes. Error rows: every rule
  // against steps on the fastest backend, at the largest batch size.
  const configs = [];
  for (const backend of usable) {
    for (const steps of plan.timingSteps) {
      for (const batchSize of plan.batches) {
        configs.push({ backend, method: defaults.method, steps, batchSize });
      }
    }
  }
  if (fastest) {
    const batchSize = Math.max(...plan.batches);
    for (const method of RULES) {
      for (const steps of plan.errorSteps)
        configs.push({ backend: fastest, method, steps, batchSize });
    }
  }
  const seen = new Set();
  for (const config of configs) {
    const key = JSON.stringify(config);
    if (seen.has(key)) continue;
    seen.add(key);
    const evaluations = evaluationsOf(config.method, config.steps);
    const estimateMs = evaluations * out.probes[config.backend].msPerEvaluation;
    if (estimateMs > BUDGET_MS) {
      out.skipped.push({ ...config, estimateS: estimateMs / 1000 });
      continue;
    }
    log(name, config.backend, config.method, `steps ${config.steps}`, `batch ${config.batchSize}`);
    try {
      out.runs.push({ ...config, ...(await ig(config)) });
    } catch (error) {
      out.errors.push({ ...config, error: String(error?.message ?? error).slice(0, 300) });
    }
  }

  // Peak tensor memory per batch size (tf.profile; one batch of riemann-middle points).
  if (fastest) {
    for (const batchSize of plan.memoryBatches) {
      const estimateMs = 3 * batchSize * out.probes[fastest].msPerEvaluation;
      if (estimateMs > BUDGET_MS) continue;
      log(name, fastest, 'memory, batch', batchSize);
      try {
        const profile = await ig({
          backend: fastest,
          method: 'riemann-middle',
          steps: batchSize,
          batchSize,
          profile: true,
        });
        out.memory.push({ backend: fastest, batchSize, peakBytes: profile.peakBytes });
      } catch (error) {
        out.memory.push({ backend: fastest, batchSize, error: String(error?.message ?? error) });
      }
    }
  }

  // The baseline: the tutorial's algorithm, main thread, WebGL, batch 32, trapezoid.
  if (out.probes.webgl?.msPerEvaluation !== undefined) {
    log(name, 'tutorial port, m_steps', plan.tutorialSteps);
    out.tutorial = await engine.evaluate(
      (url, image, steps) => window.bench.runTutorial(url, image, steps, 32),
      modelUrl,
      IMAGE,
      plan.tutorialSteps,
    );
    out.tutorial.steps = plan.tutorialSteps;
    out.tutorial.batchSize = 32;
  }

  // The product: the built element in a fresh browser profile (model from the network), then a
  // new page of the same profile (a new worker; the model from IndexedDB).
  const context = await session.browser.createBrowserContext();
  const attributes = plan.productSteps ? { steps: String(plan.productSteps) } : {};
  const element = async (extra = {}, stopAfterModelLoad = false) => {
    const page = await openPage(context, session.origin, 'product');
    try {
      return await page.evaluate((run) => window.productBench.runElement(run), {
        modelUrl: session.origin + plan.modelUrl,
        labelsUrl: plan.labelsUrl ? session.origin + plan.labelsUrl : undefined,
        src: session.origin + IMAGE_SRC,
        attributes: { ...attributes, ...extra },
        stopAfterModelLoad,
      });
    } finally {
      await page.close();
    }
  };
  log(name, 'element, model from the network');
  out.product = { network: await element() };
  log(name, 'element, model from IndexedDB');
  out.product.cached = await element({}, !plan.cachedRunFull);
  // With the tutorial's error as tolerance and up to 128 steps: a progressive run refines until
  // the error is reached, so this is our time to reach the tutorial's error.
  const tutorialError = out.tutorial?.relativeError;
  if (plan.cachedRunFull && tutorialError > 0 && tutorialError < 1) {
    log(name, 'element, tolerance', tutorialError.toPrecision(3));
    out.product.tolerance = await element({
      tolerance: tutorialError.toPrecision(3),
      steps: '128',
    });
    out.product.tolerance.tolerance = Number(tutorialError.toPrecision(3));
  }
  await context.close();
  out.comparison = compare(out);
  return out;
}

/** The image-to-map time of a product run with a warm model: from the model's load to the map. */
function productMs(run) {
  const { times } = run;
  if (times?.complete === undefined) return undefined;
  return times.complete - (times.modelLoad ?? 0);
}

/** Completeness errors this close (relative) count as equal: backends differ in float rounding. */
const EQUAL_ERROR_SLACK = 1.1;

/**
 * Ours (default settings, in the worker) against the tutorial port: at equal error, the fastest
 * product run whose completeness error is at most the tutorial's (within float noise); and at the
 * same number of steps, the element's first run against the tutorial, whatever their errors.
 */
function compare(out) {
  const tutorial = out.tutorial;
  if (!tutorial) return null;
  const candidates = Object.entries(out.product)
    .filter(([, run]) => run?.result && productMs(run) !== undefined)
    .map(([kind, run]) => ({
      kind,
      ms: productMs(run),
      relativeError: run.result.relativeError,
      steps: run.result.steps,
    }));
  const equal = candidates
    .filter((c) => c.relativeError <= tutorial.relativeError * EQUAL_ERROR_SLACK)
    .sort((a, b) => a.ms - b.ms)[0];
  const sameSteps = candidates.find((c) => c.kind === 'network' && c.steps === tutorial.steps);
  return {
    tutorialMs: tutorial.ms,
    tutorialError: tutorial.relativeError,
    ours: equal ?? null,
    speedup: equal ? tutorial.ms / equal.ms : null,
    sameSteps: sameSteps ?? null,
    sameStepsSpeedup: sameSteps ? tutorial.ms / sameSteps.ms : null,
  };
}

function firstLoadSize() {
  const run = spawnSync(
    'node',
    ['scripts/size.mjs', 'node_modules/.cache/ig-explainer-bench/dist'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  const match = /([\d.]+) KB gzipped/.exec(run.stdout);
  return { gzippedKB: match ? Number(match[1]) : null, line: run.stdout.trim() };
}

function goals(results) {
  const inception = results.models.inception;
  const list = [];
  // 1. ms per gradient evaluation on the best backend (the fastest timed run, else the probe).
  if (inception) {
    const perEval = inception.runs.map((r) => ({
      backend: r.backend,
      batch: r.batchSize,
      v: r.ms / r.evaluations,
    }));
    for (const [backend, probe] of Object.entries(inception.probes)) {
      if (probe.msPerEvaluation !== undefined)
        perEval.push({ backend, batch: 'probe', v: probe.msPerEvaluation });
    }
    const best = perEval.sort((a, b) => a.v - b.v)[0];
    const onBest = perEval.filter((p) => p.backend === best?.backend).map((p) => p.v);
    const median = onBest.length ? onBest[Math.floor((onBest.length - 1) / 2)] : undefined;
    list.push({
      goal: 'Inception: ms per gradient evaluation, best backend',
      target: '<= 600 ms',
      measured: best
        ? `${fixed(best.v)} ms (${best.backend}, batch ${best.batch}; median of its ${onBest.length} runs ${fixed(median)} ms)`
        : 'no backend ran',
      met: best ? best.v <= 600 : false,
      by: best ? `${(best.v / 600).toFixed(1)}x the target` : '',
    });
  }
  // 2. At least 2x faster than the tutorial port at equal error (each model).
  for (const [name, model] of Object.entries(results.models)) {
    const c = model.comparison;
    list.push({
      goal: `${name}: faster than the tutorial port at equal completeness error`,
      target: '>= 2x',
      measured: c?.speedup
        ? `${c.speedup.toFixed(2)}x (${fixed(c.ours.ms)} vs ${fixed(c.tutorialMs)} ms; error ${percent(c.ours.relativeError, 2)} vs ${percent(c.tutorialError, 2)})`
        : c?.sameSteps
          ? `error not reached (ours ${percent(c.sameSteps.relativeError, 2)} vs ${percent(c.tutorialError, 2)}); at the same steps ${c.sameStepsSpeedup.toFixed(2)}x`
          : 'tutorial port did not run',
      met: c?.speedup ? c.speedup >= 2 : false,
      by: c?.speedup ? `${(c.speedup / 2).toFixed(2)}x the target` : '',
    });
  }
  // 3. First visible map within 25% of the full run (model load excluded), 4. longest task.
  for (const [name, model] of Object.entries(results.models)) {
    const run = model.product?.network;
    const t = run?.times;
    if (t?.complete !== undefined) {
      const share = (t.firstMap - (t.modelLoad ?? 0)) / (t.complete - (t.modelLoad ?? 0));
      list.push({
        goal: `${name}: first visible map, share of the full run's time`,
        target: '<= 25%',
        measured: `${percent(share)} (${fixed(t.firstMap - t.modelLoad)} of ${fixed(t.complete - t.modelLoad)} ms)`,
        met: share <= 0.25,
        by: share <= 0.25 ? '' : `${percent(share - 0.25)} over`,
      });
    }
    const tasks = ['network', 'cached', 'tolerance']
      .map((k) => model.product?.[k]?.mainThread)
      .filter(Boolean);
    if (tasks.length) {
      const longest = Math.max(...tasks.map((m) => m.longestTask));
      const gap = Math.max(...tasks.map((m) => m.longestFrameGap));
      list.push({
        goal: `${name}: main thread's longest task during a run`,
        target: '< 50 ms',
        measured: `${fixed(longest)} ms (longtask API; longest frame gap ${fixed(gap)} ms)`,
        met: longest < 50,
        by: longest < 50 ? '' : `${fixed(longest - 50)} ms over`,
      });
    }
  }
  const kb = results.firstLoad.gzippedKB;
  list.push({
    goal: 'first-load script, gzipped',
    target: '<= 15 KB',
    measured: kb === null ? 'size check failed' : `${kb} KB`,
    met: kb !== null && kb <= 15,
    by: kb !== null && kb <= 15 ? `${(15 - kb).toFixed(1)} KB to spare` : '',
  });
  return list;
}

function report(results) {
  const lines = [];
  const m = results.machine;
  lines.push(
    `### Benchmark run (${results.mode}), ${results.date.slice(0, 16)}Z`,
    '',
    `Machine: ${m.cpus} cores (${m.cpuModel}), load average ${m.loadAverageAtStart.toFixed(1)} at start, ` +
      `${m.loadAverageAtEnd.toFixed(1)} at end; ${m.browser} headless; WebGL renderer: ${m.renderer}. ` +
      `Defaults: method ${results.defaults.method}, steps ${results.defaults.steps}. Run took ${fixed(results.wallSeconds)} s.`,
  );
  for (const [name, model] of Object.entries(results.models)) {
    lines.push('', `#### ${model.title}`, '');
    const probes = Object.entries(model.probes).map(([backend, p]) => [
      backend,
      p.msPerEvaluation !== undefined
        ? fixed(p.msPerEvaluation)
        : `unavailable: ${p.error.slice(0, 90)}`,
    ]);
    lines.push(
      `Probe (one batch of ${PLANS[name].probe} points after a warm-up batch), ms per gradient evaluation:`,
      '',
    );
    lines.push(table(['backend', 'ms / evaluation'], probes), '');

    const load = ['network', 'cached'].map((kind) => {
      const run = model.product[kind];
      const t = run.times;
      return [
        kind === 'network' ? 'network' : 'IndexedDB',
        run.load ? `${run.load.backend}, ${run.load.thread}` : (run.error ?? '–'),
        run.load ? String(run.load.fromCache) : '–',
        fixed(run.load?.ms),
        t.prediction !== undefined ? fixed(t.prediction - t.modelLoad) : '–',
      ];
    });
    lines.push('Model load and first prediction (the element, dist build, its worker):', '');
    lines.push(
      table(
        ['model from', 'backend, thread', 'fromCache', 'load ms', 'first prediction ms after load'],
        load,
      ),
      '',
    );

    const rows = model.runs.map((r) => [
      r.backend,
      r.method,
      r.steps,
      r.batchSize,
      r.evaluations,
      fixed(r.ms),
      fixed(r.ms / r.evaluations),
      percent(r.relativeError, 2),
    ]);
    lines.push(
      'IG in the engine (main thread of the bench page; time from image tensor to attributions):',
      '',
    );
    lines.push(
      table(
        [
          'backend',
          'rule',
          'steps',
          'batch',
          'evaluations',
          'total ms',
          'ms / evaluation',
          'rel. error',
        ],
        rows,
      ),
    );
    if (model.skipped.length) {
      lines.push(
        '',
        `Skipped over the ${BUDGET_MS / 1000} s budget: ` +
          model.skipped
            .map(
              (s) =>
                `${s.backend} ${s.method} ${s.steps}/${s.batchSize} (~${fixed(s.estimateS)} s)`,
            )
            .join(', '),
      );
    }
    if (model.errors.length) {
      lines.push(
        '',
        'Failed: ' +
          model.errors.map((e) => `${e.backend} ${e.method} ${e.steps}: ${e.error}`).join('; '),
      );
    }

    // Error against evaluations per rule, and which rule reaches 1% / 5% with fewest.
    const byRule = RULES.map((rule) => {
      const points = model.runs
        .filter((r) => r.method === rule && r.backend === model.fastestBackend)
        .sort((a, b) => a.evaluations - b.evaluations);
      const reach = (level) => points.find((p) => p.relativeError <= level)?.evaluations;
      return [
        rule,
        points.map((p) => `${p.evaluations}: ${percent(p.relativeError, 2)}`).join(', '),
        reach(0.05) ?? '>',
        reach(0.01) ?? '>',
      ];
    });
    lines.push(
      '',
      `Relative completeness error against gradient evaluations (${model.fastestBackend}):`,
      '',
    );
    lines.push(table(['rule', 'evaluations: error', 'evals to 5%', 'evals to 1%'], byRule));

    if (model.memory.length) {
      lines.push('', 'Peak tensor memory (tf.profile, one batch, model weights included):', '');
      lines.push(
        table(
          ['backend', 'batch', 'peak MB'],
          model.memory.map((x) => [
            x.backend,
            x.batchSize,
            x.error ? x.error : fixed(x.peakBytes / 2 ** 20, 1),
          ]),
        ),
      );
    }

    const product = Object.entries(model.product).map(([kind, run]) => {
      const t = run.times;
      const load = t.modelLoad ?? 0;
      return [
        kind + (run.tolerance ? ` (${run.tolerance})` : ''),
        run.result
          ? `${run.result.backend}/${run.result.thread}`
          : run.error
            ? run.error.slice(0, 60)
            : 'load only',
        run.result ? `${run.result.method} ${run.result.steps}` : '–',
        run.result?.evaluations ?? '–',
        t.firstMap !== undefined ? fixed(t.firstMap - load) : '–',
        t.complete !== undefined ? fixed(t.complete - load) : '–',
        percent(run.result?.relativeError, 2),
        fixed(run.mainThread.longestTask),
        fixed(run.mainThread.longestFrameGap),
      ];
    });
    lines.push(
      '',
      'The element at its defaults (times from the model being ready; progress events with a partial map count as the first map):',
      '',
    );
    lines.push(
      table(
        [
          'run',
          'backend',
          'rule, steps',
          'evaluations',
          'first map ms',
          'full ms',
          'rel. error',
          'longest task ms',
          'longest frame gap ms',
        ],
        product,
      ),
    );

    if (model.tutorial) {
      const t = model.tutorial;
      const c = model.comparison;
      lines.push(
        '',
        'Baseline: the tutorial port (main thread, WebGL, batch 32, trapezoid), same session:',
        '',
      );
      lines.push(
        table(
          [
            '',
            'm_steps',
            'evaluations',
            'ms (predict + IG)',
            'ms / evaluation',
            'rel. error',
            'ours / tutorial time',
          ],
          [
            [
              'tutorial port',
              t.steps,
              t.evaluations,
              fixed(t.ms),
              fixed(t.ms / t.evaluations),
              percent(t.relativeError, 2),
              '1',
            ],
            [
              `ours at equal error${c?.ours ? ` (${c.ours.kind} run)` : ': not reached'}`,
              c?.ours?.steps ?? '',
              '',
              fixed(c?.ours?.ms),
              '',
              percent(c?.ours?.relativeError, 2),
              c?.ours ? (c.ours.ms / t.ms).toFixed(3) : '–',
            ],
            [
              'ours at the same steps (network run)',
              c?.sameSteps?.steps ?? '',
              '',
              fixed(c?.sameSteps?.ms),
              '',
              percent(c?.sameSteps?.relativeError, 2),
              c?.sameSteps ? (c.sameSteps.ms / t.ms).toFixed(3) : '–',
            ],
          ],
        ),
      );
    }
  }
  lines.push('', '#### Goals (issue 7)', '');
  lines.push(
    table(
      ['goal', 'target', 'measured', 'met', 'by'],
      results.goals.map((g) => [g.goal, g.target, g.measured, g.met ? 'met' : 'MISSED', g.by]),
    ),
  );
  if (results.zoo) lines.push(zooReport(results.zoo));
  lines.push('', results.firstLoad.line);
  return lines.join('\n');
}

/** `--report`: the tables again from bench/results.json's measurements, without measuring. */
async function reprint() {
  const results = JSON.parse(readFileSync(join(ROOT, 'bench/results.json'), 'utf8'));
  for (const model of Object.values(results.models)) model.comparison = compare(model);
  results.goals = goals(results);
  await writeJson(join(ROOT, 'bench/results.json'), results);
  console.log(report(results));
}

(args.report ? reprint() : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
