// Predictions as users read them: top-k with labels, and the class to explain.
import type { IgPrediction } from '../shared/types.js';
import { IgError } from '../shared/types.js';

/** The label of class `index`, or `class <index>` when the model has no label for it. */
export function labelFor(index: number, labels: readonly string[]): string {
  return labels[index] ?? `class ${index}`;
}

/** The `k` most probable classes, highest first; ties keep the lower index first. */
export function topK(
  probabilities: ArrayLike<number>,
  labels: readonly string[],
  k: number,
): IgPrediction[] {
  const count = Math.max(0, Math.min(Math.floor(k), probabilities.length));
  const order = Array.from({ length: probabilities.length }, (_, i) => i);
  order.sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  return order.slice(0, count).map((index) => ({
    index,
    label: labelFor(index, labels),
    probability: probabilities[index],
  }));
}

/**
 * The class index to explain. `auto` is the top-1 class; a number must be a class index; a
 * string is a label (case and surrounding spaces ignored; one of the comma-separated names of
 * an ImageNet label such as "tabby, tabby cat" matches too) or a class index written as text.
 * Throws IgError `target-unknown` otherwise.
 */
export function resolveTarget(
  target: 'auto' | number | string,
  probabilities: ArrayLike<number>,
  labels: readonly string[],
): number {
  const classes = probabilities.length;
  if (target === 'auto') return topK(probabilities, labels, 1)[0]?.index ?? 0;
  if (typeof target === 'number') return checkedIndex(target, classes, String(target));
  const wanted = normalise(target);
  const exact = labels.findIndex((label) => normalise(label) === wanted);
  if (exact >= 0 && exact < classes) return exact;
  const synonym = labels.findIndex((label) =>
    label.split(',').some((n) => normalise(n) === wanted),
  );
  if (synonym >= 0 && synonym < classes) return synonym;
  if (/^\s*\d+\s*$/.test(target)) return checkedIndex(Number(target), classes, target);
  const example = labelFor(topK(probabilities, labels, 1)[0]?.index ?? 0, labels);
  throw new IgError(
    'target-unknown',
    `No class is labelled "${target.trim()}": set target to "auto", a class index from 0 to ` +
      `${classes - 1}, or one of the model's labels, e.g. "${example}".`,
    'target',
  );
}

function checkedIndex(index: number, classes: number, written: string): number {
  if (Number.isInteger(index) && index >= 0 && index < classes) return index;
  throw new IgError(
    'target-unknown',
    `The target class ${written} does not exist: the model has ${classes} classes, so use an ` +
      `index from 0 to ${classes - 1}, a label, or "auto".`,
    'target',
  );
}

function normalise(text: string): string {
  return text.trim().toLowerCase();
}
