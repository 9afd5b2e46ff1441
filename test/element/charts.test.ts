// The saturation plots' labels stay inside the chart's box, whatever the numbers' length
// (issue 18: the y-axis labels were clipped at the left, `.00122`, `)0.00156`).
import { expect, fixture, html } from '@open-wc/testing';
import { lineChart } from '../../src/element/charts.js';

const XS = [0, 0.25, 0.5, 0.75, 1];
const CASES = [
  [0.00122, 0.00156, 0.0014, 0.0013, 0.00125],
  [2.39e-8, 0.0273, 0.001, 0.0001, 0.00001],
  [-0.00123, -0.0045, 0.0002, 0.00156, 0.0099],
  [12345.6, -98765.4, 0, 1, 2],
  [0.5, 0.5, 0.5, 0.5, 0.5],
];

describe('saturation plot labels', () => {
  for (const ys of CASES) {
    it(`fit the chart's viewBox for y = ${ys.join(', ')}`, async () => {
      const el = await fixture<HTMLElement>(
        html`<div style="width: 320px; font: 10px system-ui, sans-serif">
          ${lineChart({ title: 'Plot', xs: XS, ys, xLabel: 'alpha', yLabel: 'p' })}
        </div>`,
      );
      const svg = el.querySelector('svg')!;
      const [, , width, height] = svg.getAttribute('viewBox')!.split(' ').map(Number);
      const texts = [...svg.querySelectorAll('text')];
      expect(texts.length).to.be.greaterThan(4);
      for (const text of texts) {
        const box = text.getBBox();
        expect(box.x, `"${text.textContent}" starts inside`).to.be.at.least(0);
        expect(box.x + box.width, `"${text.textContent}" ends inside`).to.be.at.most(width);
        expect(box.y + box.height, `"${text.textContent}" below`).to.be.at.most(height + 1);
      }
      // The y labels do not overlap the plot's axis.
      const axisX = Number(svg.querySelector('line.axis')!.getAttribute('x1'));
      for (const text of texts.slice(0, 2)) {
        const box = text.getBBox();
        expect(box.x + box.width).to.be.at.most(axisX);
      }
    });
  }
});
