// The options table: every attribute of shared/API.md declared once. The element's properties and
// converters, validation and its messages, the run's change key, the worker request's fields, the
// JSX types, the custom-elements manifest and the README's attribute table are all derived from it.
// Adding an attribute is one entry in the file of what it changes (options-model, -prediction,
// -attribution or -view), plus the code that uses its value.
import { ATTRIBUTION_OPTIONS } from './options-attribution.js';
import { MODEL_OPTIONS } from './options-model.js';
import { PREDICTION_OPTIONS } from './options-prediction.js';
import { VIEW_OPTIONS } from './options-view.js';
import type { OptionSpec } from './option-rules.js';

/** Every attribute, grouped by what a change of it restarts (the manifest's and the README's order). */
export const OPTIONS = [
  ...MODEL_OPTIONS,
  ...PREDICTION_OPTIONS,
  ...ATTRIBUTION_OPTIONS,
  ...VIEW_OPTIONS,
] as const;

type Entry = (typeof OPTIONS)[number];
type ValueOf<E> = E extends OptionSpec<string, infer V> ? V : never;
type CheckedOf<E> = E extends OptionSpec<string, unknown, infer C> ? C : never;
type JsxOf<E> =
  E extends OptionSpec<string, unknown, unknown, string | false, infer J, string> ? J : never;

/** The element's option properties, as users set them. */
export type OptionValues = { -readonly [E in Entry as E['property']]: ValueOf<E> };
/** Every option checked (URLs absolute, `model-url` split into its list). */
export type CheckedOptions = { [E in Entry as E['property']]: CheckedOf<E> };
/** The worker request's option fields: each option whose `request` names a field. */
export type RequestOptions = {
  [E in Entry as E['request'] extends string ? E['request'] : never]: CheckedOf<E>;
};
/** The attributes as JSX templates write them (kebab-case, as in HTML). */
export type OptionJsxAttributes = { [E in Entry as E['attribute']]?: JsxOf<E> };
