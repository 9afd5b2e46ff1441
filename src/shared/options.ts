// The options table: every attribute of shared/API.md declared once. The element's properties and
// converters, validation and its messages, the run's change key, the worker request's fields, the
// JSX types, the custom-elements manifest and the README's attribute table are all derived from it.
// Adding an attribute is one entry here plus the code that uses its value.
import {
  DEFAULT_CLIP_PERCENTILE,
  DEFAULT_METHOD,
  DEFAULT_MODEL_URL,
  DEFAULT_NOISE_LEVEL,
  DEFAULT_NOISE_SAMPLES,
  DEFAULT_PATH,
  DEFAULT_OVERLAY_ALPHA,
  DEFAULT_STEPS,
  DEFAULT_TOP_K,
  MAX_NOISE_SAMPLES,
  MAX_STEPS,
  MAX_TOP_K,
} from './defaults.js';
import {
  BACKEND_CHOICES,
  BASELINES,
  COLORMAPS,
  FITS,
  INPUT_RANGES,
  LOADINGS,
  METHODS,
  OUTPUTS,
  POLARITIES,
  VIEWS,
  type IgView,
} from './keywords.js';
import { PATHS } from './paths.js';
import {
  absoluteUrl,
  optionalUrl,
  keyword,
  keywordHint,
  numberIn,
  option,
  parseNumber,
  type OptionSpec,
} from './option-rules.js';

const MAX_BATCH = MAX_STEPS + 1;
const nullableText = (v: string | null) => v;
const words = (v: unknown) => (typeof v === 'string' ? v.trim().split(/\s+/).filter(Boolean) : []);
const DEFAULT_VIEW = 'image mask overlay';

/** Each of `baseline`'s space-separated items: a named kind, or an image URL made absolute. */
function baselineItem(item: string, base: string): string | undefined {
  return keyword(BASELINES)(item) ?? (/[/.:]/.test(item) ? absoluteUrl(item, base) : undefined);
}

/** A keyword attribute: matched case-insensitively, "use a, b or c" when it is none of them. */
function keywords<
  A extends string,
  P extends string,
  const W extends readonly string[],
  R extends string | false = P,
>(
  attribute: A,
  property: P,
  words: W,
  fallback: W[number],
  rest: Pick<OptionSpec, 'restarts' | 'doc' | 'reflect'> & { request?: R },
) {
  return option<P, W[number], W[number], R, W[number], A>({
    attribute,
    property,
    type: words.map((w) => `'${w}'`).join(' | '),
    default: fallback,
    fromAttribute: (v) => (v ?? fallback) as W[number],
    check: keyword(words),
    hint: keywordHint(words),
    request: (rest.request ?? property) as R,
    ...rest,
  });
}

/** A number attribute in [min, max] (or (min, max) when `open`); bad text stays NaN and is reported. */
function numeric<A extends string, P extends string, R extends string | false = P>(
  attribute: A,
  property: P,
  range: { min: number; max: number; integer: boolean; fallback: number },
  rest: Pick<OptionSpec, 'restarts' | 'doc'> & { request?: R; hint?: string },
) {
  const { min, max, integer, fallback } = range;
  return option<P, number, number, R, number | string, A>({
    attribute,
    property,
    type: 'number',
    default: fallback,
    fromAttribute: (v) => (v === null ? fallback : parseNumber(v)),
    check: numberIn(min, max, integer),
    hint: `use ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (default ${fallback})`,
    ...rest,
    request: (rest.request ?? property) as R,
  });
}

