// The page-side reader: loadSavedResult fetches a saved explanation and the page's image,
// checks the hashes and the model, and fetches nothing else (no model, no TF.js).
import { expect } from '@open-wc/testing';
import { loadSavedResult } from '../../src/saved/load-saved-result.js';
import { exportResult } from '../../src/saved/saved-result.js';
import { isIgError } from '../../src/shared/types.js';
import { type LiveRun, OTHER_IMAGE, SHAPES_IMAGE, SHAPES_MODEL, explainShapes } from './helpers.js';

async function loadError(...args: Parameters<typeof loadSavedResult>): Promise<string> {
  try {
    await loadSavedResult(...args);
  } catch (error) {
    expect(isIgError(error), String(error)).to.equal(true);
    expect((error as { code: string }).code).to.equal('result-load');
    return (error as Error).message;
  }
  throw new Error('loadSavedResult did not fail');
}

describe('saved explanations: loadSavedResult', () => {
  let live: LiveRun;
  let url: string;
  let text: string;

  before(async () => {
    live = await explainShapes();
    const blob = exportResult(live.result, live.predictions, live.meta);
    text = await blob.text();
    url = URL.createObjectURL(blob);
  });
  after(() => URL.revokeObjectURL(url));

  it('reads the result and predictions, fetching only the file and the image', async () => {
    const before = performance.getEntriesByType('resource').length;
    const loaded = await loadSavedResult(url, {
      signal: new AbortController().signal,
      imageUrl: SHAPES_IMAGE,
      modelUrl: SHAPES_MODEL,
    });
    expect(loaded.predictions).to.deep.equal(live.predictions);
    expect(loaded.target).to.deep.equal(live.result.target);
    expect(loaded.shape).to.deep.equal([64, 64, 3]);
    expect(loaded.path).to.deep.equal(live.result.path);
    const fetched = performance
      .getEntriesByType('resource')
      .slice(before)
      .map((entry) => new URL(entry.name).pathname);
    expect(fetched.filter((p) => !p.endsWith('star-1.png'))).to.deep.equal([]);
  });

  it('refuses a file made from another image, or with another model', async () => {
    const signal = new AbortController().signal;
    expect(await loadError(url, { signal, imageUrl: OTHER_IMAGE })).to.match(
      /made from another image .*star-1\.png.* than src: its content hash differs/,
    );
    expect(
      await loadError(url, { signal, modelUrl: 'https://example.com/a/model.json /b/model.json' }),
    ).to.match(/made with another model .* than model-url/);
  });

  it('says when the file is cut short, missing, or the fetch is cancelled', async () => {
    const signal = new AbortController().signal;
    const cut = URL.createObjectURL(new Blob([text.slice(0, 5000)]));
    try {
      expect(await loadError(cut, { signal })).to.match(
        /cannot be read: it is not JSON \(or it is cut short\)/,
      );
    } finally {
      URL.revokeObjectURL(cut);
    }
    expect(await loadError('/test/saved/no-such-file.json', { signal })).to.match(
      /The server answered 404 .* for the saved explanation at \/test\/saved\/no-such-file\.json/,
    );
    const controller = new AbortController();
    const pending = loadSavedResult(url, { signal: controller.signal, imageUrl: SHAPES_IMAGE });
    controller.abort();
    const error = await pending.then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as { code?: string } | null)?.code).to.equal('aborted');
  });
});
