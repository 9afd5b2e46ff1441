import { expect } from '@open-wc/testing';
import { labelFor, resolveTarget, topK } from '../../src/engine/predictions.js';
import { isIgError } from '../../src/shared/types.js';

const LABELS = ['background', 'tabby, tabby cat', 'golden retriever', 'Egyptian cat', 'daisy'];
const PROBABILITIES = new Float32Array([0.05, 0.3, 0.1, 0.5, 0.05]);

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('predictions', () => {
  it('lists the top k classes with labels, highest first, ties by index', () => {
    expect(topK(PROBABILITIES, LABELS, 3)).to.deep.equal([
      { index: 3, label: 'Egyptian cat', probability: PROBABILITIES[3] },
      { index: 1, label: 'tabby, tabby cat', probability: PROBABILITIES[1] },
      { index: 2, label: 'golden retriever', probability: PROBABILITIES[2] },
    ]);
    expect(topK(PROBABILITIES, LABELS, 5).map((p) => p.index)).to.deep.equal([3, 1, 2, 0, 4]);
    expect(topK(PROBABILITIES, LABELS, 20)).to.have.length(5);
    expect(topK([0.2, 0.8], [], 1)).to.deep.equal([
      { index: 1, label: 'class 1', probability: 0.8 },
    ]);
  });

  it('names classes without a label "class <index>"', () => {
    expect(labelFor(2, LABELS)).to.equal('golden retriever');
    expect(labelFor(7, LABELS)).to.equal('class 7');
  });

  it('resolves auto to the top-1 class, an index to itself, a label to its index', () => {
    expect(resolveTarget('auto', PROBABILITIES, LABELS)).to.equal(3);
    expect(resolveTarget(2, PROBABILITIES, LABELS)).to.equal(2);
    expect(resolveTarget(0, PROBABILITIES, LABELS)).to.equal(0);
    expect(resolveTarget('  Golden Retriever ', PROBABILITIES, LABELS)).to.equal(2);
    expect(resolveTarget('tabby, tabby cat', PROBABILITIES, LABELS)).to.equal(1);
    // One of the comma-separated names of an ImageNet label.
    expect(resolveTarget('Tabby Cat', PROBABILITIES, LABELS)).to.equal(1);
    expect(resolveTarget('4', PROBABILITIES, LABELS)).to.equal(4);
    expect(resolveTarget('auto', PROBABILITIES, [])).to.equal(3);
  });

  it('rejects unknown labels and out-of-range indices with target-unknown and a way out', () => {
    const unknown = thrown(() => resolveTarget('zebra', PROBABILITIES, LABELS));
    expect(isIgError(unknown) && unknown.code).to.equal('target-unknown');
    expect((unknown as Error).message).to.contain('"zebra"');
    expect((unknown as Error).message).to.contain('from 0 to 4');
    expect((unknown as Error).message).to.contain('Egyptian cat');
    for (const bad of [5, -1, 1.5, '9']) {
      const error = thrown(() => resolveTarget(bad, PROBABILITIES, LABELS));
      expect(isIgError(error) && error.code, String(bad)).to.equal('target-unknown');
      expect((error as Error).message).to.contain('5 classes');
    }
  });
});
