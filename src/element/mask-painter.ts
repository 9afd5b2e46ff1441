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

type PaintArgs = Parameters<MaskPainter['paint']>;

export class MaskPainter {
  /** The image each canvas shows. */
  #drawn = new WeakMap<HTMLCanvasElement, ImageData>();
  #images: Images | null = null;
  /** The latest paint whose images are computed in a task of their own, and its promise. */
  #next: PaintArgs | null = null;
  #scheduled: Promise<void> | null = null;

  /** Resolves once every paint asked for so far is on the canvases. */
  get settled(): Promise<void> {
    return this.#scheduled ?? Promise.resolve();
  }

  /**
   * Draws `result` into the canvases under `root`. New images (a new map or new view settings)
   * are computed in a task of their own, after the render that asked for them: the result
   * view's render and the mask's computation were one task of up to 26 ms of CPU on the page's
   * thread, twice as long in wall time beside two busy workers on 2 cores.
   */
  paint(
    root: ParentNode,
    config: ExplainerConfig | null,
    result: Attributions | null,
    view: typeof ResultView | null,
  ): void {
    if (!config || !result) return;
    if (this.#images?.key === keyOf(config) && this.#images.result === result && !this.#next) {
      this.#paintNow(root, config, result, view);
      return;
    }
    this.#next = [root, config, result, view];
    this.#scheduled ??= new Promise<void>((resolve) =>
      setTimeout(() => {
        const next = this.#next;
        this.#next = null;
        this.#scheduled = null;
        if (next) this.#paintNow(...next);
        resolve();
      }),
    );
  }

  #paintNow(
    root: ParentNode,
    config: ExplainerConfig | null,
    result: Attributions | null,
    view: typeof ResultView | null,
  ): void {
    if (!config || !result) return;
    const key = keyOf(config);
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

/** The view settings the images depend on. */
function keyOf(config: ExplainerConfig): string {
  return [
    config.polarity,
    config.clipPercentile,
    config.colormap,
    config.maskTop,
    config.regions,
    config.view,
  ].join('|');
}

function draw(view: typeof ResultView, config: ExplainerConfig, result: Attributions) {
  const [h, w] = result.shape;
  const regions = config.regions && result.regionMap?.length === h * w ? result.regionMap : null;
  // The per-pixel map of the masked and alpha views, only when one of them is shown.
  const covers = config.view.includes('masked') || config.view.includes('alpha');
  const map = covers
    ? (regions ?? view.attributionMap(result.attributions, result.shape, config.polarity))
    : null;
  return {
    mask: regions
      ? view.regionMask(regions, w, h, config.colormap)
      : view.renderMask(result.attributions, result.shape, config),
    masked:
      map && config.view.includes('masked') ? view.maskedCover(map, w, h, config.maskTop) : null,
    alpha:
      map && config.view.includes('alpha')
        ? view.alphaCover(map, w, h, config.clipPercentile)
        : null,
  };
}
