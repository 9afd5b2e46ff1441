// The `masked`, `alpha` and `path` panels of the `view` attribute (each a CSS part of its name).
// Their canvases are drawn by mask-painter.ts; the path slider keeps its position per result.
import { html, nothing, type TemplateResult } from 'lit';
import type { IgResult } from '../shared/types.js';
import type { ExplainerConfig } from './attributes.js';
import { formatNumber } from './charts.js';
import { cssomStyle, type CssomStyles } from './cssom-style.js';

/** PAIR's max_sigma, as the engine's Blur IG path (src/engine/paths/blur.ts), in model pixels. */
const BLUR_IG_MAX_SIGMA = 50;

type Mapped = Pick<IgResult, 'shape' | 'target'>;

/** The slider's point on each result's path (an index into `result.path.alphas`). */
const pathPoints = new WeakMap<IgResult, number>();

/** The path point the slider shows: the last (the image itself) until it is moved. */
export function pathPoint(result: IgResult): number {
  return pathPoints.get(result) ?? result.path.alphas.length - 1;
}

/**
 * The snapshot of result.pathTrace the path view shows at the slider's point: the last one at or
 * before it (every point has one on small models); null for a result without a trace (computed
 * while `view` did not list `path`, or a saved one).
 */
export function pathSnapshot(
  result: IgResult,
): { attributions: Float32Array; point: number } | null {
  const trace = result.pathTrace;
  if (!trace?.points.length) return null;
  const at = pathPoint(result);
  let s = 0;
  while (s + 1 < trace.points.length && trace.points[s + 1] <= at) s++;
  return { attributions: trace.attributions[s], point: trace.points[s] };
}

function panel(frame: CssomStyles, body: TemplateResult, caption: string, extra = nothing) {
  return html`<figure>
    <div class="frame" ${cssomStyle(frame)}>${body}</div>
    <figcaption>${caption}</figcaption>
    ${extra}
  </figure>`;
}

function image(url: string | null, styles: CssomStyles) {
  return url ? html`<img src=${url} alt="" ${cssomStyle(styles)} />` : nothing;
}

/** `masked`: the image where the top `mask-top` of the attribution lies; the rest dimmed. */
export function maskedPanel(
  mapped: Mapped,
  config: ExplainerConfig,
  url: string | null,
  frame: CssomStyles,
  fit: CssomStyles,
): TemplateResult {
  const [h, w] = mapped.shape;
  const percent = Math.round(config.maskTop * 100);
  const label = `The image with only the ${percent}% of pixels that mattered most for “${mapped.target.label}” shown; the rest is dimmed.`;
  return coverPanel('masked', label, `Top ${percent}%`, [h, w], url, frame, fit);
}

/** The image under a canvas of the model grid's size (the masked and alpha views paint it). */
function coverPanel(
  part: 'masked' | 'alpha',
  label: string,
  caption: string,
  [h, w]: readonly number[],
  url: string | null,
  frame: CssomStyles,
  fit: CssomStyles,
): TemplateResult {
  return panel(
    frame,
    html`${image(url, fit)}<canvas
        part=${part}
        role="img"
        aria-label=${label}
        width=${w}
        height=${h}
      ></canvas>`,
    caption,
  );
}

/** `alpha`: the image's opacity follows the attribution (clipped at `clip-percentile`). */
export function alphaPanel(
  mapped: Mapped,
  url: string | null,
  frame: CssomStyles,
  fit: CssomStyles,
): TemplateResult {
  const [h, w] = mapped.shape;
  const label = `The image shown as strongly as each pixel mattered for “${mapped.target.label}”.`;
  return coverPanel('alpha', label, 'Opacity = attribution', [h, w], url, frame, fit);
}

/**
 * `path`: a slider over the path's points (result.path.alphas). It shows the image at that point:
 * for the straight path from `black` or `white` exactly baseline + α (image - baseline) (the image
 * at opacity α over a black or white frame); for other baselines, Guided IG (whose path moves
 * pixels in its own order) and several baselines, the same straight blend from the frame colour,
 * as the caption says; for Blur IG the image blurred by sigma = 50 (1 - α)^3 model pixels (its
 * path). Beside it, the attribution accumulated up to that point (result.pathTrace, part
 * `path-mask`, painted by mask-painter.ts on the final mask's scale); the saturation plots get a
 * cursor at α. The trace is computed only for a run whose `view` lists `path` (up to 8 MB a
 * result): a result without one (the view added after its run, or a saved one) shows the image
 * only, says so, and offers a button (part `path-trace-button`) that runs the explanation again
 * with the trace. A view change never starts a run by itself.
 */
