// The buttons of saved explanations: Recompute (with `result-src`: starts a live run) and
// Download (in `controls`: the latest result as `<image name>.ig.json`, from exportResult()).
import { html, nothing, type TemplateResult } from 'lit';
import type { ViewModel } from './template.js';

/** Recompute, under a result shown from `result-src`, while no live run is going. */
export function recomputeButton(m: ViewModel): TemplateResult | typeof nothing {
  return m.config?.resultSrc && m.status === 'done'
    ? html`<button part="recompute-button" type="button" @click=${m.onExplain}>Recompute</button>`
    : nothing;
}
