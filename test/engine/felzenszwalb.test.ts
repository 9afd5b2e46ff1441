// Felzenszwalb's segmentation (src/engine/felzenszwalb.ts) against scikit-image's, the one PAIR
// saliency's XRAI calls: the labels skimage 0.19 gives on four 64x64 images at three scales
// (test/fixtures/xrai/felzenszwalb-reference.json, from scripts/felzenszwalb-reference.mjs), and
// images whose regions are known.
import { expect } from '@open-wc/testing';
import { felzenszwalb, type PixelGrid } from '../../src/engine/felzenszwalb.js';

interface Reference {
  skimage: string;
  runs: Array<{ scale: number; sigma: number; minSize: number }>;
  images: Array<{
    name: string;
    height: number;
    width: number;
    channels: number;
    data: number[];
    labels: number[][];
  }>;
}

/** Hubert & Arabie's adjusted Rand index of two labellings: 1 = the same partition. */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const pairs = (k: number) => (k * (k - 1)) / 2;
  const joint = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]} ${b[i]}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    rows.set(a[i], (rows.get(a[i]) ?? 0) + 1);
    cols.set(b[i], (cols.get(b[i]) ?? 0) + 1);
  }
  let index = 0;
  for (const k of joint.values()) index += pairs(k);
  let sumRows = 0;
  for (const k of rows.values()) sumRows += pairs(k);
  let sumCols = 0;
  for (const k of cols.values()) sumCols += pairs(k);
  const expected = (sumRows * sumCols) / pairs(n);
  const max = (sumRows + sumCols) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

function count(labels: ArrayLike<number>): number {
  return new Set(Array.from(labels)).size;
}

describe('Felzenszwalb segmentation', () => {
  let reference: Reference;
  before(async () => {
    const url = new URL('../fixtures/xrai/felzenszwalb-reference.json', import.meta.url);
    reference = (await (await fetch(url)).json()) as Reference;
  });

  it("agrees with scikit-image's felzenszwalb (adjusted Rand index >= 0.99 and the same segment count on every image and scale)", () => {
    const scores: string[] = [];
    for (const image of reference.images) {
      const grid: PixelGrid = { ...image, data: Float32Array.from(image.data) };
      reference.runs.forEach((run, r) => {
        const ours = felzenszwalb(grid, run);
        const theirs = image.labels[r];
        const ari = adjustedRandIndex(ours.labels, theirs);
        scores.push(`${image.name} scale ${run.scale}: ARI ${ari.toFixed(4)}`);
        expect(ours.count, `${image.name}, scale ${run.scale}: segments`).to.equal(
          count(ours.labels),
        );
        expect(ari, `${image.name}, scale ${run.scale}`).to.be.at.least(0.99);
        expect(ours.count, `${image.name}, scale ${run.scale}: segments`).to.equal(count(theirs));
      });
    }
    console.log(`skimage ${reference.skimage}\n${scores.join('\n')}`);
  });

  it('finds the four blocks of a noisy four-block image (up to the edges that smoothing blurs), and none under minSize', () => {
    const image = reference.images.find((i) => i.name === 'four noisy blocks')!;
    const grid: PixelGrid = { ...image, data: Float32Array.from(image.data) };
    const truth = new Int32Array(64 * 64);
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) truth[y * 64 + x] = (y < 32 ? 0 : 2) + (x < 24 ? 0 : 1);
    }
    const { labels, count: segments } = felzenszwalb(grid, {
      scale: 100,
      sigma: 0.8,
      minSize: 150,
    });
    expect(segments).to.equal(4);
    // Each block has a segment of its own that covers nearly all of it; pixels on a block edge,
    // blurred by the smoothing, may join a neighbour's segment.
    const majorities = new Set<number>();
    for (let block = 0; block < 4; block++) {
      const votes = new Map<number, number>();
      let size = 0;
      for (let p = 0; p < truth.length; p++) {
        if (truth[p] !== block) continue;
        size++;
        votes.set(labels[p], (votes.get(labels[p]) ?? 0) + 1);
      }
      const [label, votesFor] = [...votes.entries()].sort((a, b) => b[1] - a[1])[0];
      majorities.add(label);
      expect(votesFor / size, `block ${block}`).to.be.at.least(0.9);
    }
    expect(majorities.size).to.equal(4);
    expect(adjustedRandIndex(labels, truth)).to.be.at.least(0.9);
    const small = felzenszwalb(grid, { scale: 1, sigma: 0.8, minSize: 200 });
    const sizes = new Map<number, number>();
    for (const l of small.labels) sizes.set(l, (sizes.get(l) ?? 0) + 1);
    expect(Math.min(...sizes.values())).to.be.at.least(200);
  });

  it('keeps a flat image whole and a larger scale never gives more segments', () => {
    const flat: PixelGrid = {
      data: new Float32Array(32 * 32 * 3).fill(0.5),
      height: 32,
      width: 32,
      channels: 3,
    };
    expect(felzenszwalb(flat, { scale: 50, sigma: 0.8, minSize: 10 }).count).to.equal(1);
    const image = reference.images[0];
    const grid: PixelGrid = { ...image, data: Float32Array.from(image.data) };
    const counts = [50, 150, 500, 1200].map(
      (scale) => felzenszwalb(grid, { scale, sigma: 0.8, minSize: 150 }).count,
    );
    for (let i = 1; i < counts.length; i++) expect(counts[i]).to.be.at.most(counts[i - 1]);
    expect(counts[0]).to.be.greaterThan(counts[counts.length - 1]);
  });
});
