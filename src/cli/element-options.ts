// The element's options for the command-line tool: names, defaults and checks come from the
// element (src/element/attributes.ts today). This file is the one adapter to point at the options
// table of src/shared when it lands; nothing else in the tool knows an option's name.
import {
  INPUT_ATTRIBUTES,
  validateAttributes,
  type AttributeValues,
} from '../element/attributes.js';
import {
  DEFAULT_CLIP_PERCENTILE,
  DEFAULT_METHOD,
  DEFAULT_MODEL_URL,
  DEFAULT_OVERLAY_ALPHA,
  DEFAULT_STEPS,
  DEFAULT_TOP_K,
} from '../shared/defaults.js';

/** The element's property defaults (its property initialisers, until the shared table). */
const ELEMENT_DEFAULTS: AttributeValues = {
  src: null,
  modelUrl: DEFAULT_MODEL_URL,
  labelsUrl: null,
  baseline: 'black',
  seed: 0,
  steps: DEFAULT_STEPS,
  method: DEFAULT_METHOD,
  output: 'probability',
  target: 'auto',
  batchSize: 'auto',
  fit: 'pad',
  inputRange: '0,1',
  loading: 'lazy',
  backend: 'auto',
  topK: DEFAULT_TOP_K,
  overlayAlpha: DEFAULT_OVERLAY_ALPHA,
  colormap: 'inferno',
  polarity: 'absolute',
  clipPercentile: DEFAULT_CLIP_PERCENTILE,
  tolerance: null,
};

/** Paths and URLs are the tool's own flags (--model, --labels-url); the backend is WASM. */
const TOOL_OWNED = new Set(['src', 'model-url', 'labels-url', 'backend']);

/** The element attributes the tool takes as `--name value`: those that change a result. */
export const OPTION_FLAGS: readonly string[] = [...INPUT_ATTRIBUTES, 'top-k'].filter(
  (name) => !TOOL_OWNED.has(name),
);

function propertyOf(attribute: string): keyof AttributeValues {
  return attribute.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) as keyof AttributeValues;
}

export type CheckedOptions = Omit<AttributeValues, 'src' | 'modelUrl' | 'labelsUrl'>;

/**
 * The flags' text checked by the element's own validator, with the element's defaults for the
 * rest: the options, or the element's messages (`steps="0" is not valid: …`).
 */
export function checkOptions(flags: Readonly<Record<string, string>>): {
  options: CheckedOptions | null;
  problems: string[];
} {
  const values: Record<string, unknown> = { ...ELEMENT_DEFAULTS };
  for (const [name, text] of Object.entries(flags)) values[propertyOf(name)] = text;
  // The validator resolves URLs against the page (document.baseURI); the tool's own URLs are
  // not among the values it checks here, so a stand-in base serves for the call.
  const scope = globalThis as { document?: unknown };
  const hadDocument = 'document' in scope;
  if (!hadDocument) scope.document = { baseURI: 'https://ig-explainer.invalid/' };
  try {
    const { config, problems } = validateAttributes(values as unknown as AttributeValues, (name) =>
      name in flags ? flags[name] : null,
    );
    if (!config) return { options: null, problems: problems.map((p) => p.message) };
    const { src: _s, modelUrls: _m, labelsUrl: _l, ...options } = config;
    return { options, problems: [] };
  } finally {
    if (!hadDocument) delete scope.document;
  }
}
