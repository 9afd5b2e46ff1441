import { IgExplainer } from './element/ig-explainer.component.js';

customElements.define('ig-explainer', IgExplainer);

declare global {
  interface HTMLElementTagNameMap {
    'ig-explainer': IgExplainer;
  }
}
