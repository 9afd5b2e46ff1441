// The worker entry: the only place that exposes the engine. In a worker it serves the protocol
// on `self`; on the main thread (the client's fallback) the same module serves a MessagePort.
import { disableWebgl } from './backend.js';
import { serve, type Endpoint } from './serve.js';

/**
 * The client names its worker `ig-explainer <entry URL> [flags]`: the entry URL locates the WASM
 * binaries (a blob-URL worker's location says nothing), the flags are test hooks (`no-webgl`).
 */
function parseName(name: string): { entryUrl: string | null; noWebgl: boolean } {
  const words = name.split(/\s+/);
  return {
    entryUrl: words.find((word) => /^(https?|file):/.test(word)) ?? null,
    noWebgl: words.includes('no-webgl'),
  };
}

/**
 * Serves the protocol on `port`, on this (main) thread; the returned function stops it.
 * `entryUrl` is the URL this module was imported from.
 */
export function connect(port: MessagePort, entryUrl: string = import.meta.url): () => void {
  return serve(port as unknown as Endpoint, { thread: 'main', entryUrl });
}

const WorkerScope = (globalThis as { WorkerGlobalScope?: abstract new () => unknown })
  .WorkerGlobalScope;

if (WorkerScope !== undefined && globalThis instanceof WorkerScope) {
  const scope = self as unknown as Endpoint & { name: string };
  const { entryUrl, noWebgl } = parseName(scope.name ?? '');
  if (noWebgl) disableWebgl();
  serve(scope, { thread: 'worker', noWebgl, entryUrl: entryUrl ?? self.location.href });
}
