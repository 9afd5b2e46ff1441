// Every keyword list of shared/API.md, declared once; each type is derived from its list. The
// options table (options.ts), validation, the protocol and the manifest all read these.

/** Integration rules of the straight-line path. */
export const METHODS = [
  'gausslegendre',
  'trapezoid',
  'adaptive',
  'riemann-left',
  'riemann-right',
  'riemann-middle',
] as const;
export type IgMethod = (typeof METHODS)[number];

/** Named baselines (a baseline may also be an image URL). */
export const BASELINES = ['black', 'white', 'random', 'blur'] as const;
export type IgBaselineKind = (typeof BASELINES)[number];

/** The panels of the `view` attribute, each a CSS part of the same name. */
export const VIEWS = ['image', 'mask', 'overlay', 'masked', 'alpha', 'path'] as const;
export type IgView = (typeof VIEWS)[number];

export const OUTPUTS = ['probability', 'logit'] as const;
export type IgOutput = (typeof OUTPUTS)[number];

export const FITS = ['pad', 'crop', 'stretch'] as const;
export type IgFit = (typeof FITS)[number];

export const INPUT_RANGES = ['0,1', '-1,1', '0,255', 'imagenet'] as const;
export type IgInputRange = (typeof INPUT_RANGES)[number];

export const LOADINGS = ['lazy', 'eager', 'manual'] as const;
export type IgLoading = (typeof LOADINGS)[number];

/** The TF.js backends an explanation can run on. */
export const BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
export type IgBackend = (typeof BACKENDS)[number];

/** What the `backend` attribute accepts: a backend, or `auto`. */
export const BACKEND_CHOICES = ['auto', ...BACKENDS] as const;
export type IgBackendChoice = (typeof BACKEND_CHOICES)[number];

export const COLORMAPS = ['inferno', 'viridis', 'magma', 'gray', 'diverging'] as const;
export type IgColormap = (typeof COLORMAPS)[number];

export const POLARITIES = ['absolute', 'positive', 'negative'] as const;
export type IgPolarity = (typeof POLARITIES)[number];

export const THREADS = ['worker', 'main'] as const;
export type IgThread = (typeof THREADS)[number];

export const STATUSES = [
  'idle',
  'loading-model',
  'predicting',
  'attributing',
  'done',
  'error',
] as const;
export type IgStatus = (typeof STATUSES)[number];
