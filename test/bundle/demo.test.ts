// The demo page (`npm start` serves it) in Chromium: offline (no TF Hub here) it says so plainly,
// explains its shapes images with the bundled model, and renders the view. A screenshot is kept
// in test-results/demo.png. Then the demo and the docs pages at 375, 768 and 1280 px: a first
// view with no error and no text wider than its box, kept as test-results/<page>-<width>.png.
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import type { IgExplainer } from '../../src/index.js';

describe('the demo page', function () {
  this.timeout(180000);

  /** The demo at `url` in a 1100x1500 frame, once loaded and its TF Hub check has ended. */
  async function openDemo(url: string) {
    // Lazy elements start near the top-level viewport: make it hold the whole demo.
    await setViewport({ width: 1120, height: 1520 });
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width: 1100px; height: 1500px; border: 0; background: white';
    frame.src = url;
    document.body.append(frame);
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    const doc = frame.contentDocument!;
    const status = doc.getElementById('hub-status')!;
    await waitUntil(() => !/Checking/.test(status.textContent!), 'the TF Hub check never ended', {
      timeout: 20000,
    });
    return { frame, doc, status };
  }

  it('explains the offline shapes section and renders mask, predictions and charts', async () => {
    const { frame, doc, status } = await openDemo('/demo/index.html');
    try {
      const shapes = () => [...doc.querySelectorAll<IgExplainer>('#shapes ig-explainer')];
      await waitUntil(() => shapes().length > 0, 'no shapes images in the offline section');
      doc.getElementById('offline')!.scrollIntoView();
      const first = shapes()[0];
      await waitUntil(() => first.status === 'done' || first.status === 'error', 'no result', {
        timeout: 150000,
        interval: 200,
      });
      expect(first.status, first.error?.message).to.equal('done');
      expect(first.result!.thread).to.equal('worker');
      expect(['circle', 'square', 'triangle', 'star', 'cross', 'heart']).to.include(
        first.result!.target.label,
      );
      await first.updateComplete;
      const root = first.shadowRoot!;
      const mask = root.querySelector<HTMLCanvasElement>('canvas[part="mask"]')!;
      expect(mask).to.exist;
      const pixels = mask.getContext('2d')!.getImageData(0, 0, mask.width, mask.height).data;
      const values = new Set<number>();
      for (let i = 0; i < pixels.length; i += 4) values.add(pixels[i]);
      expect(values.size, 'distinct red levels in the mask').to.be.greaterThan(8);
      expect(root.querySelector('[part="predictions"]')!.textContent).to.contain(
        first.result!.target.label,
      );
      expect(root.querySelectorAll('[part="charts"] svg').length).to.equal(2);
      if (/could not be fetched/.test(status.textContent!)) {
        expect(doc.getElementById('photos')!.hidden).to.equal(true);
      }
      const path = await executeServerCommand<string, { selector: string; name: string }>(
        'ig-screenshot',
        { selector: 'iframe', name: 'demo' },
      );
      expect(path).to.equal('test-results/demo.png');
    } finally {
      frame.remove();
    }
  });

  it('shows saved explanations of the photographs at once, offline, with no error', async () => {
    // Made by scripts/make-demo-saved.mjs, as `npm run demo:saved` makes demo/saved/.
    const index = await executeServerCommand<string, undefined>('ig-demo-saved');
    const { frame, doc, status } = await openDemo(
      `/demo/index.html?saved=${encodeURIComponent(index)}`,
    );
    try {
      expect(status.textContent).to.match(/saved explanations/);
      expect(doc.getElementById('photos')!.hidden).to.equal(false);
      expect(doc.getElementById('hub-retry')!.hidden).to.equal(false);
      const photos = [...doc.querySelectorAll<IgExplainer>('#photos ig-explainer')];
      expect(photos.length).to.equal(4);
      await waitUntil(() => photos.every((el) => el.status !== 'idle'), 'a photo never loaded', {
        timeout: 20000,
      });
      for (const el of photos) {
        expect(el.status, `${el.src}: ${el.error?.message}`).to.equal('done');
        await el.updateComplete;
        const root = el.shadowRoot!;
        expect(root.querySelector('[part~="error"]'), el.src ?? '').to.equal(null);
        const mask = root.querySelector<HTMLCanvasElement>('canvas[part="mask"]')!;
        const pixels = mask.getContext('2d')!.getImageData(0, 0, mask.width, mask.height).data;
        const levels = new Set<number>();
        for (let i = 0; i < pixels.length; i += 4) levels.add(pixels[i]);
        expect(levels.size, `${el.src}: distinct red levels in the mask`).to.be.greaterThan(8);
        expect(root.querySelector('[part="predictions"]')!.textContent).to.contain(
          el.result!.target.label,
        );
      }
      doc.getElementById('photos')!.scrollIntoView();
      await executeServerCommand('ig-screenshot', { selector: 'iframe', name: 'demo-saved' });
    } finally {
      frame.remove();
    }
  });

  /** Elements (shadow roots included) whose content is wider than their box and not scrollable. */
  function overflowing(root: Document | ShadowRoot, view: Window & typeof globalThis): string[] {
    const found: string[] = [];
    for (const el of root.querySelectorAll<HTMLElement>('*')) {
      if (el.shadowRoot) found.push(...overflowing(el.shadowRoot, view));
      // HTML boxes only: the charts' SVG labels are checked in test/element/charts.test.ts.
      if (!(el instanceof view.HTMLElement)) continue;
      if (el.clientWidth <= 1 || el.scrollWidth <= el.clientWidth + 1) continue;
      const { overflowX } = view.getComputedStyle(el);
      if (overflowX === 'auto' || overflowX === 'scroll') continue;
      const name = `${el.localName}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''}`;
      found.push(
        `${name} (${el.scrollWidth} > ${el.clientWidth}): ${el.textContent!.slice(0, 40)}`,
      );
    }
    return found;
  }

  /** Every <ig-explainer> of a document, with the ones in its first view (the top `height`). */
  function explainers(doc: Document, height: number) {
    const all = [...doc.querySelectorAll<IgExplainer>('ig-explainer')];
    // A `loading="manual"` element (the playground) waits for a click: not part of a first view.
    const firstView = all.filter((el) => {
      const box = el.getBoundingClientRect();
      return el.loading !== 'manual' && box.top < height && box.bottom > 0 && box.width > 0;
    });
    return { all, firstView };
  }

  const PAGES = [
    { name: 'demo', url: '/demo/index.html' },
    { name: 'docs', url: '/docs/index.html' },
    { name: 'docs-examples', url: '/docs/examples.html' },
  ];
  for (const width of [375, 768, 1280]) {
    for (const { name, url } of PAGES) {
      it(`${name} at ${width} px: a first view with no error and no text wider than its box`, async function () {
        // A loaded CI machine explains a first view of three shapes images in minutes.
        this.timeout(420000);
        const height = 900;
        await setViewport({ width: width + 20, height: height + 20 });
        const frame = document.createElement('iframe');
        frame.style.cssText = `width: ${width}px; height: ${height}px; border: 0; background: white`;
        frame.src = url;
        document.body.append(frame);
        try {
          await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
          const doc = frame.contentDocument!;
          const status = doc.getElementById('hub-status');
          if (status) {
            await waitUntil(() => !/Checking/.test(status.textContent!), 'no TF Hub answer', {
              timeout: 20000,
            });
            await waitUntil(() => doc.querySelector('#shapes ig-explainer'), 'no shapes images');
          }
          const { firstView } = explainers(doc, height);
          if (name !== 'docs')
            expect(firstView.length, 'explanations in the first view').to.be.above(0);
          const finished = () =>
            firstView.every((el) => el.status === 'done' || el.status === 'error');
          await waitUntil(finished, 'the first view never finished explaining', {
            timeout: 400000,
            interval: 250,
          }).catch((error: Error) => {
            const states = firstView.map((el) => `${el.src}: ${el.status}`).join(', ');
            throw new Error(`${error.message} (${states})`);
          });
          for (const el of firstView) await el.updateComplete;
          const { all } = explainers(doc, height);
          const errors = all.filter((el) => el.status === 'error').map((el) => el.error?.code);
          expect(errors, 'elements showing an error').to.deep.equal([]);
          expect(
            overflowing(doc, frame.contentWindow as Window & typeof globalThis),
            'text wider than its box',
          ).to.deep.equal([]);
          const path = await executeServerCommand<string, { selector: string; name: string }>(
            'ig-screenshot',
            { selector: 'iframe', name: `${name}-${width}` },
          );
          expect(path).to.equal(`test-results/${name}-${width}.png`);
        } finally {
          frame.remove();
        }
      });
    }
  }
});
