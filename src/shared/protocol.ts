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
  /**
   * The adaptive rule's helpers: one port to each other worker of the pool, which evaluates the
   * path points this run sends it (PointRequest, PointReply). Only `method="adaptive"` on the
   * straight path uses them; the run is the same without.
   */
  helpers?: MessagePort[];
}

/** The request's decoded images (the image, and baselines given as images), to transfer or close. */
export function requestImages(request: ExplainRequest): ImageBitmap[] {
  return [request.image, request.baseline, ...(request.baselines ?? [])].filter(
    (b): b is ImageBitmap => typeof b === 'object' && b !== null,
  );
}

export type ClientMessage =
  | { type: 'explain'; id: number; request: ExplainRequest }
  | { type: 'cancel'; id: number }
  /**
   * Evaluate path points of another worker's run of `request` (its image, baseline, model and
   * options) as they arrive on `port`, until that run says `done`, or this request is cancelled.
   */
  | { type: 'assist'; id: number; request: ExplainRequest; port: MessagePort }
  /** Helper `helper` of run `id` stopped (its worker died): its points are evaluated there. */
  | { type: 'helper-lost'; id: number; helper: number };

/** From a run to one of its helpers, on the port between them. */
export type PointRequest =
  /** The gradients at `alphas` of `target`'s output on the straight path of run `run`. */
  { type: 'points'; seq: number; run: number; target: number; alphas: number[] } | { type: 'done' };

/** From a helper to the run it helps. */
export type PointReply =
  /** The helper has its model, image and baselines, and takes points. */
  | { type: 'ready' }
  /**
   * Request `seq`'s points in its order: `values` holds their scores then their mean |gradient|;
   * `integrands` their integrands, one image after another (both buffers transferred).
   */
  | { type: 'evaluated'; seq: number; values: Float32Array; integrands: Float32Array }
  /** Request `seq` failed, or (no `seq`) the helper takes no points at all. */
  | { type: 'failed'; seq?: number; message: string };

export type WorkerMessage =
  /** The worker's script has loaded and serves requests (sent once, first). */
  | { type: 'ready'; id: 0 }
  | { type: 'model-progress'; id: number; fraction: number }
  | { type: 'model-load'; id: number; detail: IgModelLoadDetail }
  | { type: 'prediction'; id: number; predictions: IgPrediction[] }
  | ({ type: 'progress'; id: number } & IgProgressDetail)
  /** `result.attributions.buffer` is transferred. */
  | { type: 'result'; id: number; result: IgResult }
  /** An `assist` request ended: the run it helped is done; `points` it evaluated. */
  | { type: 'assisted'; id: number; points: number }
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
