// The page side of the test worker entry: importing this points every <ig-explainer> of the test
// page at test-worker.ts (through the page-wide IgExplainer.workerUrl), remembers the workers the
// client starts, and asks the current one for what tests need.
import { IgExplainer } from '../../src/index.js';
import { terminateWorker } from '../../src/client/explain-client.js';
import type { TestMessage, TestReply, WorkerMemory } from './protocol.js';

export type { WorkerMemory } from './protocol.js';

const ENTRY = new URL('./test-worker.ts', import.meta.url);
IgExplainer.workerUrl = ENTRY.href;
// The existing tests pin one worker (as before the pool); the pool's tests set their own.
IgExplainer.workers = 1;

/** Flags of the next worker that starts (call terminateWorker() first). */
export function setWorkerTestFlags(flags: { noWebgl?: boolean }): void {
  const url = new URL(ENTRY);
  if (flags.noWebgl) url.searchParams.set('no-webgl', '');
  IgExplainer.workerUrl = url.href;
}

// The latest worker the client started (and did not terminate), and all of them in start order.
let current: Worker | null = null;
const live: Worker[] = [];
let started = 0;
const errors: string[] = [];
const assisted: { worker: number; points: number }[] = [];
const remember = (worker: Worker) => {
  current = worker;
  live.push(worker);
  started += 1;
  const index = started;
  worker.addEventListener('message', (event: MessageEvent<{ type?: string; points?: number }>) => {
    if (event.data?.type === 'assisted')
      assisted.push({ worker: index, points: event.data.points! });
  });
  worker.addEventListener('error', (event) =>
    errors.push(`worker ${index}: ${event.message || 'error'}`),
  );
};
const Original = window.Worker;
window.Worker = class extends Original {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    if (options?.name?.startsWith('ig-explainer')) remember(this);
  }
  override terminate(): void {
    if (current === this) current = null;
    if (live.includes(this)) live.splice(live.indexOf(this), 1);
    super.terminate();
  }
};

// Far from the client's ids (1, 2, …): the client ignores replies it did not ask for.
let nextId = 1e9;

function ask<T>(
  message: TestMessage,
  pick: (reply: TestReply) => T,
  worker: Worker | null = current,
): Promise<T> {
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

/** How many ig-explainer workers are running now (the pool's, in start order). */
export function liveWorkerCount(): number {
  return live.length;
}

/** How many ig-explainer workers this page started so far. */
export function startedWorkerCount(): number {
  return started;
}

/**
 * The `assisted` replies workers sent so far (a helper of an adaptive run that ended): which
 * worker (its start number, 1 = the first this page started) and how many points it evaluated.
 */
export function assistedReplies(): { worker: number; points: number }[] {
  return [...assisted];
}

/** The errors ig-explainer workers reported so far (a crash, a script that failed to load). */
export function workerErrors(): string[] {
  return [...errors];
}

/** tf.memory() and backend of every running worker, in start order. */
export function allWorkerMemory(): Promise<WorkerMemory[]> {
  return Promise.all(
    live.map((worker) =>
      ask(
        { type: 'test-memory', id: nextId++ },
        (r) => (r as { memory: WorkerMemory }).memory,
        worker,
      ),
    ),
  );
}

/** Makes the `index`-th running worker throw an uncaught error, as a crashing worker does. */
export function crashWorker(index: number): void {
  const worker = live[index];
  if (!worker) throw new Error(`no ig-explainer worker ${index}: ${live.length} are running`);
  worker.postMessage({ type: 'test-crash', id: nextId++ } satisfies TestMessage);
}

/** Loses the worker's WebGL context; false when it has none (another backend). */
export function loseWorkerContext(): Promise<boolean> {
  return ask({ type: 'test-lose-context', id: nextId++ }, (r) => (r as { lost: boolean }).lost);
}

export { terminateWorker };
