// method="adaptive" with a tolerance on real pretrained models, through the element as a page
// uses it: a larger batch-size (a throughput setting) must not make the rule spend more
// gradient evaluations than it needs one point at a time. A round of a full batch once did:
// human-emotion took 21 evaluations at batch-size 16 where one point at a time took 10.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/index.js';
import type { IgExplainer, IgResult } from '../../src/index.js';
import { ZOO_IMAGE, zooModels, zooUrl, type ZooModel } from './helpers.js';

const TOLERANCE = 0.05;

async function explain(model: ZooModel, batchSize: number): Promise<IgResult> {
  const el = await fixture<IgExplainer>(html`
    <ig-explainer
      loading="manual"
      src=${ZOO_IMAGE}
      model-url=${zooUrl(model)}
      backend="wasm"
      input-range=${model.inputRange}
      method="adaptive"
      steps="256"
      tolerance=${TOLERANCE}
      batch-size=${batchSize}
    ></ig-explainer>
  `);
  return el.explain();
}

const relativeError = (r: IgResult) => r.delta / Math.abs(r.scoreInput - r.scoreBaseline);

// The small classifiers (the others take minutes per run on a 2-core CI machine).
const models = (await zooModels()).filter(
  (m) => m.inputSize <= 64 && !m.overflows && m.name.startsWith('human-') && m.classes > 1,
);

describe('zoo: method="adaptive" with a tolerance, batch-size 1 and 16', () => {
  it('has small real classifiers to run', () => {
    expect(models.map((m) => m.name)).to.include.members(['human-emotion', 'human-liveness']);
  });

  for (const model of models)
    it(`${model.name}: batch-size 16 costs at most a quarter more evaluations than batch-size 1, both within ${TOLERANCE}`, async function () {
      this.timeout(300000);
      const one = await explain(model, 1);
      const sixteen = await explain(model, 16);
      console.log(
        `zoo ${model.name} adaptive to ${TOLERANCE}: batch-size 1: ${one.evaluations} evaluations ` +
          `(error ${(100 * relativeError(one)).toFixed(2)}%), batch-size 16: ${sixteen.evaluations} ` +
          `(error ${(100 * relativeError(sixteen)).toFixed(2)}%)`,
      );
      for (const r of [one, sixteen]) {
        expect(r.method).to.equal('adaptive');
        expect(relativeError(r)).to.be.at.most(TOLERANCE);
        expect(r.probes).to.equal(0);
      }
      expect(sixteen.evaluations!).to.be.at.most(Math.ceil(1.25 * one.evaluations!));
    });
});
