// Owns the element's explanation runs: one AbortController per run, the previous run aborted when
// a new one starts, and every callback of a superseded run dropped, so no stale value is ever
// shown or emitted. The client (and, through it, the worker and TF.js) is imported with the first
// run, so that a page's first load holds only the element.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { explain, ExplainCallbacks, ExplainInput } from '../client/explain-client.js';
import { abortError, IgError, isIgError } from '../shared/types.js';
import type { IgEventMap } from '../shared/events.js';
import type {
  IgModelLoadDetail,
  IgPartialAttributions,
  IgPrediction,
  IgProgressDetail,
  IgResult,
  IgStatus,
} from '../shared/types.js';

/** The client chunk, fetched once, with the first run. */
function loadClient(): Promise<typeof import('../client/explain-client.js')> {
  return import('../client/explain-client.js').catch((cause: unknown) => {
    throw new IgError(
      'worker-failed',
      `ig-explainer could not load its client code (${String(cause)}). Serve the whole dist/ folder of ig-explainer, with ig-explainer.js, from one place and reload the page.`,
    );
  });
}

type Detail<K extends keyof IgEventMap> = IgEventMap[K]['detail'];
export type Emit = <K extends keyof IgEventMap>(type: K, detail: Detail<K>) => void;

export class ExplainController implements ReactiveController {
  status: IgStatus = 'idle';
  /** Model download, 0..1. */
  modelFraction = 0;
  modelLoad: IgModelLoadDetail | null = null;
  progress: IgProgressDetail | null = null;
  /** The latest coarse map of the running explanation (progressive refinement), or null. */
  partial: IgPartialAttributions | null = null;
  predictions: IgPrediction[] | null = null;
  result: IgResult | null = null;
  error: IgError | null = null;

  #abort: AbortController | null = null;
  #runs = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly emit: Emit,
    /** The client's explain(); replaceable in tests. By default imported with the first run. */
    private readonly explainFn: typeof explain | null = null,
  ) {
    host.addController(this);
  }

  get running(): boolean {
    return this.#abort !== null;
  }

  hostDisconnected(): void {
    this.cancel();
  }

  /** Starts a run, aborting the previous one (whose promise rejects with `aborted`). */
  async run(input: ExplainInput): Promise<IgResult> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const id = ++this.#runs;
    const current = () => id === this.#runs && !abort.signal.aborted;
    this.#set({
      status: 'loading-model',
      modelFraction: 0,
      modelLoad: null,
      progress: null,
      partial: null,
      predictions: null,
      result: null,
      error: null,
    });
    // Settles at once on abort, even if the client is slow to give up.
    const aborted = new Promise<never>((_, reject) =>
      abort.signal.addEventListener('abort', () => reject(abortError()), { once: true }),
    );
    try {
      const callbacks: ExplainCallbacks = {
        onModelProgress: (detail) => {
          if (!current()) return;
          this.#set({ modelFraction: detail.fraction });
          this.emit('ig-model-progress', detail);
        },
        onModelLoad: (detail) => {
          if (!current()) return;
          this.#set({ status: 'predicting', modelFraction: 1, modelLoad: detail });
          this.emit('ig-model-load', detail);
        },
        onPrediction: (detail) => {
          if (!current()) return;
          this.#set({ status: 'attributing', predictions: detail.predictions });
          this.emit('ig-prediction', detail);
        },
        onProgress: (detail) => {
          if (!current()) return;
          this.#set({
            status: 'attributing',
            progress: detail,
            ...(detail.partial ? { partial: detail.partial } : {}),
          });
          this.emit('ig-progress', detail);
        },
      };
      const running = this.explainFn
        ? this.explainFn(input, callbacks, abort.signal)
        : loadClient().then((client) => {
            if (abort.signal.aborted) throw abortError();
            return client.explain(input, callbacks, abort.signal);
          });
      const result = await Promise.race([running, aborted]);
      if (!current()) throw abortError();
      this.#abort = null;
      this.#set({ status: 'done', result });
      this.emit('ig-complete', result);
      return result;
    } catch (cause) {
      const aborted = isIgError(cause) && cause.code === 'aborted';
      if (!current() || aborted) {
        if (current()) this.cancel();
        throw abortError();
      }
      this.#abort = null;
      const error = isIgError(cause)
        ? cause
        : new IgError(
            'worker-failed',
            `The explanation failed unexpectedly (${String(cause)}). Reload the page and try again; if it persists, report it with the browser console output.`,
          );
      this.fail(error);
      throw error;
    }
  }

  /** Shows a result computed elsewhere (a saved explanation) as a finished run's. */
  show(result: IgResult, predictions: IgPrediction[]): void {
    this.cancel();
    this.#set({
      status: 'done',
      modelFraction: 1,
      progress: null,
      partial: null,
      predictions,
      result,
      error: null,
    });
    this.emit('ig-complete', result);
  }

  /** Stops the running explanation, if any; its promise rejects with `aborted`. */
  cancel(): void {
    if (!this.#abort) return;
    this.#abort.abort();
    this.#abort = null;
    this.#runs++;
    this.#set({ status: 'idle', progress: null });
  }

  /** Shows and emits an error that is not an attribute problem (a run's, or explain() without an image). */
  fail(error: IgError): void {
    this.#set({ status: 'error', error });
    if (error.code !== 'aborted') {
      this.emit('ig-error', {
        code: error.code,
        message: error.message,
        ...(error.attribute ? { attribute: error.attribute } : {}),
      });
    }
  }

  #set(state: Partial<Pick<ExplainController, StateKey>>): void {
    Object.assign(this, state);
    this.host.requestUpdate();
  }
}

type StateKey =
  | 'status'
  | 'modelFraction'
  | 'modelLoad'
  | 'progress'
  | 'partial'
  | 'predictions'
  | 'result'
  | 'error';
