// The attribution encoding of the saved format: a uniform quantisation whose step is tied to the
// mask the element draws, then zigzag varints in base64.

/**
 * Quantisation steps per unit of the mask's clip scale. The element normalises each polarity's
 * map (sum over channels) by its 99th percentile (clip-percentile's default) and colours
 * round(t * 255). With step = scale / 765, a pixel's map moves by at most 3 * step / 2 =
 * scale / 510 and the percentile by as much again, so t moves by at most 1/255: the saved mask
 * is within one colour-map entry of the live one. A higher clip-percentile only makes it closer.
 */
export const STEPS_PER_SCALE = 765;

/**
 * The scale the step of `attributions` ([h][w][c]) is tied to: the smallest 99th-percentile scale
 * of the three maps the element can draw (absolute, positive, negative); 0 for all zeros. A map that is
 * (almost) all zero (p99 = 0) counts with its maximum, as the element falls back to it; a map
 * whose scale is below 1/8 of the absolute one (an almost one-signed result) is not allowed to
 * shrink the step further: its own mask is then within 8/255.
 */
export function quantizationScale(attributions: Float32Array, channels: number): number {
  const pixels = Math.floor(attributions.length / Math.max(1, channels));
  const abs = new Float32Array(pixels);
  const pos = new Float32Array(pixels);
  const neg = new Float32Array(pixels);
  for (let p = 0, i = 0; p < pixels; p++) {
    for (let k = 0; k < channels; k++, i++) {
      const a = attributions[i];
      abs[p] += Math.abs(a);
      if (a > 0) pos[p] += a;
      else neg[p] -= a;
    }
  }
  const absScale = clipScale(abs);
  if (!(absScale > 0)) return 0;
  const scales = [absScale, clipScale(pos), clipScale(neg)].filter((s) => s >= absScale / 8);
  return Math.min(...scales);
}

/** Bytes the quantised attributions may take before the step is coarsened (see `encodeAttributions`). */
export const ATTRIBUTION_BUDGET = 72 * 1024;

/**
 * round(a / step) for every attribution as varints, with step = scale / STEPS_PER_SCALE; when
 * that takes more than ATTRIBUTION_BUDGET bytes (results that are mostly pixel noise), the step
 * is doubled until it fits (and `stepsPerScale` says by how much the mask bound loosened: the
 * mask is then within STEPS_PER_SCALE / stepsPerScale entries of the live one).
 */
export function encodeAttributions(
  attributions: Float32Array,
  channels: number,
): { step: number; stepsPerScale: number; bytes: Uint8Array } {
  const scale = quantizationScale(attributions, channels);
  if (!(scale > 0))
    return { step: 1, stepsPerScale: STEPS_PER_SCALE, bytes: quantize(attributions, 1) };
  let stepsPerScale = STEPS_PER_SCALE;
  for (;;) {
    const step = scale / stepsPerScale;
    const bytes = quantize(attributions, step);
    if (bytes.length <= ATTRIBUTION_BUDGET || stepsPerScale <= 64)
      return { step, stepsPerScale, bytes };
    stepsPerScale /= 2;
  }
}

/** The 99th percentile (nearest rank, rounding down) of a non-negative map, else its maximum. */
function clipScale(map: Float32Array): number {
  if (map.length === 0) return 0;
  const sorted = Float32Array.from(map).sort();
  const p99 = sorted[Math.floor(0.99 * (sorted.length - 1))];
  return p99 > 0 ? p99 : sorted[sorted.length - 1];
}

/** `values` as zigzag LEB128 varints of round(value / step). */
export function quantize(values: Float32Array, step: number): Uint8Array {
  const out = new Uint8Array(values.length * 5);
  let o = 0;
  for (let i = 0; i < values.length; i++) {
    const q = Math.round(values[i] / step);
    // Zigzag in floating point: exact up to 2^53, far beyond any attribution / step.
    let z = q < 0 ? -2 * q - 1 : 2 * q;
    while (z >= 128) {
      out[o++] = (z % 128) | 128;
      z = Math.floor(z / 128);
    }
    out[o++] = z;
  }
  return out.subarray(0, o);
}

/** The inverse of `quantize`; null when the bytes do not hold exactly `count` values. */
export function dequantize(bytes: Uint8Array, count: number, step: number): Float32Array | null {
  const out = new Float32Array(count);
  let o = 0;
  let z = 0;
  let scale = 1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    z += (b & 127) * scale;
    if (b & 128) {
      scale *= 128;
      if (scale > 2 ** 49) return null;
      continue;
    }
    if (o >= count) return null;
    out[o++] = (z % 2 === 1 ? -(z + 1) / 2 : z / 2) * step;
    z = 0;
    scale = 1;
  }
  return o === count && scale === 1 ? out : null;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) BASE64_INDEX[BASE64.charCodeAt(i)] = i;

/** Standard base64 (RFC 4648, padded); here because the element, workers and Node all need it. */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  const chunk: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    chunk.push(
      BASE64[(n >> 18) & 63],
      BASE64[(n >> 12) & 63],
      i + 1 < bytes.length ? BASE64[(n >> 6) & 63] : '=',
      i + 2 < bytes.length ? BASE64[n & 63] : '=',
    );
    if (chunk.length >= 4096) {
      out += chunk.join('');
      chunk.length = 0;
    }
  }
  return out + chunk.join('');
}

/** The bytes of standard base64 text; null when it is not base64. */
export function fromBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k);
      const v = c === 61 && i + k >= text.length - padding ? 0 : c < 128 ? BASE64_INDEX[c] : -1;
      if (v < 0) return null;
      n = n * 64 + v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
