// The message protocol between the client (page side) and the worker (engine side).
// Every request carries an id; every reply names the id it answers.
import type {
  IgBackend,
  IgBackendChoice,
  IgBaselineKind,
  IgErrorCode,
  IgFit,
  IgInputRange,
  IgMethod,
  IgModelLoadDetail,
  IgOutput,
  IgPrediction,
  IgProgressDetail,
  IgResult,
} from './types.js';

/** What one explanation needs; images arrive decoded as transferred ImageBitmaps. */
export interface ExplainRequest {
  /** Tried in order until one loads. */
  modelUrls: string[];
  /** null: built-in ImageNet labels (1000/1001 classes) or "class N". */
  labelsUrl: string | null;
  image: ImageBitmap;
  /** A named baseline, or a decoded baseline image. */
  baseline: IgBaselineKind | ImageBitmap;
  /** What the result reports as `baseline` (the name or the image URL). */
  baselineName: string;
  seed: number;
  steps: number;
  method: IgMethod;
  output: IgOutput;
  /** 'auto', a class index, or a label text. */
  target: 'auto' | number | string;
  batchSize: number | 'auto';
  fit: IgFit;
  inputRange: IgInputRange;
  backend: IgBackendChoice;
  topK: number;
  /** Relative completeness error at which a progressive run may stop early; null = run all steps. */
  tolerance: number | null;
  /** XRAI: rank image regions by attribution gain; the result carries `regionMap`. */
  regions?: boolean;
}

export type ClientMessage =
  | { type: 'explain'; id: number; request: ExplainRequest }
  | { type: 'cancel'; id: number }
  /** Test and benchmark hook: the worker's tf.memory() and backend. */
  | { type: 'memory'; id: number }
  /** Test hook: loses the worker's WebGL context (WEBGL_lose_context); answered in kind. */
  | { type: 'test-lose-context'; id: number };

export interface WorkerMemory {
  numTensors: number;
  numBytes: number;
  backend: IgBackend | null;
}

export type WorkerMessage =
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
    }
  | { type: 'memory'; id: number; memory: WorkerMemory }
  /** `lost`: a WebGL context was there to lose. */
  | { type: 'test-lose-context'; id: number; lost: boolean };
