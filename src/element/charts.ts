// Tiny SVG line charts for the tutorial's two saturation plots, drawn from result.path.
import { html, nothing, svg, type TemplateResult } from 'lit';

export interface LineChartOptions {
  title: string;
  xs: readonly number[];
  ys: readonly number[];
  xLabel: string;
  yLabel: string;
  /** An α to mark with a vertical line (the path view's slider). */
  cursor?: number;
}

const W = 240;
const H = 140;
const PAD = { right: 8, top: 8, bottom: 28 };
/** Room per character of a y label at the charts' 10px font (wide sans-serif digits: 0.64em). */
const CHAR_WIDTH = 6.5;
/** Gap between a y label and the axis, plus a margin at the left edge. */
const LABEL_GAP = 4;
const LABEL_MARGIN = 2;

export function formatNumber(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude >= 1e4 || magnitude < 1e-3
    ? value.toExponential(2)
    : String(+value.toPrecision(3));
}

/** A line chart with its extremes labelled; the aria-label says what the line does in words. */
export function lineChart(options: LineChartOptions): TemplateResult {
  const { title, xs, ys, xLabel, yLabel, cursor } = options;
  const n = Math.min(xs.length, ys.length);
  const finite = ys.slice(0, n).filter(Number.isFinite);
  const xMin = n ? xs[0] : 0;
  const xMax = n ? xs[n - 1] : 1;
  let yMin = finite.length ? Math.min(...finite) : 0;
  let yMax = finite.length ? Math.max(...finite) : 1;
  if (yMax === yMin) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  const yMaxText = formatNumber(yMax);
  const yMinText = formatNumber(yMin);
  // The plot starts where the longer y label ends, so that no label is cut at the left.
  const left = Math.ceil(
    LABEL_MARGIN + LABEL_GAP + CHAR_WIDTH * Math.max(yMaxText.length, yMinText.length),
  );
  const px = (x: number) => left + ((x - xMin) / (xMax - xMin || 1)) * (W - left - PAD.right);
  const py = (y: number) =>
    H - PAD.bottom - ((y - yMin) / (yMax - yMin)) * (H - PAD.top - PAD.bottom);
  const points: string[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(ys[i])) points.push(`${px(xs[i]).toFixed(1)},${py(ys[i]).toFixed(1)}`);
  }
  const summary = n
    ? `${title}: ${yLabel} goes from ${formatNumber(ys[0])} at ${xLabel} ${formatNumber(xMin)} to ${formatNumber(ys[n - 1])} at ${xLabel} ${formatNumber(xMax)}, ranging ${formatNumber(yMin)} to ${formatNumber(yMax)}.`
    : `${title}: no data yet.`;
  const bottom = H - PAD.bottom;
  return html`<figure class="chart">
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${summary}>
      ${svg`<line class="axis" x1=${left} y1=${PAD.top} x2=${left} y2=${bottom}></line>
        <line class="axis" x1=${left} y1=${bottom} x2=${W - PAD.right} y2=${bottom}></line>
        <text x=${left - LABEL_GAP} y=${PAD.top + 8} text-anchor="end">${yMaxText}</text>
        <text x=${left - LABEL_GAP} y=${bottom} text-anchor="end">${yMinText}</text>
        <text x=${left} y=${H - 12} text-anchor="middle">${formatNumber(xMin)}</text>
        <text x=${W - PAD.right} y=${H - 12} text-anchor="end">${formatNumber(xMax)}</text>
        <text x=${(left + W - PAD.right) / 2} y=${H - 2} text-anchor="middle">${xLabel}</text>
        <polyline class="line" points=${points.join(' ')}></polyline>`}
      ${
        cursor === undefined
          ? nothing
          : svg`<line class="cursor" x1=${px(cursor)} y1=${PAD.top} x2=${px(cursor)} y2=${bottom}></line>`
      }
    </svg>
    <figcaption>${title}</figcaption>
  </figure>`;
}
