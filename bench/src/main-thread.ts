// The page's main thread during one run of the built element, as a user meets it: every long
// task (PerformanceObserver `longtask`) from just before `src` is set until the final map is
// drawn, and when the first coarse map and the result arrive after the prediction.
import type { IgProgressDetail, IgResult } from '../../src/shared/types.js';

/** Phases of a run, by the events that open them; `drawing` is a task that drew a map. */
type Phase = 'loading-model' | 'predicting' | 'attributing' | 'drawing';

export interface LongTask {
  /** ms after `src` was set. */
  start: number;
  duration: number;
  phase: Phase;
  /** What the task drew, when it handled a map: `partial` or `result`. */
  drew?: 'partial' | 'result';
  /** The entry's TaskAttributionTiming, as Chrome reports it ("unknown" is common). */
  attribution: string;
  /** The entry's own name: `self`, `same-origin-ancestor`, … */
  name: string;
}

export interface MainThreadRun {
  workers: number;
  /** The element's attributes besides `src` (its defaults otherwise). */
  attributes: Record<string, string>;
  /** ms after `src` was set. */
  events: { modelLoad: number; prediction: number; firstPartial: number | null; complete: number };
  /** ms from ig-prediction to the first ig-progress with a coarse map (null: none came). */
  predictionToFirstMap: number | null;
  /** ms from ig-prediction to ig-complete. */
  predictionToComplete: number;
  /** Coarse maps received (ig-progress events with `partial`). */
  partials: number;
  longTasks: LongTask[];
  longestTaskMs: number;
  /** Long tasks of more than 50 ms (the observer reports those of 50 ms or more). */
  tasksOver50: number;
  /** The longest gap between two animation frames during the run (a second view of the same). */
  longestFrameGapMs: number;
  steps: number;
  method: string;
  backend: string;
  /** The marks around the window, for the run's DevTools trace. */
  marks: typeof MARKS;
}

const LONG_TASK_MS = 50;
/** performance.mark()s around the measured window, for a DevTools trace of the same run. */
export const MARKS = { from: 'ig-main-thread:src', to: 'ig-main-thread:drawn' } as const;

type Element = HTMLElement & { updateComplete?: Promise<unknown> };

const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

/**
 * One cold run of `<ig-explainer>` from the built bundle (`bundleUrl`) with
 * IgExplainer.workers = `workers` and `attributes` (the element's defaults otherwise: lazy
 * loading, so setting `src` on a visible element starts it, progressive coarse maps): the
 * observer starts just before `src` is set and stops once the element has drawn the result.
 */
export async function traceMainThread(
  bundleUrl: string,
  imageUrl: string,
  attributes: Record<string, string>,
  workers: number,
): Promise<MainThreadRun> {
  await import(/* @vite-ignore */ bundleUrl);
  const Explainer = customElements.get('ig-explainer') as unknown as { workers: number | 'auto' };
  Explainer.workers = workers;
  const element = document.createElement('ig-explainer') as Element;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  document.body.append(element);
  await element.updateComplete;

  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ type: 'longtask', buffered: true });
  // Event times; a task that dispatched ig-progress with a map (or ig-complete) drew it: the
  // element renders in the microtasks of the same task.
  const drawn: Array<{ at: number; what: 'partial' | 'result' }> = [];
  let modelLoad = NaN;
  let prediction = NaN;
  let firstPartial: number | null = null;
  let partials = 0;
  let frames = true;
  let longestFrameGap = 0;
  void (async () => {
    let last = await frame();
    while (frames) {
      const now = await frame();
      longestFrameGap = Math.max(longestFrameGap, now - last);
      last = now;
    }
  })();

  const start = performance.now();
  const result = new Promise<IgResult>((resolve, reject) => {
    element.addEventListener('ig-model-load', () => (modelLoad = performance.now()), {
      once: true,
    });
    element.addEventListener('ig-prediction', () => (prediction = performance.now()), {
      once: true,
    });
    element.addEventListener('ig-progress', (event) => {
      if (!(event as CustomEvent<IgProgressDetail>).detail.partial) return;
      const at = performance.now();
      firstPartial ??= at;
      partials += 1;
      drawn.push({ at, what: 'partial' });
    });
    element.addEventListener('ig-complete', (event) => {
      drawn.push({ at: performance.now(), what: 'result' });
      resolve((event as CustomEvent<IgResult>).detail);
    });
    element.addEventListener('ig-error', (event) => {
      const { code, message } = (event as CustomEvent<{ code: string; message: string }>).detail;
      reject(new Error(`ig-error ${code}: ${message}`));
    });
  });
  performance.mark(MARKS.from);
  element.setAttribute('src', imageUrl);
  try {
    const r = await result;
    const complete = drawn.at(-1)!.at;
    // The result's drawing: the element's update, then two frames for the canvases to paint.
    await element.updateComplete;
    await frame();
    await frame();
    // Long-task entries are queued after their task ends: give the observer a turn.
    performance.mark(MARKS.to);
    await new Promise((resolve) => setTimeout(resolve, 100));
    entries.push(...observer.takeRecords());
    const since = (t: number) => t - start;
    const phaseAt = (t: number): Phase =>
      t < modelLoad ? 'loading-model' : t < prediction ? 'predicting' : 'attributing';
    const stop = performance.getEntriesByName(MARKS.to).at(-1)!.startTime;
    const longTasks = entries
      .filter((e) => e.startTime >= start && e.startTime <= stop)
      .map((e): LongTask => {
        const end = e.startTime + e.duration;
        const drew = drawn.find(({ at }) => at >= e.startTime && at <= end)?.what;
        const timing = (e as PerformanceEntry & { attribution?: TaskAttribution[] }).attribution;
        return {
          start: since(e.startTime),
          duration: e.duration,
          phase: drew ? 'drawing' : phaseAt(e.startTime),
          ...(drew ? { drew } : {}),
          attribution: (timing ?? []).map(describe).join('; ') || 'none',
          name: e.name,
        };
      });
    return {
      workers,
      attributes,
      events: {
        modelLoad: since(modelLoad),
        prediction: since(prediction),
        firstPartial: firstPartial === null ? null : since(firstPartial),
        complete: since(complete),
      },
      predictionToFirstMap: firstPartial === null ? null : firstPartial - prediction,
      predictionToComplete: complete - prediction,
      partials,
      longTasks,
      longestTaskMs: Math.max(0, ...longTasks.map((t) => t.duration)),
      tasksOver50: longTasks.filter((t) => t.duration > LONG_TASK_MS).length,
      longestFrameGapMs: longestFrameGap,
      steps: r.steps,
      method: r.method,
      backend: r.backend,
      marks: MARKS,
    };
  } finally {
    frames = false;
    observer.disconnect();
    element.remove();
  }
}

/** TaskAttributionTiming (Long Tasks API): where the task's work came from. */
interface TaskAttribution {
  name: string;
  containerType: string;
  containerSrc: string;
  containerId: string;
  containerName: string;
}

function describe(a: TaskAttribution): string {
  const where = [a.containerType, a.containerSrc, a.containerId, a.containerName].filter(Boolean);
  return [a.name, ...where].join(' ');
}
