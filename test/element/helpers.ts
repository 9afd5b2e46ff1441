// Shared pieces of the element tests: generated images, the fixture model, event recording.
// Every worker these tests start is the test-only entry (test/worker-entry/).
import '../worker-entry/hooks.js';
import { waitUntil } from '@open-wc/testing';
import type { IgExplainer } from '../../src/index.js';

export const TINY_MODEL = new URL('../fixtures/models/tiny-graph-10/model.json', import.meta.url)
  .href;
export const TINY_LABELS = new URL('../fixtures/models/tiny-graph-10/labels.json', import.meta.url)
  .href;
export const TINY_LABEL_NAMES = [
  'apple',
  'bicycle',
  'cat',
  'dolphin',
  'envelope',
  'fern',
  'guitar',
  'harbour',
  'igloo',
  'jellyfish',
];

/** A 32x32 PNG data URL: a dark background with a bright square whose place depends on `seed`. */
export function testImage(seed = 0): string {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 32;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = `rgb(${20 + seed * 30}, 40, ${90 - seed * 10})`;
  ctx.fillRect(0, 0, 32, 32);
  ctx.fillStyle = '#ffe066';
  ctx.fillRect(4 + ((seed * 7) % 16), 6 + ((seed * 5) % 14), 12, 10);
  return canvas.toDataURL('image/png');
}

export interface Recorded {
  type: string;
  detail: unknown;
  bubbles: boolean;
  composed: boolean;
}

export const IG_EVENTS = [
  'ig-model-progress',
  'ig-model-load',
  'ig-prediction',
  'ig-progress',
  'ig-complete',
  'ig-error',
] as const;

/** Records every ig-* event that reaches `target` (a document-level listener sees composed ones). */
export function record(target: EventTarget = document): { events: Recorded[]; stop(): void } {
  const events: Recorded[] = [];
  const listener = (event: Event) => {
    const { type, detail, bubbles, composed } = event as CustomEvent;
    events.push({ type, detail, bubbles, composed });
  };
  for (const type of IG_EVENTS) target.addEventListener(type, listener);
  return {
    events,
    stop: () => IG_EVENTS.forEach((type) => target.removeEventListener(type, listener)),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitForStatus(
  el: IgExplainer,
  statuses: string[],
  timeout = 60000,
): Promise<void> {
  await waitUntil(
    () => statuses.includes(el.status),
    `status never became ${statuses.join(' or ')}`,
    { timeout, interval: 20 },
  );
  await el.updateComplete;
}

export function part(el: HTMLElement, name: string): HTMLElement | null {
  return el.shadowRoot!.querySelector(`[part~="${name}"]`);
}

/** Resolves with the next ig-complete detail; rejects on the next ig-error (so a failure does not hang). */
export function settle<T = unknown>(el: EventTarget): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = (event: Event) => {
      el.removeEventListener('ig-complete', done);
      el.removeEventListener('ig-error', done);
      const { type, detail } = event as CustomEvent;
      if (type === 'ig-complete') resolve(detail as T);
      else reject(new Error(`ig-error ${detail.code}: ${detail.message}`));
    };
    el.addEventListener('ig-complete', done);
    el.addEventListener('ig-error', done);
  });
}
