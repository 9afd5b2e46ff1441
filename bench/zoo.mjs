// The zoo section of `npm run bench`: for each model of test/zoo/models.json (fetched into
// .cache/zoo/ by `npm run zoo`) on WASM, ms per plain forward pass, ms per IG path evaluation,
// and their ratio (the goal of issue 12: at most 3x). Runs on the engine bench page.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, fixed, table } from './driver.mjs';

const MANIFEST = join(ROOT, 'test/zoo/models.json');
const IMAGE_SRC = '/test/fixtures/zoo/chelsea.png';
export const ZOO_GOAL_RATIO = 3;

/** TF.js model.json files under `root` (layers or graph format), paths relative to `root`. */
export function zooModels(root, dir = root, depth = 0) {
  if (!existsSync(dir) || depth > 3) return [];
  const found = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...zooModels(root, path, depth + 1));
    else if (entry.endsWith('.json')) {
      try {
        const json = JSON.parse(readFileSync(path, 'utf8'));
        if (json.modelTopology && json.weightsManifest) found.push(relative(root, path));
      } catch {
        // not a model
      }
    }
  }
  return found;
}

export async function benchZoo(session, engine, { steps = 8, forwards = 5, log = () => {} } = {}) {
  const { models } = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  const rows = [];
  // classes 0: a model kept for an error message (not a classifier).
  for (const model of models.filter((m) => m.classes > 0)) {
    const path = `/.cache/zoo/${model.path}`;
    const row = { name: model.name, package: model.package, size: model.inputSize };
    if (!existsSync(join(ROOT, path.slice(1)))) {
      rows.push({ ...row, error: 'not fetched: run npm run zoo' });
      continue;
    }
    log(`zoo ${model.name} on wasm`);
    try {
      const run = { backend: 'wasm', inputRange: model.inputRange, steps, forwards };
      const timing = await engine.evaluate(
        (url, image, r) => window.bench.runZoo(url, image, r),
        session.origin + path,
        { url: session.origin + IMAGE_SRC },
        run,
      );
      rows.push({ ...row, ...timing });
    } catch (error) {
      rows.push({ ...row, error: String(error.message ?? error).split('\n')[0] });
    }
  }
  return { backend: 'wasm', steps, rows };
}

export function zooReport(zoo) {
  return [
    '',
    `#### Zoo models on WASM (trapezoid, ${zoo.steps} steps, the element's automatic batch size)`,
    '',
    table(
      [
        'model',
        'package',
        'input',
        'forward ms',
        'ms per evaluation',
        'ratio',
        `<= ${ZOO_GOAL_RATIO}x`,
      ],
      zoo.rows.map((r) =>
        r.error
          ? [r.name, r.package, r.size, '–', `failed: ${r.error.slice(0, 90)}`, '–', '–']
          : [
              r.name,
              r.package,
              r.size,
              fixed(r.forwardMs, 1),
              fixed(r.perEvaluationMs, 1),
              `${fixed(r.ratio, 2)}x`,
              r.ratio <= ZOO_GOAL_RATIO ? 'met' : 'MISSED',
            ],
      ),
    ),
  ].join('\n');
}
