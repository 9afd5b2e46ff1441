// The pixel maps of the masked and alpha views, and of the mask with `regions`. Typed arrays only.
import type { IgColormap, IgPartialAttributions, IgResult } from '../shared/types.js';
import type { ExplainerConfig } from './attributes.js';
import { attributionMap, colorizeMap, normalizeMap, renderMaskSteps } from './mask.js';

/** What the mask is drawn from: a result or a coarse map (and XRAI's region map, if any). */
export type MaskSource = Pick<IgResult | IgPartialAttributions, 'attributions' | 'shape'> &
  Pick<Partial<IgResult>, 'regionMap'>;

/** How dark the masked view's dimmed pixels are (alpha of the black cover, 0..255). */
export const DIM_ALPHA = 200;

/**
 * The pixels that the `masked` view shows: the top `fraction` of pixels ranked by their value in
 * `map`, as PAIR saliency's top-k% masks (`map >= percentile(map, 100 - k)`), with the count made
 * exact: `round(fraction * pixels)` pixels, ties taken in raster order. `map` is the mask's
 * per-pixel attribution (or the XRAI region map with `regions`).
 */
export function topFraction(map: Float32Array, fraction: number): Uint8Array {
  const keep = Math.round(Math.min(Math.max(fraction, 0), 1) * map.length);
  const order = Array.from(map.keys()).sort((a, b) => map[b] - map[a] || a - b);
  const shown = new Uint8Array(map.length);
  for (let i = 0; i < keep; i++) shown[order[i]] = 1;
  return shown;
}

/** The masked view's cover: transparent over the shown pixels, dark over the rest. */
export function maskedCover(map: Float32Array, width: number, height: number, fraction: number) {
  const shown = topFraction(map, fraction);
  const image = new ImageData(width, height);
  for (let p = 0; p < shown.length; p++) image.data[p * 4 + 3] = shown[p] ? 0 : DIM_ALPHA;
  return image;
}

/**
 * The alpha view's cover: black with opacity 1 - t, where t is the mask's normalised attribution
 * (0..1, clipped at `clip-percentile`): the image shows through as much as it is attributed.
 */
export function alphaCover(map: Float32Array, width: number, height: number, clip: number) {
  const normalized = normalizeMap(map, clip);
  const image = new ImageData(width, height);
  for (let p = 0; p < normalized.length; p++) {
    image.data[p * 4 + 3] = Math.round(255 * (1 - Math.abs(normalized[p])));
  }
  return image;
}

/** The mask with `regions`: each pixel coloured by its XRAI region's rank score. */
export function regionMask(
  regionMap: Float32Array,
  width: number,
  height: number,
  colormap: IgColormap,
) {
  const positive = regionMap.map((v) => Math.max(v, 0));
  return colorizeMap(normalizeMap(positive, 100), width, height, colormap, false);
}

/**
 * The images the element draws of `result` with `config`: the mask (the region map with
 * `regions`), and the masked and alpha views' covers when those views are shown. A generator:
 * it yields between its steps (renderMaskSteps, then each cover), where the caller may end the
 * task; `finished(maskImageSteps(...))` computes them at once.
 */
export function* maskImageSteps(
  config: ExplainerConfig,
  result: MaskSource,
): Generator<void, MaskImages> {
  const [h, w] = result.shape;
  const regions = config.regions && result.regionMap?.length === h * w ? result.regionMap : null;
  const mask = regions
    ? regionMask(regions, w, h, config.colormap)
    : yield* renderMaskSteps(result.attributions, result.shape, config);
  // The per-pixel map of the masked and alpha views, only when one of them is shown.
  const masked = config.view.includes('masked');
  const alpha = config.view.includes('alpha');
  if (!masked && !alpha) return { mask, masked: null, alpha: null };
  yield;
  const map = regions ?? attributionMap(result.attributions, result.shape, config.polarity);
  const maskedImage = masked ? maskedCover(map, w, h, config.maskTop) : null;
  if (masked && alpha) yield;
  return {
    mask,
    masked: maskedImage,
    alpha: alpha ? alphaCover(map, w, h, config.clipPercentile) : null,
  };
}

/** What maskImageSteps makes. */
export interface MaskImages {
  mask: ImageData;
  masked: ImageData | null;
  alpha: ImageData | null;
}
