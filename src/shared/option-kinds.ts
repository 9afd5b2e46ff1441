// The kinds of options-table entry that several attributes share (keyword, number, flag, URL), each
// built on `option()` with its parse rule, check and hint. The table's files (options-*.ts) use
// them; an attribute of its own kind is written out in full there.
import {
  keyword,
  keywordHint,
  numberIn,
  option,
  optionalUrl,
  parseNumber,
  type OptionSpec,
} from './option-rules.js';

export const nullableText = (v: string | null) => v;
/** A space-separated list's items. */
export const words = (v: unknown) =>
  typeof v === 'string' ? v.trim().split(/\s+/).filter(Boolean) : [];

/** A keyword attribute: matched case-insensitively, "use a, b or c" when it is none of them. */
export function keywords<
  A extends string,
  P extends string,
  const W extends readonly string[],
  R extends string | false = P,
>(
  attribute: A,
  property: P,
  words: W,
  fallback: W[number],
  rest: Pick<OptionSpec, 'restarts' | 'doc' | 'reflect'> & { request?: R },
) {
  return option<P, W[number], W[number], R, W[number], A>({
    attribute,
    property,
    type: words.map((w) => `'${w}'`).join(' | '),
    default: fallback,
    fromAttribute: (v) => (v ?? fallback) as W[number],
    check: keyword(words),
    hint: keywordHint(words),
    request: (rest.request ?? property) as R,
    ...rest,
  });
}

/** A number attribute in [min, max] (or (min, max) when `open`); bad text stays NaN and is reported. */
export function numeric<A extends string, P extends string, R extends string | false = P>(
  attribute: A,
  property: P,
  range: { min: number; max: number; integer: boolean; fallback: number },
  rest: Pick<OptionSpec, 'restarts' | 'doc'> & { request?: R; hint?: string },
) {
  const { min, max, integer, fallback } = range;
  return option<P, number, number, R, number | string, A>({
    attribute,
    property,
    type: 'number',
    default: fallback,
    fromAttribute: (v) => (v === null ? fallback : parseNumber(v)),
    check: numberIn(min, max, integer),
    hint: `use ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (default ${fallback})`,
    ...rest,
    request: (rest.request ?? property) as R,
  });
}

/** A boolean attribute: present means true, off by default. */
export function flag<A extends string, P extends string, R extends string | false = P>(
  attribute: A,
  property: P,
  rest: Pick<OptionSpec, 'restarts' | 'doc' | 'reflect'> & { request?: R },
) {
  return option<P, boolean, boolean, R, boolean, A>({
    attribute,
    property,
    type: 'boolean',
    default: false,
    boolean: true,
    fromAttribute: (v) => v !== null,
    check: (v) => Boolean(v),
    hint: 'use the attribute without a value, or remove it',
    ...rest,
    request: (rest.request ?? property) as R,
  });
}

/** An optional URL attribute (made absolute); null when absent. Not sent to the worker as is. */
export function url<A extends string, P extends string>(
  attribute: A,
  property: P,
  rest: Pick<OptionSpec, 'restarts' | 'doc' | 'hint'>,
) {
  return option<P, string | null, string | null, false, string, A>({
    attribute,
    property,
    type: 'string | null',
    default: null,
    fromAttribute: nullableText,
    check: optionalUrl,
    ...rest,
    request: false,
  });
}
