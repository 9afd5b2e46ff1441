// The messages only the test worker entry (test-worker.ts) answers.
import type { IgBackend } from '../../src/shared/types.js';

export interface WorkerMemory {
  numTensors: number;
  numBytes: number;
  backend: IgBackend | null;
}

export type TestMessage =
  | { type: 'test-memory'; id: number }
  | { type: 'test-lose-context'; id: number }
  /** Throws an uncaught error in the worker (its page-side 'error' event fires); no reply. */
  | { type: 'test-crash'; id: number };

export type TestReply =
  | { type: 'test-memory'; id: number; memory: WorkerMemory }
  /** `lost`: a WebGL context was there to lose. */
  | { type: 'test-lose-context'; id: number; lost: boolean };
