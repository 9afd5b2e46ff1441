// Reading one run's accumulated sums back from the backend: the attributions and the path
// view's trace, scaled as the integration rule and the path's factor (x - x') call for.
import * as tf from '@tensorflow/tfjs';
import type { IgPathTrace } from '../shared/types.js';

/**
 * The trace from its buckets: running sums, scaled as the attributions, at the path points
 * where the snapshot nodes fall (`usedUpTo(b)`: the used nodes up to node b, in alpha order).
 */
export async function readTrace(
  factor: tf.Tensor3D | null,
  buckets: tf.Tensor2D,
  scale: number,
  snapshots: readonly number[],
  shape: [number, number, number],
  usedUpTo: (node: number) => number,
): Promise<IgPathTrace> {
  const tensor = tf.tidy(() => {
    const sums = tf.mul(tf.cumsum(buckets, 0), scale);
    return factor ? tf.mul(sums, factor.reshape([1, -1])) : sums;
  });
  let values: Float32Array;
  try {
    values = (await tensor.data()) as Float32Array;
  } finally {
    tensor.dispose();
  }
  const size = shape[0] * shape[1] * shape[2];
  const byPoint = new Map<number, Float32Array>();
  snapshots.forEach((node, s) => {
    const point = usedUpTo(node) - 1;
    if (point >= 0) byPoint.set(point, values.slice(s * size, (s + 1) * size));
  });
  return { points: [...byPoint.keys()], attributions: [...byPoint.values()] };
}

/** factor * scale * accumulated (factor: the path's, x - x' for the straight line), read back. */
export async function readAttributions(
  factor: tf.Tensor3D | null,
  accumulated: tf.Tensor3D,
  scale: number,
): Promise<Float32Array> {
  const tensor = tf.tidy(() => {
    const scaled = scale === 1 ? accumulated.clone() : tf.mul(accumulated, scale);
    return factor ? tf.mul(factor, scaled) : scaled;
  });
  try {
    return (await tensor.data()) as Float32Array;
  } finally {
    tensor.dispose();
  }
}

export function sumOf(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}
