// Product benchmark page (bench/product.html): the built element (dist/ig-explainer.js) as a
// page uses it, its worker doing the work. Measures what a user feels: model load, first
// prediction, first visible map, full explanation, and the page's longest main-thread task.
import type { IgModelLoadDetail, IgProgressDetail, IgResult } from '../../src/shared/types.js';

export interface ElementRun {
  modelUrl: string;
  labelsUrl?: string;
  src: string;
  /** Attributes set on the element (steps, method, batch-size, backend, tolerance...). */
  attributes?: Record<string, string>;
  /** Cancel as soon as the model has loaded (to time a cached load alone). */
  stopAfterModelLoad?: boolean;
}

interface Timeline {
  modelLoad?: number;
  prediction?: number;
  firstProgress?: number;
  firstMap?: number;
  complete?: number;
}

/** Main-thread responsiveness while `run` runs: long tasks and requestAnimationFrame gaps. */
function monitorMainThread() {
  let longestTask = 0;
  let longTasks = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      longTasks += 1;
      longestTask = Math.max(longestTask, entry.duration);
    }
  });
  let supported = true;
  try {
    observer.observe({ type: 'longtask', buffered: false });
  } catch {
    supported = false;
  }
  let longestFrameGap = 0;
  let last = performance.now();
  let running = true;
  const frame = (now: number) => {
    longestFrameGap = Math.max(longestFrameGap, now - last);
    last = now;
    if (running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  return () => {
    running = false;
    observer.disconnect();
    return { longTaskApi: supported, longestTask, longTasks, longestFrameGap };
  };
}

/** True when an ig-progress detail carries a partial map: a typed array, at most one level down. */
function hasPartialMap(detail: object): boolean {
  return Object.values(detail).some(
    (value) =>
      ArrayBuffer.isView(value) ||
      (typeof value === 'object' &&
        value !== null &&
        Object.values(value).some((inner) => ArrayBuffer.isView(inner))),
  );
}

async function runElement(run: ElementRun) {
  // The driver's snapshot of dist/ (node_modules/.cache/ig-explainer-bench/dist/), next to this bundle.
  await import(/* @vite-ignore */ new URL('./dist/ig-explainer.js', import.meta.url).href);
  const element = document.createElement('ig-explainer') as HTMLElement & {
    explain(): Promise<IgResult>;
    cancel(): void;
  };
  element.setAttribute('loading', 'manual');
  element.setAttribute('model-url', run.modelUrl);
  if (run.labelsUrl) element.setAttribute('labels-url', run.labelsUrl);
  element.setAttribute('src', run.src);
  for (const [name, value] of Object.entries(run.attributes ?? {})) {
    element.setAttribute(name, value);
  }
  element.style.cssText = 'display:block;width:320px';
  document.body.append(element);
  await new Promise((resolve) => requestAnimationFrame(resolve));

  const times: Timeline = {};
  let load: IgModelLoadDetail | null = null;
  let progressEvents = 0;
  let start = 0;
  const at = () => performance.now() - start;
  element.addEventListener('ig-model-load', (e) => {
    times.modelLoad = at();
    load = (e as CustomEvent<IgModelLoadDetail>).detail;
    if (run.stopAfterModelLoad) element.cancel();
  });
  element.addEventListener('ig-prediction', () => (times.prediction ??= at()));
  element.addEventListener('ig-progress', (e) => {
    progressEvents += 1;
    times.firstProgress ??= at();
    if (times.firstMap === undefined && hasPartialMap((e as CustomEvent<IgProgressDetail>).detail))
      times.firstMap = at();
  });
  element.addEventListener('ig-complete', () => {
    times.complete = at();
    times.firstMap ??= times.complete;
  });

  const stop = monitorMainThread();
  start = performance.now();
  let result: IgResult | null = null;
  let error: string | null = null;
  try {
    result = await element.explain();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (!(run.stopAfterModelLoad && code === 'aborted')) error = `${code}: ${String(e)}`;
  }
  // A frame after the result, so rendering the map counts toward the main thread's load.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
  const mainThread = stop();
  element.remove();
  return {
    error,
    times,
    progressEvents,
    load,
    mainThread,
    result: result && {
      backend: result.backend,
      thread: result.thread,
      method: result.method,
      steps: result.steps,
      evaluations: result.path.alphas.length,
      relativeError: result.delta / Math.abs(result.scoreInput - result.scoreBaseline),
      scoreInput: result.scoreInput,
      scoreBaseline: result.scoreBaseline,
      timings: result.timings,
    },
  };
}

declare global {
  interface Window {
    productBench: { runElement: typeof runElement };
  }
}

window.productBench = { runElement };
document.title = 'product bench ready';
