// The element's options for the command-line tool: names, converters, defaults and checks all
// come from the options table (src/shared/options.ts); nothing in the tool lists an option.
import { OPTIONS, type CheckedOptions, type OptionValues } from '../shared/options.js';
import { INPUT_ATTRIBUTES, validateOptions } from '../shared/validate.js';

export type { CheckedOptions } from '../shared/options.js';

/** Paths and URLs are the tool's own flags (--model, --labels-url); the backend is WASM. */
const TOOL_OWNED = new Set(['src', 'model-url', 'labels-url', 'backend']);

/** The element attributes the tool takes as `--name value`: those that change a result. */
export const OPTION_FLAGS: readonly string[] = OPTIONS.map((spec) => spec.attribute).filter(
  (name) => (INPUT_ATTRIBUTES.has(name) || name === 'top-k') && !TOOL_OWNED.has(name),
);

// The tool's own URLs are not among the values checked here; relative ones need some base.
const BASE = 'https://ig-explainer.invalid/';

/**
 * The flags' text read by each option's attribute converter and checked by the element's own
 * validator, with the table's defaults for the rest: the options, or the element's messages
 * (`steps="0" is not valid: …`).
 */
export function checkOptions(flags: Readonly<Record<string, string>>): {
  options: CheckedOptions | null;
  problems: string[];
} {
  const values = Object.fromEntries(
    OPTIONS.map((spec) => [
      spec.property,
      spec.attribute in flags
        ? (spec.fromAttribute as (text: string) => unknown)(flags[spec.attribute])
        : spec.default,
    ]),
  ) as OptionValues;
  const { config, problems } = validateOptions(
    values,
    (name) => (name in flags ? flags[name] : null),
    BASE,
  );
  return config
    ? { options: config, problems: [] }
    : { options: null, problems: problems.map((p) => p.message) };
}
