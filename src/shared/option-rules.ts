// The shape of an options-table entry and the parse/check rules entries are built from. Nothing is
// guessed: a value is accepted as written (keywords case-insensitively) or reported.

/** What a change of the option restarts: the model load, the prediction, the attribution, only
 * the view, or nothing (`loading` decides when a run starts, not what it computes). */
export type Restart = 'model' | 'prediction' | 'attribution' | 'view' | 'none';

/** A change of these starts a new explanation; the rest only redraw. */
export const RUN_RESTARTS: readonly Restart[] = ['model', 'prediction', 'attribution'];

/**
 * One attribute. P: the property name; V: the property's value type; C: the checked value's type;
 * R: the worker request's field for the checked value, or false; J: what JSX templates may write;
 * A: the attribute name.
 */
export interface OptionSpec<
  P extends string = string,
  V = unknown,
  C = unknown,
  R extends string | false = string | false,
  J = unknown,
  A extends string = string,
> {
  attribute: A;
  property: P;
  /** The property's type as TypeScript text (manifest and README). */
  type: string;
  default: V;
  restarts: Restart;
  /** Reflected to the attribute, so that CSS can select on it. */
  reflect?: boolean;
  /** Present means true. */
  boolean?: boolean;
  /** One line of documentation (manifest, README, IDEs). */
  doc: string;
  /** The attribute's text to the property's value; null (removed) gives the default. */
  fromAttribute(text: string | null): V;
  /** The checked value, or undefined when invalid; `base` resolves relative URLs. */
  check(value: unknown, base: string): C | undefined;
  /** Ends the message `name="text" is not valid: <hint>.` */
  hint: string;
  request: R;
  /** Type only: never set. */
  readonly jsx?: J;
}

/** Keeps each entry's literal types (property, request field) for the derived types. */
export function option<P extends string, V, C, R extends string | false, J, A extends string>(
  spec: OptionSpec<P, V, C, R, J, A>,
): OptionSpec<P, V, C, R, J, A> {
  return spec;
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** Decimal notation only ("0x10", "", "1,5" are not numbers here); anything else is NaN. */
export function parseNumber(text: string): number {
  return NUMBER.test(text) ? Number(text) : NaN;
}

const URL_PROTOCOLS = new Set(['http:', 'https:', 'data:', 'blob:']);

/** A URL made absolute, or null when absent or blank (undefined: not a usable URL). */
export function optionalUrl(value: unknown, base: string): string | null | undefined {
  if (value === null || (typeof value === 'string' && !value.trim())) return null;
  return typeof value === 'string' ? absoluteUrl(value, base) : undefined;
}

export function absoluteUrl(value: string, base: string): string | undefined {
  try {
    const url = new URL(value.trim(), base);
    return URL_PROTOCOLS.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function keyword<T extends string>(words: readonly T[]) {
  return (v: unknown): T | undefined => {
    const word = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
    return words.find((w) => w === word);
  };
}

/** "use a, b or c". */
export function keywordHint(words: readonly string[]): string {
  return `use ${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

export function numberIn(min: number, max: number, integer: boolean, open = false) {
  return (v: unknown): number | undefined => {
    const n = typeof v === 'string' ? parseNumber(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) return;
    return (open ? n > min && n < max : n >= min && n <= max) ? n : undefined;
  };
}
