// The images a run explains: files and folders (walked) to a sorted list, its shard, and where
// each one's saved explanation goes.
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';

export const IMAGE_EXTENSIONS = /\.(png|jpe?g)$/i;

export interface ImageJob {
  /** The file to read. */
  path: string;
  /** Its name in the saved file and under --out: relative to the folder it was found in. */
  name: string;
}

/** Every image under `inputs` (files as given, folders walked), sorted by name; missing paths reported. */
export async function listImages(
  inputs: readonly string[],
): Promise<{ jobs: ImageJob[]; missing: string[] }> {
  const jobs: ImageJob[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    let info;
    try {
      info = await stat(input);
    } catch {
      missing.push(input);
      continue;
    }
    if (info.isDirectory()) {
      for (const path of await walk(input)) jobs.push({ path, name: relative(input, path) });
    } else {
      jobs.push({ path: input, name: basename(input) });
    }
  }
  jobs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { jobs, missing };
}

async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (IMAGE_EXTENSIONS.test(entry.name)) found.push(path);
  }
  return found;
}

/** `--shard i/n`: {index: i - 1, count: n}, or null when the text is not that. */
export function parseShard(text: string): { index: number; count: number } | null {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return null;
  const [i, n] = [Number(match[1]), Number(match[2])];
  return n >= 1 && i >= 1 && i <= n ? { index: i - 1, count: n } : null;
}

/** Shard `index` of `count`: every count-th image of the sorted list, so shards are even. */
export function shardOf<T>(jobs: readonly T[], shard: { index: number; count: number }): T[] {
  return jobs.filter((_, i) => i % shard.count === shard.index);
}

/** The saved file of `job` under `out`: its name plus `.json` (a.png and a.jpg stay apart). */
export function savedPath(out: string, job: ImageJob): string {
  return join(out, `${job.name}.json`);
}
