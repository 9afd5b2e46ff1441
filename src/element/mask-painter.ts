// Draws the attribution mask into the element's mask and overlay canvases, and the masked and
// alpha views' covers: each image is computed once per result and view settings, and a canvas is
// redrawn only when its image changes. With `regions` the mask shows the XRAI region map.
import type { IgPartialAttributions, IgResult } from '../shared/types.js';
import type { ExplainerConfig } from './attributes.js';
import type * as ResultView from './result-view.js';

type Attributions = Pick<IgResult | IgPartialAttributions, 'attributions' | 'shape'> &
  Pick<Partial<IgResult>, 'regionMap'>;

interface Images {
  key: string;
  result: Attributions;
  mask: ImageData;
  masked: ImageData | null;
  alpha: ImageData | null;
  /** The path view's accumulated mask, per snapshot shown so far. */
  path: Map<Float32Array, ImageData>;
}

export class MaskPainter {
  /** The image each canvas shows. */
  #drawn = new WeakMap<HTMLCanvasElement, ImageData>();
  #images: Images | null = null;

  paint(
    root: ParentNode,
    config: ExplainerConfig | null,
    result: Attributions | null,
    view: typeof ResultView | null,
  ): void {
    if (!config || !result) return;
    const key = [
      config.polarity,
      config.clipPercentile,
      config.colormap,
      config.maskTop,
      config.regions,
      config.view,
    ].join('|');
    if (this.#images?.key !== key || this.#images.result !== result) {
      if (!view) return;
      this.#images = { key, result, path: new Map(), ...draw(view, config, result) };
    }
    const images = this.#images;
    const pathImage = () => {
      const snapshot = view && 'path' in result ? view.pathSnapshot(result as IgResult) : null;
      if (!view || !snapshot) return null;
      const { attributions } = snapshot;
      if (!images.path.has(attributions)) {
        images.path.set(
          attributions,
          view.renderMask(attributions, result.shape, config, result.attributions),
        );
      }
      return images.path.get(attributions)!;
    };
    for (const canvas of root.querySelectorAll<HTMLCanvasElement>('canvas[part]')) {
      const part = canvas.getAttribute('part');
      const image =
        part === 'mask' || part === 'overlay'
          ? images.mask
          : part === 'masked' || part === 'alpha'
            ? images[part]
            : part === 'path-mask'
              ? pathImage()
              : null;
      if (!image || this.#drawn.get(canvas) === image) continue;
      canvas.getContext('2d')?.putImageData(image, 0, 0);
      this.#drawn.set(canvas, image);
    }
  }
}

function draw(view: typeof ResultView, config: ExplainerConfig, result: Attributions) {
  const [h, w] = result.shape;
  const regions = config.regions && result.regionMap?.length === h * w ? result.regionMap : null;
  const map = regions ?? view.attributionMap(result.attributions, result.shape, config.polarity);
  return {
    mask: regions
      ? view.regionMask(regions, w, h, config.colormap)
      : view.renderMask(result.attributions, result.shape, config),
    masked: config.view.includes('masked') ? view.maskedCover(map, w, h, config.maskTop) : null,
    alpha: config.view.includes('alpha') ? view.alphaCover(map, w, h, config.clipPercentile) : null,
  };
}
