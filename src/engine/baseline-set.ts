// Several baselines for one explanation: one attribution each, averaged.
import type * as tf from '@tensorflow/tfjs';
import type { IgBaselineKind } from '../shared/types.js';
import { makeBaseline } from './baselines.js';
import { deriveSeed } from './smoothgrad.js';

/**
 * The baselines of `kinds` for `image` (see makeBaseline); the caller disposes them. The first
 * `random` draws from `seed` (as a single `random` always has), each later one from a seed
 * derived from it, so `random random` is two different noise images, the same on every run.
 */
export function makeBaselines(
  kinds: readonly (IgBaselineKind | tf.Tensor3D)[],
  image: tf.Tensor3D,
  seed: number,
): tf.Tensor3D[] {
  const made: tf.Tensor3D[] = [];
  let randoms = 0;
  try {
    for (const kind of kinds) {
      const draw = kind === 'random' && randoms++ > 0 ? deriveSeed(seed, 'random', randoms) : seed;
      made.push(makeBaseline(kind, image, draw));
    }
    return made;
  } catch (error) {
    made.forEach((tensor) => tensor.dispose());
    throw error;
  }
}
