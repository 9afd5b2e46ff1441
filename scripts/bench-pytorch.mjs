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
//      the same model needs, ours measured end to end (prediction + adaptive IG), and the ratio.
//   5. Where the time goes: tf.profile of one batch per backend, top kernels and their share.
// Prints Markdown tables; writes bench/pytorch.json.
//
//   node scripts/bench-pytorch.mjs [--zoo DIR] [--quick] [--no-build] [--no-python]
//                                  [--max-steps 256] [--backends wasm,webgl] [--only REGEX]
//                                  [--zoo-only] [--out FILE] [--uniform-from FILE]
//
// The zoo: --zoo, else $IG_ZOO_DIR, else .cache/zoo/ (written by the zoo's fetch script); every
// TF.js model.json under it (up to 3 levels deep) is used; --only keeps the paths matching REGEX.
// --quick: small settings for a smoke run (few batch sizes, max 32 steps, one profile backend).
// --zoo-only: part 3 alone (no PyTorch, no timing, no profiles): evaluation counts, which do not
// depend on the machine's load; written to bench/zoo-counts.json unless --out says otherwise.
// --uniform-from FILE: the uniform step counts of a previous run's JSON (same --max-steps), not
// searched again (they do not depend on the adaptive rule).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import {
  BUILD,
  ROOT,
  buildProduct,
  fixed,
  openPage,
  percent,
  startBrowser,
  table,
  writeJson,
} from '../bench/driver.mjs';
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
  },
});
const quick = args.quick;
const zooOnly = args['zoo-only'];
const OUT = resolve(ROOT, args.out ?? (zooOnly ? 'bench/zoo-counts.json' : 'bench/pytorch.json'));
const TOLERANCE = 0.05;
const MAX_STEPS = Number(args['max-steps'] ?? (quick ? 32 : 256));
const BATCHES = quick ? [4] : [1, 4, 8, 16];
const PROFILE_BACKENDS = (args.backends ?? (quick ? 'wasm' : 'wasm,webgl')).split(',');
const ZOO = resolve(ROOT, args.zoo ?? process.env.IG_ZOO_DIR ?? '.cache/zoo');
const INCEPTION = 'bench/fixtures/inception-v1/model.json';

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

/** TF.js model.json files under `dir` (layers or graph format), relative paths. */
function zooModels(dir, depth = 0) {
  if (!existsSync(dir) || depth > 3) return [];
  const found = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...zooModels(path, depth + 1));
    else if (entry.endsWith('.json')) {
      try {
        const json = JSON.parse(readFileSync(path, 'utf8'));
        if (json.modelTopology && json.weightsManifest) found.push(relative(ZOO, path));
      } catch {
        // not a model
      }
    }
  }
  return found;
}

function runPython() {
  if (args['no-python']) return { skipped: '--no-python' };
  if (zooOnly) return { skipped: '--zoo-only' };
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
async function uniformSteps(ig) {
  const runs = [];
  const run = async (steps) => {
    const r = await ig({ method: 'trapezoid', steps });
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
  await build({
    entryPoints: [join(ROOT, 'bench/src/perf-bench.ts')],
    outdir: BUILD,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'warning',
  });
  if (!existsSync(join(ROOT, INCEPTION))) {
    log('generating the Inception-V1-shaped fixture');
    spawnSync('node', ['scripts/make-inception-fixture.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
  const zoo = zooModels(ZOO).filter((path) => !args.only || new RegExp(args.only).test(path));
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
        for (const batchSize of BATCHES) {
          log('ours', arch.torch, 'batch', batchSize);
          const run = { method: 'riemann-middle', steps: 2 * batchSize, batchSize };
          await ig(url, { ...run, steps: batchSize });
          const r = await ig(url, run);
          out.backend = r.backend;
          out.byBatch[batchSize] = r.ms / (r.evaluations + r.probes + 1);
        }
        const best = Object.entries(out.byBatch).sort((a, b) => a[1] - b[1])[0];
        out.batch = Number(best[0]);
        out.msPerEvaluation = best[1];
      } catch (error) {
        out.error = message(error);
      }
      // The built element through the worker pool, 1 and N workers (N: this machine's cores).
      out.workers = {};
      if (out.batch) {
        const counts = [...new Set([1, availableParallelism()])];
        for (const count of counts) {
          log('ours', arch.torch, 'element,', count, 'worker(s)');
          const run = {
            backend: out.backend,
            method: 'riemann-middle',
            steps: 4 * out.batch,
            batchSize: out.batch,
          };
          try {
            out.workers[count] = await page.evaluate(
              (u, i, r, n) => window.perf.runPooled(u, i, r, n),
              url,
              imageUrl,
              run,
              count,
            );
          } catch (error) {
            out.workers[count] = { error: message(error) };
          }
        }
      }
    }

    // 3 and 4. Trained models: uniform steps to 5% and the adaptive rule's cost.
    const batchSize = results.ours.mobilenet_v2?.batch ?? 4;
    for (const path of zoo) {
      const url = `${zooServer.origin}/${path}`;
      const ours = (run) => ig(url, { batchSize, ...run });
      log('zoo', path);
      try {
        const uniform = previousZoo[path]?.uniform ?? (await uniformSteps(ours));
        log('zoo', path, 'uniform steps to 5%:', uniform.steps);
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
        const torchName = TORCH_OF.find(([re]) => re.test(path))?.[1];
        const torchMs = torch.models?.[torchName]?.msPerEvaluation;
        const uniformEvaluations = uniform.steps === null ? null : uniform.steps + 1;
        // A model the cap misses needs more than MAX_STEPS + 1 evaluations: bounds, not values.
        const uniformAtLeast = uniformEvaluations ?? MAX_STEPS + 2;
        results.zoo[path] = {
          uniform,
          uniformEvaluations,
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
          oursMsTo5: adaptive.relativeError <= TOLERANCE ? adaptive.ms : null,
        };
      } catch (error) {
        results.zoo[path] = { error: message(error) };
      }
    }

    // 5. Where the time goes, per backend.
    for (const arch of zooOnly ? [] : ARCHITECTURES) {
      const url = urlOf(arch.ours);
      if (!url) continue;
      for (const backend of PROFILE_BACKENDS) {
        log('profile', arch.torch, backend);
        const key = `${arch.torch} ${backend}`;
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
        'ours ms to 5%',
        'ours / PyTorch',
      ],
      Object.entries(r.zoo).map(([path, z]) =>
        z.error
          ? [path, z.error, '', '', '', '', '', '']
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
              z.oursMsTo5 === null ? '–' : fixed(z.oursMsTo5),
              z.torchMsTo5 && z.oursMsTo5
                ? `${fixed(z.oursMsTo5 / z.torchMsTo5, 2)}x`
                : z.torchMsTo5AtLeast && z.oursMsTo5
                  ? `< ${fixed(z.oursMsTo5 / z.torchMsTo5AtLeast, 2)}x`
                  : '–',
            ],
      ),
    ),
    '',
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
