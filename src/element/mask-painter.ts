// Draws the attribution mask into the element's mask and overlay canvases, and the masked and
// alpha views' covers: each image is computed once per result and view settings, and a canvas is
// redrawn only when its image changes. With `regions` the mask shows the XRAI region map.
import type { IgResult } from '../shared/types.js';
import type { ExplainerConfig } from './attributes.js';
import type * as ResultView from './result-view.js';
import type { MaskSource as Attributions, MaskImages } from './view-maps.js';

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
  /** The latest paint whose images are to be computed, the computation under way, its promise. */
  #next: PaintArgs | null = null;
  #computing: { args: PaintArgs; key: string; steps: Generator<void, MaskImages> } | null = null;
  #scheduled: Promise<void> | null = null;

  /** Resolves once every paint asked for so far is on the canvases (null: none is pending). */
  get settled(): Promise<void> | null {
    return this.#scheduled;
  }

  /**
   * Draws `result` into the canvases under `root`. New images (a new map or new view settings)
   * are computed after the render that asked for them, in tasks of their own, one step of
   * maskImageSteps each (the per-pixel map, the clip scale, the colours, each cover): the result
   * view's render and the mask's computation were one task of up to 26 ms of CPU on the page's
   * thread, and the first coarse map's computation alone, cold code, one of 13 ms of CPU that
   * took 60-72 ms beside two busy workers on 2 cores. A paint asked for meanwhile replaces the
   * one under way.
   */
  paint(...args: PaintArgs): void {
    const [, config, result] = args;
    if (!config || !result) return;
    const key = keyOf(config);
    const computing = this.#computing;
    if (computing?.key === key && computing.args[2] === result) {
      // The images under way are these (a render for progress, say): go on with them.
      computing.args = args;
      this.#next = null;
      return;
    }
    if (!this.#next && !computing && this.#images?.key === key && this.#images.result === result) {
      this.#paintNow(...args);
      return;
    }
    this.#next = args;
    this.#scheduled ??= new Promise<void>((resolve) => {
      const step = () => {
        const next = this.#next;
        if (next) {
          const [, config, result, view] = next;
          this.#next = null;
          this.#computing = view && {
            args: next,
            key: keyOf(config!),
            steps: view.maskImageSteps(config!, result!),
          };
        }
        const current = this.#computing;
        const done = current?.steps.next();
        if (current && done?.done) {
          this.#images = {
            key: current.key,
            result: current.args[2]!,
            path: new Map(),
            ...done.value,
          };
          this.#computing = null;
          this.#paintNow(...current.args);
        }
        if (this.#computing || this.#next) {
          setTimeout(step);
          return;
        }
        this.#scheduled = null;
        resolve();
      };
      setTimeout(step);
    });
  }

  #paintNow(...[root, config, result, view]: PaintArgs): void {
    // Called with the images of this config and result: those just computed, or current.
    const images = this.#images;
    if (!config || !result || !view || !images) return;
    const pathImage = () => {
      const snapshot = 'path' in result ? view.pathSnapshot(result as IgResult) : null;
      if (!snapshot) return null;
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
