import { IgExplainer } from './element/ig-explainer.component.js';
import type { IgEventMap } from './shared/events.js';
import type { OptionJsxAttributes } from './shared/options.js';

// A second copy of the bundle on the page (a CDN tag and a bundler import, say) must not throw.
if (!customElements.get('ig-explainer')) customElements.define('ig-explainer', IgExplainer);

/**
 * Attributes of <ig-explainer> as written in JSX templates (kebab-case, as in HTML): the options
 * table's (shared/options.ts) and the global ones frameworks pass through.
 */
export interface IgExplainerJsxAttributes extends OptionJsxAttributes {
  id?: string;
  class?: string;
  className?: string;
  style?: unknown;
  slot?: string;
  hidden?: boolean;
  children?: unknown;
  key?: unknown;
  ref?: unknown;
}

declare global {
  interface HTMLElementTagNameMap {
    'ig-explainer': IgExplainer;
  }
  interface GlobalEventHandlersEventMap {
    'ig-model-progress': IgEventMap['ig-model-progress'];
    'ig-model-load': IgEventMap['ig-model-load'];
    'ig-prediction': IgEventMap['ig-prediction'];
    'ig-progress': IgEventMap['ig-progress'];
    'ig-complete': IgEventMap['ig-complete'];
    'ig-error': IgEventMap['ig-error'];
  }
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'ig-explainer': IgExplainerJsxAttributes;
    }
  }
}
