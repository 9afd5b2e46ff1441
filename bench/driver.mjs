// What the benchmark drivers share: building the pages, serving the repo, driving headless
// Chromium with puppeteer-core, and printing Markdown tables (pasted into the README as printed).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import * as prettier from 'prettier';
import puppeteer from 'puppeteer-core';
import { CHROME_ARGS, findChrome } from '../scripts/chrome-path.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the pages' scripts and the snapshot of dist/ go: ignored by git, lint and prettier. */
export const BUILD = join(ROOT, 'node_modules/.cache/ig-explainer-bench');

/**
 * `npm run build` (the element and its worker, as pages load them) unless `build` is false, then
 * a snapshot of dist/ in node_modules/.cache/ig-explainer-bench/dist/, which the pages load: other builds (a test run) may
 * rewrite dist/ while the benchmark runs.
 */
export function buildProduct(build = true) {
  if (build) {
    const run = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (run.status !== 0) {
      process.stderr.write(run.stdout + run.stderr);
      throw new Error('npm run build failed');
    }
  }
  const snapshot = join(BUILD, 'dist');
  rmSync(snapshot, { recursive: true, force: true });
  cpSync(join(ROOT, 'dist'), snapshot, { recursive: true });
  return snapshot;
}

/** The snapshot of dist/, taken now only if there is none (a benchmark may be using it). */
export function ensureProductSnapshot() {
  if (!existsSync(join(BUILD, 'dist/ig-explainer-worker.js'))) buildProduct(false);
}

/**
 * Bundles page scripts (bench/src/*.ts) into `outdir` (default node_modules/.cache/ig-explainer-bench/).
 * Each output is removed first: esbuild rewrites a file in place, and in a hard-linked copy of
 * node_modules (one worktree's made from another's) that file is every copy's, so one tree's
 * benchmark would run another's page script.
 */
export async function bundlePages(entryPoints, outdir = BUILD) {
  for (const entry of entryPoints) {
    rmSync(join(outdir, basename(entry).replace(/\.ts$/, '.js')), { force: true });
  }
  await build({
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'warning',
  });
}

/** Bundles the benchmark pages' scripts (bench/src/*.ts) into node_modules/.cache/ig-explainer-bench/. */
export async function buildPages() {
  await bundlePages([
    join(ROOT, 'bench/src/engine-bench.ts'),
    join(ROOT, 'bench/src/product-bench.ts'),
    join(ROOT, 'bench/src/quality-bench.ts'),
  ]);
}

/** A static server on the repo and headless Chromium; close() stops both. */
export async function startBrowser({ headers } = {}) {
  const executablePath = findChrome();
  if (!executablePath) {
    throw new Error('No Chrome or Chromium found: install one or set CHROME_PATH.');
  }
  // `headers(path)`: called for every file served (a benchmark's request log).
  const server = await startStaticServer({ root: ROOT, headers });
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: CHROME_ARGS,
    protocolTimeout: 0,
  });
  return {
    server,
    browser,
    origin: server.origin,
    version: await browser.version(),
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Opens bench/<name>.html in `context` and waits until its script is ready. */
export async function openPage(context, origin, name) {
  const page = await context.newPage();
  page.setDefaultTimeout(0);
  page.on('pageerror', (error) => console.error(`  [${name} page] ${error.message}`));
  await page.goto(`${origin}/bench/${name}.html`);
  await page.waitForFunction(() => document.title.endsWith('ready'));
  return page;
}

/** Writes `value` as JSON, formatted as prettier would. */
export async function writeJson(path, value) {
  const text = await prettier.format(JSON.stringify(value), { parser: 'json' });
  writeFileSync(path, text);
}

/** A Markdown table: `rows` are arrays of cells (strings or numbers). */
export function table(header, rows) {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell ?? '')));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(cells[0]),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

export const fixed = (value, digits = 0) =>
  value === undefined || value === null || Number.isNaN(value) ? '–' : value.toFixed(digits);

export const percent = (value, digits = 1) =>
  value === undefined || value === null || Number.isNaN(value)
    ? '–'
    : `${(100 * value).toFixed(digits)}%`;
