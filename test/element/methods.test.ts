// Each method attribute runs to done through the element on the tiny fixture model, and the
// result says what ran.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/index.js';
import type { IgExplainer } from '../../src/index.js';
import { TINY_LABELS, TINY_MODEL, testImage, waitForStatus } from './helpers.js';

const IMAGE = testImage(1);

async function run(attributes: Record<string, string>): Promise<IgExplainer> {
  const el = await fixture<IgExplainer>(
    html`<ig-explainer
      loading="manual"
      src=${IMAGE}
      model-url=${TINY_MODEL}
      labels-url=${TINY_LABELS}
      steps="4"
    ></ig-explainer>`,
  );
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  await el.updateComplete;
  await el.explain();
  await waitForStatus(el, ['done']);
  return el;
}

describe('<ig-explainer> methods', () => {
  it('path="guided" runs to done', async () => {
    const el = await run({ path: 'guided' });
    expect(el.status).to.equal('done');
    expect(el.result!.attributions.length).to.equal(el.result!.shape.reduce((a, b) => a * b));
    expect(Number.isFinite(el.result!.sum)).to.equal(true);
  });

  it('baseline="black white" runs to done and the result names both', async () => {
    const el = await run({ baseline: 'black white' });
    expect(el.result!.baseline).to.equal('black white');
    // The mean of the two baselines' scores: different from black's alone.
    const black = await run({});
    expect(black.result!.baseline).to.equal('black');
    expect(el.result!.scoreBaseline).to.not.be.closeTo(black.result!.scoreBaseline, 1e-9);
  });

  it('baseline with an image URL and a kind decodes the URL and names it absolute', async () => {
    const url = testImage(3);
    const el = await run({ baseline: `white ${url}` });
    expect(el.result!.baseline).to.equal(`white ${new URL(url, document.baseURI).href}`);
  });

  it('noise-samples="2" runs to done, repeatable with one seed', async () => {
    const a = await run({ 'noise-samples': '2', seed: '1' });
    const b = await run({ 'noise-samples': '2', seed: '1' });
    const plain = await run({});
    expect(Array.from(a.result!.attributions)).to.deep.equal(Array.from(b.result!.attributions));
    expect(Array.from(a.result!.attributions)).to.not.deep.equal(
      Array.from(plain.result!.attributions),
    );
  });

  it('regions runs to done with a region map of h*w', async () => {
    const el = await run({ regions: '' });
    const [h, w] = el.result!.shape;
    expect(el.result!.regionMap).to.be.instanceOf(Float32Array);
    expect(el.result!.regionMap!.length).to.equal(h * w);
  });
});
