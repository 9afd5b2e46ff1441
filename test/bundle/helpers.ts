// Pages for the tests of the built bundle (dist/, built by `npm run build`, as `npm test` does
// first): a page on a third origin under a strict CSP, with the script, image, model and labels on
// the CDN origin (scripts/wtr-csp-page.mjs), talked to with postMessage.
import { executeServerCommand } from '@web/test-runner-commands';
import { testOrigins } from '../worker/helpers.js';

export interface PageMessage {
  type: string;
  detail?: Record<string, unknown> | null;
  resources?: string[];
  directive?: string;
  blocked?: string;
  source?: string;
  /** The workers the page started so far, with the errors each reported. */
  workers?: { url: string; errors: string[] }[];
}

export interface CspReport {
  'effective-directive'?: string;
  'violated-directive'?: string;
  'blocked-uri'?: string;
  'source-file'?: string;
  'document-uri'?: string;
}

export interface CspPage {
  frame: HTMLIFrameElement;
  /** Everything the page posted so far. */
  messages: PageMessage[];
  cdn: string;
  /** The first message of one of `types` (waiting for it), posted after `from` messages. */
  next(types: string[], timeoutMs?: number, from?: number): Promise<PageMessage>;
  /** Asks the page's element to explain (for loading="manual"), on `workers` workers if given. */
  explain(workers?: number): void;
  /** The CSP violation reports of the page and its workers so far. */
  reports(): Promise<CspReport[]>;
  close(): void;
}

/**
 * Opens the strict-CSP page with one <ig-explainer> carrying `attributes`; `wasm` adds
 * 'wasm-unsafe-eval' to its policy.
 */
export async function openCspPage(
  attributes: Record<string, string>,
  { wasm = false } = {},
): Promise<CspPage> {
  const { static: cdn } = await testOrigins();
  const { origin } = await executeServerCommand<{ origin: string }, undefined>('ig-csp-page');
  const run = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const url = new URL('/page.html', origin);
  url.searchParams.set('script', `${cdn}/dist/ig-explainer.js`);
  url.searchParams.set('cdn', cdn);
  url.searchParams.set('run', run);
  if (wasm) url.searchParams.set('wasm', '1');
  for (const [name, value] of Object.entries(attributes)) url.searchParams.set(name, value);

  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 640px; height: 480px; border: 0';
  const messages: PageMessage[] = [];
  const waiting = new Set<() => void>();
  const listener = (event: MessageEvent) => {
    if (event.source !== frame.contentWindow) return;
    messages.push(event.data as PageMessage);
    for (const wake of waiting) wake();
  };
  window.addEventListener('message', listener);
  frame.src = url.href;
  document.body.append(frame);

  return {
    frame,
    messages,
    cdn,
    next(types, timeoutMs = 90000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.slice(from).find((m) => types.includes(m.type));
          if (!found) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(
            new Error(
              `No ${types.join(' or ')} from the CSP page in ${timeoutMs} ms; it posted: ` +
                JSON.stringify(messages.map((m) => m.type)),
            ),
          );
        }, timeoutMs);
        waiting.add(check);
        check();
      });
    },
    explain(workers) {
      frame.contentWindow!.postMessage({ type: 'explain', workers }, '*');
    },
    reports() {
      return executeServerCommand<CspReport[], { run: string }>('ig-csp-reports', { run });
    },
    close() {
      window.removeEventListener('message', listener);
      frame.remove();
    },
  };
}

/** Gzipped size of a response body, as `npm run size` counts it (each file on its own). */
export async function gzippedSize(url: string): Promise<number> {
  const response = await fetch(url);
  const stream = response.body!.pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}
