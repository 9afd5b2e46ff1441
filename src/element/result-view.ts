// The parts of the view that exist only once an explanation runs: mask and overlay, predictions,
// completeness and charts; and the controls. Loaded with the first run or with `controls` (a
// separate chunk), so that the first load of a page stays small.
import { html, nothing, type TemplateResult } from 'lit';
import { MAX_STEPS } from '../shared/defaults.js';
import type {
  IgColormap,
  IgOutput,
  IgPath,
  IgPolarity,
  IgPrediction,
  IgResult,
} from '../shared/types.js';
import type { AttributeValues, ExplainerConfig } from './attributes.js';
import { BASELINES } from '../shared/keywords.js';
import { formatNumber, lineChart } from './charts.js';
import { cssomStyle, type CssomStyles } from './cssom-style.js';
import { colormapGradient } from './colormaps.js';

export { attributionMap, renderMask } from './mask.js';
export { alphaCover, maskedCover, maskImageSteps, regionMask } from './view-maps.js';
export { pathCursor, pathSnapshot, viewPanels } from './view-panels.js';
export { resultStyles } from './result-view.styles.js';
// The saved-file encoder rides with the view: a result exists only once the view is loaded.
export { exportResult } from '../saved/saved-result.js';

/** 98%, 2.1%, 0.031%; below 0.01% just "<0.01%" (7.3e-8% helps no reader). */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  if (percent > 0 && percent < 0.01) return '<0.01%';
  return `${percent >= 10 || percent === 0 ? percent.toFixed(0) : percent.toPrecision(2)}%`;
}

export function maskPanels(
  result: Pick<IgResult, 'shape' | 'target'>,
  display: {
    polarity: IgPolarity;
    colormap: IgColormap;
    overlayAlpha: number;
    regions: boolean;
    view: readonly string[];
  },
  imageUrl: string | null,
  frame: CssomStyles,
  objectFit: CssomStyles,
): TemplateResult {
  const [h, w] = result.shape;
  const { polarity, colormap, overlayAlpha, view } = display;
  const signed = colormap === 'diverging';
  const what = display.regions
    ? 'image regions ranked by attribution gain (XRAI)'
    : polarity === 'absolute'
      ? signed
        ? 'net attribution per pixel, red raising and blue lowering the score'
        : 'attribution magnitude per pixel'
      : `${polarity} attributions per pixel`;
  const label = `Attribution mask for “${result.target.label}”: ${what}; stronger colours mattered more.`;
  const mask = html`
    <figure>
      <div class="frame" ${cssomStyle(frame)}>
        <canvas part="mask" role="img" aria-label=${label} width=${w} height=${h}></canvas>
      </div>
      <figcaption>
        ${display.regions ? 'Regions (XRAI)' : `Attribution mask (${polarity})`}
        <span class="colorbar" part="colorbar">
          <span>${signed ? '−' : 'low'}</span>
          <span
            class="bar"
            aria-hidden="true"
            ${cssomStyle({ background: colormapGradient(colormap) })}
          ></span>
          <span>${signed ? '+' : 'high'}</span>
        </span>
      </figcaption>
    </figure>
  `;
  const overlay = html`
    <figure>
      <div class="frame" ${cssomStyle(frame)}>
        ${imageUrl ? html`<img src=${imageUrl} alt="" ${cssomStyle(objectFit)} />` : nothing}
        <canvas
          part="overlay"
          role="img"
          aria-label=${`The mask over the image at ${Math.round(overlayAlpha * 100)}% opacity.`}
          width=${w}
          height=${h}
          ${cssomStyle({ opacity: String(overlayAlpha) })}
        ></canvas>
      </div>
      <figcaption>Overlay</figcaption>
    </figure>
  `;
  return html`${view.includes('mask') ? mask : nothing}${view.includes('overlay') ? overlay : nothing}`;
}

