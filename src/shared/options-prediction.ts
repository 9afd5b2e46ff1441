// The options table's entries that change the prediction: the image, the labels, how the image
// becomes the model's input, and which output is read.
import { FITS, INPUT_RANGES } from './keywords.js';
import { keywords, nullableText, url } from './option-kinds.js';
import { absoluteUrl, keyword, option } from './option-rules.js';

export const PREDICTION_OPTIONS = [
  // The image travels decoded (ExplainRequest.image), not as this URL.
  url('src', 'src', {
    restarts: 'prediction',
    doc: 'The image to explain (a URL); a slotted `<img>` is used when absent.',
    hint: 'use the URL of an image (http, https, data or blob), or remove it and put an <img> inside the element',
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
] as const;
