// The result view (mask, predictions, charts, controls and their styles) is a separate chunk,
// loaded when the first explanation starts or controls are shown; one load for the page.
import type * as ResultView from './result-view.js';

let resultView: typeof ResultView | null = null;
let loading: Promise<unknown> | null = null;

/** The chunk, once loaded. */
export function loadedResultView(): typeof ResultView | null {
  return resultView;
}

/** Starts loading the chunk (once); `then` runs when it is there. */
export function loadResultView(then: () => void): void {
  if (resultView) return;
  (loading ??= import('./result-view.js').then(
    (view) => (resultView = view),
    () => (loading = null),
  )).then(then, () => {});
}

/** Resolves when no load is under way (the chunk is there, or failed). */
export async function resultViewSettled(): Promise<void> {
  while (!resultView && loading) await loading;
}
