// Dense paths for replaying integration rules without the model: for each zoo model, the
// attribution density (factor * gradient) of the top-1 class's probability at the 513 points
// alpha = k / 512 of the straight path from a black baseline, on the bench's image, and the
// score at each. Written to .cache/dense/<model>.bin (float32, node after node) and .json. The
// adaptive rule only ever halves cells of [0, 1] from 4 segments, so every grid it builds down
// to 1/512 is a subset of these points: scripts/replay-rules.mjs replays rules on them.
//   node scripts/dense-paths.mjs [--only REGEX] [--steps 512]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, buildProduct, bundlePages, openPage, startBrowser } from '../bench/driver.mjs';
import { zooModels } from '../bench/zoo.mjs';
import { startStaticServer } from './static-server.mjs';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    steps: { type: 'string', default: '512' },
    zoo: { type: 'string' },
    out: { type: 'string', default: '.cache/dense' },
  },
});
const STEPS = Number(args.steps);
const ZOO = resolve(ROOT, args.zoo ?? process.env.IG_ZOO_DIR ?? '.cache/zoo');
const OUT = resolve(ROOT, args.out);
const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/shapes/index.json'), 'utf8'))[0];
const IMAGE = `/test/fixtures/shapes/${fixture.file}`;
const log = (...parts) =>
  console.error(`[dense ${new Date().toISOString().slice(11, 19)}]`, ...parts);

mkdirSync(OUT, { recursive: true });
buildProduct(false);
await bundlePages([join(ROOT, 'bench/src/perf-bench.ts')]);
const session = await startBrowser();
const zooServer = await startStaticServer({ root: ZOO, cors: true });
try {
  const page = await openPage(await session.browser.createBrowserContext(), session.origin, 'perf');
  for (const path of zooModels(ZOO).filter((p) => !args.only || new RegExp(args.only).test(p))) {
    const name = path.split('/')[0];
    const url = `${zooServer.origin}/${path}`;
    log(name);
    try {
      const info = await page.evaluate(
        (u, i, s) => window.perf.denseNodes(u, i, 'wasm', s, 4),
        url,
        session.origin + IMAGE,
        STEPS,
      );
      const chunk = Math.max(1, Math.floor(2 ** 24 / (4 * info.size)));
      const parts = [];
      for (let from = 0; from <= STEPS; from += chunk) {
        const count = Math.min(chunk, STEPS + 1 - from);
        const text = await page.evaluate(
          (f, c, s) => window.perf.denseChunk(f, c, s),
          from,
          count,
          info.size,
        );
        parts.push(Buffer.from(text, 'base64'));
      }
      writeFileSync(join(OUT, `${name}.bin`), Buffer.concat(parts));
      writeFileSync(
        join(OUT, `${name}.json`),
        JSON.stringify({ model: path, image: IMAGE, steps: STEPS, ...info }),
      );
      log(name, 'done in', Math.round(info.ms), 'ms');
    } catch (error) {
      log(name, 'failed:', String(error?.message ?? error).slice(0, 300));
    }
    await page.evaluate(() => window.perf.releaseModels());
  }
} finally {
  await zooServer.close();
  await session.close();
}