export const OPTIONS = [
  option<'src', string | null, string | null, false, string, 'src'>({
    attribute: 'src',
    property: 'src',
    type: 'string | null',
    default: null,
    restarts: 'prediction',
    doc: 'The image to explain (a URL); a slotted `<img>` is used when absent.',
    fromAttribute: nullableText,
    check: optionalUrl,
    hint: 'use the URL of an image (http, https, data or blob), or remove it and put an <img> inside the element',
    // The image travels decoded (ExplainRequest.image), not as this URL.
    request: false,
  }),
  option<'resultSrc', string | null, string | null, false, string, 'result-src'>({
    attribute: 'result-src',
    property: 'resultSrc',
    type: 'string | null',
    default: null,
    restarts: 'view',
    doc: 'URL of a saved explanation (`exportResult()`, `npx ig-explainer explain`): shown without loading TensorFlow.js or the model; a live run starts only on `explain()`, the Recompute button or `loading="eager"`.',
    fromAttribute: nullableText,
    check: optionalUrl,
    hint: 'use the URL of a saved explanation (http, https, data or blob), or remove it',
    request: false,
  }),
  option<'alt', string | null, string | null, false, string, 'alt'>({
    attribute: 'alt',
    property: 'alt',
    type: 'string | null',
    default: null,
    restarts: 'view',
    doc: "Text alternative of the image; defaults to the slotted image's `alt` or a generic one.",
    fromAttribute: nullableText,
    check: (v) => (v === null || typeof v === 'string' ? v : String(v)),
    hint: 'use a text',
    request: false,
  }),
  option<'modelUrl', string, string[], 'modelUrls', string, 'model-url'>({
    attribute: 'model-url',
    property: 'modelUrl',
    type: 'string',
    default: DEFAULT_MODEL_URL,
    restarts: 'model',
    doc: 'URL of a TF.js model.json or a TF Hub / Kaggle model; several space-separated URLs are tried in order.',
    fromAttribute: (v) => v ?? DEFAULT_MODEL_URL,
    check: (v, base) => {
      const urls = typeof v === 'string' ? v.trim().split(/\s+/).filter(Boolean) : [];
      const resolved = urls.map((url) => absoluteUrl(url, base));
      return urls.length && resolved.every(Boolean) ? (resolved as string[]) : undefined;
    },
    hint: 'use the URL of a TF.js model.json or of a TF Hub / Kaggle model (several, space-separated, are tried in order), or remove the attribute for the default Inception V1',
    request: 'modelUrls',
  }),
  option<'labelsUrl', string | null, string | null, 'labelsUrl', string, 'labels-url'>({
    attribute: 'labels-url',
    property: 'labelsUrl',
    type: 'string | null',
    default: null,
    restarts: 'prediction',
    doc: 'URL of a JSON array of class names or a text file with one a line; built-in ImageNet labels when absent.',
    fromAttribute: nullableText,
    check: (v, base) =>
      v === null ? null : typeof v === 'string' && v.trim() ? absoluteUrl(v, base) : undefined,
    hint: 'use the URL of a JSON array of class names or of a text file with one name a line, or remove the attribute for the built-in ImageNet labels',
    request: 'labelsUrl',
  }),
  option<'baseline', string, string, 'baseline', string, 'baseline'>({
    attribute: 'baseline',
    property: 'baseline',
    type: 'string',
    default: 'black',
    restarts: 'attribution',
    doc: '`black`, `white`, `random`, `blur` or an image URL, or several (averaged): the IG start.',
    fromAttribute: (v) => v ?? 'black',
    // The checked value stays one text (kinds lower-cased, URLs absolute, one space apart): the
    // client splits it, decodes each URL and sends `baselines` when there are several.
    check: (v, base) => {
      const items = words(v).map((item) => baselineItem(item, base));
      return items.length && items.every(Boolean) ? items.join(' ') : undefined;
    },
    hint: `use ${BASELINES.join(', ')} or an image URL, or several of these separated by spaces`,
    request: 'baseline',
  }),
  numeric(
    'seed',
    'seed',
    { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, integer: true, fallback: 0 },
    {
      restarts: 'attribution',
      doc: 'Seed of `random` and any other randomness.',
      hint: 'use a whole number, such as 0',
    },
  ),
  numeric(
    'steps',
    'steps',
    { min: 1, max: MAX_STEPS, integer: true, fallback: DEFAULT_STEPS },
    {
      restarts: 'attribution',
      doc: "Segments of the straight-line path (the tutorial's `m_steps`), 1 to 4096.",
    },
  ),
  keywords('method', 'method', METHODS, DEFAULT_METHOD, {
    restarts: 'attribution',
    doc: 'Integration rule: `gausslegendre`, `trapezoid`, `riemann-left`, `riemann-right` or `riemann-middle`.',
  }),
  keywords('output', 'output', OUTPUTS, 'probability', {
    restarts: 'attribution',
    doc: "What is explained: the target's softmax `probability` or its `logit`.",
  }),
  option<
    'target',
    'auto' | number | string,
    'auto' | number | string,
    'target',
    string | number,
    'target'
  >({
    attribute: 'target',
    property: 'target',
    type: "'auto' | number | string",
    default: 'auto',
    restarts: 'attribution',
    doc: '`auto` (the top-1 class), a class index, or a label text.',
    fromAttribute: (v) =>
      v === null || v.trim().toLowerCase() === 'auto'
        ? 'auto'
        : /^\s*\d+\s*$/.test(v)
          ? Number(v)
          : v,
    check: (v) => {
      if (v === 'auto' || (typeof v === 'number' && Number.isInteger(v) && v >= 0)) return v;
      if (typeof v !== 'string' || !v.trim()) return;
      if (/^\s*\d+\s*$/.test(v)) return Number(v);
      if (!Number.isNaN(parseNumber(v))) return;
      return v.trim().toLowerCase() === 'auto' ? 'auto' : v.trim();
    },
    hint: 'use auto, a class index (0, 1, 2, …) or a class label',
    request: 'target',
  }),
  option<'batchSize', number | 'auto', number | 'auto', 'batchSize', number | string, 'batch-size'>(
    {
      attribute: 'batch-size',
      property: 'batchSize',
      type: "number | 'auto'",
      default: 'auto',
      restarts: 'attribution',
      doc: 'Path points per model call, or `auto`.',
      fromAttribute: (v) =>
        v === null || v.trim().toLowerCase() === 'auto' ? 'auto' : parseNumber(v),
      check: (v) => (v === 'auto' ? v : numberIn(1, MAX_BATCH, true)(v)),
      hint: `use auto or a whole number from 1 to ${MAX_BATCH}`,
      request: 'batchSize',
    },
  ),
  keywords('fit', 'fit', FITS, 'pad', {
    restarts: 'prediction',
    doc: "How the image is brought to the model's input size: `pad`, `crop` or `stretch`.",
  }),
  {
    ...keywords('input-range', 'inputRange', INPUT_RANGES, '0,1', {
      restarts: 'prediction',
      doc: 'Pixel scaling the model expects: `0,1`, `-1,1`, `0,255` or `imagenet` (mean/std normalised).',
    }),
    check: (v: unknown) => keyword(INPUT_RANGES)(typeof v === 'string' ? v.replace(/\s+/g, '') : v),
    hint: `use ${INPUT_RANGES.join(' or ')}`,
  },
  keywords('loading', 'loading', LOADINGS, 'lazy', {
    restarts: 'none',
    reflect: true,
    doc: '`lazy` (near the viewport), `eager` (at once) or `manual` (on `explain()` or a click).',
    request: false,
  }),
  keywords('backend', 'backend', BACKEND_CHOICES, 'auto', {
    restarts: 'model',
    doc: 'TF.js backend: `auto`, `webgl`, `wasm` or `cpu`.',
  }),
  numeric(
    'top-k',
    'topK',
    { min: 1, max: MAX_TOP_K, integer: true, fallback: DEFAULT_TOP_K },
    // The worker is always asked for the most; the element shows the first top-k.
    { restarts: 'view', doc: 'Number of predictions listed, 1 to 20.', request: false },
  ),
  numeric(
    'overlay-alpha',
    'overlayAlpha',
    { min: 0, max: 1, integer: false, fallback: DEFAULT_OVERLAY_ALPHA },
    { restarts: 'view', doc: 'Opacity of the attribution overlay, 0 to 1.', request: false },
  ),
  keywords('colormap', 'colormap', COLORMAPS, 'inferno', {
    restarts: 'view',
    reflect: true,
    doc: 'Colours of mask and overlay: `inferno`, `viridis`, `magma`, `gray`, or `diverging` (signed).',
    request: false,
  }),
  keywords('polarity', 'polarity', POLARITIES, 'absolute', {
    restarts: 'view',
    reflect: true,
    doc: "Which attributions the mask shows: `absolute` (sum of |attr|, the tutorial's), `positive` or `negative`.",
    request: false,
  }),
  numeric(
    'clip-percentile',
    'clipPercentile',
    { min: 50, max: 100, integer: false, fallback: DEFAULT_CLIP_PERCENTILE },
    {
      restarts: 'view',
      doc: 'Mask values above this percentile (50 to 100) are clipped.',
      request: false,
    },
  ),
  option<
    'modelOutput',
    string | number | null,
    string | number | null,
    'modelOutput',
    string | number,
    'model-output'
  >({
    attribute: 'model-output',
    property: 'modelOutput',
    type: 'string | number | null',
    default: null,
    restarts: 'prediction',
    doc: 'Which output of a model with several is explained: its name or index; the first `[N, classes]` output when absent.',
    fromAttribute: (v) => (v === null ? null : /^\s*\d+\s*$/.test(v) ? Number(v) : v.trim()),
    check: (v) =>
      v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0)
        ? v
        : typeof v === 'string' && v.trim()
          ? v.trim()
          : undefined,
    hint: "use an output's name (as in the model's signature) or its index (0, 1, …), or remove the attribute for the first [N, classes] output",
    request: 'modelOutput',
  }),
  option<'tolerance', number | null, number | null, 'tolerance', number | string, 'tolerance'>({
    attribute: 'tolerance',
    property: 'tolerance',
    type: 'number | null',
    default: null,
    restarts: 'attribution',
    doc: 'Relative completeness error, in (0, 1), at which a progressive run may stop early.',
    fromAttribute: (v) => (v === null ? null : parseNumber(v)),
    check: (v) => (v === null ? null : numberIn(0, 1, false, true)(v)),
    hint: 'use a number between 0 and 1 (exclusive), such as 0.05, or remove the attribute to run every step',
    request: 'tolerance',
  }),
  keywords('path', 'path', PATHS, DEFAULT_PATH, {
    restarts: 'attribution',
    doc: 'The path: `straight` (IG), `blur` (Blur IG) or `guided` (Guided IG).',
  }),
  numeric(
    'noise-samples',
    'noiseSamples',
    { min: 0, max: MAX_NOISE_SAMPLES, integer: true, fallback: DEFAULT_NOISE_SAMPLES },
    {
      restarts: 'attribution',
      doc: 'SmoothGrad: noisy copies of the image averaged, 0 to 256; 0 = off.',
    },
  ),
  numeric(
    'noise-level',
    'noiseLevel',
    { min: 0, max: 1, integer: false, fallback: DEFAULT_NOISE_LEVEL },
    {
      restarts: 'attribution',
      doc: "SmoothGrad's noise std, a fraction of the input's range, 0 to 1.",
    },
  ),
  option<'regions', boolean, boolean, 'regions', boolean, 'regions'>({
    attribute: 'regions',
    property: 'regions',
    type: 'boolean',
    default: false,
    restarts: 'attribution',
    boolean: true,
    doc: 'XRAI: the mask ranks image regions (`result.regionMap`).',
    fromAttribute: (v) => v !== null,
    check: (v) => Boolean(v),
    hint: 'use the attribute without a value, or remove it',
    request: 'regions',
  }),
  option<'view', string, IgView[], false, string, 'view'>({
    attribute: 'view',
    property: 'view',
    type: 'string',
    default: DEFAULT_VIEW,
    restarts: 'view',
    doc: 'Panels shown: `image`, `mask`, `overlay`, `masked`, `alpha`, `path`.',
    fromAttribute: (v) => v ?? DEFAULT_VIEW,
    check: (v) => {
      const panels = words(v).map(keyword(VIEWS));
      return panels.length && panels.every(Boolean) ? [...new Set(panels as IgView[])] : undefined;
    },
    hint: `use one or more of ${VIEWS.join(', ')}, separated by spaces (default ${DEFAULT_VIEW})`,
    request: false,
  }),
  numeric(
    'mask-top',
    'maskTop',
    { min: 0, max: 1, integer: false, fallback: 0.2 },
    {
      restarts: 'view',
      doc: 'Fraction of the attribution the `masked` view shows, 0 to 1.',
      request: false,
    },
  ),
  option<'controls', boolean, boolean, false, boolean, 'controls'>({
    attribute: 'controls',
    property: 'controls',
    type: 'boolean',
    default: false,
    restarts: 'view',
    reflect: true,
    boolean: true,
    doc: 'Shows controls for baseline, steps and target.',
    fromAttribute: (v) => v !== null,
    check: (v) => Boolean(v),
    hint: 'use the attribute without a value, or remove it',
    request: false,
  }),
] as const;

type Entry = (typeof OPTIONS)[number];
type ValueOf<E> = E extends OptionSpec<string, infer V> ? V : never;
type CheckedOf<E> = E extends OptionSpec<string, unknown, infer C> ? C : never;
type JsxOf<E> =
  E extends OptionSpec<string, unknown, unknown, string | false, infer J, string> ? J : never;

/** The element's option properties, as users set them. */
export type OptionValues = { -readonly [E in Entry as E['property']]: ValueOf<E> };
/** Every option checked (URLs absolute, `model-url` split into its list). */
export type CheckedOptions = { [E in Entry as E['property']]: CheckedOf<E> };
/** The worker request's option fields: each option whose `request` names a field. */
export type RequestOptions = {
  [E in Entry as E['request'] extends string ? E['request'] : never]: CheckedOf<E>;
};
/** The attributes as JSX templates write them (kebab-case, as in HTML). */
export type OptionJsxAttributes = { [E in Entry as E['attribute']]?: JsxOf<E> };
