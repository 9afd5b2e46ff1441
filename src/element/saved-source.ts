// `result-src`: loads a saved explanation and shows it as the current inputs' result, without
// TF.js, the worker or the model (the reader is its own small chunk, fetched with the first
// saved file). A live run (explain(), Recompute, `loading="eager"`) replaces it; a file that cannot
// be read, or was made from another image or model (its URL, or the content hash of the model
// this element has loaded, when it has), is shown as the `result-load` error.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { IgError, isIgError } from '../shared/types.js';
import type { ExplainerConfig } from './attributes.js';
import type { ExplainTask } from './explain-task.js';

function loadReader(): Promise<typeof import('../saved/load-saved-result.js')> {
  return import('../saved/load-saved-result.js').catch((cause: unknown) => {
    throw new IgError(
      'result-load',
      `ig-explainer could not load its saved-explanation reader (${String(cause)}). Serve the whole dist/ folder of ig-explainer from one place and reload the page.`,
      'result-src',
    );
  });
}

export class SavedSource implements ReactiveController {
  /** result-src, image and model the shown (or loading) saved file was checked against. */
  #key: string | null = null;
  #abort: AbortController | null = null;

  constructor(
    host: ReactiveControllerHost,
    private readonly task: ExplainTask,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    this.#abort = null;
    this.#key = null;
  }

  /** The hash of the model a live run of this element loaded, if it is one of model-url's. */
  #liveModelSha256(config: ExplainerConfig): string | undefined {
    const load = this.task.runner.modelLoad;
    if (!load?.modelSha256) return undefined;
    const urls = config.modelUrl.map((url) => new URL(url, document.baseURI).href);
    return urls.includes(load.modelUrl) ? load.modelSha256 : undefined;
  }

  /** Each update: loads result-src when it, the image or the model changed. */
  sync(config: ExplainerConfig | null, imageUrl: string | null, connected: boolean): void {
    const url = config?.resultSrc ?? null;
    if (!config || !url) {
      this.hostDisconnected();
      return;
    }
    if (!connected) return;
    const key = [url, imageUrl ?? '', config.modelUrl.join(' ')].join('\n');
    if (key === this.#key) return;
    this.#key = key;
    this.#abort?.abort();
    // A live run of these inputs (`eager`, explain()) is what they show.
    if (this.task.runner.running) return;
    const abort = new AbortController();
    this.#abort = abort;
    const { signal } = abort;
    loadReader()
      .then((reader) =>
        reader.loadSavedResult(url, {
          signal,
          imageUrl: imageUrl ?? undefined,
          modelUrl: config.modelUrl,
          modelSha256: this.#liveModelSha256(config),
        }),
      )
      .then(
        ({ predictions, ...result }) => {
          if (!signal.aborted && !this.task.runner.running) this.task.show(result, predictions);
        },
        (error: unknown) => {
          if (signal.aborted || this.task.runner.running) return;
          if (isIgError(error) && error.code === 'aborted') return;
          this.task.fail(
            isIgError(error)
              ? error
              : new IgError(
                  'result-load',
                  `The saved explanation ${url} could not be shown (${String(error)}): export it again.`,
                  'result-src',
                ),
          );
        },
      );
  }
}
