// XRAI's region ranking (src/engine/xrai.ts) on images whose regions are known, with IG from the
// engine on a model linear in the pixels, and through the worker with `regions: true`.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { integratedGradients } from '../../src/engine/integrated-gradients.js';
import { maxOverChannels, xrai, xraiSegments } from '../../src/engine/xrai.js';
import { explain } from '../../src/client/explain-client.js';
import { request } from '../worker/helpers.js';

const SIZE = 48;
/** Four flat blocks (quadrants split at row 20 and column 28) with a little seeded noise. */
function blocksImage(): { pixels: Float32Array; block: Int32Array } {
  const colours = [
    [0.1, 0.4, 0.8],
    [0.85, 0.55, 0.25],
    [0.5, 0.9, 0.6],
    [0.35, 0.05, 0.45],
  ];
  const pixels = new Float32Array(SIZE * SIZE * 3);
  const block = new Int32Array(SIZE * SIZE);
  let state = 12345;
  const noise = () =>
    ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.02;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const p = y * SIZE + x;
      block[p] = (y < 20 ? 0 : 2) + (x < 28 ? 0 : 1);
      for (let c = 0; c < 3; c++) pixels[3 * p + c] = colours[block[p]][c] + noise();
    }
  }
  return { pixels, block };
}

const grid = (pixels: Float32Array) => ({ data: pixels, height: SIZE, width: SIZE, channels: 3 });

/** Pixels of each rank, and the region map's values on them. */
function regionsOf(
  ranks: Int32Array,
  map: Float32Array,
): Map<number, { pixels: number[]; values: Set<number> }> {
  const regions = new Map<number, { pixels: number[]; values: Set<number> }>();
  ranks.forEach((rank, p) => {
    const region = regions.get(rank) ?? { pixels: [], values: new Set<number>() };
    region.pixels.push(p);
    region.values.add(map[p]);
    regions.set(rank, region);
  });
  return regions;
}

