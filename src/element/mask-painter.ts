// Draws the attribution mask into the element's mask and overlay canvases: the mask image is
// computed once per result and view settings, and a canvas is redrawn only when it changes.
import type { IgPartialAttributions, IgResult } from '../shared/types.js';
import type { ExplainerConfig } from './attributes.js';
import type * as ResultView from './result-view.js';

type Attributions = Pick<IgResult | IgPartialAttributions, 'attributions' | 'shape'>;

export class MaskPainter {
  /** The mask image each canvas shows. */
  #drawn = new WeakMap<HTMLCanvasElement, ImageData>();
  #mask: { key: string; result: Attributions; image: ImageData } | null = null;

  paint(
    root: ParentNode,
    config: ExplainerConfig | null,
    result: Attributions | null,
    view: typeof ResultView | null,
  ): void {
    if (!config || !result) return;
    const key = [config.polarity, config.clipPercentile, config.colormap].join('|');
    if (this.#mask?.key !== key || this.#mask.result !== result) {
      if (!view) return;
      const image = view.renderMask(result.attributions, result.shape, config);
      this.#mask = { key, result, image };
    }
    const image = this.#mask.image;
    for (const canvas of root.querySelectorAll<HTMLCanvasElement>(
      'canvas[part="mask"], canvas[part="overlay"]',
    )) {
      if (this.#drawn.get(canvas) === image) continue;
      canvas.getContext('2d')?.putImageData(image, 0, 0);
      this.#drawn.set(canvas, image);
    }
  }
}
