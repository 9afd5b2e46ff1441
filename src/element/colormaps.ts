// Colour maps of the mask as 256-entry RGB lookup tables, generated on first use.
// inferno, viridis and magma: the degree-6 polynomial fits of matplotlib's maps (Matt Zucker,
// shadertoy.com/view/WlfXRN, fitted to the CC0 data of github.com/BIDS/colormap).
// diverging: ColorBrewer RdBu (11 classes), blue for negative, white at 0, red for positive.
import type { IgColormap } from '../shared/types.js';

export const COLORMAPS: readonly IgColormap[] = [
  'inferno',
  'viridis',
  'magma',
  'gray',
  'diverging',
];

/** Coefficients c0..c6 of each channel, lowest degree first: [r[], g[], b[]]. */
type Poly = [number[], number[], number[]];

const POLYNOMIALS: Record<'inferno' | 'viridis' | 'magma', Poly> = {
  inferno: [
    [
      0.0002189403691192265, 0.1065134194856116, 11.60249308247187, -41.70399613139459,
      77.162935699427, -71.31942824499214, 25.13112622477341,
    ],
    [
      0.001651004631001012, 0.5639564367884091, -3.972853965665698, 17.43639888205313,
      -33.40235894210092, 32.62606426397723, -12.24266895238567,
    ],
    [
      -0.01948089843709184, 3.932712388889277, -15.9423941062914, 44.35414519872813,
      -81.80730925738993, 73.20951985803202, -23.07032500287172,
    ],
  ],
  viridis: [
    [
      0.2777273272234177, 0.1050930431085774, -0.3308618287255563, -4.634230498983486,
      6.228269936347081, 4.776384997670288, -5.435455855934631,
    ],
    [
      0.005407344544966578, 1.404613529898575, 0.214847559468213, -5.799100973351585,
      14.17993336680509, -13.74514537774601, 4.645852612178535,
    ],
    [
      0.3340998053353061, 1.384590162594685, 0.09509516302823659, -19.33244095627987,
      56.69055260068105, -65.35303263337234, 26.3124352495832,
    ],
  ],
  magma: [
    [
      -0.002136485053939582, 0.2516605407371642, 8.353717279216625, -27.66873308576866,
      52.17613981234068, -50.76852536473588, 18.65570506591883,
    ],
    [
      -0.000749655052795221, 0.6775232436837668, -3.577719514958484, 14.26473078096533,
      -27.94360607168351, 29.04658282127291, -11.48977351997711,
    ],
    [
      -0.005386127855323933, 2.494026599312351, 0.3144679030132573, -13.64921318813922,
      12.94416944238394, 4.23415299384598, -5.601961508734096,
    ],
  ],
};

/** ColorBrewer RdBu, from the most negative (dark blue) to the most positive (dark red). */
const DIVERGING_STOPS = [
  0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d,
  0xb2182b, 0x67001f,
];

function polynomial(coefficients: number[], t: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * t + coefficients[i];
  return value;
}

function fromStops(stops: number[], t: number, channel: number): number {
  const x = t * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const shift = 16 - 8 * channel;
  const a = (stops[i] >> shift) & 0xff;
  const b = (stops[i + 1] >> shift) & 0xff;
  return (a + (b - a) * (x - i)) / 255;
}

const tables = new Map<IgColormap, Uint8ClampedArray>();

/** 256 RGB triples: entry i is the colour of the value i / 255. */
export function colormapLut(name: IgColormap): Uint8ClampedArray {
  let lut = tables.get(name);
  if (lut) return lut;
  lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    for (let c = 0; c < 3; c++) {
      const value =
        name === 'gray'
          ? t
          : name === 'diverging'
            ? fromStops(DIVERGING_STOPS, t, c)
            : polynomial(POLYNOMIALS[name][c], t);
      lut[i * 3 + c] = Math.round(Math.min(1, Math.max(0, value)) * 255);
    }
  }
  tables.set(name, lut);
  return lut;
}

/** A CSS gradient of the map, left (0) to right (1), for the colour bar. */
export function colormapGradient(name: IgColormap, stops = 9): string {
  const lut = colormapLut(name);
  const parts: string[] = [];
  for (let s = 0; s < stops; s++) {
    const i = Math.round((s / (stops - 1)) * 255) * 3;
    parts.push(`rgb(${lut[i]},${lut[i + 1]},${lut[i + 2]})`);
  }
  return `linear-gradient(to right,${parts.join(',')})`;
}
