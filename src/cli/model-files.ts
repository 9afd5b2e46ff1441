// Model locations for the tool: a path or URL to the model.json URL the engine loads, the files'
// bytes for the model hash, and a fetch that reads file: URLs (Node's fetch does not).
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { modelSha256 } from '../saved/hash.js';
import { IgError } from '../shared/types.js';

/** `--model` as a URL: http(s) as given, anything else a path (to model.json or its folder). */
export function modelUrlOf(model: string): string {
  if (/^https?:\/\//i.test(model) || model.startsWith('file:')) return model;
  const path = isAbsolute(model) ? model : resolve(model);
  return pathToFileURL(path.endsWith('.json') ? path : `${path}/model.json`).href;
}

/** Lets the engine's fetches read file: URLs; other URLs go to the network as before. */
export function installFileFetch(): void {
  const networkFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file:')) return networkFetch(input, init);
    try {
      return new Response(await readFile(new URL(url)), { status: 200 });
    } catch {
      return new Response(null, { status: 404, statusText: 'Not Found (no such file)' });
    }
  };
}

async function bytesAt(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new IgError(
      'model-load',
      `Cannot read ${url} (${response.status} ${response.statusText}): check --model.`,
      'model-url',
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** SHA-256 of model.json and of each weight file its manifest lists (saved format's `model.sha256`). */
export async function hashModel(modelJsonUrl: string): Promise<string> {
  const json = await bytesAt(modelJsonUrl);
  let manifest: Array<{ paths: string[] }> = [];
  try {
    manifest =
      (JSON.parse(new TextDecoder().decode(json)) as { weightsManifest?: typeof manifest })
        .weightsManifest ?? [];
  } catch {
    throw new IgError(
      'model-load',
      `${modelJsonUrl} is not a TF.js model.json (not JSON): point --model at a model.json or its folder.`,
      'model-url',
    );
  }
  const weights = await Promise.all(
    manifest.flatMap((group) => group.paths).map((p) => bytesAt(new URL(p, modelJsonUrl).href)),
  );
  return modelSha256(json, weights);
}
