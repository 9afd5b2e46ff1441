// Inline styles set through the CSSOM (element.style), never through the style attribute: a page
// whose CSP has no 'unsafe-inline' for styles (style-src-attr) blocks style attributes, and Lit's
// styleMap writes the attribute on its first render. Usage: <div ${cssomStyle({ opacity: '0.4' })}>
// with kebab-case property names.
import { noChange, type ElementPart } from 'lit';
import { Directive, directive, PartType, type PartInfo } from 'lit/directive.js';

export type CssomStyles = Readonly<Record<string, string>>;

class CssomStyleDirective extends Directive {
  #names = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) {
      throw new Error('cssomStyle() goes in an element position: <div ${cssomStyle({...})}>.');
    }
  }

  render(_styles: CssomStyles): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [styles]: [CssomStyles]): typeof noChange {
    const { style } = part.element as HTMLElement;
    for (const name of this.#names) if (!(name in styles)) style.removeProperty(name);
    for (const [name, value] of Object.entries(styles)) style.setProperty(name, value);
    this.#names = new Set(Object.keys(styles));
    return noChange;
  }
}

export const cssomStyle = directive(CssomStyleDirective);
