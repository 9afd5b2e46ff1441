// The element's side of the options table (shared/options.ts): Lit property declarations with
// their converters, and validation against the page's base URL. Nothing here names an attribute.
import type { PropertyDeclarations } from 'lit';
import { IgError } from '../shared/types.js';
import { OPTIONS, type CheckedOptions, type OptionValues } from '../shared/options.js';
import { validateOptions, type Validation } from '../shared/validate.js';

export type { AttributeProblem, Validation } from '../shared/validate.js';
/** The element's option properties as users set them. */
export type AttributeValues = OptionValues;
/** Every option checked; URLs made absolute against the page (the worker has another base URL). */
export type ExplainerConfig = CheckedOptions;

/** One reactive property per option: a removed attribute restores the default. */
export function optionProperties(): PropertyDeclarations {
  return Object.fromEntries(
    OPTIONS.map((spec) => [
      spec.property,
      {
        attribute: spec.attribute,
        reflect: spec.reflect ?? false,
        ...(spec.boolean
          ? { type: Boolean }
          : { converter: { fromAttribute: spec.fromAttribute } }),
      },
    ]),
  );
}

/** Each option's default, to start the element with. */
export function optionDefaults(): OptionValues {
  return Object.fromEntries(OPTIONS.map((spec) => [spec.property, spec.default])) as OptionValues;
}

/** Checks every attribute; `element.getAttribute` supplies the text users wrote, for the message. */
export function validateAttributes(
  values: OptionValues,
  getAttribute: (name: string) => string | null,
): Validation {
  return validateOptions(values, getAttribute, document.baseURI);
}

/** `explain()` with neither `src` nor a slotted `<img>`. */
export function noImageError(): IgError {
  return new IgError(
    'image-load',
    'There is no image to explain: set the src attribute or put an <img> inside <ig-explainer>.',
  );
}
