import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';

/**
 * Explains an image classifier's prediction with Integrated Gradients.
 * (Placeholder until the element issue lands.)
 */
export class IgExplainer extends LitElement {
  /** The image to explain. */
  @property() src: string | null = null;

  override render() {
    return html`<img part="image" alt="" src=${this.src ?? ''} />`;
  }
}
