// The model hash the element's exports record (saved format's `model.sha256`) as the engine takes
// it: from the files as downloaded, the same as the command-line tool's (modelSha256 over
// model.json and weights.bin), kept in the IndexedDB model cache for later loads, and taken again
// by downloading the model whole when a cached copy has none (cached by an older version).
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import {
  deleteCachedModel,
  readCachedEntry,
  writeCachedModel,
} from '../../src/engine/model-cache.js';
import { fetchModelArtifacts } from '../../src/engine/model-fetch.js';
import { loadModel } from '../../src/engine/model-loader.js';
import { SHAPES_MODEL, shapesModelSha256 } from './helpers.js';

async function load(url: string): Promise<{ sha256: string; fromCache: boolean }> {
  const model = await loadModel([url]);
  model.dispose();
  return { sha256: model.sha256, fromCache: model.fromCache };
}

describe('the model hash, downloaded and cached', function () {
  this.timeout(60000);
  // A URL of its own, so that the cache starts empty (the cache is keyed by URL).
  const url = `${SHAPES_MODEL}?model-hash-test=${Date.now()}`;
  before(() => tf.setBackend('cpu'));
  after(() => deleteCachedModel(url));

  it('is the files’ hash downloaded, kept with the cached copy, and re-taken for a copy without one', async () => {
    const expected = await shapesModelSha256();
    expect(expected).to.match(/^[0-9a-f]{64}$/);
    const tensors = tf.memory().numTensors;

    expect(await load(url)).to.deep.equal({ sha256: expected, fromCache: false });
    expect((await readCachedEntry(url))?.sha256).to.equal(expected);
    expect(await load(url)).to.deep.equal({ sha256: expected, fromCache: true });

    // A copy cached without the hash, with validators that would make the server answer 304.
    const response = await fetch(url, { cache: 'no-store' });
    const validators = {
      etag: response.headers.get('etag'),
      lastModified: response.headers.get('last-modified'),
    };
    expect(validators.etag ?? validators.lastModified, 'the server sends no validators').to.be.a(
      'string',
    );
    await deleteCachedModel(url);
    expect(await writeCachedModel(url, await fetchModelArtifacts(url), validators)).to.equal(true);
    expect((await readCachedEntry(url))?.sha256).to.equal(null);
    expect(await load(url)).to.deep.equal({ sha256: expected, fromCache: false });
    expect((await readCachedEntry(url))?.sha256).to.equal(expected);
    expect(tf.memory().numTensors).to.equal(tensors);
  });
});
