// The adaptive rule on every core: a run sends part of each round's path points to helpers (the
// pool's other workers, each with its own copy of the model, image and baselines) over a port
// and adds the scores and integrands they send back as if it had computed them. A helper that is
// not ready yet, fails or dies costs nothing but its points, which the run then evaluates itself.
import type * as tf from '@tensorflow/tfjs';
import type { PointReply, PointRequest } from '../shared/protocol.js';
import { abortError } from '../shared/types.js';
import { explainedOutput, type ExplainedOutput } from './gradients.js';
import { evaluatePoints, type EvaluatedPoints } from './path-points.js';
import { straightPath, type IntegrationPath } from './paths/path.js';
import type { Classifier } from './preprocess.js';
import { noiseStd, noisyCopy } from './smoothgrad.js';

/** One end of a port (a MessagePort, structurally): what is sent on it and what arrives. */
export interface PointPort<Send, Receive> {
  postMessage(message: Send, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<Receive>) => void): void;
  start(): void;
  close(): void;
}

/** Where points are evaluated: `run` of attribute()'s runs, the output of class `target`. */
export interface PointsOf {
  run: number;
  target: number;
}

interface Waiting {
  resolve(points: EvaluatedPoints): void;
  reject(error: Error): void;
}

/** A run's view of one helper. */
export class PointHelper {
  private ready = false;
  private lost = false;
  private seq = 0;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly port: PointPort<PointRequest, PointReply>) {
    port.addEventListener('message', ({ data }) => this.receive(data));
    port.start();
  }

  /** It has said it is ready, and has neither failed nor died since. */
  get usable(): boolean {
    return this.ready && !this.lost;
  }

  /** Points asked of it are not all back yet (a request now would wait for them). */
  get busy(): boolean {
    return this.waiting.size > 0;
  }

  /** The points' evaluation; rejects when the helper fails or dies first, or `signal` aborts. */
  evaluate(alphas: number[], at: PointsOf, signal?: AbortSignal): Promise<EvaluatedPoints> {
    if (this.lost) return Promise.reject(new Error('the helper stopped'));
    const seq = ++this.seq;
    return new Promise<EvaluatedPoints>((resolve, reject) => {
      const onAbort = () => {
        this.waiting.delete(seq);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle =
        <T>(then: (value: T) => void) =>
        (value: T) => {
          signal?.removeEventListener('abort', onAbort);
          this.waiting.delete(seq);
          then(value);
        };
      this.waiting.set(seq, { resolve: settle(resolve), reject: settle(reject) });
      this.port.postMessage({ type: 'points', seq, ...at, alphas });
    });
  }

  /** The helper's worker died: what it was asked fails (the run evaluates it itself). */
  lose(): void {
    this.lost = true;
    const error = new Error('the helper stopped');
    for (const waiting of [...this.waiting.values()]) waiting.reject(error);
  }

  /** The run is over: the helper stops serving it. */
  close(): void {
    if (!this.lost) this.port.postMessage({ type: 'done' });
    this.lose();
    this.port.close();
  }

  private receive(reply: PointReply): void {
    if (reply.type === 'ready') {
      this.ready = true;
    } else if (reply.type === 'evaluated') {
      this.waiting.get(reply.seq)?.resolve(reply);
    } else if (reply.seq === undefined) {
      this.lose();
    } else {
      this.waiting.get(reply.seq)?.reject(new Error(reply.message));
    }
  }
}

/** What a helper evaluates points of: the run's explained classifier, image and baselines. */
export interface HelperInputs {
  classifier: Classifier;
  image: tf.Tensor3D;
  baselines: readonly tf.Tensor3D[];
  /** SmoothGrad's copies and level, and the seed: attribute()'s run r is copy r / baselines. */
  noiseSamples: number;
  noiseLevel: number;
  seed?: number;
  batchSize: number;
}

/**
 * Serves a run's points on `port` (a helper's side): says `ready`, then evaluates each request
 * in turn, `batchSize` points a pass. Resolves with the points evaluated when the run says
 * `done`; rejects with `aborted` when `signal` aborts. Every tensor it made is disposed by then.
 */
export async function servePoints(
  port: PointPort<PointReply, PointRequest>,
  inputs: HelperInputs,
  signal: AbortSignal,
): Promise<number> {
  const std = inputs.noiseSamples > 0 ? await noiseStd(inputs.image, inputs.noiseLevel) : 0;
  const explained = new Map<number, ExplainedOutput>();
  let current: { run: number; curve: IntegrationPath; noisy: tf.Tensor3D | null } | null = null;
  const release = () => {
    current?.curve.dispose();
    current?.noisy?.dispose();
    current = null;
  };
  // The run's path, kept while consecutive requests are of the same run.
  const curveOf = (run: number): IntegrationPath => {
    if (current?.run === run) return current.curve;
    release();
    const starts = inputs.baselines.length;
    const copy = Math.floor(run / starts);
    const noisy =
      inputs.noiseSamples > 0 ? noisyCopy(inputs.image, std, inputs.seed ?? 0, copy) : null;
    const curve = straightPath(noisy ?? inputs.image, inputs.baselines[run % starts]);
    current = { run, curve, noisy };
    return curve;
  };
  const explainedFor = (target: number) => {
    let output = explained.get(target);
    if (!output) {
      output = explainedOutput(inputs.classifier, target, 'logit');
      explained.set(target, output);
    }
    return output;
  };
  let served = 0;
  let over = false;
  let queue = Promise.resolve();
  const evaluate = async ({ seq, run, target, alphas }: PointRequest & { type: 'points' }) => {
    if (signal.aborted || over) return;
    try {
      const parts: EvaluatedPoints[] = [];
      for (let from = 0; from < alphas.length; from += inputs.batchSize) {
        const batch = alphas.slice(from, from + inputs.batchSize);
        parts.push(await evaluatePoints(explainedFor(target), curveOf(run), batch));
        if (signal.aborted || over) return;
      }
      const scores: number[] = [];
      const norms: number[] = [];
      for (const { values: v } of parts) {
        scores.push(...v.subarray(0, v.length / 2));
        norms.push(...v.subarray(v.length / 2));
      }
      const values = Float32Array.from([...scores, ...norms]);
      const integrands =
        parts.length === 1 ? parts[0].integrands : concatenated(parts.map((p) => p.integrands));
      served += alphas.length;
      port.postMessage({ type: 'evaluated', seq, values, integrands }, [
        values.buffer,
        integrands.buffer,
      ]);
    } catch (error) {
      port.postMessage({
        type: 'failed',
        seq,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  };
  try {
    return await new Promise<number>((resolve, reject) => {
      const onAbort = () => reject(abortError());
      signal.addEventListener('abort', onAbort, { once: true });
      port.addEventListener('message', ({ data }) => {
        if (data.type === 'done') {
          signal.removeEventListener('abort', onAbort);
          // What is still queued is not wanted any more.
          over = true;
          resolve(served);
        } else {
          queue = queue.then(() => evaluate(data));
        }
      });
      port.start();
      port.postMessage({ type: 'ready' });
    });
  } finally {
    await queue;
    release();
    port.close();
  }
}

function concatenated(arrays: readonly Float32Array[]): Float32Array {
  const all = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    all.set(a, at);
    at += a.length;
  }
  return all;
}
