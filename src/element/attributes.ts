// The attributes of shared/API.md: converters (attribute <-> property) and one validator that turns
// the element's properties into a checked configuration or a list of readable problems.
// Nothing is guessed: a value is accepted as written (keywords case-insensitively) or reported.
import type { ComplexAttributeConverter } from 'lit';
import {
  DEFAULT_CLIP_PERCENTILE,
  DEFAULT_OVERLAY_ALPHA,
  DEFAULT_STEPS,
  DEFAULT_TOP_K,
  MAX_STEPS,
  MAX_TOP_K,
} from '../shared/defaults.js';
import type {
  IgBackendChoice,
  IgColormap,
  IgFit,
  IgInputRange,
  IgLoading,
  IgMethod,
  IgOutput,
  IgPolarity,
} from '../shared/types.js';

/** The element's properties as users set them (attributes arrive through the converters below). */
export interface AttributeValues {
  src: string | null;
  modelUrl: string;
  labelsUrl: string | null;
  baseline: string;
  seed: number;
  steps: number;
  method: IgMethod;
  output: IgOutput;
  target: 'auto' | number | string;
  batchSize: number | 'auto';
  fit: IgFit;
  inputRange: IgInputRange;
  loading: IgLoading;
  backend: IgBackendChoice;
  topK: number;
  overlayAlpha: number;
  colormap: IgColormap;
  polarity: IgPolarity;
  clipPercentile: number;
  tolerance: number | null;
}

/** Every value checked; URLs made absolute against the page (the worker has another base URL). */
export interface ExplainerConfig extends Omit<AttributeValues, 'src' | 'modelUrl'> {
  src: string | null;
  modelUrls: string[];
}

export interface AttributeProblem {
  attribute: string;
  message: string;
}

