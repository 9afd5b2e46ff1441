import { expect } from '@open-wc/testing';
import { colormapLut } from '../../src/element/colormaps.js';
import {
  attributionMap,
  finished,
  normalizeMap,
  percentile,
  renderMask,
  renderMaskSteps,
} from '../../src/element/mask.js';
import { alphaCover, maskedCover, maskImageSteps } from '../../src/element/view-maps.js';
import type { ExplainerConfig } from '../../src/element/attributes.js';

// A 2x2 image with 3 channels: pixel 0 all positive, pixel 1 all negative, pixel 2 mixed, pixel 3 zero.
const SHAPE: [number, number, number] = [2, 2, 3];
const ATTRIBUTIONS = new Float32Array([
  0.1,
  0.2,
  0.3, // pixel 0: sum 0.6
  -0.4,
  -0.4,
  -0.4, // pixel 1: sum -1.2
  0.5,
  -0.2,
  0, // pixel 2: +0.5, -0.2
  0,
  0,
  0, // pixel 3
]);

function close(actual: ArrayLike<number>, expected: number[]) {
  expect(actual.length).to.equal(expected.length);
  expected.forEach((v, i) => expect(actual[i]).to.be.closeTo(v, 1e-6));
}

function hex(rgb: number): [number, number, number] {
  return [(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff];
}

/** The p-th percentile of |values| by a full sort, numpy's linear interpolation: the reference. */
function sortedPercentile(values: Float32Array, p: number): number {
  const s = Float32Array.from(values, Math.abs).sort();
  const x = (p / 100) * (s.length - 1);
  const lo = Math.floor(x);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (x - lo);
}

/** Uniform values in [-1, 1) from a seeded Park-Miller generator. */
function uniform(seed: number): () => number {
  return () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
}

describe('mask: attributions -> per-pixel map', () => {
  it('absolute sums |attributions| over channels, as the tutorial', () => {
    close(attributionMap(ATTRIBUTIONS, SHAPE, 'absolute'), [0.6, 1.2, 0.7, 0]);
  });

  it('positive sums the positive parts, negative the magnitude of the negative parts', () => {
    close(attributionMap(ATTRIBUTIONS, SHAPE, 'positive'), [0.6, 0, 0.5, 0]);
    close(attributionMap(ATTRIBUTIONS, SHAPE, 'negative'), [0, 1.2, 0.2, 0]);
  });

  it('signed (for the diverging map) keeps the sign of the net sum', () => {
    close(attributionMap(ATTRIBUTIONS, SHAPE, 'absolute', true), [0.6, -1.2, 0.3, 0]);
    close(attributionMap(ATTRIBUTIONS, SHAPE, 'negative', true), [0, -1.2, -0.2, 0]);
  });

  it('percentile interpolates linearly like numpy', () => {
    const values = new Float32Array([4, 1, 3, 2, 0]);
    expect(percentile(values, 50)).to.equal(2);
    expect(percentile(values, 100)).to.equal(4);
    expect(percentile(values, 90)).to.be.closeTo(3.6, 1e-6);
    expect(percentile(new Float32Array([-5, 1]), 100)).to.equal(5);
  });

  it('percentile is the sorted |values| interpolated, on maps of every size, with ties, input untouched', () => {
    const random = uniform(7);
    for (const n of [1, 2, 3, 10, 101, 4096, 224 * 224]) {
      // Rounded to a few levels on half the maps: many equal values, as in sparse masks.
      const values = Float32Array.from({ length: n }, (_, i) =>
        n % 2 === 0 && i % 2 ? Math.round(random() * 4) / 4 : random(),
      );
      const copy = values.slice();
      for (const p of [0, 1, 50, 95, 99, 99.9, 100]) {
        expect(percentile(values, p), `n ${n}, p ${p}`).to.equal(sortedPercentile(values, p));
      }
      expect(values).to.deep.equal(copy);
    }
  });

  it('percentile is exact on sparse maps, on a wide range of magnitudes and with an infinity', () => {
    const random = uniform(11);
    const maps = {
      // Nine pixels in ten without attribution.
      sparse: (i: number) => (i % 10 ? 0 : random()),
      // Magnitudes from e^-40 to e^40.
      wide: () => Math.exp(random() * 40) * Math.sign(random()),
      constant: () => 0.3,
      zeros: (i: number) => (i % 2 ? -0 : 0),
      infinity: (i: number) => (i === 7 ? -Infinity : random()),
    };
    for (const [name, value] of Object.entries(maps)) {
      for (const n of [8, 101, 224 * 224]) {
        const values = Float32Array.from({ length: n }, (_, i) => value(i));
        for (const p of [0, 0.5, 50, 90, 99, 99.9, 100]) {
          // deep.equal: NaN equals NaN (an infinity's interpolation), as both compute it.
          expect(percentile(values, p), `${name}, n ${n}, p ${p}`).to.deep.equal(
            sortedPercentile(values, p),
          );
        }
      }
    }
  });

  it('clips above the clip-percentile and normalises to [0, 1]', () => {
    // 0..99 and one outlier: at the 99th percentile the outlier no longer dominates.
    const map = new Float32Array(101);
    for (let i = 0; i < 100; i++) map[i] = i;
    map[100] = 10000;
    const p99 = percentile(map, 99);
    expect(p99).to.equal(99);
    const clipped = normalizeMap(map, 99);
    expect(clipped[100]).to.equal(1);
    expect(clipped[99]).to.equal(1);
    expect(clipped[50]).to.be.closeTo(50 / 99, 1e-6);
    expect(clipped[0]).to.equal(0);
    // Without clipping the outlier squashes everything else to near zero.
    expect(normalizeMap(map, 100)[50]).to.be.below(0.01);
  });

  it('uses the maximum when the percentile is zero (sparse maps) and stays all-zero for zero input', () => {
    const sparse = new Float32Array(1000);
    sparse[7] = 3;
    expect(normalizeMap(sparse, 99)[7]).to.equal(1);
    expect([...normalizeMap(new Float32Array(10), 99)].every((v) => v === 0)).to.equal(true);
  });

  it('renders the largest attributions brightest and follows polarity', () => {
    const gray = (polarity: 'absolute' | 'positive' | 'negative') =>
      renderMask(ATTRIBUTIONS, SHAPE, { polarity, clipPercentile: 100, colormap: 'gray' }).data;
    const abs = gray('absolute');
    expect([abs[0], abs[4], abs[8], abs[12]]).to.deep.equal([128, 255, 149, 0]);
    expect(abs[3]).to.equal(255);
    const pos = gray('positive');
    expect([pos[0], pos[4], pos[12]]).to.deep.equal([255, 0, 0]);
    expect(pos[8]).to.be.closeTo((0.5 / 0.6) * 255, 1);
    const neg = gray('negative');
    expect([neg[0], neg[4], neg[12]]).to.deep.equal([0, 255, 0]);
    expect(neg[8]).to.be.closeTo((0.2 / 1.2) * 255, 1);
  });

  it('diverging puts zero at white-ish centre, positive red, negative blue', () => {
    const data = renderMask(ATTRIBUTIONS, SHAPE, {
      polarity: 'absolute',
      clipPercentile: 100,
      colormap: 'diverging',
    }).data;
    const px = (i: number) => [data[i * 4], data[i * 4 + 1], data[i * 4 + 2]];
    const [r0, , b0] = px(0);
    expect(r0).to.be.above(b0); // positive: red
    expect(px(1)).to.deep.equal(hex(0x053061)); // most negative: dark blue end
    const [r3, g3, b3] = px(3);
    expect(Math.min(r3, g3, b3)).to.be.above(240); // zero: near white
  });
});

describe('colour maps', () => {
  // Endpoints and midpoint of matplotlib's maps (published hex values).
  const REFERENCE: Record<string, Array<[number, number]>> = {
    viridis: [
      [0, 0x440154],
      [128, 0x21918c],
      [255, 0xfde725],
    ],
    inferno: [
      [0, 0x000004],
      [128, 0xbc3754],
      [255, 0xfcffa4],
    ],
    magma: [
      [0, 0x000004],
      [128, 0xb73779],
      [255, 0xfcfdbf],
    ],
    gray: [
      [0, 0x000000],
      [128, 0x808080],
      [255, 0xffffff],
    ],
    diverging: [
      [0, 0x053061],
      [255, 0x67001f],
    ],
  };
  for (const [name, points] of Object.entries(REFERENCE)) {
    it(`${name} matches its published colours within 6/255`, () => {
      const lut = colormapLut(name as 'viridis');
      expect(lut.length).to.equal(768);
      for (const [i, rgb] of points) {
        const expected = hex(rgb);
        for (let c = 0; c < 3; c++) {
          expect(
            Math.abs(lut[i * 3 + c] - expected[c]),
            `${name}[${i}] channel ${c}`,
          ).to.be.at.most(6);
        }
      }
    });
  }

  it('draws a mask in steps (map, scale, colours) that end in the same image, and the covers after', () => {
    const options = { polarity: 'absolute', clipPercentile: 99, colormap: 'inferno' } as const;
    const steps = renderMaskSteps(ATTRIBUTIONS, SHAPE, options);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    expect(pauses).to.equal(2);
    expect(Array.from(step.value.data)).to.deep.equal(
      Array.from(renderMask(ATTRIBUTIONS, SHAPE, options).data),
    );
    const config = { ...options, regions: false, view: ['mask', 'masked', 'alpha'], maskTop: 0.5 };
    const images = finished(
      maskImageSteps(config as unknown as ExplainerConfig, {
        attributions: ATTRIBUTIONS,
        shape: SHAPE,
      }),
    );
    const map = attributionMap(ATTRIBUTIONS, SHAPE, 'absolute');
    expect(Array.from(images.mask.data)).to.deep.equal(Array.from(step.value.data));
    expect(Array.from(images.masked!.data)).to.deep.equal(
      Array.from(maskedCover(map, 2, 2, 0.5).data),
    );
    expect(Array.from(images.alpha!.data)).to.deep.equal(
      Array.from(alphaCover(map, 2, 2, 99).data),
    );
    let all = 0;
    const stepsAll = maskImageSteps(config as unknown as ExplainerConfig, {
      attributions: ATTRIBUTIONS,
      shape: SHAPE,
    });
    while (!stepsAll.next().done) all++;
    expect(all).to.equal(4);
  });

  it('colours a 224x224x3 mask with its strongest pixel at the bright end (time logged)', () => {
    const attributions = new Float32Array(224 * 224 * 3);
    for (let i = 0; i < attributions.length; i++) attributions[i] = Math.sin(i * 12.9898) * 0.01;
    const strongest = (100 * 224 + 50) * 3;
    attributions[strongest] = 1;
    renderMask(attributions, [224, 224, 3], {
      polarity: 'absolute',
      clipPercentile: 99,
      colormap: 'inferno',
    });
    const runs = 10;
    const start = performance.now();
    for (let r = 0; r < runs; r++) {
      renderMask(attributions, [224, 224, 3], {
        polarity: 'absolute',
        clipPercentile: 99,
        colormap: 'inferno',
      });
    }
    const ms = (performance.now() - start) / runs;
    console.log(`renderMask 224x224x3: ${ms.toFixed(2)} ms`);
    const image = renderMask(attributions, [224, 224, 3], {
      polarity: 'absolute',
      clipPercentile: 99,
      colormap: 'gray',
    });
    expect(image.width).to.equal(224);
    expect(image.data[(100 * 224 + 50) * 4]).to.equal(255);
    expect(image.data[0]).to.be.below(255);
  });
});
