// `model-output` through the element, on the zoo model with several outputs (human-gear: race
// [N,5], gender [N,2], age [N,7]): a name or an index explains that output with its own
// probabilities, and a name the model lacks is a model-incompatible error listing the outputs.
import { expect, fixture, html } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import '../../src/index.js';
import type { IgExplainer, IgModelLoadDetail } from '../../src/index.js';
import { withInputRange } from '../../src/engine/preprocess.js';
import { isIgError, type IgError } from '../../src/shared/types.js';
import { record } from '../element/helpers.js';
import { ZOO_IMAGE, pageBackend, preprocessed, zooModels, zooUrl } from './helpers.js';

const GEAR = (await zooModels()).find((m) => m.name === 'human-gear')!;
const OUTPUTS = ['race_output', 'gender_output', 'age_output'];

function explainer(modelOutput: string): Promise<IgExplainer> {
  return fixture<IgExplainer>(html`
    <ig-explainer
      loading="manual"
      src=${ZOO_IMAGE}
      model-url=${zooUrl(GEAR)}
      model-output=${modelOutput}
      backend="wasm"
      input-range=${GEAR.inputRange}
      steps="2"
      top-k="20"
    ></ig-explainer>
  `);
}

/** Plain TF.js: the output `signatureName` of tf.loadGraphModel's execute, no softmax added. */
async function plainOutput(signatureName: string): Promise<number[]> {
  const json = (await (await fetch(zooUrl(GEAR))).json()) as {
    signature: { outputs: Record<string, { name: string }> };
  };
  await pageBackend('wasm');
  const model = await tf.loadGraphModel(zooUrl(GEAR));
  const image = await preprocessed(GEAR);
  try {
    const out = tf.tidy(() =>
      withInputRange(
        (x) => model.execute(x, json.signature.outputs[signatureName].name) as tf.Tensor2D,
        GEAR.inputRange,
      )(image.expandDims(0) as tf.Tensor4D),
    );
    const values = Array.from(await out.data());
    out.dispose();
    return values;
  } finally {
    image.dispose();
    model.dispose();
  }
}

describe('zoo: model-output through the element (human-gear, wasm)', () => {
  for (const [attribute, name, classes] of [
    ['gender_output', 'gender_output', 2],
    ['2', 'age_output', 7],
  ] as const) {
    it(`model-output="${attribute}" explains ${name} with its own probabilities`, async function () {
      this.timeout(600000);
      const recorder = record();
      const el = await explainer(attribute);
      try {
        const result = await el.explain();
        const load = recorder.events.find((e) => e.type === 'ig-model-load')!
          .detail as IgModelLoadDetail;
        expect(load.numClasses).to.equal(classes);
        expect(load.outputKind).to.equal('softmax');
        const plain = await plainOutput(name);
        expect(plain.length).to.equal(classes);
        const predictions = el.predictions!;
        expect(predictions.length).to.equal(classes);
        for (const p of predictions) expect(p.probability).to.be.closeTo(plain[p.index], 1e-3);
        expect(result.target.index).to.equal(predictions[0].index);
        expect(result.scoreInput).to.be.closeTo(plain[predictions[0].index], 1e-3);
      } finally {
        recorder.stop();
      }
    });
  }

  it('a name the model lacks is model-incompatible, listing its outputs', async function () {
    this.timeout(300000);
    const recorder = record();
    const el = await explainer('height');
    let rejection: unknown;
    await el.explain().catch((e: unknown) => (rejection = e));
    recorder.stop();
    expect(isIgError(rejection) && rejection.code).to.equal('model-incompatible');
    const message = (rejection as IgError).message;
    for (const output of OUTPUTS) expect(message).to.contain(output);
    const errors = recorder.events.filter((e) => e.type === 'ig-error');
    expect(errors.length).to.equal(1);
    expect((errors[0].detail as { code: string }).code).to.equal('model-incompatible');
  });
});
