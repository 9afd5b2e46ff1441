// When the element's explanation runs, and which state of it is current. The run itself (its
// AbortSignal, the stale-callback drop, the events) is ExplainController's; this decides from the
// run's change key (shared/validate.ts), `loading`, explain()/cancel() and the connection:
// - a change of the key restarts a started run; `lazy`/`eager` start by themselves;
// - removed mid-run, the run is cancelled and forgotten, so that re-added with the same inputs it
//   runs again (`manual` waits for explain());
// - the state of a run is shown only while its key is the current one: an input changed while the
//   element was removed never shows the old result as current.
// Not @lit/task: its Task re-runs only on changed arguments and keeps one value/error, while a run
// here streams progress, partial maps and predictions, must be forgotten on disconnect and
// restarted for unchanged arguments; wrapping it would keep all of the code below.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ExplainInput } from '../client/explain-client.js';
import { MAX_TOP_K } from '../shared/defaults.js';
import type { IgError, IgPrediction, IgResult, IgStatus } from '../shared/types.js';
import { wantsPathTrace } from '../shared/options-view.js';
import { changeKey, requestOptions } from '../shared/validate.js';
import type { ExplainerConfig } from './attributes.js';
import { ExplainController, type Emit } from './explain-controller.js';

/** The current inputs of a run: checked options and the image (URL or slotted <img>). */
export interface RunInputs {
  config: ExplainerConfig;
  image: string | HTMLImageElement;
}

function inputKey({ config, image }: RunInputs): string {
  return changeKey(config, typeof image === 'string' ? image : image.currentSrc || image.src);
}

export class ExplainTask implements ReactiveController {
  readonly runner: ExplainController;
  /** Key of the inputs the runner's state belongs to; null: nothing started (or forgotten). */
  #key: string | null = null;
  /** Key of the current inputs (null: none valid, or no image). */
  #current: string | null = null;
  /** Key of the inputs cancel() stopped: they do not start again by themselves. */
  #held: string | null = null;
  /** explain() was called since the element was connected: input changes restart the run. */
  #userStarted = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    emit: Emit,
    /** Whether `loading` lets a run start by itself now. */
    private readonly autoStart: (config: ExplainerConfig) => boolean,
  ) {
    host.addController(this);
    this.runner = new ExplainController(host, emit);
  }

  /** Whether the runner's state belongs to the current inputs. */
  get current(): boolean {
    return this.#current === this.#key || this.runner.running;
  }

  /** Something was started (or cancelled) for the current inputs. */
  get started(): boolean {
    return this.#key !== null && this.current;
  }

  get status(): IgStatus {
    return this.current ? this.runner.status : 'idle';
  }

  get result(): IgResult | null {
    return this.current ? this.runner.result : null;
  }

  get predictions(): IgPrediction[] | null {
    return this.current ? this.runner.predictions : null;
  }

  get error(): IgError | null {
    return this.current ? this.runner.error : null;
  }

  /** Lit does not update an element on re-connection by itself: the inputs are checked again. */
  hostConnected(): void {
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    // The runner cancels a running run (in whichever order the controllers are called, its
    // status is then not done/error): forget it, so that the element resumes when re-added.
    const { status } = this.runner;
    if (status !== 'done' && status !== 'error') this.#key = null;
    this.#held = null;
    this.#userStarted = false;
  }

  /** Each update: starts, restarts or stops the run for the current inputs. */
  sync(inputs: RunInputs | null, connected: boolean): void {
    this.#current = inputs && inputKey(inputs);
    if (!inputs) {
      this.#stop();
      return;
    }
    if (!connected) return;
    if (this.#current === this.#held) return;
    const { running, status } = this.runner;
    const settled = status === 'done' || status === 'error';
    if (this.#current === this.#key && (running || settled)) return;
    if (running || this.#userStarted || this.autoStart(inputs.config)) {
      this.#start(inputs).catch(() => {});
    }
  }

  /** explain(): starts now; from then on an input change restarts the run. */
  explain(inputs: RunInputs): Promise<IgResult> {
    this.#userStarted = true;
    return this.#start(inputs);
  }

  /**
   * Stops the running explanation; the inputs of this moment (`inputs`, the element's current
   * ones, which may have changed since the run began) do not start again by themselves.
   */
  cancel(inputs: RunInputs | null): void {
    if (this.runner.running) this.#held = inputs ? inputKey(inputs) : this.#key;
    this.runner.cancel();
  }

  /** A saved explanation of the current inputs (`result-src`): shown as their result. */
  show(result: IgResult, predictions: IgPrediction[]): void {
    this.#key = this.#current;
    this.runner.show(result, predictions);
  }

  /** An error before any run (explain() without an image): shown for the current inputs. */
  fail(error: IgError): IgError {
    this.runner.cancel();
    this.#key = this.#current;
    this.runner.fail(error);
    return error;
  }

  #start(inputs: RunInputs): Promise<IgResult> {
    this.#key = inputKey(inputs);
    this.#current = this.#key;
    this.#held = null;
    // top-k is display-only: ask for the most and show the first top-k.
    const input: ExplainInput = {
      ...requestOptions(inputs.config),
      image: inputs.image,
      topK: MAX_TOP_K,
      pathTrace: wantsPathTrace(inputs.config.view),
    };
    return this.runner.run(input);
  }

  /** Cancels a running explanation so that it restarts when its inputs are valid again. */
  #stop(): void {
    if (!this.runner.running) return;
    this.runner.cancel();
    this.#key = null;
  }
}
