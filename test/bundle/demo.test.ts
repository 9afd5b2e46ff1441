// The demo page (`npm start` serves it) in Chromium: offline (no TF Hub here) it says so plainly,
// explains its shapes images with the bundled model, and renders the view. A screenshot is kept
// in test-results/demo.png.
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import type { IgExplainer } from '../../src/index.js';

describe('the demo page', function () {
  this.timeout(180000);

  it('explains the offline shapes section and renders mask, predictions and charts', async () => {
    // Lazy elements start near the top-level viewport: make it hold the whole demo.
    await setViewport({ width: 1120, height: 1520 });
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width: 1100px; height: 1500px; border: 0; background: white';
    frame.src = '/demo/index.html';
    document.body.append(frame);
    try {
      await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
      const doc = frame.contentDocument!;
      const status = doc.getElementById('hub-status')!;
      await waitUntil(() => !/Checking/.test(status.textContent!), 'the TF Hub check never ended', {
        timeout: 20000,
      });
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
});
