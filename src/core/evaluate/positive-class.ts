/**
 * The positive class of a binary classifier. scikit-learn's binary metrics take `pos_label`; ours
 * read index 1 (see binary-metrics.ts), so choosing another positive class is a relabelling of the
 * inputs: swap indices 0 and 1 in the truth and the predictions, swap the two probability columns,
 * and swap the class names. Every metric then is the metric for the chosen class, and the
 * per-class rows and the confusion matrix follow the new order (the positive class last).
 */
import { ConfigError } from '../errors.js';
import type { ClassificationInput } from '../metrics/metric-input.js';

/**
 * The index of the positive class in `classes`: the configured one, else index 1 (the schema
 * target's second value, as before the setting existed).
 */
export function positiveClassIndex(
  classes: readonly string[],
  configured: string | undefined,
  location: { readonly file: string },
): number {
  if (configured === undefined) return 1;
  const index = classes.indexOf(configured);
  if (index === -1) {
    throw new ConfigError(
      `evaluate.positive-class is ${JSON.stringify(configured)}, which is not one of the model's classes: ${classes.map((c) => JSON.stringify(c)).join(', ')}`,
      { location: { file: location.file, field: 'evaluate.positive-class' } },
    );
  }
  return index;
}

/** The class names with the positive class last. */
export function classesPositiveLast(classes: readonly string[], positive: number): string[] {
  return positive === 1 ? [...classes] : [classes[1] as string, classes[0] as string];
}

/** The same records with classes 0 and 1 swapped when the positive class is index 0. */
export function positiveLast(input: ClassificationInput, positive: number): ClassificationInput {
  if (positive === 1) return input;
  if (positive !== 0 || input.classes.length !== 2) {
    throw new RangeError(`positiveLast: a binary input and a positive index of 0 or 1 are needed`);
  }
  const flip = (labels: Int32Array): Int32Array => labels.map((label) => 1 - label);
  let probabilities = input.probabilities;
  if (probabilities !== undefined) {
    const swapped = new Float64Array(probabilities.length);
    for (let i = 0; i < probabilities.length; i += 2) {
      swapped[i] = probabilities[i + 1] as number;
      swapped[i + 1] = probabilities[i] as number;
    }
    probabilities = swapped;
  }
  return {
    truth: flip(input.truth),
    predicted: flip(input.predicted),
    ...(probabilities === undefined ? {} : { probabilities }),
    classes: classesPositiveLast(input.classes, 0),
  };
}
