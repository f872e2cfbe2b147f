/**
 * Feature standardisation shared by every baseline: z = (x - mean) / scale, with a missing value
 * (NaN) replaced by the mean, so 0 after standardising. Standardising makes one L2 penalty mean
 * the same for every feature whatever its unit, and keeps the solvers well conditioned. The means
 * and scales become part of the model (the ONNX graph applies the same steps).
 */

export interface Standardization {
  readonly means: Float64Array;
  readonly scales: Float64Array;
}

/**
 * Mean and population standard deviation of each column of the row-major `rows × features`
 * matrix, ignoring NaN (as scikit-learn's StandardScaler does). A constant column gets scale 1
 * (its standardised values are all 0); a column with no value at all gets mean 0 and scale 1.
 */
export function fitStandardization(
  x: Float64Array,
  rows: number,
  features: number,
): Standardization {
  const means = new Float64Array(features);
  const scales = new Float64Array(features);
  for (let f = 0; f < features; f++) {
    // Two passes (mean, then squared deviations): the one-pass formula loses digits when the
    // mean is large next to the spread, like a year column.
    let count = 0;
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const value = x[r * features + f] as number;
      if (Number.isNaN(value)) continue;
      count++;
      sum += value;
    }
    const mean = count === 0 ? 0 : sum / count;
    let squares = 0;
    for (let r = 0; r < rows; r++) {
      const value = x[r * features + f] as number;
      if (!Number.isNaN(value)) squares += (value - mean) * (value - mean);
    }
    const std = count === 0 ? 0 : Math.sqrt(squares / count);
    means[f] = mean;
    scales[f] = std > 0 && Number.isFinite(1 / std) ? std : 1;
  }
  return { means, scales };
}

/** Standardised copy of `x`; NaN becomes 0 (the mean). */
export function standardize(
  x: Float64Array,
  rows: number,
  { means, scales }: Standardization,
): Float64Array {
  const features = means.length;
  const z = new Float64Array(rows * features);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < features; f++) {
      const value = x[r * features + f] as number;
      z[r * features + f] = Number.isNaN(value)
        ? 0
        : (value - (means[f] as number)) / (scales[f] as number);
    }
  }
  return z;
}
