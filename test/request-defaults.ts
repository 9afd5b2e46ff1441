// The worker request's option fields at the options table's defaults: tests that build a request
// by hand start from these, so a new table entry needs no change to any test's request.
import { OPTIONS, type OptionValues, type RequestOptions } from '../src/shared/options.js';
import { requestOptions, validateOptions } from '../src/shared/validate.js';

export function defaultRequestOptions(): RequestOptions {
  const values = Object.fromEntries(OPTIONS.map((spec) => [spec.property, spec.default]));
  const { config } = validateOptions(values as OptionValues, () => null, location.href);
  if (!config) throw new Error('the options table has a default that its own check refuses');
  return requestOptions(config);
}
