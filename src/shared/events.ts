// The ig-* events of shared/API.md, typed for addEventListener.
import type {
  IgErrorDetail,
  IgModelLoadDetail,
  IgModelProgressDetail,
  IgPredictionDetail,
  IgProgressDetail,
  IgResult,
} from './types.js';

export interface IgEventMap {
  'ig-model-progress': CustomEvent<IgModelProgressDetail>;
  'ig-model-load': CustomEvent<IgModelLoadDetail>;
  'ig-prediction': CustomEvent<IgPredictionDetail>;
  'ig-progress': CustomEvent<IgProgressDetail>;
  'ig-complete': CustomEvent<IgResult>;
  'ig-error': CustomEvent<IgErrorDetail>;
}
