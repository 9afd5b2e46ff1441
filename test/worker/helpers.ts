// Shared by the worker and client tests: fixture URLs, test images, request defaults.
// Every worker these tests start is the test-only entry (test/worker-entry/).
import '../worker-entry/hooks.js';
import { executeServerCommand } from '@web/test-runner-commands';
import type { ExplainInput } from '../../src/client/explain-client.js';
import { defaultRequestOptions } from '../request-defaults.js';

export interface TestOrigins {
  /** Plain HTTP/1.1 static server of the repo root, with CORS. */
  static: string;
  /** The same files without CORS headers. */
  noCors: string;
  /** The test dev server behind another origin, with CORS. */
  proxy: string;
}

export function testOrigins(): Promise<TestOrigins> {
  return executeServerCommand<TestOrigins, undefined>('ig-test-servers');
}

/** How often the static server was asked for `path` so far. */
export function requestCount(path: string): Promise<number> {
  return executeServerCommand<number, { path: string }>('ig-request-count', { path });
}

export function modelUrl(name: string, origin = location.origin): string {
  return `${origin}/test/fixtures/models/${name}/model.json`;
}

/** A URL unique to this call, so the IndexedDB cache (keyed by URL) misses. */
export function uncachedModelUrl(name: string, origin = location.origin): string {
  return `${modelUrl(name, origin)}?run=${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** A PNG with a red square on a grey background, as a same-origin blob URL. */
export async function testImageUrl(width = 48, height = 40): Promise<string> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#808080';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#e02020';
  context.fillRect(width / 4, height / 4, width / 2, height / 2);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return URL.createObjectURL(blob);
}

export function request(overrides: Partial<ExplainInput> & { image: string }): ExplainInput {
  return {
    ...defaultRequestOptions(),
    modelUrls: [modelUrl('tiny-graph')],
    steps: 4,
    topK: 3,
    ...overrides,
  };
}
