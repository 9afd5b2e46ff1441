// Page-wide settings: one value for every <ig-explainer> of the page, set through IgExplainer's
// static properties (the element) and read where they take effect (the client).
import { DEFAULT_STALL_TIMEOUT_MS } from './defaults.js';

/** The worker pool's size: a number of workers, or 'auto' (client/worker-pool.ts says how many). */
export type IgWorkers = number | 'auto';

export const pageOptions: {
  /** The worker script's URL; null: the ig-explainer-worker.js bundled next to the element. */
  workerUrl: string | null;
  /** Seconds without a byte after which a download (model, weights, labels, image) fails. */
  stallTimeout: number;
  /**
   * The folder (URL, relative to the page) that holds TF.js's three WASM binaries; null: the
   * ones shipped beside the worker (or emitted by the page's bundler).
   */
  wasmPaths: string | null;
  /**
   * Workers one explanation's path points are split across ('auto': client/worker-pool.ts's
   * poolSize), as API.md says. The pool starts its cold workers one after another and goes on
   * without a second worker that is slow or fails to start (docs/performance.md, "the worker
   * pool").
   */
  workers: IgWorkers;
} = {
  workerUrl: null,
  stallTimeout: DEFAULT_STALL_TIMEOUT_MS / 1000,
  wasmPaths: null,
  workers: 'auto',
};
