// Model loading, validation, caching and labels, on the page's thread with the CPU backend.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import {
  builtInLabels,
  IMAGENET_LABELS,
  loadLabels,
  parseLabels,
} from '../../src/engine/labels.js';
import { deleteCachedModel, readCachedModel } from '../../src/engine/model-cache.js';
import { isHubUrl, loadModel, modelJsonUrl } from '../../src/engine/model-loader.js';
import { isIgError } from '../../src/shared/types.js';

const fixture = (name: string) => `${location.origin}/test/fixtures/models/${name}/model.json`;
const unique = (name: string) => `${fixture(name)}?run=${Date.now()}-${Math.random()}`;

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isIgError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('model loader', function () {
  this.timeout(30000);
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('loads a TF Hub-style graph model: input shape, classes, and a classifier', async () => {
    const before = tf.memory().numTensors;
    const fractions: number[] = [];
    const model = await loadModel([fixture('tiny-graph')], {
      cache: false,
      onProgress: (f) => fractions.push(f),
    });
    expect(model.format).to.equal('graph');
    expect(model.inputShape).to.deep.equal([-1, 32, 32, 3]);
    expect(model.numClasses).to.equal(1001);
    expect(model.fromCache).to.equal(false);
    expect(fractions[0]).to.equal(0);
    expect(fractions.at(-1)).to.equal(1);
    const logits = tf.tidy(() => model.classifier(tf.zeros([2, 32, 32, 3])));
    expect(logits.shape).to.deep.equal([2, 1001]);
    logits.dispose();
    model.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('loads a layers model by its model.json format', async () => {
    const model = await loadModel([fixture('tiny-layers')], { cache: false });
    expect(model.format).to.equal('layers');
    expect(model.inputShape).to.deep.equal([-1, 32, 32, 3]);
    expect(model.numClasses).to.equal(10);
    model.dispose();
  });

  it('tries several URLs in order', async () => {
    const model = await loadModel(
      ['/test/fixtures/models/absent/model.json', fixture('tiny-graph-10')],
      {
        cache: false,
      },
    );
    expect(model.url).to.equal(fixture('tiny-graph-10'));
    expect(model.numClasses).to.equal(10);
    model.dispose();
  });

  it('caches in IndexedDB by URL and loads from there the second time', async () => {
    const url = unique('tiny-graph-10');
    expect(await readCachedModel(url)).to.equal(null);
    const first = await loadModel([url]);
    expect(first.fromCache).to.equal(false);
    first.dispose();
    const second = await loadModel([url]);
    expect(second.fromCache).to.equal(true);
    expect(second.numClasses).to.equal(10);
    const a = tf.tidy(() => second.classifier(tf.fill([1, 24, 24, 3], 0.5)));
    expect(Array.from(await a.data()).every(Number.isFinite)).to.be.true;
    a.dispose();
    second.dispose();
    await deleteCachedModel(url);
    expect(await readCachedModel(url)).to.equal(null);
  });

  it('says what the server answered and how to self-host', async () => {
    const missing = await rejection(loadModel(['/test/fixtures/models/absent/model.json']));
    expect(missing.code).to.equal('model-load');
    expect(missing.message).to.contain('404');
    expect(missing.message).to.contain('self-host');

    const shard = await rejection(loadModel([fixture('missing-weights')], { cache: false }));
    expect(shard.code).to.equal('model-load');
    expect(shard.message).to.match(/404.*group1-shard2of2\.bin/);

    const truncated = await rejection(loadModel([fixture('truncated-weights')], { cache: false }));
    expect(truncated.code).to.equal('model-load');
    expect(truncated.message).to.contain('truncated');

    const html = await rejection(loadModel([`${location.origin}/`], { cache: false }));
    expect(html.code).to.equal('model-load');
    expect(html.message).to.contain('not a TF.js model.json');
  });

  it('refuses models that are not image classifiers, saying what was found', async () => {
    const input = await rejection(loadModel([fixture('bad-input')], { cache: false }));
    expect(input.code).to.equal('model-incompatible');
    expect(input.message).to.contain('[?, 10]');

    const output = await rejection(loadModel([fixture('bad-output')], { cache: false }));
    expect(output.code).to.equal('model-incompatible');
    expect(output.message).to.contain('[1, 6, 6, 20]');

    const gradient = await rejection(loadModel([fixture('no-gradient')], { cache: false }));
    expect(gradient.code).to.equal('model-incompatible');
    expect(gradient.message).to.match(/Cumprod|gradient/);
  });

  it('aborts a load', async () => {
    const controller = new AbortController();
    const loading = loadModel([unique('tiny-graph')], { signal: controller.signal });
    controller.abort();
    expect((await rejection(loading)).code).to.equal('aborted');
  });

  it('rewrites TF Hub and Kaggle URLs as fromTFHub does', () => {
    const hub =
      'https://tfhub.dev/google/tfjs-model/imagenet/inception_v1/classification/3/default/1';
    expect(isHubUrl(hub)).to.be.true;
    expect(modelJsonUrl(hub)).to.equal(`${hub}/model.json?tfjs-format=file`);
    const kaggle = 'https://www.kaggle.com/models/google/inception-v1/TfJs/classification/1/';
    expect(modelJsonUrl(kaggle)).to.equal(`${kaggle}model.json?tfjs-format=file`);
    expect(modelJsonUrl(fixture('tiny-graph'))).to.equal(fixture('tiny-graph'));
  });
});

describe('labels', () => {
  it('has the 1000 ImageNet names from @tensorflow-models/mobilenet, background first for 1001', () => {
    expect(IMAGENET_LABELS).to.have.length(1000);
    expect(IMAGENET_LABELS[0]).to.equal('tench, Tinca tinca');
    expect(IMAGENET_LABELS[281]).to.equal('tabby, tabby cat');
    expect(IMAGENET_LABELS[999]).to.equal('toilet tissue, toilet paper, bathroom tissue');
    const with1001 = builtInLabels(1001);
    expect(with1001).to.have.length(1001);
    expect(with1001[0]).to.equal('background');
    expect(with1001[282]).to.equal('tabby, tabby cat');
    expect(builtInLabels(10)).to.deep.equal([]);
  });

  it('reads JSON arrays and text lines from labels-url', async () => {
    const json = await loadLabels('/test/fixtures/models/tiny-graph-10/labels.json', 10);
    const text = await loadLabels('/test/fixtures/models/tiny-graph-10/labels.txt', 10);
    expect(json).to.have.length(10);
    expect(text).to.deep.equal(json);
    expect(parseLabels('a\r\nb\n\n')).to.deep.equal(['a', 'b']);
  });

  it('names both counts when labels and outputs differ', async () => {
    const error = await rejection(
      loadLabels('/test/fixtures/models/tiny-graph-10/labels.json', 1001),
    );
    expect(error.code).to.equal('labels-load');
    expect(error.message).to.contain('10 labels');
    expect(error.message).to.contain('1001 outputs');
    const missing = await rejection(loadLabels('/test/fixtures/none.json', 10));
    expect(missing.code).to.equal('labels-load');
    expect(missing.message).to.contain('404');
  });
});
