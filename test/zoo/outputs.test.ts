// What the engine finds a zoo model outputs (src/engine/model-output.ts), on WASM with the models
// that have no depthwise conv (the layers models, on the CPU backend: layers-output.test.ts,
// teachable.test.ts):
// the model's own probability, the logit before its softmax or sigmoid, several outputs, and the
// messages for what cannot be explained.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { loadModel, type LoadedModel } from '../../src/engine/model-loader.js';
import { chooseHead } from '../../src/engine/model-output.js';
import { withInputRange } from '../../src/engine/preprocess.js';
import { parseTeachableMetadata } from '../../src/engine/teachable.js';
import { isIgError, type IgError } from '../../src/shared/types.js';
import {
  expectOwnSoftmax,
  outputValues as values,
  pageBackend,
  preprocessed,
  zooModels,
  zooUrl,
  type ZooModel,
} from './helpers.js';

const MODELS = new Map((await zooModels()).map((m) => [m.name, m]));
const zoo = (name: string) => MODELS.get(name)!;

async function rejection(promise: Promise<unknown>): Promise<IgError> {
  try {
    await promise;
  } catch (error) {
    if (isIgError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('zoo: the model output as the model computes it', () => {
  const loaded = new Map<string, LoadedModel>();
  const load = async (model: ZooModel) => {
    if (!loaded.has(model.name)) {
      loaded.set(model.name, await loadModel([zooUrl(model)], { cache: false }));
    }
    return loaded.get(model.name)!;
  };
  before(async () => {
    await pageBackend('wasm');
  });
  after(() => loaded.forEach((m) => m.dispose()));

  for (const name of ['human-gear']) {
    it(`${name}: probability is the model's own softmax; logit is the tensor before it`, async function () {
      this.timeout(120000);
      await expectOwnSoftmax(await load(zoo(name)), zoo(name));
    });
  }

  it('human-antispoof: a [N, 1] sigmoid is two classes (1 - p, p); its logit is (-z, z)', async () => {
    const model = zoo('human-antispoof');
    const m = await load(model);
    expect(m.outputKind).to.equal('sigmoid');
    expect(m.numClasses).to.equal(2);
    const image = await preprocessed(model);
    const x = image.expandDims(0) as tf.Tensor4D;
    const [p] = await values(m.defaultHead.forward, x);
    const probability = await values(m.defaultHead.scores('probability'), x);
    const [minusZ, z] = await values(m.defaultHead.scores('logit'), x);
    x.dispose();
    image.dispose();
    expect(probability[0]).to.be.closeTo(1 - p, 1e-6);
    expect(probability[1]).to.equal(p);
    expect(minusZ).to.equal(-z);
    expect(1 / (1 + Math.exp(-z))).to.be.closeTo(p, 1e-5);
  });

  it('human-gear: model-output picks an output by name or index; the default is the first', async () => {
    const m = await load(zoo('human-gear'));
    const url = zooUrl(zoo('human-gear'));
    expect(m.heads.map((h) => h.numClasses)).to.deep.equal([5, 2, 7]);
    expect(m.defaultHead.index).to.equal(0);
    expect(chooseHead(m.heads, 'gender_output', url).numClasses).to.equal(2);
    expect(chooseHead(m.heads, 2, url).numClasses).to.equal(7);
    expect(chooseHead(m.heads, '1', url).names).to.include('gender_output');
    let error: unknown = null;
    try {
      chooseHead(m.heads, 'height', url);
    } catch (e) {
      error = e;
    }
    expect(isIgError(error) && error.code).to.equal('model-incompatible');
    const message = (error as IgError).message;
    for (const output of ['race_output', 'gender_output', 'age_output']) {
      expect(message).to.contain(output);
    }
  });

  it('human-age: an output that is not a class score says which outputs exist', async () => {
    const error = await rejection(loadModel([zooUrl(zoo('human-age'))], { cache: false }));
    expect(error.code).to.equal('model-incompatible');
    expect(error.message).to.match(/^No output of the model at .* is a class score/);
    expect(error.message).to.match(/0: "Identity:0" \[1, 1\] from node "[^"]+" \(Mul\)/);
  });

  it('an op with no gradient is named with its node', async () => {
    const url = new URL('../fixtures/models/no-gradient/model.json', import.meta.url).href;
    const error = await rejection(loadModel([url], { cache: false }));
    expect(error.code).to.equal('model-incompatible');
    expect(error.message).to.contain(
      'the op Cumprod in node "module_apply_default/InceptionV1/Logits/Cumprod" (Cumprod)',
    );
  });

  it('input-range imagenet: [0, 1] pixels minus the ImageNet mean, divided by its std', async () => {
    const seen: number[] = [];
    const probe = withInputRange((x) => {
      seen.push(...x.dataSync());
      return tf.zeros([1, 2]);
    }, 'imagenet');
    tf.tidy(() => probe(tf.tensor4d([0, 0.5, 1], [1, 1, 1, 3])));
    const expected = [(0 - 0.485) / 0.229, (0.5 - 0.456) / 0.224, (1 - 0.406) / 0.225];
    seen.forEach((v, i) => expect(v).to.be.closeTo(expected[i], 1e-6));
  });

  it("reads a Teachable Machine export's metadata.json: labels and image size", () => {
    const metadata = {
      tfjsVersion: '1.3.1',
      tmVersion: '2.4.5',
      packageVersion: '0.8.4',
      packageName: '@teachablemachine/image',
      timeStamp: '2024-01-01T00:00:00.000Z',
      userMetadata: {},
      modelName: 'tm-my-image-model',
      labels: ['cat', 'cup'],
      imageSize: 224,
    };
    expect(parseTeachableMetadata(metadata)).to.deep.equal({
      labels: ['cat', 'cup'],
      imageSize: 224,
    });
    expect(parseTeachableMetadata({ labels: [1, 2] })).to.equal(null);
    expect(parseTeachableMetadata({ labels: ['a'], imageSize: -3 })).to.equal(null);
  });
});
