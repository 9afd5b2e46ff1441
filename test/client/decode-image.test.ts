// Fetching and decoding images on the page side, and the errors users get.
import { expect } from '@open-wc/testing';
import { decodeImage } from '../../src/client/decode-image.js';
import { isIgError } from '../../src/shared/types.js';
import { testImageUrl, testOrigins } from '../worker/helpers.js';

const never = () => new AbortController().signal;
/** 8x6 PNG, pixel (x, y) = rgb(30x, 40y, 200). */
const PNG = '/test/client/fixtures/gradient-8x6.png';

async function failure(url: string, signal = never()): Promise<{ code: string; message: string }> {
  try {
    (await decodeImage(url, 'image', signal)).close();
  } catch (error) {
    if (isIgError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}

describe('decodeImage', () => {
  it('decodes a PNG into an ImageBitmap of its size', async () => {
    const bitmap = await decodeImage(await testImageUrl(30, 20), 'image', never());
    expect([bitmap.width, bitmap.height]).to.deep.equal([30, 20]);
    bitmap.close();
  });

  it('decodes a CORS image from another origin', async () => {
    const { static: origin } = await testOrigins();
    const bitmap = await decodeImage(`${origin}${PNG}`, 'image', never());
    expect([bitmap.width, bitmap.height]).to.deep.equal([8, 6]);
    bitmap.close();
  });

  it('gives image-load with the status for a missing image', async () => {
    const error = await failure(`${location.origin}/test/fixtures/no-such-image.png`);
    expect(error.code).to.equal('image-load');
    expect(error.message).to.contain('404');
  });

  it('gives image-tainted, with how to fix it, for another origin without CORS', async () => {
    const { noCors } = await testOrigins();
    const error = await failure(`${noCors}${PNG}`);
    expect(error.code).to.equal('image-tainted');
    expect(error.message).to.contain('Access-Control-Allow-Origin');
  });

  it('gives image-load for files that are not images, naming SVG', async () => {
    const text = await failure(`${location.origin}/test/fixtures/models/README.md`);
    expect(text.code).to.equal('image-load');
    expect(text.message).to.contain('not an image');
    const svg = URL.createObjectURL(
      new Blob(['<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'], {
        type: 'image/svg+xml',
      }),
    );
    const error = await failure(svg);
    expect(error.code).to.equal('image-load');
    expect(error.message).to.contain('SVG');
  });

  it('rejects with aborted when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = failure(await testImageUrl(), controller.signal);
    controller.abort();
    expect((await pending).code).to.equal('aborted');
  });
});
