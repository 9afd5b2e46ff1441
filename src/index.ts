import './ig-explainer.js';
import type { IgEventMap } from './shared/events.js';

export { IgExplainer } from './element/ig-explainer.component.js';
export * from './shared/types.js';
export type { IgEventMap } from './shared/events.js';

export type IgModelProgressEvent = IgEventMap['ig-model-progress'];
export type IgModelLoadEvent = IgEventMap['ig-model-load'];
export type IgPredictionEvent = IgEventMap['ig-prediction'];
export type IgProgressEvent = IgEventMap['ig-progress'];
export type IgCompleteEvent = IgEventMap['ig-complete'];
export type IgErrorEvent = IgEventMap['ig-error'];
