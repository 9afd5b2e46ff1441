import './ig-explainer.js';

export { IgExplainer } from './element/ig-explainer.component.js';
export * from './shared/types.js';
export type { IgEventMap } from './shared/events.js';
