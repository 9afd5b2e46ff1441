#!/usr/bin/env node
// Downloads a TF.js model (model.json and every weight shard) into a folder, for serving it from
// your own origin: TF Hub / Kaggle have at times refused browser loads (403, CORS errors).
//
//   npx ig-explainer-download-model [MODEL_URL] [OUT_DIR]
//
// MODEL_URL defaults to the Inception V1 classifier <ig-explainer> uses; OUT_DIR to
// ./models/inception_v1. Then serve OUT_DIR and set model-url="/models/inception_v1/model.json".
import { realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_MODEL_URL =
  'https://tfhub.dev/google/tfjs-model/imagenet/inception_v1/classification/3/default/1';

/** model.json's URL for a TF Hub / Kaggle handle (as tf.loadGraphModel's fromTFHub does), else the URL itself. */
export function modelJsonUrl(url) {
  const { hostname } = new URL(url);
  const isHub = /(^|\.)tfhub\.dev$/.test(hostname) || /(^|\.)kaggle\.com$/.test(hostname);
  if (!isHub || url.includes('model.json')) return url;
  return `${url.replace(/\/+$/, '')}/model.json?tfjs-format=file`;
}

async function get(url, what) {
  let response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error) {
    throw new Error(`Could not reach ${url} for ${what}: ${error.cause?.message ?? error.message}`);
  }
  if (!response.ok) {
    throw new Error(`${url} answered ${response.status} ${response.statusText} for ${what}.`);
  }
  return response;
}

/** Downloads model.json and its shards; resolves to { files, bytes }. */
export async function downloadModel(url, outDir, log = console.log) {
  const jsonUrl = modelJsonUrl(url);
  const response = await get(jsonUrl, 'model.json');
  const modelJson = await response.json();
  if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
    throw new Error(`${jsonUrl} is not a TF.js model.json (no modelTopology/weightsManifest).`);
  }
  // Weight paths are relative to model.json's final URL (after redirects), keeping its query.
  const base = new URL(response.url || jsonUrl);
  const query = base.search;
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'model.json'), JSON.stringify(modelJson));
  let bytes = 0;
  const files = ['model.json'];
  const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
  for (const path of paths) {
    const shardUrl = new URL(path, base);
    shardUrl.search = query;
    const data = Buffer.from(await (await get(shardUrl.href, `weight file ${path}`)).arrayBuffer());
    const target = resolve(outDir, path);
    if (!target.startsWith(resolve(outDir)))
      throw new Error(`Refusing weight path outside ${outDir}: ${path}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, data);
    bytes += data.length;
    files.push(path);
    log(`  ${path} (${(data.length / 1e6).toFixed(2)} MB)`);
  }
  return { files, bytes };
}

const isMain =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const url = process.argv[2] ?? DEFAULT_MODEL_URL;
  const outDir = process.argv[3] ?? 'models/inception_v1';
  console.log(`Downloading ${url} into ${outDir}/`);
  try {
    const { files, bytes } = await downloadModel(url, outDir);
    console.log(
      `Done: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB of weights. Serve ${outDir}/ and set\n` +
        `  <ig-explainer model-url="/${outDir.replace(/^\.?\//, '')}/model.json">`,
    );
  } catch (error) {
    console.error(
      `${error.message}\nNothing usable was written; check the URL and your network, then retry.`,
    );
    process.exit(1);
  }
}
