// The options table's entries that change the attribution: the path, its baseline, the rule that
// integrates along it, the class explained, SmoothGrad and XRAI.
import {
  DEFAULT_METHOD,
  DEFAULT_NOISE_LEVEL,
  DEFAULT_NOISE_SAMPLES,
  DEFAULT_PATH,
  DEFAULT_STEPS,
  MAX_NOISE_SAMPLES,
  MAX_STEPS,
} from './defaults.js';
import { BASELINES, METHODS, OUTPUTS } from './keywords.js';
import { flag, keywords, numeric, words } from './option-kinds.js';
import { absoluteUrl, keyword, numberIn, option, parseNumber } from './option-rules.js';
import { PATHS } from './paths.js';

const MAX_BATCH = MAX_STEPS + 1;

/** Each of `baseline`'s space-separated items: a named kind, or an image URL made absolute. */
function baselineItem(item: string, base: string): string | undefined {
  return keyword(BASELINES)(item) ?? (/[/.:]/.test(item) ? absoluteUrl(item, base) : undefined);
}

export const ATTRIBUTION_OPTIONS = [
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
  flag('regions', 'regions', {
    restarts: 'attribution',
    doc: 'XRAI: the mask ranks image regions (`result.regionMap`).',
  }),
] as const;
