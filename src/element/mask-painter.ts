// Draws the attribution mask into the element's mask and overlay canvases, and the masked and
// alpha views' covers: each image is computed once per result and view settings, and a canvas is
// redrawn only when its image changes. With `regions` the mask shows the XRAI region map.
import type { IgResult } from '../shared/types.js';
import type { ExplainerConfig } from './attributes.js';
import type * as ResultView from './result-view.js';
import type { MaskSource as Attributions } from './view-maps.js';

interface Images {
  key: string;
  result: Attributions;
  mask: ImageData;
  masked: ImageData | null;
  alpha: ImageData | null;
  /** The path view's accumulated mask, per snapshot shown so far. */
  path: Map<Float32Array, ImageData>;
}

type PaintArgs = [
  root: ParentNode,
  config: ExplainerConfig | null,
  result: Attributions | null,
  view: typeof ResultView | null,
];

export class MaskPainter {
  /** The image each canvas shows. */
  #drawn = new WeakMap<HTMLCanvasElement, ImageData>();
  #images: Images | null = null;
  /** The latest paint whose images are computed in a task of their own, and its promise. */
  #next: PaintArgs | null = null;
  #scheduled: Promise<void> | null = null;

  /** Resolves once every paint asked for so far is on the canvases (null: none is pending). */
  get settled(): Promise<void> | null {
    return this.#scheduled;
  }

  /**
   * Draws `result` into the canvases under `root`. New images (a new map or new view settings)
   * are computed in a task of their own, after the render that asked for them: the result
   * view's render and the mask's computation were one task of up to 26 ms of CPU on the page's
   * thread, twice as long in wall time beside two busy workers on 2 cores.
   */
  paint(...args: PaintArgs): void {
    const [, config, result] = args;
    if (!config || !result) return;
    if (!this.#next && this.#images?.key === keyOf(config) && this.#images.result === result) {
      this.#paintNow(...args);
      return;
    }
    this.#next = args;
    this.#scheduled ??= new Promise<void>((resolve) =>
      setTimeout(() => {
        const next = this.#next!;
        this.#next = this.#scheduled = null;
        this.#paintNow(...next);
        resolve();
      }),
    );
  }

  #paintNow(...[root, config, result, view]: PaintArgs): void {
    if (!config || !result) return;
    const key = keyOf(config);
    if (this.#images?.key !== key || this.#images.result !== result) {
      if (!view) return;
      this.#images = { key, result, path: new Map(), ...view.maskImages(config, result) };
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
