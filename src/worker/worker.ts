// The worker entry: the only place that exposes the engine. In a worker it serves the protocol
// on `self`; on the main thread (the client's fallback) the same module serves a MessagePort.
import { entryUrlOf, serve, type Endpoint } from './serve.js';

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
  serve(scope, { thread: 'worker', entryUrl: entryUrlOf(scope.name ?? '') ?? self.location.href });
}
