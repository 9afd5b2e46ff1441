// The worker entry: the only place that exposes the engine. In a worker it serves the protocol
// on `self`; on the main thread (the client's fallback) the same module serves a MessagePort.
import type { WasmPaths } from '../shared/wasm-binaries.js';
import { wasmPathsOf } from '../shared/wasm-binaries.js';
import { entryUrlOf, serve, type Endpoint } from './serve.js';

/**
 * Serves the protocol on `port`, on this (main) thread; the returned function stops it.
 * `entryUrl` is the URL this module was imported from; `wasm`, where the WASM binaries are.
 */
export function connect(
  port: MessagePort,
  entryUrl: string = import.meta.url,
  wasm?: WasmPaths,
): () => void {
  return serve(port as unknown as Endpoint, { thread: 'main', entryUrl, wasm });
}

const WorkerScope = (globalThis as { WorkerGlobalScope?: abstract new () => unknown })
  .WorkerGlobalScope;

if (WorkerScope !== undefined && globalThis instanceof WorkerScope) {
  const scope = self as unknown as Endpoint & { name: string };
  const name = scope.name ?? '';
  serve(scope, {
    thread: 'worker',
    entryUrl: entryUrlOf(name) ?? self.location.href,
    wasm: wasmPathsOf(name) ?? undefined,
  });
}
