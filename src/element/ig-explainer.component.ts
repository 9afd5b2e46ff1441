import { adoptStyles, type TemplateResult } from 'lit';
import { IgError, type IgPrediction, type IgResult, type IgStatus } from '../shared/types.js';
import { AttributeCheck } from './attribute-check.js';
import {
  noImageError,
  optionDefaults,
  optionProperties,
  type AttributeValues,
} from './attributes.js';
import type { Emit } from './explain-controller.js';
import { ExplainTask } from './explain-task.js';
import { styles } from './ig-explainer.styles.js';
import { ImageSource } from './image-source.js';
import { LazyStartController } from './lazy-start.js';
import { MaskPainter } from './mask-painter.js';
import { PageWideOptions } from './page-wide-options.js';
import { savedButtons } from './saved-controls.js';
import { download, exportSaved, savedFileName } from './saved-export.js';
import { SavedSource } from './saved-source.js';
import { loadResultView, loadedResultView, resultViewSettled } from './result-view-loader.js';
import { errorBox, explainButton, page, progressBars, type ViewModel } from './template.js';
import { shownDetail, shownTopK, viewModel } from './view-state.js';

// The option properties (`steps`, `modelUrl`…), declared by the options table.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface IgExplainer extends AttributeValues {}

/**
 * Explains an image classifier's prediction with Integrated Gradients (Sundararajan et al. 2017,
 * as in the TensorFlow tutorial), computed with TensorFlow.js in a Web Worker. Shows the image,
 * the attribution mask and its overlay, the top-k predictions, the completeness check and the
 * tutorial's two saturation plots.
 *
 * Changing an input attribute (one whose change restarts the model, the prediction or the
 * attribution in the options table: the reference says which) cancels the running explanation
 * and starts a new one once the element has started (at once for `eager`, when near the viewport
 * for `lazy`, after the first `explain()` or click for `manual`); the display attributes only
 * redraw. An invalid value is shown in the element and fires `ig-error` with code
 * `invalid-attribute`; nothing is computed until it is fixed.
 *
 * @summary Integrated Gradients explanation of an image classifier, in the browser.
 *
 * @fires {CustomEvent<IgModelProgressDetail>} ig-model-progress - `{ fraction }` (0..1) while the model downloads.
 * @fires {CustomEvent<IgModelLoadDetail>} ig-model-load - `{ modelUrl, backend, thread, inputShape, numClasses, fromCache, ms, modelSha256 }` once the model is ready (`modelSha256`: the content hash `exportResult()` records).
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
 * @csspart masked - `view="masked"`: the image with only the top `mask-top` fraction of pixels by attribution shown, the rest dimmed (a canvas over the image).
 * @csspart alpha - `view="alpha"`: the image shown as strongly as each pixel is attributed (a canvas over the image).
 * @csspart path - `view="path"`: the image at a point of the path, chosen with a slider.
 * @csspart path-slider - The path view's slider (`<input type=range>` over the path's points).
 * @csspart path-mask - The path view's mask: the attribution accumulated up to the slider's point (a canvas).
 * @csspart path-trace-button - The path view's button that runs the explanation again with its trace, shown when the result has none (the view added after the run, or a saved result).
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
 * @cssprop [--ig-panel-max-width=16rem] - Widest image panel (a small image is not blown up).
 * @cssprop [--ig-chart-line=var(--ig-accent)] - The charts' line colour.
 * @cssprop [--ig-font=inherit] - Font of the element.
 * @cssprop [--ig-color=inherit] - Text colour of the element.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class IgExplainer extends PageWideOptions {
  static override styles = styles;

  // One reactive property per row of the options table (shared/options.ts), typed by the
  // interface of the same name above; their defaults are set in the constructor.
  static override properties = { ...optionProperties(), status: { reflect: true } };

  /**
   * The phase: `idle`, `loading-model`, `predicting`, `attributing`, `done` or `error`.
   * Reflected for CSS; set by the element (a value written to it is replaced on the next update).
   */
  declare status: IgStatus;

  constructor() {
    super();
    Object.assign(this, optionDefaults());
    this.status = 'idle';
  }

  readonly #lazy = new LazyStartController(this);
  readonly #task = new ExplainTask(
    this,
    (type, detail) => this.#emit(type, detail),
    (config) =>
      config.loading === 'eager' ||
      (config.loading === 'lazy' && !config.resultSrc && this.#lazy.visible),
  );
  readonly #saved = new SavedSource(this, this.#task);
  readonly #attributes = new AttributeCheck(this, (type, detail) => this.#emit(type, detail));
  readonly #painter = new MaskPainter();
  readonly #image = new ImageSource(this);
  #resultStyles = false;

  /** The top-k predictions of the latest run, highest first, or null. */
  get predictions(): IgPrediction[] | null {
    // While an attribute is invalid, nothing of the inputs before it is shown as current.
    if (this.#attributes.error) return null;
    return this.#task.predictions?.slice(0, shownTopK(this.topK)) ?? null;
  }

  /** The latest completed explanation, or null. */
  get result(): IgResult | null {
    // While an attribute is invalid, null: the last result belongs to other inputs.
    return this.#attributes.error ? null : this.#task.result;
  }

  /** The latest error (an invalid attribute first), or null. */
  get error(): IgError | null {
    return this.#attributes.error ?? this.#task.error;
  }

  /**
   * Starts an explanation now with the current attributes. A new call, a change of an input
   * attribute, `cancel()` or removing the element rejects the running one with code `aborted`.
   */
  explain(): Promise<IgResult> {
    const { config } = this.#attributes.check();
    this.requestUpdate();
    if (!config) return Promise.reject(this.#attributes.error);
    const inputs = this.#image.inputs(config);
    if (!inputs) return Promise.reject(this.#task.fail(noImageError()));
    this.#loadResultView();
    return this.#task.explain(inputs);
  }

  /** The latest result as a saved-explanation file (the format `result-src` reads). */
  exportResult(): Blob {
    const config = this.#attributes.validation.config;
    const predictions = this.#task.predictions;
    const load = this.#task.runner.modelLoad;
    const modelUrl = load?.modelUrl ?? config?.modelUrl[0];
    const image = this.#imageUrl();
    return exportSaved(this.result, predictions, config, image, modelUrl, load?.modelSha256 ?? '');
  }

  /**
   * Stops the running explanation; its `explain()` promise rejects with code `aborted`. An eager
   * or lazy element does not start the same inputs again by itself; `explain()`, a changed input
   * or re-adding the element does.
   */
  cancel(): void {
    const { config } = this.#attributes.check();
    this.#task.cancel(config && this.#image.inputs(config));
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    // Two invalid texts can parse to the same NaN; the message quotes the text, so re-validate.
    if (old !== value) this.requestUpdate();
  }

  protected override willUpdate(): void {
    const { config } = this.#attributes.check();
    const inputs = config && this.#image.inputs(config);
    this.#task.sync(inputs, this.isConnected);
    this.#saved.sync(config, this.#imageUrl(), this.isConnected);
    if (config?.resultSrc) this.#loadResultView();
    if (this.#task.runner.running || this.controls) this.#loadResultView();
    this.status = this.#attributes.error ? 'error' : this.#task.status;
  }

  /** Also waits for the result view when it is loading, and for the mask's drawing. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let complete = await super.getUpdateComplete();
    if (!loadedResultView()) {
      await resultViewSettled();
      if (loadedResultView()) complete = await super.getUpdateComplete();
    }
    // The mask's images are computed in a task after the render (mask-painter.ts).
    await this.#painter.settled;
    return complete;
  }

  protected override updated(): void {
    const view = loadedResultView();
    if (view && !this.#resultStyles) {
      this.#resultStyles = true;
      adoptStyles(this.renderRoot as ShadowRoot, [styles, view.resultStyles]);
    }
    this.#attributes.report();
    const { running, partial, result } = this.#task.runner;
    const shown = this.status === 'done' ? result : running ? partial : null;
    this.#painter.paint(this.renderRoot, this.#attributes.validation.config, shown, view);
  }

  override render(): TemplateResult {
    const m = this.#viewModel();
    switch (m.status) {
      case 'idle':
        return page(m, explainButton(m));
      case 'loading-model':
      case 'predicting':
      case 'attributing':
        return page(m, progressBars(m));
      case 'error':
        return page(m, errorBox(m));
      case 'done':
        return page(m, savedButtons(m, this.#onDownload));
    }
  }

  #viewModel(): ViewModel {
    return viewModel({
      status: this.status,
      validation: this.#attributes.validation,
      task: this.#task,
      imageUrl: this.#imageUrl(),
      alt: this.alt ?? (this.#image.slottedAlt || 'The image being explained'),
      predictions: this.predictions,
      controlsHost: this.controls ? this : null,
      onExplain: this.#onExplainClick,
      onSlotChange: this.#image.onSlotChange,
    });
  }

  #onExplainClick = () => {
    this.explain().catch(() => {});
  };

  #onDownload = () => {
    download(this.exportResult(), savedFileName(this.#imageUrl() ?? ''));
  };

  #loadResultView(): void {
    loadResultView(() => this.requestUpdate());
  }

  #imageUrl(): string | null {
    return this.#image.url(this.#attributes.validation.config);
  }

  #emit: Emit = (type, detail) => {
    const shown = shownDetail(type, detail, this.topK);
    this.dispatchEvent(new CustomEvent(type, { detail: shown, bubbles: true, composed: true }));
  };
}
