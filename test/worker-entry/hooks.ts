// The page side of the test worker entry: importing this points every <ig-explainer> of the test
// page at test-worker.ts (through the page-wide IgExplainer.workerUrl), remembers the workers the
// client starts, and asks the current one for what tests need.
import { IgExplainer } from '../../src/index.js';
import { terminateWorker } from '../../src/client/explain-client.js';
import type { TestMessage, TestReply, WorkerMemory } from './protocol.js';

export type { WorkerMemory } from './protocol.js';

const ENTRY = new URL('./test-worker.ts', import.meta.url);
IgExplainer.workerUrl = ENTRY.href;

/** Flags of the next worker that starts (call terminateWorker() first). */
export function setWorkerTestFlags(flags: { noWebgl?: boolean }): void {
  const url = new URL(ENTRY);
  if (flags.noWebgl) url.searchParams.set('no-webgl', '');
  IgExplainer.workerUrl = url.href;
}

// The latest worker the client started (and did not terminate).
let current: Worker | null = null;
const remember = (worker: Worker) => (current = worker);
const Original = window.Worker;
window.Worker = class extends Original {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    if (options?.name?.startsWith('ig-explainer')) remember(this);
  }
  override terminate(): void {
    if (current === this) current = null;
    super.terminate();
  }
};

// Far from the client's ids (1, 2, …): the client ignores replies it did not ask for.
let nextId = 1e9;

function ask<T>(message: TestMessage, pick: (reply: TestReply) => T): Promise<T> {
  const worker = current;
  if (!worker) return Promise.reject(new Error('no ig-explainer worker: run an explanation first'));
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent<TestReply>) => {
      if (event.data?.id !== message.id || event.data.type !== message.type) return;
      worker.removeEventListener('message', onMessage);
      resolve(pick(event.data));
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage(message);
  });
}

/** The worker's tf.memory() and backend. */
export function workerMemory(): Promise<WorkerMemory> {
  return ask({ type: 'test-memory', id: nextId++ }, (r) => (r as { memory: WorkerMemory }).memory);
}

/** Loses the worker's WebGL context; false when it has none (another backend). */
export function loseWorkerContext(): Promise<boolean> {
  return ask({ type: 'test-lose-context', id: nextId++ }, (r) => (r as { lost: boolean }).lost);
}

export { terminateWorker };
