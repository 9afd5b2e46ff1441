import { expect } from '@open-wc/testing';
import { formatPercent } from '../../src/element/result-view.js';

describe('probabilities as text', () => {
  it('keeps two significant digits below 10% and hides vanishing ones', () => {
    expect(formatPercent(0.98)).to.equal('98%');
    expect(formatPercent(0.021)).to.equal('2.1%');
    expect(formatPercent(0.00031)).to.equal('0.031%');
    expect(formatPercent(7.3e-10)).to.equal('<0.01%');
    expect(formatPercent(0)).to.equal('0%');
  });
});
