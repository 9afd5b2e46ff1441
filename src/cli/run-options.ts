// What one run of the tool explains with: the checked element options, the model and labels,
// and the record the saved format keeps of them (the resume key).
import type { SavedOptions } from '../saved/format.js';
import type { ExplainRequest } from '../shared/protocol.js';
import type { IgBaselineKind } from '../shared/types.js';
import { requestOptions } from '../shared/validate.js';
import type { CheckedOptions } from './element-options.js';

export interface RunSettings {
  /** model.json URL (file: for paths). */
  modelUrl: string;
  /** What the saved files name as the model: --model-url, else --model as given. */
  modelName: string;
  modelSha256: string;
  labelsUrl: string | null;
  options: CheckedOptions;
}

/** The saved format's record of the inputs: two runs with equal records give equal results. */
export function savedOptions(settings: RunSettings): SavedOptions {
  const { options } = settings;
  return {
    steps: options.steps,
    method: options.method,
    output: options.output,
    baseline: options.baseline,
    seed: options.seed,
    fit: options.fit,
    inputRange: options.inputRange,
    target: options.target,
    tolerance: options.tolerance,
    labelsUrl: settings.labelsUrl,
  };
}

/** The engine's request for one decoded image: the table's request fields, the tool's model. */
export function explainRequest(settings: RunSettings, image: ImageBitmap): ExplainRequest {
  const { options } = settings;
  return {
    ...requestOptions(options),
    modelUrls: [settings.modelUrl],
    labelsUrl: settings.labelsUrl,
    backend: 'wasm',
    image,
    baseline: options.baseline as IgBaselineKind,
    baselineName: options.baseline,
    topK: options.topK,
  };
}
