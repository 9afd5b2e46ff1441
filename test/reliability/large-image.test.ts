// A camera photo (8000x6000, 192 MB of RGBA) is scaled down on the page before it crosses to the
// worker: the longer side to at most 1024 px (the worker's own bound), aspect kept.
// (That the element explains it: test/reliability/bad-input.test.ts.)
import { expect } from '@open-wc/testing';
import { MAX_IMAGE_SIDE, boundedSize, decodeImage } from '../../src/client/decode-image.js';

async function pngUrl(width: number, height: number): Promise<string> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#203040';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#ffe066';
  context.fillRect(width / 4, height / 4, width / 2, height / 2);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  canvas.width = canvas.height = 1;
  return URL.createObjectURL(blob);
}

describe('reliability: very large images', function () {
  this.timeout(120000);

  it('states its bounds', () => {
    expect(MAX_IMAGE_SIDE).to.equal(1024);
    expect(boundedSize(224, 224)).to.deep.equal({ width: 224, height: 224 });
    expect(boundedSize(1024, 700)).to.deep.equal({ width: 1024, height: 700 });
    expect(boundedSize(8000, 6000)).to.deep.equal({ width: 1024, height: 768 });
    expect(boundedSize(6000, 8000)).to.deep.equal({ width: 768, height: 1024 });
    expect(boundedSize(20000, 10)).to.deep.equal({ width: 1024, height: 1 });
  });

  for (const [width, height, expected] of [
    [8000, 6000, [1024, 768]],
    [8000, 1000, [1024, 128]],
    [640, 480, [640, 480]],
  ] as const) {
    it(`a ${width}x${height} image reaches the worker as ${expected.join('x')}`, async () => {
      const url = await pngUrl(width, height);
      try {
        const bitmap = await decodeImage(url, 'image', new AbortController().signal);
        expect([bitmap.width, bitmap.height]).to.deep.equal(expected);
        // Still the picture: the yellow square is in the middle, the corners dark.
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d')!;
        context.drawImage(bitmap, 0, 0);
        const centre = context.getImageData(bitmap.width / 2, bitmap.height / 2, 1, 1).data;
        const corner = context.getImageData(2, 2, 1, 1).data;
        expect(Array.from(centre.slice(0, 3))).to.deep.equal([0xff, 0xe0, 0x66]);
        expect(Array.from(corner.slice(0, 3))).to.deep.equal([0x20, 0x30, 0x40]);
        bitmap.close();
      } finally {
        URL.revokeObjectURL(url);
      }
    });
  }
});
