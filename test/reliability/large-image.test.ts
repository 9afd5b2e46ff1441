// A camera photo (8000x6000, 192 MB of RGBA) is scaled down on the page before it crosses to the
// worker: the shorter side to at most 1024 px, the longer to at most 4096 px, aspect kept.
// (That the element explains it: test/reliability/bad-input.test.ts.)
import { expect } from '@open-wc/testing';
import {
  MAX_LONG_SIDE,
  MAX_SHORT_SIDE,
  boundedSize,
  decodeImage,
} from '../../src/client/decode-image.js';

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
    expect([MAX_SHORT_SIDE, MAX_LONG_SIDE]).to.deep.equal([1024, 4096]);
    expect(boundedSize(224, 224)).to.deep.equal({ width: 224, height: 224 });
    expect(boundedSize(1024, 4096)).to.deep.equal({ width: 1024, height: 4096 });
    expect(boundedSize(8000, 6000)).to.deep.equal({ width: 1365, height: 1024 });
    expect(boundedSize(6000, 8000)).to.deep.equal({ width: 1024, height: 1365 });
    expect(boundedSize(20000, 1000)).to.deep.equal({ width: 4096, height: 205 });
  });

  for (const [width, height, expected] of [
    [8000, 6000, [1365, 1024]],
    [8000, 1000, [4096, 512]],
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
