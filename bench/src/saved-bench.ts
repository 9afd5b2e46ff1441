// Saved-explanation benchmark page (bench/saved.html): how long until the first mask is drawn
// by the built element, showing a saved explanation (`result-src`) or computing a live run. The
// driver (scripts/bench-saved.mjs) counts the bytes from its server's log, which also sees what
// the worker fetches.

export interface Measure {
  /** Milliseconds from the element's import to its first mask on screen. */
  firstMaskMs: number;
}

interface Element extends HTMLElement {
  status: string;
  error: { code: string; message: string } | null;
}

/**
 * Imports the element from `elementUrl`, adds one with `attributes`, and resolves when its first
 * mask is drawn: a live run's first partial map (or its result), a saved result once shown.
 */
async function firstMask(elementUrl: string, attributes: Record<string, string>): Promise<Measure> {
  const start = performance.now();
  await import(elementUrl);
  const element = document.createElement('ig-explainer') as Element;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  const drawn = new Promise<void>((resolve, reject) => {
    element.addEventListener('ig-progress', (e) => {
      if ((e as CustomEvent<{ partial?: unknown }>).detail.partial) resolve();
    });
    element.addEventListener('ig-complete', () => resolve());
    element.addEventListener('ig-error', (e) =>
      reject(new Error(JSON.stringify((e as CustomEvent).detail))),
    );
    // A saved result is shown without a run, so without ig-complete: watch its status.
    const watch = () => {
      if (element.status === 'done') resolve();
      else if (element.status === 'error') reject(new Error(JSON.stringify(element.error)));
      else requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
  });
  document.body.append(element);
  await drawn;
  await new Promise(requestAnimationFrame);
  return { firstMaskMs: performance.now() - start };
}

Object.assign(window, { savedBench: { firstMask } });
document.title = 'saved bench ready';
