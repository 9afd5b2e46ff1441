// The element's page-wide settings (static: one value for every <ig-explainer> of the page),
// kept in shared/page-options.ts and read where they take effect (the client).
import { LitElement } from 'lit';
import { pageOptions, type IgWorkers } from '../shared/page-options.js';

export class PageWideOptions extends LitElement {
  /**
   * Page-wide: the URL of the worker script, for a page that serves it elsewhere than next to
   * ig-explainer.js (a self-hosted copy, a CSP that allows only some worker URLs). Set it before
   * the first explanation; null (the default) uses the bundled ig-explainer-worker.js.
   */
  static get workerUrl(): string | null {
    return pageOptions.workerUrl;
  }
  static set workerUrl(url: string | null) {
    pageOptions.workerUrl = url;
  }

  /**
   * Page-wide: seconds without a byte after which a download (model, weights, labels, image)
   * fails with its error code and the URL; default 30.
   */
  static get stallTimeout(): number {
    return pageOptions.stallTimeout;
  }
  static set stallTimeout(seconds: number) {
    pageOptions.stallTimeout = seconds;
  }

  /**
   * Page-wide: the folder (a URL, relative to the page) holding TF.js's WASM binaries
   * (tfjs-backend-wasm.wasm, -simd.wasm, -threaded-simd.wasm), for a page that hosts them
   * elsewhere. Set it before the first explanation; null (the default) uses the binaries shipped
   * in dist/wasm/, or emitted by the page's bundler.
   */
  static get wasmPaths(): string | null {
    return pageOptions.wasmPaths;
  }
  static set wasmPaths(folder: string | null) {
    pageOptions.wasmPaths = folder;
  }

  /**
   * Page-wide: how many workers one explanation's path points are split across (each with its
   * own TF.js and model copy), or 'auto' (from the cores and the device's memory). The default
   * is 1 for now (docs/performance.md, "the worker pool").
   */
  static get workers(): IgWorkers {
    return pageOptions.workers;
  }
  static set workers(value: IgWorkers) {
    pageOptions.workers = value;
  }
}
