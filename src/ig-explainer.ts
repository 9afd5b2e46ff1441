import { IgExplainer } from './element/ig-explainer.component.js';
import type { IgEventMap } from './shared/events.js';

// A second copy of the bundle on the page (a CDN tag and a bundler import, say) must not throw.
if (!customElements.get('ig-explainer')) customElements.define('ig-explainer', IgExplainer);

/** Attributes of <ig-explainer> as written in JSX templates (kebab-case, as in HTML). */
export interface IgExplainerJsxAttributes {
  src?: string;
  alt?: string;
  'model-url'?: string;
  'labels-url'?: string;
  baseline?: string;
  seed?: number | string;
  steps?: number | string;
  method?: IgExplainer['method'];
  output?: IgExplainer['output'];
  target?: string | number;
  'batch-size'?: number | string;
  fit?: IgExplainer['fit'];
  'input-range'?: IgExplainer['inputRange'];
  loading?: IgExplainer['loading'];
  backend?: IgExplainer['backend'];
  'top-k'?: number | string;
  'overlay-alpha'?: number | string;
  colormap?: IgExplainer['colormap'];
  polarity?: IgExplainer['polarity'];
  'clip-percentile'?: number | string;
  tolerance?: number | string;
  controls?: boolean;
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