export interface Validation {
  config: ExplainerConfig | null;
  problems: AttributeProblem[];
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** Decimal notation only ("0x10", "", "1,5" are not numbers here); anything else is NaN. */
export function parseNumber(text: string): number {
  return NUMBER.test(text) ? Number(text) : NaN;
}

/** Converters: a removed attribute restores the default; numbers keep NaN for bad text. */
export function numberAttribute(fallback: number): ComplexAttributeConverter<number> {
  return { fromAttribute: (v) => (v === null ? fallback : parseNumber(v)) };
}
export function stringAttribute(fallback: string): ComplexAttributeConverter<string> {
  return { fromAttribute: (v) => v ?? fallback };
}
export const optionalNumberAttribute: ComplexAttributeConverter<number | null> = {
  fromAttribute: (v) => (v === null ? null : parseNumber(v)),
};
export const batchSizeAttribute: ComplexAttributeConverter<number | 'auto'> = {
  fromAttribute: (v) => (v === null || v.trim().toLowerCase() === 'auto' ? 'auto' : parseNumber(v)),
};
export const targetAttribute: ComplexAttributeConverter<'auto' | number | string> = {
  fromAttribute: (v) =>
    v === null || v.trim().toLowerCase() === 'auto'
      ? 'auto'
      : /^\s*\d+\s*$/.test(v)
        ? Number(v)
        : v,
};

const URL_PROTOCOLS = new Set(['http:', 'https:', 'data:', 'blob:']);

function absoluteUrl(value: string): string | undefined {
  try {
    const url = new URL(value.trim(), document.baseURI);
    return URL_PROTOCOLS.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function keyword<T extends string>(words: readonly T[]) {
  return (v: unknown): T | undefined => {
    const word = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
    return words.find((w) => w === word);
  };
}

function numberIn(min: number, max: number, integer: boolean, open = false) {
  return (v: unknown): number | undefined => {
    const n = typeof v === 'string' ? parseNumber(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) return;
    return (open ? n > min && n < max : n >= min && n <= max) ? n : undefined;
  };
}

const BASELINES = ['black', 'white', 'random', 'blur'] as const;
const MAX_BATCH = MAX_STEPS + 1;

interface Spec {
  attribute: string;
  property: keyof AttributeValues;
  /** The checked value, or undefined when invalid. */
  parse(value: unknown): unknown;
  hint: string;
}

/** An attribute of keywords; the hint lists them ("use a, b or c"). */
function keywordSpec(attribute: string, property: keyof AttributeValues, words: string[]): Spec {
  const hint = `use ${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
  return { attribute, property, parse: keyword(words), hint };
}

const SPECS: Spec[] = [
  {
    attribute: 'src',
    property: 'src',
    parse: (v) =>
      v === null || (typeof v === 'string' && !v.trim())
        ? null
        : typeof v === 'string'
          ? absoluteUrl(v)
          : undefined,
    hint: 'use the URL of an image (http, https, data or blob), or remove it and put an <img> inside the element',
  },
  {
    attribute: 'model-url',
    property: 'modelUrl',
    parse: (v) => {
      const urls = typeof v === 'string' ? v.trim().split(/\s+/).filter(Boolean) : [];
      const resolved = urls.map(absoluteUrl);
      return urls.length && resolved.every(Boolean) ? resolved : undefined;
    },
    hint: 'use the URL of a TF.js model.json or of a TF Hub / Kaggle model (several, space-separated, are tried in order), or remove the attribute for the default Inception V1',
  },
  {
    attribute: 'labels-url',
    property: 'labelsUrl',
    parse: (v) =>
      v === null ? null : typeof v === 'string' && v.trim() ? absoluteUrl(v) : undefined,
    hint: 'use the URL of a JSON array of class names or of a text file with one name a line, or remove the attribute for the built-in ImageNet labels',
  },
  {
    attribute: 'baseline',
    property: 'baseline',
    parse: (v) => {
      if (typeof v !== 'string') return;
      const name = keyword(BASELINES)(v);
      return name ?? (/[/.:]/.test(v) ? absoluteUrl(v) : undefined);
    },
    hint: 'use black, white, random, blur or the URL of an image',
  },
  {
    attribute: 'seed',
    property: 'seed',
    parse: numberIn(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true),
    hint: 'use a whole number, such as 0',
  },
  {
    attribute: 'steps',
    property: 'steps',
    parse: numberIn(1, MAX_STEPS, true),
    hint: `use a whole number from 1 to ${MAX_STEPS} (default ${DEFAULT_STEPS})`,
  },
  keywordSpec('method', 'method', [
    'gausslegendre',
    'trapezoid',
    'adaptive',
    'riemann-left',
    'riemann-right',
    'riemann-middle',
  ]),
  keywordSpec('output', 'output', ['probability', 'logit']),
  {
    attribute: 'target',
    property: 'target',
    parse: (v) => {
      if (v === 'auto' || (typeof v === 'number' && Number.isInteger(v) && v >= 0)) return v;
      if (typeof v !== 'string' || !v.trim()) return;
      if (/^\s*\d+\s*$/.test(v)) return Number(v);
      if (NUMBER.test(v)) return;
      return v.trim().toLowerCase() === 'auto' ? 'auto' : v.trim();
    },
    hint: 'use auto, a class index (0, 1, 2, …) or a class label',
  },
  {
    attribute: 'batch-size',
    property: 'batchSize',
    parse: (v) => (v === 'auto' ? v : numberIn(1, MAX_BATCH, true)(v)),
    hint: `use auto or a whole number from 1 to ${MAX_BATCH}`,
  },
  keywordSpec('fit', 'fit', ['pad', 'crop', 'stretch']),
  {
    attribute: 'input-range',
    property: 'inputRange',
    parse: (v) =>
      keyword<IgInputRange>(['0,1', '-1,1', '0,255'])(
        typeof v === 'string' ? v.replace(/\s+/g, '') : v,
      ),
    hint: 'use 0,1 or -1,1 or 0,255',
  },
  keywordSpec('loading', 'loading', ['lazy', 'eager', 'manual']),
  keywordSpec('backend', 'backend', ['auto', 'webgl', 'wasm', 'cpu']),
  {
    attribute: 'top-k',
    property: 'topK',
    parse: numberIn(1, MAX_TOP_K, true),
    hint: `use a whole number from 1 to ${MAX_TOP_K} (default ${DEFAULT_TOP_K})`,
  },
  {
    attribute: 'overlay-alpha',
    property: 'overlayAlpha',
    parse: numberIn(0, 1, false),
    hint: `use a number from 0 to 1 (default ${DEFAULT_OVERLAY_ALPHA})`,
  },
  keywordSpec('colormap', 'colormap', ['inferno', 'viridis', 'magma', 'gray', 'diverging']),
  keywordSpec('polarity', 'polarity', ['absolute', 'positive', 'negative']),
  {
    attribute: 'clip-percentile',
    property: 'clipPercentile',
    parse: numberIn(50, 100, false),
    hint: `use a number from 50 to 100 (default ${DEFAULT_CLIP_PERCENTILE})`,
  },
  {
    attribute: 'tolerance',
    property: 'tolerance',
    parse: (v) => (v === null ? null : numberIn(0, 1, false, true)(v)),
    hint: 'use a number between 0 and 1 (exclusive), such as 0.05, or remove the attribute to run every step',
  },
];

/** The attributes whose change needs a new explanation; the others only change the view. */
export const INPUT_ATTRIBUTES = new Set([
  'src',
  'model-url',
  'labels-url',
  'baseline',
  'seed',
  'steps',
  'method',
  'output',
  'target',
  'batch-size',
  'fit',
  'input-range',
  'backend',
  'tolerance',
]);

/** Checks every attribute; `element.getAttribute` supplies the text users wrote, for the message. */
export function validateAttributes(
  values: AttributeValues,
  getAttribute: (name: string) => string | null,
): Validation {
  const problems: AttributeProblem[] = [];
  const parsed: Record<string, unknown> = {};
  for (const spec of SPECS) {
    const value = values[spec.property];
    const checked = spec.parse(value);
    if (checked === undefined) {
      const written = getAttribute(spec.attribute) ?? String(value);
      problems.push({
        attribute: spec.attribute,
        message: `${spec.attribute}="${written}" is not valid: ${spec.hint}.`,
      });
    }
    parsed[spec.property] = checked;
  }
  if (problems.length) return { config: null, problems };
  const { modelUrl, ...rest } = parsed;
  return {
    config: { ...(rest as Omit<ExplainerConfig, 'modelUrls'>), modelUrls: modelUrl as string[] },
    problems,
  };
}
