// The pixel maps of the masked and alpha views, and of the mask with `regions`. Typed arrays only.
import type { IgColormap } from '../shared/types.js';
import { colorizeMap, normalizeMap } from './mask.js';

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
