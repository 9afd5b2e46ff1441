// A web-test-runner command that saves a screenshot of one element of the test page (an iframe
// holding the demo, say) to test-results/<name>.png, kept as a test artifact.
// executeServerCommand('ig-screenshot', { selector, name }) resolves to the file's path.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function screenshots({ dir = 'test-results' } = {}) {
  return {
    name: 'ig-screenshot',
    async executeCommand({ command, payload, session }) {
      if (command !== 'ig-screenshot') return undefined;
      if (session.browser.type !== 'puppeteer') {
        throw new Error(`ig-screenshot needs the Chrome launcher, not ${session.browser.type}.`);
      }
      const name = String(payload?.name ?? 'screenshot').replace(/[^\w.-]/g, '_');
      const page = session.browser.getPage(session.id);
      const target = payload?.selector ? await page.$(payload.selector) : page;
      if (!target) throw new Error(`ig-screenshot: nothing matches ${payload.selector}.`);
      mkdirSync(resolve(dir), { recursive: true });
      const path = join(dir, `${name}.png`);
      await target.screenshot({ path });
      return path;
    },
  };
}
