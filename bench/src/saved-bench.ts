// Saved-explanation benchmark page (bench/saved.html): what a reader downloads, and how long
// until the first mask is drawn, with a saved explanation (the reader and the element's mask
// code: what `result-src` runs) and with a live run of the built element.
import { renderMask } from '../../src/element/mask.js';
import { loadSavedResult } from '../../src/saved/load-saved-result.js';

export interface Measure {
  /** Milliseconds from the start to the first mask on screen. */
  firstMaskMs: number;
  /** Bytes fetched (transfer size; encoded body size where the server sends no timing). */
  bytes: number;
  requests: string[];
}

function fetchedSince(start: number): { bytes: number; requests: string[] } {
  const entries = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
    (e) => e.startTime >= start,
  );
  return {
    bytes: entries.reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize), 0),
    requests: entries.map((e) => new URL(e.name).pathname),
  };
}

async function saved(savedUrl: string, imageUrl: string): Promise<Measure> {
  const start = performance.now();
  const result = await loadSavedResult(savedUrl, {
    signal: new AbortController().signal,
    imageUrl,
  });
  const mask = renderMask(result.attributions, result.shape, {
    polarity: 'absolute',
    clipPercentile: 99,
    colormap: 'inferno',
  });
  const canvas = document.createElement('canvas');
  canvas.width = mask.width;
  canvas.height = mask.height;
  canvas.getContext('2d')!.putImageData(mask, 0, 0);
  document.body.append(canvas);
  await new Promise(requestAnimationFrame);
  return { firstMaskMs: performance.now() - start, ...fetchedSince(start) };
}

async function live(elementUrl: string, attributes: Record<string, string>): Promise<Measure> {
  const start = performance.now();
  await import(elementUrl);
  const element = document.createElement('ig-explainer');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  const firstMask = new Promise<void>((resolve, reject) => {
    element.addEventListener('ig-progress', (e) => {
      if ((e as CustomEvent<{ partial?: unknown }>).detail.partial) resolve();
    });
    element.addEventListener('ig-complete', () => resolve());
    element.addEventListener('ig-error', (e) =>
      reject(new Error(JSON.stringify((e as CustomEvent).detail))),
    );
  });
  document.body.append(element);
  await firstMask;
  await new Promise(requestAnimationFrame);
  return { firstMaskMs: performance.now() - start, ...fetchedSince(start) };
}

Object.assign(window, { savedBench: { saved, live } });
document.title = 'saved bench ready';
