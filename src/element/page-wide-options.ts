// The element's page-wide settings (static: one value for every <ig-explainer> of the page),
// kept in shared/page-options.ts and read where they take effect (the client). Each is declared
// here with its documentation (for the manifest and IDEs); one accessor per key of pageOptions,
// defined below, reads and writes it there.
import { LitElement } from 'lit';
import { pageOptions, type IgWorkers } from '../shared/page-options.js';

export class PageWideOptions extends LitElement {
  /**
   * Page-wide: the URL of the worker script, for a page that serves it elsewhere than next to
   * ig-explainer.js (a self-hosted copy, a CSP that allows only some worker URLs). Set it before
   * the first explanation; null (the default) uses the bundled ig-explainer-worker.js.
   */
  declare static workerUrl: string | null;

  /**
   * Page-wide: seconds without a byte after which a download (model, weights, labels, image)
   * fails with its error code and the URL; default 30.
   */
  declare static stallTimeout: number;

  /**
   * Page-wide: the folder (a URL, relative to the page) holding TF.js's WASM binaries
   * (tfjs-backend-wasm.wasm, -simd.wasm, -threaded-simd.wasm), for a page that hosts them
   * elsewhere. Set it before the first explanation; null (the default) uses the binaries shipped
   * in dist/wasm/, or emitted by the page's bundler.
   */
  declare static wasmPaths: string | null;

  /**
   * Page-wide: how many workers one explanation's path points are split across (each with its
   * own TF.js and model copy), or 'auto' (from the cores and the device's memory). The default
   * is 'auto' (docs/performance.md, "the worker pool").
   */
  declare static workers: IgWorkers;
}

type PageOption = keyof typeof pageOptions;
for (const name of Object.keys(pageOptions) as PageOption[]) {
  Object.defineProperty(PageWideOptions, name, {
    get: () => pageOptions[name],
    set: (value: never) => {
      pageOptions[name] = value;
    },
    configurable: true,
  });
}
