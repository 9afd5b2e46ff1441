// Corrupt model files as hosts serve them: a model.json edited by hand or mixed from two
// conversions. Each ends in its code and a sentence saying how to fix it; never a hang, an
// uncaught error or a result computed from misread weights. (A truncated weight file, a model
// whose output is NaN and labels of the wrong count: test/reliability/bad-input.test.ts.)
import { expect } from '@open-wc/testing';
import { TINY_MODEL, record, testImage } from '../element/helpers.js';
import { faultOrigins, igError, isolatedSuite, makeElement, rejection } from './helpers.js';

const IMAGE = testImage(5);

describe('reliability: corrupt model files', function () {
  this.timeout(120000);
  isolatedSuite();
  let faults: string;
  before(async () => ({ faults } = await faultOrigins()));

  const cases = [
    {
      name: "a graph model.json whose manifest shape disagrees with its graph's",
      path: '/reshaped/model.json',
      code: 'model-load',
      message:
        /lists weight "module\/InceptionV1\/Conv2d_1a_3x3\/weights" with shape \[3, 3, 8, 3\] but its graph declares \[3, 3, 3, 8\]: .*from the same conversion/,
    },
    {
      name: 'a layers model.json whose weight shapes disagree with its layers',
      path: '/reshaped-layers/model.json',
      code: 'model-incompatible',
      message:
        /could not build the layers model .*model\.json and its weight files belong together/,
    },
    {
      name: 'a model.json whose shapes need fewer bytes than its weight file holds',
      path: '/undersized/model.json',
      code: 'model-load',
      message: /hold 21416 bytes but model\.json's shapes need 17320: .*do not belong together/,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.code}, how to fix it; a good model.json then works`, async () => {
      const url = `${faults}${c.path}`;
      const el = makeElement({ src: IMAGE, 'model-url': url });
      const recorder = record(el);
      const { code, message, attribute } = igError(await rejection(el.explain()));
      expect(code, message).to.equal(c.code);
      expect(attribute).to.equal('model-url');
      expect(message).to.contain(url);
      expect(message).to.match(c.message);
      expect(recorder.events.filter((e) => e.type === 'ig-error').length).to.equal(1);
      expect(recorder.events.some((e) => e.type === 'ig-complete')).to.equal(false);
      recorder.stop();
      el.modelUrl = TINY_MODEL;
      expect((await el.explain()).shape).to.deep.equal([24, 24, 3]);
    });
  }
});
