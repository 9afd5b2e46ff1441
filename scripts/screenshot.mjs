// `npm run screenshot`: the README's picture, taken from the demo page (so it shows what the
// demo really does): the live shapes section at 1280 px, once every element there is done.
// Needs `npm run build` first; writes docs/images/demo.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROME_ARGS, findChrome } from './chrome-path.mjs';
import { startStaticServer } from './static-server.mjs';

const OUT = 'docs/images/demo.png';
const executablePath = findChrome();
if (!executablePath) throw new Error('No Chrome or Chromium found: set CHROME_PATH.');

const server = await startStaticServer({ root: '.' });
const browser = await puppeteer.launch({ executablePath, headless: true, args: CHROME_ARGS });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1400 });
  await page.goto(`${server.origin}/demo/`, { waitUntil: 'load' });
  await page.waitForFunction(
    () => {
      const els = [...document.querySelectorAll('#shapes ig-explainer')];
      return els.length > 0 && els.every((el) => el.status === 'done' || el.status === 'error');
    },
    { timeout: 300000, polling: 500 },
  );
  const errors = await page.$$eval('#shapes ig-explainer', (els) =>
    els.filter((el) => el.status !== 'done').map((el) => el.error?.message),
  );
  if (errors.length) throw new Error(`The demo's shapes section failed: ${errors.join('; ')}`);
  mkdirSync(join('docs', 'images'), { recursive: true });
  const section = await page.$('#offline');
  await section.screenshot({ path: OUT });
  console.log(`${OUT}: the demo's live shapes section at 1280 px.`);
} finally {
  await browser.close();
  await server.close();
}