export function pathPanel(
  result: IgResult,
  kind: ExplainerConfig['path'],
  url: string | null,
  frame: CssomStyles,
  fit: CssomStyles,
): TemplateResult {
  const { alphas, scores } = result.path;
  const i = Math.min(pathPoint(result), alphas.length - 1);
  const alpha = alphas[i] ?? 1;
  const white = result.baseline === 'white';
  const exact = kind === 'straight' && (white || result.baseline === 'black');
  const styles: CssomStyles =
    kind === 'blur'
      ? { ...fit, filter: `blur(${(BLUR_IG_MAX_SIGMA * (1 - alpha) ** 3).toFixed(2)}px)` }
      : { ...fit, opacity: String(alpha) };
  const text = `α = ${formatNumber(alpha)}, ${result.output} ${formatNumber(scores[i])}`;
  const onInput = (event: Event) => {
    const input = event.target as HTMLInputElement;
    pathPoints.set(result, input.valueAsNumber);
    const root = input.getRootNode() as ShadowRoot;
    (root.host as HTMLElement & { requestUpdate(): void }).requestUpdate();
  };
  const snapshot = pathSnapshot(result);
  const [h, w] = result.shape;
  const accumulated = snapshot
    ? html`<div class="frame" ${cssomStyle(frame)}>
        <canvas
          part="path-mask"
          role="img"
          aria-label=${`Attribution accumulated along the path up to α = ${formatNumber(alphas[snapshot.point])}, on the final mask's scale.`}
          width=${w}
          height=${h}
        ></canvas>
      </div>`
    : nothing;
  // No trace: not asked for (the view was added after the run, or a saved result); an empty one:
  // asked for, but the averaged runs stopped at different points.
  const maskNote = snapshot
    ? `Beside it, the attribution accumulated up to α = ${formatNumber(alphas[snapshot.point])}, on the final mask's scale; the plots mark α.`
    : result.pathTrace
      ? 'The runs averaged here stopped at different points of the path (tolerance), so no attribution per point is kept: the mask shows the final attribution; the plots mark α.'
      : 'The attribution accumulated along the path was not computed for this result (it is kept only for a run with the path view shown, and not in saved files): the mask shows the final attribution; the plots mark α.';
  const compute =
    snapshot || result.pathTrace
      ? nothing
      : html`<button part="path-trace-button" type="button" @click=${explainAgain}>
          Compute the attribution along the path
        </button>`;
  const note =
    kind === 'blur'
      ? 'Blur IG: the image blurred as at this point of its path.'
      : exact
        ? `The straight path: ${result.baseline} + α (image − ${result.baseline}).`
        : `Shown: the straight blend from ${white ? 'white' : 'black'}, an approximation of this path (${kind}, baseline ${result.baseline}).`;
  return html`<figure part="path">
    <div class="frame" ${cssomStyle({ ...frame, background: white ? '#fff' : '#000' })}>
      ${image(url, styles)}
    </div>
    ${accumulated}
    <figcaption>
      <label>
        Path position
        <input
          part="path-slider"
          type="range"
          min="0"
          max=${alphas.length - 1}
          step="1"
          .value=${String(i)}
          aria-valuetext=${text}
          @input=${onInput}
        />
      </label>
      <output aria-live="polite">${text}</output>
      <span class="note">${note} ${maskNote}</span>
      ${compute}
    </figcaption>
  </figure>`;
}

/** Runs the host's explanation again, now with the path view shown (so with its trace). */
function explainAgain(event: Event): void {
  const root = (event.target as Element).getRootNode() as ShadowRoot;
  // A failure is the element's to show (status error, ig-error).
  (root.host as HTMLElement & { explain(): Promise<unknown> }).explain().catch(() => {});
}

/** The `masked`, `alpha` and `path` panels that `view` lists, in that order. */
export function viewPanels(
  mapped: Mapped,
  result: IgResult | null,
  config: ExplainerConfig,
  url: string | null,
  frame: CssomStyles,
  fit: CssomStyles,
): TemplateResult {
  const { view } = config;
  return html`${view.includes('masked') ? maskedPanel(mapped, config, url, frame, fit) : nothing}
  ${view.includes('alpha') ? alphaPanel(mapped, url, frame, fit) : nothing}
  ${result && view.includes('path') ? pathPanel(result, config.path, url, frame, fit) : nothing}`;
}

/** The α the saturation plots mark: the path slider's, when the path view shows. */
export function pathCursor(result: IgResult | null, config: ExplainerConfig): number | undefined {
  return result && config.view.includes('path') ? result.path.alphas[pathPoint(result)] : undefined;
}
