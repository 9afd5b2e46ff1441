// `ig-explainer/react`: <ig-explainer> as a typed React component, made with @lit/react, for
// React before 19 (which sets attributes, not properties, and cannot listen to custom events).
// React 19 needs no wrapper: <ig-explainer steps={64} onig-complete={...}> works, and importing
// this module (or only its types) also types that JSX. It registers the element.
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { IgExplainer as IgExplainerElement } from './index.js';
import type { IgExplainerJsxAttributes } from './ig-explainer.js';
import type { IgEventMap } from './shared/events.js';

type IgEvent<K extends keyof IgEventMap> = EventName<IgEventMap[K]>;

/** The React component: properties as props (`modelUrl`, `steps`…), `onIg…` event props. */
export const IgExplainer = createComponent({
  tagName: 'ig-explainer',
  elementClass: IgExplainerElement,
  react: React,
  displayName: 'IgExplainer',
  events: {
    onIgModelProgress: 'ig-model-progress' as IgEvent<'ig-model-progress'>,
    onIgModelLoad: 'ig-model-load' as IgEvent<'ig-model-load'>,
    onIgPrediction: 'ig-prediction' as IgEvent<'ig-prediction'>,
    onIgProgress: 'ig-progress' as IgEvent<'ig-progress'>,
    onIgComplete: 'ig-complete' as IgEvent<'ig-complete'>,
    onIgError: 'ig-error' as IgEvent<'ig-error'>,
  },
});

/** React 19's event props on the element itself: `onig-complete` listens to `ig-complete`. */
export type IgExplainerReactEvents = {
  [K in keyof IgEventMap as `on${K}`]?: (event: IgEventMap[K]) => void;
};

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'ig-explainer': React.DetailedHTMLProps<
        React.HTMLAttributes<IgExplainerElement>,
        IgExplainerElement
      > &
        IgExplainerJsxAttributes &
        IgExplainerReactEvents;
    }
  }
}
