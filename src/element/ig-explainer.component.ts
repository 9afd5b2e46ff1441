import { LitElement, adoptStyles, html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { ExplainInput } from '../client/explain-client.js';
import {
  DEFAULT_CLIP_PERCENTILE,
  DEFAULT_METHOD,
  DEFAULT_MODEL_URL,
  DEFAULT_OVERLAY_ALPHA,
  DEFAULT_STEPS,
  DEFAULT_TOP_K,
  MAX_TOP_K,
} from '../shared/defaults.js';
import type { IgEventMap } from '../shared/events.js';
import {
  IgError,
  type IgBackendChoice,
  type IgColormap,
  type IgFit,
  type IgInputRange,
  type IgLoading,
  type IgMethod,
  type IgOutput,
  type IgPolarity,
  type IgPrediction,
  type IgResult,
  type IgStatus,
} from '../shared/types.js';
import {
  batchSizeAttribute,
  numberAttribute,
  optionalNumberAttribute,
  stringAttribute,
  targetAttribute,
  validateAttributes,
  type ExplainerConfig,
  type Validation,
} from './attributes.js';
import { cssomStyle } from './cssom-style.js';
import { ExplainController, type Emit } from './explain-controller.js';
import { styles } from './ig-explainer.styles.js';
import type * as ResultView from './result-view.js';

// The result view (mask, predictions, charts, controls and their styles) is a separate chunk,
// loaded when the first explanation starts or controls are shown.
let resultView: typeof ResultView | null = null;
let loadingResultView: Promise<unknown> | null = null;
function loadResultView(): Promise<unknown> {
  return (loadingResultView ??= import('./result-view.js').then(
    (view) => (resultView = view),
    () => (loadingResultView = null),
  ));
}

/** How far outside the viewport `loading="lazy"` starts. */
const LAZY_ROOT_MARGIN = '300px';
const OBJECT_FIT: Record<IgFit, string> = { pad: 'contain', crop: 'cover', stretch: 'fill' };
const STATUS_TEXT: Record<IgStatus, string> = {
  idle: '',
  'loading-model': 'Loading the model…',
  predicting: 'Classifying the image…',
  attributing: 'Computing integrated gradients…',
  done: '',
  error: 'The explanation failed; see the error message.',
};

/**
 * Explains an image classifier's prediction with Integrated Gradients (Sundararajan et al. 2017,
 * as in the TensorFlow tutorial), computed with TensorFlow.js in a Web Worker. Shows the image,
 * the attribution mask and its overlay, the top-k predictions, the completeness check and the
 * tutorial's two saturation plots.
 *
 * Changing an input attribute (`src`, `model-url`, `labels-url`, `baseline`, `seed`, `steps`,
 * `method`, `output`, `target`, `batch-size`, `fit`, `input-range`, `backend`, `tolerance`)
 * cancels the running explanation and starts a new one once the element has started (at once for
 * `eager`, when near the viewport for `lazy`, after the first `explain()` or click for `manual`).
 * The display attributes (`top-k`, `overlay-alpha`, `colormap`, `polarity`, `clip-percentile`,
 * `controls`) only redraw. An invalid value is shown in the element and fires `ig-error` with code
 * `invalid-attribute`; nothing is computed until it is fixed.
 *
 * @summary Integrated Gradients explanation of an image classifier, in the browser.
 *
 * @fires {CustomEvent<IgModelProgressDetail>} ig-model-progress - `{ fraction }` (0..1) while the model downloads.
 * @fires {CustomEvent<IgModelLoadDetail>} ig-model-load - `{ modelUrl, backend, thread, inputShape, numClasses, fromCache, ms }` once the model is ready.
 * @fires {CustomEvent<IgPredictionDetail>} ig-prediction - `{ predictions: Array<{ index, label, probability }> }`: the top-k, highest first.
 * @fires {CustomEvent<IgProgressDetail>} ig-progress - `{ stepsDone, stepsTotal, fraction, path, partial? }` while the attributions are computed: `path` holds the points evaluated so far (alphas, scores, mean |gradient|), `partial` a coarse map `{ attributions, shape, steps, delta }` when a refinement level completes.
 * @fires {CustomEvent<IgResult>} ig-complete - The explanation (`IgResult`: target, attributions, shape, sum, scores, delta, path, timings…).
 * @fires {CustomEvent<IgErrorDetail>} ig-error - `{ code, message, attribute? }`; `message` says how to fix it. Never `aborted`: a cancelled run only rejects its `explain()` promise.
 *
 * @slot - An `<img>` to explain when `src` is absent (shown as fallback until the element loads).
 *
 * @csspart image - The image being explained.
 * @csspart mask - The attribution mask (a canvas with a text alternative).
 * @csspart overlay - The mask drawn over the image at `overlay-alpha` (a canvas).
 * @csspart colorbar - The colour bar under the mask.
 * @csspart predictions - The list of top-k predictions with probability bars.
 * @csspart progress - The model download and integration-steps progress bars.
 * @csspart error - The error message (role alert).
 * @csspart controls - The baseline, steps and target controls shown with `controls`.
 * @csspart explain-button - The Explain button of `loading="manual"`.
 * @csspart completeness - The completeness check in words.
 * @csspart charts - The two saturation plots (score and mean gradient along the path).
 *
 * @cssprop [--ig-accent=#1967d2] - Buttons, probability bars, progress bars and chart lines.
 * @cssprop [--ig-muted=#5f6368] - Secondary text and chart axes.
 * @cssprop [--ig-error-color=#b3261e] - The error message.
 * @cssprop [--ig-track=#e3e3e3] - The empty part of the probability bars.
 * @cssprop [--ig-frame-background=#000] - Behind the image (the model's zero padding with `fit="pad"`).
 * @cssprop [--ig-radius=6px] - Corner radius of images and buttons.
 * @cssprop [--ig-gap=12px] - Space between the parts.
 * @cssprop [--ig-panel-min-width=9rem] - Narrowest image panel before panels wrap.
 * @cssprop [--ig-chart-line=var(--ig-accent)] - The charts' line colour.
 * @cssprop [--ig-font=inherit] - Font of the element.
 * @cssprop [--ig-color=inherit] - Text colour of the element.
 */
export class IgExplainer extends LitElement {
  static override styles = styles;

  /** The image to explain (a URL); a slotted `<img>` is used when absent. */
  @property() src: string | null = null;

  /** Text alternative of the image; defaults to the slotted image's `alt` or a generic one. */
  @property() alt: string | null = null;

  /** URL of a TF.js model.json or a TF Hub / Kaggle model; several space-separated URLs are tried in order. */
  @property({ attribute: 'model-url', converter: stringAttribute(DEFAULT_MODEL_URL) })
  modelUrl: string = DEFAULT_MODEL_URL;

  /** URL of a JSON array of class names or a text file with one a line; built-in ImageNet labels when absent. */
  @property({ attribute: 'labels-url' }) labelsUrl: string | null = null;

  /** `black`, `white`, `random`, `blur` or an image URL: the IG starting point. */
  @property({ converter: stringAttribute('black') }) baseline = 'black';

  /** Seed of `random` and any other randomness. */
  @property({ converter: numberAttribute(0) }) seed = 0;

  /** Segments of the straight-line path (the tutorial's `m_steps`), 1 to 4096. */
  @property({ converter: numberAttribute(DEFAULT_STEPS) }) steps: number = DEFAULT_STEPS;

  /** Integration rule: `gausslegendre`, `trapezoid`, `adaptive` (points where the score changes), `riemann-left`, `riemann-right` or `riemann-middle`. */
  @property({ converter: stringAttribute(DEFAULT_METHOD) }) method: IgMethod = DEFAULT_METHOD;

  /** What is explained: the target's softmax `probability` or its `logit`. */
  @property({ converter: stringAttribute('probability') }) output: IgOutput = 'probability';

  /** `auto` (the top-1 class), a class index, or a label text. */
  @property({ converter: targetAttribute }) target: 'auto' | number | string = 'auto';

  /** Path points per model call, or `auto`. */
  @property({ attribute: 'batch-size', converter: batchSizeAttribute }) batchSize: number | 'auto' =
    'auto';

  /** How the image is brought to the model's input size: `pad`, `crop` or `stretch`. */
  @property({ converter: stringAttribute('pad') }) fit: IgFit = 'pad';

  /** Pixel scaling the model expects: `0,1`, `-1,1` or `0,255`. */
  @property({ attribute: 'input-range', converter: stringAttribute('0,1') })
  inputRange: IgInputRange = '0,1';

  /** `lazy` (near the viewport), `eager` (at once) or `manual` (on `explain()` or a click). */
  @property({ reflect: true, converter: stringAttribute('lazy') }) loading: IgLoading = 'lazy';

  /** TF.js backend: `auto`, `webgl`, `wasm` or `cpu`. */
  @property({ converter: stringAttribute('auto') }) backend: IgBackendChoice = 'auto';

  /** Number of predictions listed, 1 to 20. */
  @property({ attribute: 'top-k', converter: numberAttribute(DEFAULT_TOP_K) }) topK: number =
    DEFAULT_TOP_K;

  /** Opacity of the attribution overlay, 0 to 1. */
  @property({ attribute: 'overlay-alpha', converter: numberAttribute(DEFAULT_OVERLAY_ALPHA) })
  overlayAlpha: number = DEFAULT_OVERLAY_ALPHA;

  /** Colours of mask and overlay: `inferno`, `viridis`, `magma`, `gray`, or `diverging` (signed). */
  @property({ reflect: true, converter: stringAttribute('inferno') }) colormap: IgColormap =
    'inferno';

  /** Which attributions the mask shows: `absolute` (sum of |attr|, the tutorial's), `positive` or `negative`. */
  @property({ reflect: true, converter: stringAttribute('absolute') }) polarity: IgPolarity =
    'absolute';

  /** Mask values above this percentile (50 to 100) are clipped. */
  @property({ attribute: 'clip-percentile', converter: numberAttribute(DEFAULT_CLIP_PERCENTILE) })
  clipPercentile: number = DEFAULT_CLIP_PERCENTILE;

  /** Relative completeness error, in (0, 1), at which a progressive run may stop early. */
  @property({ converter: optionalNumberAttribute }) tolerance: number | null = null;

  /** Shows controls for baseline, steps and target. */
  @property({ type: Boolean, reflect: true }) controls = false;

  /**
   * The phase: `idle`, `loading-model`, `predicting`, `attributing`, `done` or `error`.
   * Reflected for CSS; set by the element (a value written to it is replaced on the next update).
   */
  @property({ reflect: true }) status: IgStatus = 'idle';

  readonly #controller = new ExplainController(this, (type, detail) => this.#emit(type, detail));
  #validation: Validation = { config: null, problems: [] };
  #invalidError: IgError | null = null;
  /** Attribute -> message of the invalid values already reported with ig-error. */
  #reported = new Map<string, string>();
  /** Key of the inputs of the run started last; an auto-run starts only when it changes. */
  #lastKey: string | null = null;
  #userStarted = false;
  #visible = false;
  #observer: IntersectionObserver | null = null;
  #slotted: HTMLImageElement | null = null;
  /** The mask image each canvas shows, so that a redraw happens only when it changes. */
  #drawn = new WeakMap<HTMLCanvasElement, ImageData>();
  #mask: { key: string; result: Pick<IgResult, 'attributions'>; image: ImageData } | null = null;
  #resultStyles = false;

  /** The top-k predictions of the latest run, highest first, or null. */
  get predictions(): IgPrediction[] | null {
    // While an attribute is invalid, nothing of the inputs before it is shown as current.
    if (this.#invalidError) return null;
    return this.#controller.predictions?.slice(0, this.#topK()) ?? null;
  }

  /** The latest completed explanation, or null. */
  get result(): IgResult | null {
    // While an attribute is invalid, null: the last result belongs to other inputs.
    return this.#invalidError ? null : this.#controller.result;
  }

  /** The latest error (an invalid attribute first), or null. */
  get error(): IgError | null {
    return this.#invalidError ?? this.#controller.error;
  }

  /**
   * Starts an explanation now with the current attributes. A new call, a change of an input
   * attribute, `cancel()` or removing the element rejects the running one with code `aborted`.
   */
  explain(): Promise<IgResult> {
    const validation = this.#validate();
    this.requestUpdate();
    if (!validation.config) return Promise.reject(this.#invalidError);
    const image = this.#image(validation.config);
    if (!image) {
      const error = new IgError(
        'image-load',
        'There is no image to explain: set the src attribute or put an <img> inside <ig-explainer>.',
      );
      this.#controller.cancel();
      this.#controller.fail(error);
      return Promise.reject(error);
    }
    this.#userStarted = true;
    return this.#start(validation.config, image);
  }

  /** Stops the running explanation; its `explain()` promise rejects with code `aborted`. */
  cancel(): void {
    this.#controller.cancel();
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    // Two invalid texts can parse to the same NaN; the message quotes the text, so re-validate.
    if (old !== value) this.requestUpdate();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.#visible) return;
    if (typeof IntersectionObserver === 'undefined') {
      this.#visible = true;
      return;
    }
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.#visible = true;
        this.#observer?.disconnect();
        this.#observer = null;
        this.requestUpdate();
      },
      { rootMargin: LAZY_ROOT_MARGIN },
    );
    this.#observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#observer?.disconnect();
    this.#observer = null;
    // The controller cancels the run; forget its key so that re-adding the element resumes.
    if (this.#controller.running) this.#lastKey = null;
  }

  protected override willUpdate(): void {
    const { config } = this.#validate();
    if (!config) {
      this.#stop();
    } else if (this.isConnected) {
      const image = this.#image(config);
      const key = image && this.#key(config, image);
      if (!image || !key) {
        this.#stop();
      } else if (
        key !== this.#lastKey &&
        (this.#controller.running || this.#userStarted || this.#autoStart(config))
      ) {
        this.#start(config, image).catch(() => {});
      }
    }
    this.status = this.#invalidError ? 'error' : this.#controller.status;
    if (this.controls) this.#loadResultView();
  }

  /** Also waits for the result view when it is loading, so that the update shows it. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let complete = await super.getUpdateComplete();
    while (!resultView && loadingResultView) {
      await loadingResultView;
      complete = await super.getUpdateComplete();
    }
    return complete;
  }

  protected override updated(): void {
    if (resultView && !this.#resultStyles) {
      this.#resultStyles = true;
      adoptStyles(this.renderRoot as ShadowRoot, [styles, resultView.resultStyles]);
    }
    this.#reportInvalid();
    this.#drawMasks();
  }

  override render(): TemplateResult {
    const { config, problems } = this.#validation;
    const controller = this.#controller;
    const status = this.status;
    const result = status === 'done' ? controller.result : null;
    const running = controller.running && !problems.length;
    // The saturation plots: the result's path, or the points evaluated so far while running.
    const chartPath = result?.path ?? (running ? controller.progress?.path : null) ?? null;
    const imageUrl = this.#imageUrl();
    const fit = OBJECT_FIT[config?.fit ?? 'pad'] ?? 'contain';
    const frame = { 'aspect-ratio': this.#aspectRatio(result) };
    const objectFit = { 'object-fit': fit };
    const alt = this.alt ?? (this.#slotted?.alt || 'The image being explained');
    const targetLabel = result?.target.label ?? '';
    const predictions = problems.length ? null : this.predictions;
    const view = resultView;
    // While a run refines, its latest coarse map is shown in the mask panels.
    const mapped = result ?? (running ? this.#preview() : null);
    return html`
      <div class="view">
        <div class="panels">
          <figure>
            ${
              imageUrl
                ? html`<div class="frame" ${cssomStyle(frame)}>
                    <img
                      part="image"
                      src=${imageUrl}
                      alt=${alt}
                      ${cssomStyle(objectFit)}
                      loading=${config?.loading === 'lazy' ? 'lazy' : 'eager'}
                    />
                  </div>`
                : html`<p class="placeholder">
                    No image: set the src attribute or put an &lt;img&gt; inside the element.
                  </p>`
            }
            ${result ? html`<figcaption>Image</figcaption>` : nothing}
          </figure>
          ${
            mapped && config && view
              ? view.maskPanels(mapped, config, imageUrl, frame, objectFit)
              : nothing
          }
        </div>
        ${
          status === 'idle' && imageUrl && (config?.loading === 'manual' || this.#lastKey)
            ? html`<button part="explain-button" type="button" @click=${this.#onExplainClick}>
                Explain
              </button>`
            : nothing
        }
        ${running ? this.#progress() : nothing}
        ${
          status === 'error'
            ? html`<div part="error" role="alert">
                ${
                  problems.length
                    ? problems.map((problem) => html`<p>${problem.message}</p>`)
                    : html`<p>${controller.error?.message ?? ''}</p>`
                }
              </div>`
            : nothing
        }
        ${
          predictions?.length && view
            ? view.predictionList(predictions, this.#targetIndex(predictions, config))
            : nothing
        }
        ${result && view ? view.completeness(result) : nothing}
        ${
          chartPath && config && view
            ? view.charts(chartPath, result?.output ?? config.output)
            : nothing
        }
        ${this.controls && config && view ? view.controls(this, config, predictions) : nothing}
        <div class="visually-hidden" role="status" aria-live="polite">
          ${
            status === 'done'
              ? `Explanation ready: the mask shows what made the model predict “${targetLabel}”.`
              : status === 'idle' && config?.loading === 'manual' && imageUrl
                ? 'Press Explain to compute the explanation.'
                : STATUS_TEXT[status]
          }
        </div>
      </div>
      <div hidden><slot @slotchange=${this.#onSlotChange}></slot></div>
    `;
  }

  #progress(): TemplateResult {
    const { modelFraction, progress, status } = this.#controller;
    return html`<div part="progress">
      <label>
        <span>Model</span>
        <progress aria-label="Model download" max="1" .value=${modelFraction}></progress>
      </label>
      ${
        status === 'attributing' || progress
          ? html`<label>
              <span>Integration steps</span>
              <progress
                aria-label="Integrated gradients steps"
                max=${progress?.stepsTotal ?? 1}
                .value=${progress?.stepsDone ?? 0}
              ></progress>
            </label>`
          : nothing
      }
    </div>`;
  }

  #onExplainClick = () => {
    this.explain().catch(() => {});
  };

  #onSlotChange = (event: Event) => {
    const slot = event.target as HTMLSlotElement;
    const img = slot.assignedElements({ flatten: true }).find((e) => e instanceof HTMLImageElement);
    this.#slotted = (img as HTMLImageElement | undefined) ?? null;
    this.requestUpdate();
  };

  #validate(): Validation {
    const validation = validateAttributes(this, (name) => this.getAttribute(name));
    const first = validation.problems[0];
    if (!first) this.#invalidError = null;
    else if (this.#invalidError?.message !== first.message) {
      this.#invalidError = new IgError('invalid-attribute', first.message, first.attribute);
    }
    this.#validation = validation;
    return validation;
  }

  /** Fires ig-error once per invalid value, after the message is rendered. */
  #reportInvalid(): void {
    const now = new Map(this.#validation.problems.map((p) => [p.attribute, p.message]));
    for (const [attribute, message] of now) {
      if (this.#reported.get(attribute) !== message) {
        this.#emit('ig-error', { code: 'invalid-attribute', message, attribute });
      }
    }
    this.#reported = now;
  }

  #autoStart(config: ExplainerConfig): boolean {
    return config.loading === 'eager' || (config.loading === 'lazy' && this.#visible);
  }

  /** Cancels a running explanation so that it restarts when its inputs are valid again. */
  #stop(): void {
    if (!this.#controller.running) return;
    this.#controller.cancel();
    this.#lastKey = null;
  }

  #loadResultView(): void {
    if (!resultView) loadResultView().then(() => this.requestUpdate());
  }

  #start(config: ExplainerConfig, image: string | HTMLImageElement): Promise<IgResult> {
    this.#loadResultView();
    this.#lastKey = this.#key(config, image);
    const input: ExplainInput = {
      modelUrls: config.modelUrls,
      labelsUrl: config.labelsUrl,
      image,
      baseline: config.baseline,
      seed: config.seed,
      steps: config.steps,
      method: config.method,
      output: config.output,
      target: config.target,
      batchSize: config.batchSize,
      fit: config.fit,
      inputRange: config.inputRange,
      backend: config.backend,
      // top-k is display-only: ask for the most and show the first top-k.
      topK: MAX_TOP_K,
      tolerance: config.tolerance,
    };
    return this.#controller.run(input);
  }

  #image(config: ExplainerConfig): string | HTMLImageElement | null {
    if (config.src) return config.src;
    return this.#slotted && (this.#slotted.currentSrc || this.#slotted.src) ? this.#slotted : null;
  }

  #imageUrl(): string | null {
    const config = this.#validation.config;
    const image = config ? this.#image(config) : null;
    if (typeof image === 'string') return image;
    return image ? image.currentSrc || image.src : null;
  }

  /** The inputs of a run: equal keys give the same explanation. */
  #key(config: ExplainerConfig, image: string | HTMLImageElement): string {
    const c = config;
    return JSON.stringify([
      typeof image === 'string' ? image : image.currentSrc || image.src,
      c.modelUrls,
      c.labelsUrl,
      c.baseline,
      c.seed,
      c.steps,
      c.method,
      c.output,
      c.target,
      c.batchSize,
      c.fit,
      c.inputRange,
      c.backend,
      c.tolerance,
    ]);
  }

  #topK(): number {
    const k = this.topK;
    return Number.isInteger(k) && k >= 1 && k <= MAX_TOP_K ? k : DEFAULT_TOP_K;
  }

  #targetIndex(predictions: IgPrediction[], config: ExplainerConfig | null): number | null {
    const result = this.#controller.result;
    if (result && this.status === 'done') return result.target.index;
    const target = config?.target ?? 'auto';
    if (target === 'auto') return predictions[0]?.index ?? null;
    if (typeof target === 'number') return target;
    return predictions.find((p) => p.label === target)?.index ?? null;
  }

  /** The coarse map of the running explanation, as the mask panels label it. */
  #preview(): Pick<IgResult, 'shape' | 'target'> | null {
    const partial = this.#controller.partial;
    if (!partial) return null;
    const predictions = this.#controller.predictions ?? [];
    const index = this.#targetIndex(predictions, this.#validation.config) ?? -1;
    const label = predictions.find((p) => p.index === index)?.label ?? '';
    return { shape: partial.shape, target: { index, label } };
  }

  #aspectRatio(result: IgResult | null): string {
    const shape = result?.shape ?? this.#controller.modelLoad?.inputShape.slice(1, 3);
    const [h, w] = shape ?? [];
    return h && w && h > 0 && w > 0 ? `${w} / ${h}` : '1 / 1';
  }

  #drawMasks(): void {
    const config = this.#validation.config;
    const { status, running, partial } = this.#controller;
    const result = status === 'done' ? this.#controller.result : running ? partial : null;
    if (!config || !result) return;
    const key = [config.polarity, config.clipPercentile, config.colormap].join('|');
    if (this.#mask?.key !== key || this.#mask.result !== result) {
      if (!resultView) return;
      const image = resultView.renderMask(result.attributions, result.shape, config);
      this.#mask = { key, result, image };
    }
    const image = this.#mask.image;
    for (const canvas of this.renderRoot.querySelectorAll<HTMLCanvasElement>(
      'canvas[part="mask"], canvas[part="overlay"]',
    )) {
      if (this.#drawn.get(canvas) === image) continue;
      canvas.getContext('2d')?.putImageData(image, 0, 0);
      this.#drawn.set(canvas, image);
    }
  }

  #emit: Emit = (type, detail) => {
    const shown =
      type === 'ig-prediction'
        ? {
            predictions: (detail as IgEventMap['ig-prediction']['detail']).predictions.slice(
              0,
              this.#topK(),
            ),
          }
        : detail;
    this.dispatchEvent(new CustomEvent(type, { detail: shown, bubbles: true, composed: true }));
  };
}
