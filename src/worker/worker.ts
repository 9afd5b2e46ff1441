// The worker entry: the only place that exposes the engine. In a worker it serves the protocol
// on `self`; on the main thread (the client's fallback) the same module serves a MessagePort.
import { wasmPathsOf } from '../shared/wasm-binaries.js';
import { connectFor, inWorkerScope } from './entry-scope.js';
import { entryUrlOf, serve, type Endpoint } from './serve.js';

/** Serves the protocol on a MessagePort, on this (main) thread; the returned function stops it. */
export const connect = connectFor(import.meta.url);

if (inWorkerScope()) {
  const scope = self as unknown as Endpoint & { name: string };
  const name = scope.name ?? '';
  serve(scope, {
    thread: 'worker',
    entryUrl: entryUrlOf(name) ?? self.location.href,
    wasm: wasmPathsOf(name) ?? undefined,
  });
}
