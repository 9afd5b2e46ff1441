// The message protocol between the client (page side) and the worker (engine side).
// Every request carries an id; every reply names the id it answers.
import type { RequestOptions } from './options.js';
import type {
  IgBaselineKind,
  IgErrorCode,
  IgModelLoadDetail,
  IgPrediction,
  IgProgressDetail,
  IgResult,
} from './types.js';

/**
 * What one explanation needs: the option fields derived from the options table (options.ts; an
 * entry with a `request` field adds one here) and what is not an attribute. Images arrive decoded
 * as transferred ImageBitmaps.
 */
export interface ExplainRequest extends Omit<RequestOptions, 'baseline'> {
  image: ImageBitmap;
  /** A named baseline, or a decoded baseline image. */
  baseline: IgBaselineKind | ImageBitmap;
  /** What the result reports as `baseline` (the name or the image URL). */
  baselineName: string;
  /** How many predictions to report, highest first. */
  topK: number;
  /** No bytes for this long ends a download (IgExplainer.stallTimeout); default 30 s. */
  stallTimeoutMs?: number;
  /** Several baselines, averaged (one attribution each); when given, `baseline` is not used. */
  baselines?: (IgBaselineKind | ImageBitmap)[];
  /**
   * A worker pool's share: only the `index`-th of `count` contiguous parts of the path points
   * (in the refinement order); the parts' attributions add up to the whole run's.
   */
  share?: { index: number; count: number };
  /**
   * Keep the attribution accumulated along the path (`result.pathTrace`, the `path` view's data):
   * up to 8 MB a result, so only when `view` lists `path` (options-view.ts, `wantsPathTrace`).
   */
  pathTrace?: boolean;
}

export type ClientMessage =
  { type: 'explain'; id: number; request: ExplainRequest } | { type: 'cancel'; id: number };

export type WorkerMessage =
  /** The worker's script has loaded and serves requests (sent once, first). */
  | { type: 'ready'; id: 0 }
  | { type: 'model-progress'; id: number; fraction: number }
  | { type: 'model-load'; id: number; detail: IgModelLoadDetail }
  | { type: 'prediction'; id: number; predictions: IgPrediction[] }
  | ({ type: 'progress'; id: number } & IgProgressDetail)
  /** `result.attributions.buffer` is transferred. */
  | { type: 'result'; id: number; result: IgResult }
  | {
      type: 'error';
      id: number;
      code: IgErrorCode;
      message: string;
      name: string;
      /** The attribute to fix, when one is to blame (as IgError.attribute). */
      attribute?: string;
      /**
       * The worker can serve nothing more (its WebGL context was lost): every pending request
       * fails with this error, whatever `id` says, and the client starts a fresh worker.
       */
      fatal?: boolean;
    };