describe('XRAI regions', function () {
  this.timeout(120000);

  it('gives each region one value, ranks regions by falling value and keeps the attribution sum', () => {
    const { pixels } = blocksImage();
    // Attribution with structure across and within blocks.
    const attribution = new Float32Array(SIZE * SIZE);
    for (let p = 0; p < attribution.length; p++) {
      attribution[p] = Math.sin(p / 37) + 0.5 * Math.cos((p % SIZE) / 5);
    }
    const { regionMap, ranks, regions } = xrai(attribution, grid(pixels));
    const byRank = regionsOf(ranks, regionMap);
    expect(byRank.size).to.equal(regions);
    expect(regions).to.be.greaterThan(1);
    let previous = Infinity;
    for (let rank = 1; rank <= regions; rank++) {
      const region = byRank.get(rank)!;
      expect(region, `rank ${rank}`).to.not.equal(undefined);
      expect(region.values.size, `rank ${rank}: values`).to.equal(1);
      const [value] = region.values;
      // Each region's value is the mean attribution of its own pixels.
      const mean = region.pixels.reduce((s, p) => s + attribution[p], 0) / region.pixels.length;
      expect(value).to.be.closeTo(mean, 1e-5);
      // PAIR ranks the greedy regions by gain, the uncovered rest (if any) last.
      if (rank < regions) {
        expect(value, `rank ${rank}`).to.be.at.most(previous);
        previous = value;
      }
    }
    const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(regionMap)).to.be.closeTo(sum(attribution), 1e-3 * attribution.length);
  });

  it('grows each block by the dilation radius: segments hold their block and a ring around it', () => {
    const { pixels, block } = blocksImage();
    const masks = xraiSegments(grid(pixels), { dilationRadius: 2 });
    // The finest scale finds the four blocks; each mask covers one whole block.
    const whole = masks.filter((mask) => {
      const set = new Set(mask);
      return [0, 1, 2, 3].some((b) => block.every((bb, p) => bb !== b || set.has(p)));
    });
    expect(whole.length).to.be.at.least(4);
    // Dilation by 2 adds at most a 2-pixel ring: block 0 (20x28 at the corner) grows to at most 22x30.
    const top = masks.find((mask) => mask.includes(0) && !mask.includes(SIZE * SIZE - 1))!;
    expect(top.length).to.be.at.most(22 * 30);
    expect(top.length).to.be.greaterThan(20 * 28);
  });

  it("ranks first the block that holds a linear model's largest weights (IG, then XRAI)", async () => {
    const { pixels, block } = blocksImage();
    const hot = 3;
    const weights = new Float32Array(SIZE * SIZE * 3 * 2);
    for (let p = 0; p < SIZE * SIZE; p++) {
      for (let c = 0; c < 3; c++) {
        const i = 3 * p + c;
        // Class 0: small weights of both signs everywhere, large ones on block `hot`.
        weights[2 * i] = block[p] === hot ? 2 : 0.3 * Math.sin(i);
        weights[2 * i + 1] = 0.1;
      }
    }
    const before = tf.memory().numTensors;
    const w = tf.tensor2d(weights, [SIZE * SIZE * 3, 2]);
    const image = tf.tensor3d(pixels, [SIZE, SIZE, 3]);
    const baseline = tf.zerosLike(image);
    const ig = await integratedGradients(
      (batch) => tf.matMul(tf.reshape(batch, [batch.shape[0], -1]), w) as tf.Tensor2D,
      image,
      baseline,
      { target: 0, steps: 8, method: 'trapezoid', output: 'logit', batchSize: 4 },
    );
    tf.dispose([w, image, baseline]);
    expect(tf.memory().numTensors).to.equal(before);

    const { regionMap, ranks } = xrai(maxOverChannels(ig.attributions, 3), grid(pixels));
    // Pixels in rank order: the first as many as the hot block holds lie on it, but for the ring
    // that the dilation (1 pixel at 48x48) adds around it.
    const hotSize = block.filter((b) => b === hot).length;
    const byRank = Array.from(ranks.keys()).sort((a, b) => ranks[a] - ranks[b] || a - b);
    const top = byRank.slice(0, hotSize);
    const onHot = top.filter((p) => block[p] === hot).length;
    expect(onHot / hotSize, 'share of the top-ranked pixels on the hot block').to.be.at.least(0.9);
    const first = byRank.filter((p) => ranks[p] === 1);
    expect(first.filter((p) => block[p] === hot).length / first.length).to.be.at.least(0.85);
    let best = 0;
    for (let p = 0; p < regionMap.length; p++) if (regionMap[p] > regionMap[best]) best = p;
    expect(ranks[best]).to.equal(1);
  });

  it('comes back from the worker as result.regionMap with `regions: true`, and not without', async () => {
    const canvas = new OffscreenCanvas(SIZE, SIZE);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#808080';
    context.fillRect(0, 0, SIZE, SIZE);
    context.fillStyle = '#e02020';
    context.fillRect(12, 12, 24, 24);
    const url = URL.createObjectURL(await canvas.convertToBlob({ type: 'image/png' }));
    const signal = new AbortController().signal;
    const plain = await explain(request({ image: url }), {}, signal);
    expect(plain.regionMap).to.equal(undefined);
    const result = await explain(request({ image: url, regions: true }), {}, signal);
    const [h, w] = result.shape;
    expect(result.regionMap).to.be.instanceOf(Float32Array);
    expect(result.regionMap!.length).to.equal(h * w);
    // A region map has few distinct values (one per region), unlike the attributions.
    expect(new Set(result.regionMap).size).to.be.lessThan((h * w) / 20);
    expect(new Set(result.regionMap).size).to.be.greaterThan(1);
    URL.revokeObjectURL(url);
  });

  it('prints its time on a 224x224 image (measurement, not an assertion)', () => {
    const pixels = new Float32Array(224 * 224 * 3);
    const attribution = new Float32Array(224 * 224);
    for (let p = 0; p < 224 * 224; p++) {
      const [y, x] = [Math.floor(p / 224), p % 224];
      for (let c = 0; c < 3; c++)
        pixels[3 * p + c] = 0.5 + 0.4 * Math.sin(x / (9 + 4 * c)) * Math.cos(y / 13);
      attribution[p] = Math.sin(x / 17) * Math.sin(y / 23);
    }
    const image = { data: pixels, height: 224, width: 224, channels: 3 };
    const times: number[] = [];
    let regions = 0;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      regions = xrai(attribution, image).regions;
      times.push(Math.round(performance.now() - start));
    }
    console.log(`XRAI on 224x224: ${times.join(', ')} ms (${regions} regions)`);
    expect(regions).to.be.greaterThan(1);
  });
});
