// What is derived from the options table at run time: validation with its messages, the run's
// change key and the worker request's option fields.
import { OPTIONS, type CheckedOptions, type OptionValues, type RequestOptions } from './options.js';
import { RUN_RESTARTS } from './option-rules.js';

export interface AttributeProblem {
  attribute: string;
  message: string;
}

export interface Validation {
  config: CheckedOptions | null;
  problems: AttributeProblem[];
}

/**
 * Checks every option; `getAttribute` supplies the text users wrote, for the message, and `base`
 * (the page's base URL) makes URLs absolute: the worker has another base URL.
 */
export function validateOptions(
  values: OptionValues,
  getAttribute: (name: string) => string | null,
  base: string,
): Validation {
  const problems: AttributeProblem[] = [];
  const checked: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const value = values[spec.property];
    const result = spec.check(value, base);
    if (result === undefined) {
      const written = getAttribute(spec.attribute) ?? String(value);
      problems.push({
        attribute: spec.attribute,
        message: `${spec.attribute}="${written}" is not valid: ${spec.hint}.`,
      });
    }
    checked[spec.property] = result;
  }
  return { config: problems.length ? null : (checked as CheckedOptions), problems };
}

const RUN_OPTIONS = OPTIONS.filter((spec) => RUN_RESTARTS.includes(spec.restarts));

/** The attributes whose change needs a new explanation; the others only change the view. */
export const INPUT_ATTRIBUTES: ReadonlySet<string> = new Set(RUN_OPTIONS.map((s) => s.attribute));

/** The inputs of a run: equal keys give the same explanation. */
export function changeKey(config: CheckedOptions, imageUrl: string): string {
  return JSON.stringify([imageUrl, ...RUN_OPTIONS.map((spec) => config[spec.property])]);
}

/** The worker request's option fields, each under the name its entry gives. */
export function requestOptions(config: CheckedOptions): RequestOptions {
  const fields: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    if (spec.request !== false) fields[spec.request] = config[spec.property];
  }
  return fields as RequestOptions;
}