export function predictionList(predictions: IgPrediction[], target: number | null): TemplateResult {
  return html`<section aria-labelledby="predictions-caption">
    <p class="caption" id="predictions-caption">Top predictions</p>
    <ol part="predictions">
      ${predictions.map(
        (p) =>
          html`<li class=${p.index === target ? 'target' : ''}>
            <span class="label">${p.label}</span>
            <span class="prob-bar" aria-hidden="true"
              ><span ${cssomStyle({ width: `${(p.probability * 100).toFixed(1)}%` })}></span
            ></span>
            <span class="prob">${formatPercent(p.probability)}</span>
            ${
              p.index === target
                ? html`<span class="marker">explained by the mask (class ${p.index})</span>`
                : nothing
            }
          </li>`,
      )}
    </ol>
  </section>`;
}

export function completeness(result: IgResult): TemplateResult {
  const difference = result.scoreInput - result.scoreBaseline;
  const relative = difference !== 0 ? result.delta / Math.abs(difference) : NaN;
  const verdict = !Number.isFinite(relative)
    ? 'the score did not change, so the relative error is undefined'
    : relative <= 0.05
      ? `relative error ${formatPercent(relative)}, within the tutorial's 5%`
      : `relative error ${formatPercent(relative)}, above 5%: more steps would make it smaller`;
  return html`<p part="completeness">
    Completeness: the attributions add up to ${formatNumber(result.sum)}; the ${result.output} goes
    from ${formatNumber(result.scoreBaseline)} at the baseline to ${formatNumber(result.scoreInput)}
    at the image, a difference of ${formatNumber(difference)}; ${verdict}.
  </p>`;
}

/** The tutorial's saturation plots, from a finished result or the path evaluated so far. */
export function charts(path: IgPath, output: IgOutput, cursor?: number): TemplateResult {
  const { alphas, scores, gradientNorms } = path;
  return html`<div part="charts">
    ${lineChart({
      title: `Target ${output} along the path`,
      xs: alphas,
      ys: scores,
      xLabel: 'α',
      yLabel: output,
      cursor,
    })}
    ${lineChart({
      title: 'Mean |gradient| along the path',
      xs: alphas,
      ys: gradientNorms,
      xLabel: 'α',
      yLabel: 'mean |gradient|',
      cursor,
    })}
  </div>`;
}

/** The baseline, steps and target controls of `controls`; a change sets the host's property. */
export function controls(
  host: Pick<AttributeValues, 'baseline' | 'steps' | 'target'>,
  config: ExplainerConfig,
  predictions: IgPrediction[] | null,
): TemplateResult {
  const baselines: string[] = [...BASELINES];
  if (!baselines.includes(config.baseline)) baselines.push(config.baseline);
  const targets: Array<[string, string]> = [['auto', 'Top prediction']];
  for (const p of predictions ?? []) targets.push([String(p.index), p.label]);
  const current = String(config.target);
  if (!targets.some(([value]) => value === current)) targets.push([current, current]);
  const value = (event: Event) => (event.target as HTMLInputElement | HTMLSelectElement).value;
  return html`<form part="controls" @submit=${(event: Event) => event.preventDefault()}>
    <label>
      Baseline
      <select @change=${(event: Event) => (host.baseline = value(event))}>
        ${baselines.map(
          (b) => html`<option value=${b} ?selected=${b === config.baseline}>${b}</option>`,
        )}
      </select>
    </label>
    <label>
      Steps
      <input
        type="number"
        min="1"
        max=${MAX_STEPS}
        .value=${String(config.steps)}
        @change=${(event: Event) => (host.steps = (event.target as HTMLInputElement).valueAsNumber)}
      />
    </label>
    <label>
      Target
      <select
        @change=${(event: Event) => {
          const v = value(event);
          host.target = v === 'auto' ? 'auto' : /^\d+$/.test(v) ? Number(v) : v;
        }}
      >
        ${targets.map(
          ([v, text]) => html`<option value=${v} ?selected=${v === current}>${text}</option>`,
        )}
      </select>
    </label>
  </form>`;
}
