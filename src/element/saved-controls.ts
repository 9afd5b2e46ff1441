// The buttons of saved explanations, under a finished result: Recompute (with `result-src`:
// starts a live run) and Download (with `controls`: exportResult() as `<image name>.ig.json`).
import { html, nothing, type TemplateResult } from 'lit';
import type { ViewModel } from './template.js';

export function savedButtons(
  m: ViewModel,
  onDownload: () => void,
): TemplateResult | typeof nothing {
  if (m.status !== 'done' || !m.config) return nothing;
  const recompute = m.config.resultSrc
    ? html`<button part="recompute-button" type="button" @click=${m.onExplain}>Recompute</button>`
    : nothing;
  const save = m.config.controls
    ? html`<button part="download-button" type="button" @click=${onDownload}>Download</button>`
    : nothing;
  return html`${recompute}${save}`;
}
