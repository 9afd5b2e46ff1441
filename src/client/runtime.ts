// The request/response protocol with one worker (or the main-thread port): requests carry ids,
// their progress reaches the caller's callbacks, a request can be cancelled, and a fatal error or
// a crash fails every request waiting on that worker.
import type { ClientMessage, WorkerMessage } from '../shared/protocol.js';
import type { IgEventMap } from '../shared/events.js';
import { IgError, abortError, type IgThread } from '../shared/types.js';

type Detail<E extends keyof IgEventMap> = IgEventMap[E]['detail'];

/** The run's events, as the worker reports them (the element dispatches them). */
export interface ExplainCallbacks {
  onModelProgress?(detail: Detail<'ig-model-progress'>): void;
  onModelLoad?(detail: Detail<'ig-model-load'>): void;
  onPrediction?(detail: Detail<'ig-prediction'>): void;
  onProgress?(detail: Detail<'ig-progress'>): void;
}

interface Pending {
  callbacks: ExplainCallbacks;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Where requests go: a worker, or a channel to the engine on this thread. */
export interface Port {
  postMessage(message: ClientMessage, transfer?: Transferable[]): void;
  close(): void;
}

/** One worker (or main-thread port) and the requests waiting on it. */
export class Runtime {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failed = false;
  private markLoaded!: () => void;
  private failLoad!: (error: IgError) => void;
  /**
   * Resolves once the worker's script has loaded (its first message came): it serves requests.
   * Rejects when the worker stopped first.
   */
  readonly loaded = new Promise<void>((resolve, reject) => {
    this.markLoaded = resolve;
    this.failLoad = reject;
  });

  constructor(
    private readonly port: Port,
    readonly thread: IgThread,
  ) {
    this.loaded.catch(() => {});
  }

  get usable(): boolean {
    return !this.failed;
  }

  request<T>(message: ClientMessage, callbacks: ExplainCallbacks, transfer: Transferable[] = []) {
    const pending = new Promise<T>((resolve, reject) => {
      this.pending.set(message.id, {
        callbacks,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
    });
    this.port.postMessage(message, transfer);
    return pending;
  }

  id(): number {
    return this.nextId++;
  }

  /** A message that expects no reply. */
  notify(message: ClientMessage): void {
    if (!this.failed) this.port.postMessage(message);
  }

  /** Drops request `id`: no callback runs for it any more; the worker stops it. */
  cancel(id: number): void {
    if (!this.pending.delete(id)) return;
    if (!this.failed) this.port.postMessage({ type: 'cancel', id });
  }

  /** A message from the worker: to the request it names, or, when fatal, to every request. */
  receive(message: WorkerMessage): void {
    this.markLoaded();
    if (message.type === 'ready') return;
    if (message.type === 'error' && message.fatal) {
      this.fail(new IgError(message.code, message.message, message.attribute));
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    const { callbacks } = pending;
    switch (message.type) {
      case 'model-progress':
        callbacks.onModelProgress?.({ fraction: message.fraction });
        break;
      case 'model-load':
        callbacks.onModelLoad?.(message.detail);
        break;
      case 'prediction':
        callbacks.onPrediction?.({ predictions: message.predictions });
        break;
      case 'progress':
        callbacks.onProgress?.({
          stepsDone: message.stepsDone,
          stepsTotal: message.stepsTotal,
          fraction: message.fraction,
          ...(message.path ? { path: message.path } : {}),
          ...(message.partial ? { partial: message.partial } : {}),
        });
        break;
      case 'result':
        this.pending.delete(message.id);
        pending.resolve(message.result);
        break;
      case 'assisted':
        this.pending.delete(message.id);
        pending.resolve(message.points);
        break;
      case 'error':
        this.pending.delete(message.id);
        pending.reject(new IgError(message.code, message.message, message.attribute));
        break;
    }
  }

  /** The worker died: its requests fail with `worker-failed`; the next request starts another. */
  crash(detail: string): void {
    this.fail(
      new IgError(
        'worker-failed',
        `The explanation worker stopped (${detail}): run the explanation again; if it keeps ` +
          'failing, reload the page.',
      ),
    );
  }

  /** This runtime can serve nothing more: its requests fail with `error`. */
  private fail(error: IgError): void {
    this.failed = true;
    this.failLoad(error);
    this.port.close();
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  /** Stops the worker; its requests reject with `aborted`. */
  terminate(): void {
    this.failed = true;
    this.failLoad(abortError());
    this.port.close();
    for (const pending of this.pending.values()) pending.reject(abortError());
    this.pending.clear();
  }
}
