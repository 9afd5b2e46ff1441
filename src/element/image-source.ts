// Which image the element explains: `src` when set, else the slotted <img> (by its currentSrc,
// so that srcset picks apply). Tracks the slot and asks the host to update when it changes.
import type { ReactiveControllerHost } from 'lit';
import type { ExplainerConfig } from './attributes.js';
import type { RunInputs } from './explain-task.js';

export class ImageSource {
  #slotted: HTMLImageElement | null = null;

  constructor(private readonly host: ReactiveControllerHost) {}

  /** The slotted image's `alt`, or '' when there is none. */
  get slottedAlt(): string {
    return this.#slotted?.alt ?? '';
  }

  /** The slot's `slotchange` listener. */
  readonly onSlotChange = (event: Event): void => {
    const slot = event.target as HTMLSlotElement;
    const img = slot.assignedElements({ flatten: true }).find((e) => e instanceof HTMLImageElement);
    this.#slotted = (img as HTMLImageElement | undefined) ?? null;
    this.host.requestUpdate();
  };

  /** The run's inputs, or null while there is no image to explain. */
  inputs(config: ExplainerConfig): RunInputs | null {
    if (config.src) return { config, image: config.src };
    const img = this.#slotted;
    return img && (img.currentSrc || img.src) ? { config, image: img } : null;
  }

  /** The URL of the image explained, or null (no valid config, or no image). */
  url(config: ExplainerConfig | null): string | null {
    const image = config && this.inputs(config)?.image;
    if (typeof image === 'string') return image;
    return image ? image.currentSrc || image.src : null;
  }
}
