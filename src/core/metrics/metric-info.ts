/**
 * What the gates and renderers need to know about each built-in metric: which direction is
 * better, how to name it for people, which tasks have it. Names follow scikit-learn's.
 */
import type { Task } from '../evaluate/report.js';

export interface MetricInfo {
  readonly name: string;
  readonly displayName: string;
  readonly greaterIsBetter: boolean;
  readonly tasks: readonly Task[];
}

const BINARY: readonly Task[] = ['binary-classification'];
const MULTICLASS: readonly Task[] = ['multiclass-classification'];
const CLASSIFICATION: readonly Task[] = ['binary-classification', 'multiclass-classification'];
const REGRESSION: readonly Task[] = ['regression'];

export const METRICS: readonly MetricInfo[] = [
  { name: 'accuracy', displayName: 'Accuracy', greaterIsBetter: true, tasks: CLASSIFICATION },
  { name: 'precision', displayName: 'Precision', greaterIsBetter: true, tasks: BINARY },
  { name: 'recall', displayName: 'Recall', greaterIsBetter: true, tasks: BINARY },
  { name: 'f1', displayName: 'F1', greaterIsBetter: true, tasks: BINARY },
  { name: 'roc_auc', displayName: 'ROC AUC', greaterIsBetter: true, tasks: BINARY },
  {
    name: 'pr_auc',
    displayName: 'PR AUC (average precision)',
    greaterIsBetter: true,
    tasks: BINARY,
  },
  { name: 'log_loss', displayName: 'Log loss', greaterIsBetter: false, tasks: CLASSIFICATION },
  { name: 'brier', displayName: 'Brier score', greaterIsBetter: false, tasks: BINARY },
  { name: 'f1_macro', displayName: 'F1 (macro)', greaterIsBetter: true, tasks: MULTICLASS },
  { name: 'f1_micro', displayName: 'F1 (micro)', greaterIsBetter: true, tasks: MULTICLASS },
  { name: 'f1_weighted', displayName: 'F1 (weighted)', greaterIsBetter: true, tasks: MULTICLASS },
  {
    name: 'precision_macro',
    displayName: 'Precision (macro)',
    greaterIsBetter: true,
    tasks: MULTICLASS,
  },
  { name: 'recall_macro', displayName: 'Recall (macro)', greaterIsBetter: true, tasks: MULTICLASS },
  {
    name: 'roc_auc_ovr',
    displayName: 'ROC AUC (one-vs-rest, macro)',
    greaterIsBetter: true,
    tasks: MULTICLASS,
  },
  { name: 'rmse', displayName: 'RMSE', greaterIsBetter: false, tasks: REGRESSION },
  { name: 'mae', displayName: 'MAE', greaterIsBetter: false, tasks: REGRESSION },
  { name: 'r2', displayName: 'R²', greaterIsBetter: true, tasks: REGRESSION },
  { name: 'mape', displayName: 'MAPE', greaterIsBetter: false, tasks: REGRESSION },
];

const byName = new Map(METRICS.map((info) => [info.name, info]));

/** undefined for names we do not compute (a training command's own metrics, a typo). */
export function metricInfo(name: string): MetricInfo | undefined {
  return byName.get(name);
}

/**
 * The metrics computed for a task, in table order: what the comparison shows when mlops.yml's
 * `evaluate.metrics` names none.
 */
export function defaultMetrics(task: Task): readonly string[] {
  return METRICS.filter((info) => info.tasks.includes(task)).map((info) => info.name);
}
