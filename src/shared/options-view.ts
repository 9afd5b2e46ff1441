// The options table's entries that change only what is shown (and `loading`, which decides when
// a run starts, not what it computes).
import {
  DEFAULT_CLIP_PERCENTILE,
  DEFAULT_OVERLAY_ALPHA,
  DEFAULT_TOP_K,
  MAX_TOP_K,
} from './defaults.js';
import { COLORMAPS, LOADINGS, POLARITIES, VIEWS, type IgView } from './keywords.js';
import { flag, keywords, nullableText, numeric, url, words } from './option-kinds.js';
import { keyword, option } from './option-rules.js';

const DEFAULT_VIEW = 'image mask overlay';

/**
 * Whether a run for these panels asks for `result.pathTrace`: only the `path` view shows it. A
 * change of `view` starts no run; the path view of a result without a trace says so and offers one.
 */
export const wantsPathTrace = (view: readonly IgView[]): boolean => view.includes('path');

export const VIEW_OPTIONS = [
  url('result-src', 'resultSrc', {
    restarts: 'view',
    doc: 'URL of a saved explanation (`exportResult()`, `npx ig-explainer explain`): shown without loading TensorFlow.js or the model; a live run starts only on `explain()`, the Recompute button or `loading="eager"`.',
    hint: 'use the URL of a saved explanation (http, https, data or blob), or remove it',
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
  keywords('loading', 'loading', LOADINGS, 'lazy', {
    restarts: 'none',
    reflect: true,
    doc: '`lazy` (near the viewport), `eager` (at once) or `manual` (on `explain()` or a click).',
    request: false,
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
  flag('controls', 'controls', {
    restarts: 'view',
    reflect: true,
    doc: 'Shows controls for baseline, steps and target.',
    request: false,
  }),
] as const;
