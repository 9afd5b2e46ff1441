// What a worker entry (src/worker/worker.ts, and the test-only one in test/) needs to know where it
// runs: in a worker it serves `self`; imported on the main thread (the client's fallback) it
// serves the MessagePort it is given.
import type { WasmPaths } from '../shared/wasm-binaries.js';
import { serve, type Endpoint } from './serve.js';

/** True in a worker; false on the main thread. */
export function inWorkerScope(): boolean {
  const WorkerScope = (globalThis as { WorkerGlobalScope?: abstract new () => unknown })
    .WorkerGlobalScope;
  return WorkerScope !== undefined && globalThis instanceof WorkerScope;
}

/**
 * The entry's `connect(port, entryUrl?, wasm?)`: serves the protocol on `port`, on this (main)
 * thread, and returns the function that stops it. `entryUrl` (default: `ownUrl`, the entry's
 * import.meta.url) is the URL the entry was imported from; `wasm`, where the WASM binaries are.
 */
export function connectFor(ownUrl: string) {
  return (port: MessagePort, entryUrl: string = ownUrl, wasm?: WasmPaths): (() => void) =>
    serve(port as unknown as Endpoint, { thread: 'main', entryUrl, wasm });
}
