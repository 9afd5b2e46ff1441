import { expect, fixture, html } from '@open-wc/testing';
import '../../dist/ig-explainer.js';

describe('the built bundle', () => {
  it('registers <ig-explainer> with its image part', async () => {
    const el = await fixture<HTMLElement>(html`<ig-explainer src="x.png"></ig-explainer>`);
    expect(customElements.get('ig-explainer')).to.equal(el.constructor);
    expect(el.shadowRoot!.querySelector('[part~="image"]')).to.exist;
  });
});
