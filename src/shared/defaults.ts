// Defaults of shared/API.md, in one place for the element, the client and the worker.
import type { IgPathKind } from './paths.js';
import type { IgMethod } from './keywords.js';

export const DEFAULT_MODEL_URL =
  'https://tfhub.dev/google/tfjs-model/imagenet/inception_v1/classification/3/default/1';
export const DEFAULT_STEPS = 50;
export const MAX_STEPS = 4096;
/** Chosen from the completeness-error benchmark; see README "Integration rule". */
export const DEFAULT_METHOD: IgMethod = 'trapezoid';
export const DEFAULT_TOP_K = 3;
export const MAX_TOP_K = 20;
export const DEFAULT_OVERLAY_ALPHA = 0.4;
export const DEFAULT_CLIP_PERCENTILE = 99;
/** Height/width used when a model leaves its input size unknown. */
export const DEFAULT_INPUT_SIZE = 224;
/** Sigma of the `blur` baseline's Gaussian, in pixels of the model-input grid. */
export const BLUR_SIGMA = 5;
export const DEFAULT_PATH = 'straight' satisfies IgPathKind;
/** SmoothGrad's noisy copies of the image; 0 = off. */
export const DEFAULT_NOISE_SAMPLES = 0;
export const MAX_NOISE_SAMPLES = 256;
/** SmoothGrad's noise std as a fraction of the image's value range (Smilkov et al., PAIR). */
export const DEFAULT_NOISE_LEVEL = 0.15;

/** No bytes for this long ends a download (model, weights, labels, image, saved result). */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;
