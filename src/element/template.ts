// The element's shadow DOM as a function of one view model: the image panel, the result view's
// parts (when its chunk is loaded) and the part that depends on the status (the Explain button,
// the progress bars or the error), chosen by the element's render().
import { html, nothing, type TemplateResult } from 'lit';
import type { IgFit, IgPath, IgPrediction, IgResult, IgStatus } from '../shared/types.js';
import type { AttributeProblem, AttributeValues, ExplainerConfig } from './attributes.js';
import { cssomStyle } from './cssom-style.js';
import type { ExplainController } from './explain-controller.js';
import type * as ResultView from './result-view.js';

const OBJECT_FIT: Record<IgFit, string> = { pad: 'contain', crop: 'cover', stretch: 'fill' };
const STATUS_TEXT: Record<IgStatus, string> = {
  idle: '',
  'loading-model': 'Loading the model…',
  predicting: 'Classifying the image…',
  attributing: 'Computing integrated gradients…',
  done: '',
  error: 'The explanation failed; see the error message.',
};

export interface ViewModel {
  status: IgStatus;
  config: ExplainerConfig | null;
  problems: AttributeProblem[];
  /** The run's error message, when no attribute is to blame. */
  errorMessage: string;
  imageUrl: string | null;
  alt: string;
  aspectRatio: string;
  /** The completed explanation, when the status is done. */
  result: IgResult | null;
  /** What the mask panels label: the result, or the running explanation's coarse map. */
  mapped: Pick<IgResult, 'shape' | 'target'> | null;
  /** The saturation plots: the result's path, or the points evaluated so far. */
  chartPath: IgPath | null;
  predictions: IgPrediction[] | null;
  targetIndex: number | null;
  runner: Pick<ExplainController, 'modelFraction' | 'progress' | 'status'>;
  /** Whether the Explain button is offered while idle. */
  explainable: boolean;
  /** The host whose properties the controls set, when `controls` is on. */
  controlsHost: Pick<AttributeValues, 'baseline' | 'steps' | 'target'> | null;
  view: typeof ResultView | null;
  onExplain: () => void;
  onSlotChange: (event: Event) => void;
}

/** The whole view, with `statusPart` (what the status adds) under the panels. */
export function page(m: ViewModel, statusPart: TemplateResult | typeof nothing): TemplateResult {
  const { config, view, result, imageUrl } = m;
  const frame = { 'aspect-ratio': m.aspectRatio };
  const objectFit = { 'object-fit': OBJECT_FIT[config?.fit ?? 'pad'] ?? 'contain' };
  return html`
    <div class="view">
      <div class="panels">
        ${
          imageUrl && config && !config.view.includes('image')
            ? nothing
            : html`<figure>
                ${
                  imageUrl
                    ? html`<div class="frame" ${cssomStyle(frame)}>
                        <img
                          part="image"
                          src=${imageUrl}
                          alt=${m.alt}
                          ${cssomStyle(objectFit)}
                          loading=${config?.loading === 'lazy' ? 'lazy' : 'eager'}
                        />
                      </div>`
                    : html`<p class="placeholder">
                        No image: set the src attribute or put an &lt;img&gt; inside the element.
                      </p>`
                }
                ${result ? html`<figcaption>Image</figcaption>` : nothing}
              </figure>`
        }
        ${
          m.mapped && config && view
            ? view.maskPanels(m.mapped, config, imageUrl, frame, objectFit)
            : nothing
        }
        ${m.mapped && config && view ? view.viewPanels(m.mapped, result, config, imageUrl, frame, objectFit) : nothing}
      </div>
      ${statusPart}
      ${m.predictions?.length && view ? view.predictionList(m.predictions, m.targetIndex) : nothing}
      ${result && view ? view.completeness(result) : nothing}
      ${
        m.chartPath && config && view
          ? view.charts(
              m.chartPath,
              result?.output ?? config.output,
              view.pathCursor(result, config),
            )
          : nothing
      }
      ${
        m.controlsHost && config && view
          ? view.controls(m.controlsHost, config, m.predictions)
          : nothing
      }
      <div class="visually-hidden" role="status" aria-live="polite">${statusText(m)}</div>
    </div>
    <div hidden><slot @slotchange=${m.onSlotChange}></slot></div>
  `;
}

function statusText(m: ViewModel): string {
  if (m.status === 'done') {
    const label = m.result?.target.label ?? '';
    return `Explanation ready: the mask shows what made the model predict “${label}”.`;
  }
  if (m.status === 'idle' && m.config?.loading === 'manual' && m.imageUrl) {
    return 'Press Explain to compute the explanation.';
  }
  return STATUS_TEXT[m.status];
}

export function explainButton(m: ViewModel): TemplateResult | typeof nothing {
  return m.explainable
    ? html`<button part="explain-button" type="button" @click=${m.onExplain}>Explain</button>`
    : nothing;
}

export function progressBars({ runner }: ViewModel): TemplateResult {
  const { modelFraction, progress, status } = runner;
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

export function errorBox({ problems, errorMessage }: ViewModel): TemplateResult {
  return html`<div part="error" role="alert">
    ${
      problems.length
        ? problems.map((problem) => html`<p>${problem.message}</p>`)
        : html`<p>${errorMessage}</p>`
    }
  </div>`;
}
