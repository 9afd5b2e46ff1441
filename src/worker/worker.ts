// The worker entry: the only place that exposes the engine. In a worker it serves the protocol
// on `self`; on the main thread (the client's fallback) the same module serves a MessagePort.
import { disableWebgl } from './backend.js';
import { serve, type Endpoint } from './serve.js';

/** Worker names carry test flags, e.g. `ig-explainer no-webgl`. */
function flags(name: string): { noWebgl: boolean } {
  return { noWebgl: name.split(/\s+/).includes('no-webgl') };
}

/** Serves the protocol on `port`, on this (main) thread; the returned function stops it. */
export function connect(port: MessagePort): () => void {
  return serve(port as unknown as Endpoint, { thread: 'main' });
}

const WorkerScope = (globalThis as { WorkerGlobalScope?: abstract new () => unknown })
  .WorkerGlobalScope;

if (WorkerScope !== undefined && globalThis instanceof WorkerScope) {
  const scope = self as unknown as Endpoint & { name: string };
  const { noWebgl } = flags(scope.name ?? '');
  if (noWebgl) disableWebgl();
  serve(scope, { thread: 'worker', noWebgl });
}
