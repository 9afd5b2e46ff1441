// Types for scripts/shapes-dataset.mjs, so TypeScript tests and benchmarks can regenerate samples.
export declare const SIZE: 64;
export declare const CLASSES: readonly string[];
export declare const SPLIT_SEEDS: {
  readonly train: number;
  readonly val: number;
  readonly test: number;
};
export declare function mulberry32(seed: number): () => number;
export interface ShapeSample {
  /** RGB bytes, row-major [64][64][3]. */
  image: Uint8Array;
  /** 1 where the object covers at least half the pixel, else 0; row-major [64][64]. */
  mask: Uint8Array;
  label: number;
  className: string;
  /** mask pixels / all pixels. */
  areaShare: number;
  /** 0 = plain background, 1 = busiest. */
  clutter: number;
}
export declare function makeSample(seed: number, index: number): ShapeSample;
export declare function makeDataset(
  seed: number,
  count: number,
  start?: number,
): { images: Uint8Array; masks: Uint8Array; labels: Int32Array; count: number };
