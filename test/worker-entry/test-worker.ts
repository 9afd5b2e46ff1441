// The test-only worker entry: the real serve loop (src/worker/serve.ts) plus what tests need, none
// of which ships. Tests point the client here with the page-wide IgExplainer.workerUrl
// (test/worker-entry/hooks.ts). Its URL's query turns on flags: `?no-webgl` makes WebGL
// unobtainable in this worker, as on a browser whose OffscreenCanvas has none.
// Extra messages, answered with the same id:
// - { type: 'test-memory', id } -> { type: 'test-memory', id, memory: WorkerMemory }
// - { type: 'test-lose-context', id } -> { type: 'test-lose-context', id, lost }
// - { type: 'test-crash', id } -> an uncaught error (the page's 'error' event), no reply
import * as tf from '@tensorflow/tfjs';
import { currentBackend, useBackend } from '../../src/worker/backend.js';
import { entryUrlOf, serve, webglContext, type Endpoint } from '../../src/worker/serve.js';
import { wasmPathsOf } from '../../src/shared/wasm-binaries.js';
import { connectFor, inWorkerScope } from '../../src/worker/entry-scope.js';
import type { TestMessage, TestReply } from './protocol.js';

/** The main-thread fallback's entry, as src/worker/worker.ts has it (no test messages there). */
export const connect = connectFor(import.meta.url);

const inWorker = inWorkerScope();
const scope = self as unknown as Endpoint & { name: string };
const entryUrl = (inWorker && entryUrlOf(scope.name ?? '')) || self.location.href;
const noWebgl = new URL(entryUrl).searchParams.has('no-webgl');

/** Makes WebGL contexts on OffscreenCanvas unobtainable in this worker. */
function disableWebgl(): void {
  const proto = OffscreenCanvas.prototype as unknown as {
    getContext: (...args: unknown[]) => unknown;
  };
  const original = proto.getContext;
  proto.getContext = function (this: unknown, ...args: unknown[]) {
    return String(args[0]).includes('webgl') ? null : original.apply(this, args);
  };
}

const wasm = (inWorker && wasmPathsOf(scope.name ?? '')) || undefined;
const options = { thread: 'worker' as const, entryUrl, wasm };
if (inWorker) {
  if (noWebgl) disableWebgl();
  serve(scope, options);
  self.addEventListener('message', onTestMessage);
}

const post = (message: TestReply) => (self as unknown as Worker).postMessage(message);

function onTestMessage(event: MessageEvent<TestMessage | { type: string }>): void {
  const message = event.data as TestMessage;
  if (message.type === 'test-memory') void memory(message.id);
  if (message.type === 'test-crash') {
    setTimeout(() => {
      throw new Error('test-crash: this worker was told to crash');
    });
  }
  if (message.type === 'test-lose-context') {
    const gl = webglContext() as unknown as {
      getExtension(name: 'WEBGL_lose_context'): { loseContext(): void } | null;
    } | null;
    const extension = gl?.getExtension('WEBGL_lose_context');
    extension?.loseContext();
    post({ type: 'test-lose-context', id: message.id, lost: Boolean(extension) });
  }
}

async function memory(id: number): Promise<void> {
  // Reading memory starts a backend; start the one explanations would use, not TF's default.
  if (currentBackend() === null) {
    try {
      await useBackend('auto', options);
    } catch {
      // No backend at all: report zeros below.
    }
  }
  const backend = currentBackend();
  const { numTensors, numBytes } = backend ? tf.memory() : { numTensors: 0, numBytes: 0 };
  post({ type: 'test-memory', id, memory: { numTensors, numBytes, backend } });
}
