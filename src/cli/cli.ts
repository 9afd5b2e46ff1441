// `npx ig-explainer explain <images or folders> --model <url or path> --out <dir> [options]`:
// one saved explanation per image, computed by the engine on TF.js's WASM backend, one worker
// thread per core; resumable, shardable, nothing half-written.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import cliProgress from 'cli-progress';
import { decodeSavedResult } from '../saved/saved-result.js';
import { sha256Hex } from '../saved/hash.js';
import { checkOptions, OPTION_FLAGS } from './element-options.js';
import { listImages, parseShard, savedPath, shardOf, type ImageJob } from './image-list.js';
import { installFileFetch, hashModel, modelUrlOf } from './model-files.js';
import { savedOptions, type RunSettings } from './run-options.js';
import type { FromWorker } from './explain-worker.js';

const VERSION = '0.1.0';
const GENERATOR = `ig-explainer ${VERSION} cli`;

const USAGE = `Usage: ig-explainer explain <images or folders…> --model <model.json URL or path> --out <dir>
  [--labels-url <URL or path>] [--model-url <URL pages load the model from>]
  [--shard i/n] [--jobs N] [--force]
  ${OPTION_FLAGS.map((f) => `[--${f} …]`).join(' ')}
Options are the element's attributes, with its defaults and checks (README, "Attributes").`;

class UsageError extends Error {}

interface Outcome {
  written: string[];
  skipped: string[];
  failed: Array<{ name: string; message: string }>;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: 'string' },
      out: { type: 'string' },
      'labels-url': { type: 'string' },
      'model-url': { type: 'string' },
      shard: { type: 'string' },
      jobs: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(OPTION_FLAGS.map((f) => [f, { type: 'string' as const }])),
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, ...inputs] = positionals;
  if (command !== 'explain')
    throw new UsageError(`Unknown command ${command ?? '(none)'}: use "explain".`);
  if (!inputs.length) throw new UsageError('Give at least one image file or folder to explain.');
  if (!values.model) throw new UsageError('Give the model: --model <model.json URL or path>.');
  if (!values.out) throw new UsageError('Give the output folder: --out <dir>.');
  const shard = values.shard === undefined ? { index: 0, count: 1 } : parseShard(values.shard);
  if (!shard)
    throw new UsageError(
      `--shard "${values.shard}" is not valid: use i/n with 1 <= i <= n, such as 2/4.`,
    );
  const jobsFlag = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobsFlag) || jobsFlag < 1)
    throw new UsageError(`--jobs "${values.jobs}" is not valid: use a whole number of at least 1.`);

  const flags: Record<string, string> = {};
  for (const name of OPTION_FLAGS) {
    const value = (values as Record<string, unknown>)[name];
    if (typeof value === 'string') flags[name] = value;
  }
  const { options, problems } = checkOptions(flags);
  if (!options) throw new UsageError(problems.join('\n'));
  if (!['black', 'white', 'random', 'blur'].includes(options.baseline)) {
    throw new UsageError(
      `--baseline "${options.baseline}": the tool takes black, white, random or blur; image baselines are for the element.`,
    );
  }

  const { jobs: all, missing } = await listImages(inputs);
  const failed: Outcome['failed'] = missing.map((name) => ({
    name,
    message: `No such file or folder: ${name}.`,
  }));
  const jobs = shardOf(all, shard);

  installFileFetch();
  const modelUrl = modelUrlOf(values.model);
  const labelsFlag = values['labels-url'];
  const settings: RunSettings = {
    modelUrl,
    modelName: values['model-url'] ?? values.model,
    modelSha256: await hashModel(modelUrl),
    labelsUrl:
      labelsFlag === undefined
        ? null
        : /^https?:/i.test(labelsFlag)
          ? labelsFlag
          : modelUrlOf(labelsFlag),
    options,
  };
  await mkdir(values.out, { recursive: true });
  const outcome: Outcome = { written: [], skipped: [], failed };
  const todo: ImageJob[] = [];
  for (const job of jobs) {
    if (!values.force && (await upToDate(savedPath(values.out, job), job, settings)))
      outcome.skipped.push(job.name);
    else todo.push(job);
  }
  if (todo.length)
    await runWorkers(todo, settings, values.out, Math.min(jobsFlag, todo.length), outcome);

  const shardText =
    shard.count > 1 ? ` (shard ${shard.index + 1}/${shard.count} of ${all.length})` : '';
  console.log(
    `${outcome.written.length} written, ${outcome.skipped.length} up to date, ${outcome.failed.length} failed${shardText}.`,
  );
  for (const { name, message } of outcome.failed) console.error(`failed: ${name}: ${message}`);
  return outcome.failed.length ? 1 : 0;
}

/** True when the saved file at `path` was made from these image bytes, model and options. */
async function upToDate(path: string, job: ImageJob, settings: RunSettings): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return false;
  }
  try {
    const imageSha256 = await sha256Hex(await readFile(job.path));
    const { saved } = decodeSavedResult(text, path, { imageSha256 });
    return (
      saved.model.sha256 === settings.modelSha256 &&
      JSON.stringify(saved.options) === JSON.stringify(savedOptions(settings))
    );
  } catch {
    return false;
  }
}

/** Writes `text` to `path` through a temporary file and a rename: never half a file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function runWorkers(
  todo: ImageJob[],
  settings: RunSettings,
  out: string,
  threads: number,
  outcome: Outcome,
): Promise<void> {
  const bar = new cliProgress.SingleBar(
    {
      format: 'explaining {bar} {value}/{total} images | {name}',
      hideCursor: true,
      noTTYOutput: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(todo.length, 0, { name: '' });
  let next = 0;
  const workerUrl = new URL('./cli-worker.js', import.meta.url);
  try {
    await Promise.all(
      Array.from(
        { length: threads },
        () =>
          new Promise<void>((resolve, reject) => {
            const worker = new Worker(workerUrl);
            let current: ImageJob | null = null;
            let stopping = false;
            const give = () => {
              if (next >= todo.length) {
                // Its message port would keep the thread (and the process) alive.
                stopping = true;
                void worker.terminate();
                return;
              }
              const id = next++;
              current = todo[id];
              worker.postMessage({ type: 'job', id, path: current.path, name: current.name });
            };
            worker.on(
              'message',
              (message: FromWorker | { type: 'ready' } | { type: 'fatal'; message: string }) => {
                if (message.type === 'ready') give();
                else if (message.type === 'fatal') reject(new Error(message.message));
                else if (message.type === 'done' || message.type === 'failed') {
                  const job = todo[message.id];
                  const finish = () => {
                    bar.increment(1, { name: job.name });
                    give();
                  };
                  if (message.type === 'failed') {
                    outcome.failed.push({ name: job.name, message: message.message });
                    finish();
                  } else {
                    writeAtomically(savedPath(out, job), message.text).then(
                      () => {
                        outcome.written.push(job.name);
                        finish();
                      },
                      (error: Error) => {
                        outcome.failed.push({
                          name: job.name,
                          message: `cannot write: ${error.message}`,
                        });
                        finish();
                      },
                    );
                  }
                }
              },
            );
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (!stopping)
                reject(
                  new Error(
                    `a worker thread stopped (exit code ${code}) on ${current?.name ?? 'start-up'}`,
                  ),
                );
              else resolve();
            });
            worker.postMessage({ type: 'init', settings, generator: GENERATOR });
          }),
      ),
    );
  } finally {
    bar.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      console.error(`ig-explainer: ${(error as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`ig-explainer: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
