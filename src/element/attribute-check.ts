// The element's attributes checked on every update: the first problem is the element's error,
// and each invalid value fires ig-error (code invalid-attribute) once, after it is rendered.
import { IgError } from '../shared/types.js';
import { validateAttributes, type AttributeValues, type Validation } from './attributes.js';
import type { Emit } from './explain-controller.js';

export class AttributeCheck {
  validation: Validation = { config: null, problems: [] };
  /** The first invalid attribute as an error, or null. */
  error: IgError | null = null;
  /** Attribute -> message of the invalid values already reported with ig-error. */
  #reported = new Map<string, string>();

  constructor(
    private readonly host: AttributeValues & Pick<Element, 'getAttribute'>,
    private readonly emit: Emit,
  ) {}

  check(): Validation {
    const validation = validateAttributes(this.host, (name) => this.host.getAttribute(name));
    const first = validation.problems[0];
    if (!first) this.error = null;
    else if (this.error?.message !== first.message) {
      this.error = new IgError('invalid-attribute', first.message, first.attribute);
    }
    this.validation = validation;
    return validation;
  }

  /** Fires ig-error once per invalid value (call after the update rendered the messages). */
  report(): void {
    const now = new Map(this.validation.problems.map((p) => [p.attribute, p.message]));
    for (const [attribute, message] of now) {
      if (this.#reported.get(attribute) !== message) {
        this.emit('ig-error', { code: 'invalid-attribute', message, attribute });
      }
    }
    this.#reported = now;
  }
}
