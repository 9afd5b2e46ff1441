// Shared by the reliability tests: elements made as a page makes them, uncaught-error guards.
// Every worker these tests start is the test-only entry (test/worker-entry/).
import '../worker-entry/hooks.js';
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import { isIgError } from '../../src/index.js';
import type { IgExplainer } from '../../src/index.js';
import { terminateWorker } from '../../src/client/explain-client.js';
import { TINY_MODEL } from '../element/helpers.js';

/** Attributes of a fast, valid explanation with the 10-class fixture (24x24 input). */
export const VALID: Record<string, string> = {
  loading: 'manual',
  'model-url': TINY_MODEL,
  steps: '4',
};

/** A manual <ig-explainer> with `attributes` (over VALID), appended to the page. */
export function makeElement(attributes: Record<string, string> = {}): IgExplainer {
  const el = document.createElement('ig-explainer');
  for (const [name, value] of Object.entries({ ...VALID, ...attributes })) {
    el.setAttribute(name, value);
  }
  document.body.append(el);
  return el;
}

/** Records what reaches window as uncaught: errors and unhandled promise rejections. */
export function guardUncaught(): { errors: string[]; stop(): void } {
  const errors: string[] = [];
  const onError = (event: ErrorEvent) => errors.push(`error: ${event.message}`);
  const onRejection = (event: PromiseRejectionEvent) =>
    errors.push(`unhandledrejection: ${String(event.reason)}`);
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  return {
    errors,
    stop() {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    },
  };
}

/** Counts `new Worker(...)` calls while installed (install before the first explanation). */
export function spyOnWorkers(): { instances: Worker[]; restore(): void } {
  const Original = window.Worker;
  const instances: Worker[] = [];
  window.Worker = class extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      instances.push(this);
    }
  };
  return { instances, restore: () => (window.Worker = Original) };
}

/** The rejection of `promise` (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.fail('expected a rejection');
}

/** Element-wise max |a - b|. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/**
 * The hooks of a suite that starts from a fresh worker, counts the workers it starts, fails a test
 * that lets anything go uncaught, and removes every element after each test.
 */
export function isolatedSuite(): { workers: { instances: Worker[] } } {
  const workers = spyOnWorkers();
  let guard: ReturnType<typeof guardUncaught>;
  before(() => {
    terminateWorker();
    guard = guardUncaught();
  });
  after(() => {
    guard.stop();
    workers.restore();
    terminateWorker();
  });
  afterEach(() => {
    expect(guard.errors).to.deep.equal([]);
    document.querySelectorAll('ig-explainer').forEach((el) => el.remove());
  });
  return { workers };
}

/** The origins of scripts/test-servers.mjs, with the fault server. */
export interface FaultOrigins {
  static: string;
  faults: string;
}

export function faultOrigins(): Promise<FaultOrigins> {
  return executeServerCommand<FaultOrigins, undefined>('ig-test-servers');
}

/** What the fault server's replaced model `name` sends next; returns what it served so far. */
export function versioned(setting: {
  name: string;
  version?: 1 | 2;
  validators?: 'etag' | 'last-modified' | 'none';
  noStore?: boolean;
  offline?: boolean;
}): Promise<{ json: number; notModified: number; weights: number }> {
  return executeServerCommand('ig-versioned', setting);
}

/** The error code, message and attribute of a rejection that must be an IgError. */
export function igError(error: unknown): { code: string; message: string; attribute?: string } {
  expect(isIgError(error), String(error)).to.equal(true);
  return error as { code: string; message: string; attribute?: string };
}
