// What the element shows, derived from its validated attributes and its explain task: the view
// model that template.ts renders. Plain functions; no state of their own.
import { DEFAULT_TOP_K, MAX_TOP_K } from '../shared/defaults.js';
import type { IgEventMap } from '../shared/events.js';
import type { IgPrediction, IgResult } from '../shared/types.js';
import type { ExplainerConfig, Validation } from './attributes.js';
import type { ExplainTask } from './explain-task.js';
import { loadedResultView } from './result-view-loader.js';
import type { ViewModel } from './template.js';

/** The `top-k` to show: the attribute's value, or the default while it is invalid. */
export function shownTopK(k: number): number {
  return Number.isInteger(k) && k >= 1 && k <= MAX_TOP_K ? k : DEFAULT_TOP_K;
}

export interface ViewInputs extends Pick<
  ViewModel,
  'status' | 'imageUrl' | 'alt' | 'predictions' | 'controlsHost' | 'onExplain' | 'onSlotChange'
> {
  validation: Validation;
  task: ExplainTask;
}

export function viewModel(inputs: ViewInputs): ViewModel {
  const { status, validation, task, imageUrl } = inputs;
  const { config, problems } = validation;
  const { runner } = task;
  const result = status === 'done' ? task.result : null;
  const running = runner.running && !problems.length;
  const predictions = problems.length ? null : inputs.predictions;
  const target = (list: IgPrediction[]) => targetIndex(list, config, result);
  return {
    ...inputs,
    config,
    problems,
    errorMessage: task.error?.message ?? '',
    aspectRatio: aspectRatio(result?.shape ?? runner.modelLoad?.inputShape.slice(1, 3)),
    result,
    // While a run refines, its latest coarse map is shown in the mask panels.
    mapped: result ?? (running ? preview(task, target) : null),
    // The saturation plots: the result's path, or the points evaluated so far while running.
    chartPath: result?.path ?? (running ? runner.progress?.path : null) ?? null,
    predictions,
    targetIndex: predictions ? target(predictions) : null,
    runner,
    explainable: Boolean(imageUrl && (config?.loading === 'manual' || task.started)),
    view: loadedResultView(),
  };
}

/** The class the mask explains: the result's, or what `target` names among the predictions. */
function targetIndex(
  predictions: IgPrediction[],
  config: ExplainerConfig | null,
  result: IgResult | null,
): number | null {
  if (result) return result.target.index;
  const target = config?.target ?? 'auto';
  if (target === 'auto') return predictions[0]?.index ?? null;
  if (typeof target === 'number') return target;
  return predictions.find((p) => p.label === target)?.index ?? null;
}

/** The coarse map of the running explanation, as the mask panels label it. */
function preview(
  task: ExplainTask,
  target: (predictions: IgPrediction[]) => number | null,
): Pick<IgResult, 'shape' | 'target'> | null {
  const { partial, predictions } = task.runner;
  if (!partial) return null;
  const index = target(predictions ?? []) ?? -1;
  const label = predictions?.find((p) => p.index === index)?.label ?? '';
  return { shape: partial.shape, target: { index, label } };
}

function aspectRatio(shape: readonly number[] | undefined): string {
  const [h, w] = shape ?? [];
  return h && w && h > 0 && w > 0 ? `${w} / ${h}` : '1 / 1';
}

/** An event's detail as the page sees it: `ig-prediction` lists the shown top-k only. */
export function shownDetail(type: string, detail: unknown, topK: number): unknown {
  if (type !== 'ig-prediction') return detail;
  const { predictions } = detail as IgEventMap['ig-prediction']['detail'];
  return { predictions: predictions.slice(0, shownTopK(topK)) };
}
