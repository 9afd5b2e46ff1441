// The options table's entries that change the model: which one is loaded, and where it runs.
import { DEFAULT_MODEL_URL } from './defaults.js';
import { BACKEND_CHOICES } from './keywords.js';
import { keywords } from './option-kinds.js';
import { absoluteUrl, option } from './option-rules.js';

export const MODEL_OPTIONS = [
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
  keywords('backend', 'backend', BACKEND_CHOICES, 'auto', {
    restarts: 'model',
    doc: 'TF.js backend: `auto`, `webgl`, `wasm` or `cpu`.',
  }),
] as const;
