// Page-wide settings: one value for every <ig-explainer> of the page, set through IgExplainer's
// static properties (the element) and read where they take effect (the client).
export const pageOptions: {
  /** The worker script's URL; null: the ig-explainer-worker.js bundled next to the element. */
  workerUrl: string | null;
} = { workerUrl: null };
