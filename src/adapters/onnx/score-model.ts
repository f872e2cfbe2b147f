/**
 * Runs a model over the evaluation set and reads its outputs as labels, probabilities, logits or
 * values, as `mlops.yml` says or as detected from the outputs' names and shapes. The one place
 * that knows how real models (ours, PyTorch exports, skl2onnx with or without its ZipMap)
 * present their predictions.
 *
 * The input matrix is float32 from the start and each batch is a view into it (no copy), so the
 * evaluation path costs little more than the bare `InferenceSession.run` loop (bench/evaluate).
 */
import { DataError } from '../../core/errors.js';
import type { Task } from '../../core/evaluate/report.js';
import type { OnnxModel, OnnxOutputBuffer, OnnxTensor, OnnxValueInfo } from './onnx-model.js';

export interface OutputMapping {
  readonly label?: string | undefined;
  readonly probabilities?: string | undefined;
  readonly logits?: string | undefined;
  readonly prediction?: string | undefined;
}

export interface Scores {
  /** Class index per record (classification). */
  readonly labels?: Int32Array;
  /**
   * rows × classes, each row summing to 1 (classification, when the model gives scores), in the
   * model's own precision: float32 outputs stay float32, since widening 2 values per record to
   * float64 cost more than running a small model (bench/evaluate).
   */
  readonly probabilities?: Float32Array | Float64Array;
  /** Predicted value per record (regression). */
  readonly values?: Float64Array;
}

export interface ScoreOptions {
  readonly task: Task;
  /** Features in the order the model takes them. */
  readonly features: readonly string[];
  /** Class labels in the order of the model's class indexes and probability columns. */
  readonly classes: readonly string[] | null;
  readonly outputs?: OutputMapping | undefined;
  readonly batchSize: number;
  /** Told the records of each batch once scored (progress reports). */
  readonly onBatch?: ((records: number) => void) | undefined;
}

/** Picks the outputs to read: configured names first, then names, then shapes. */
export function resolveOutputs(
  model: OnnxModel,
  options: Pick<ScoreOptions, 'task' | 'outputs'>,
): OutputMapping {
  const byName = new Map(model.outputs.map((output) => [output.name, output]));
  const configured = options.outputs ?? {};
  for (const [role, name] of Object.entries(configured)) {
    if (name !== undefined && !byName.has(name)) {
      throw new DataError(
        `evaluate.outputs.${role} names "${name}", but the model's outputs are ${describe(model.outputs)}`,
        { location: { file: model.name } },
      );
    }
  }
  if (Object.values(configured).some((name) => name !== undefined)) return configured;

  const find = (pattern: RegExp, ok: (info: OnnxValueInfo) => boolean) =>
    model.outputs.find((output) => pattern.test(output.name) && ok(output))?.name;
  const isFloat = (info: OnnxValueInfo) => info.type === 'float32' || info.type === 'float64';
  if (options.task === 'regression') {
    const prediction =
      find(/^(prediction|predictions|variable|output|y)$/i, isFloat) ??
      model.outputs.find(isFloat)?.name;
    return { prediction };
  }
  const label = find(
    /label/i,
    (info) => info.type === 'int64' || info.type === 'int32' || info.type === 'string',
  );
  const probabilities = find(/prob/i, isFloat);
  const logits = probabilities === undefined ? find(/logit|score|output/i, isFloat) : undefined;
  if (label === undefined && probabilities === undefined && logits === undefined) {
    // A single float output of shape [N, C] is the usual PyTorch export: treat it as logits.
    const single =
      model.outputs.length === 1 && model.outputs[0] && isFloat(model.outputs[0])
        ? model.outputs[0].name
        : undefined;
    return { logits: single };
  }
  return { label, probabilities, logits };
}

export async function scoreModel(
  model: OnnxModel,
  x: Float32Array,
  rows: number,
  options: ScoreOptions,
): Promise<Scores> {
  const F = options.features.length;
  const input = featureInput(model, options.features);
  const mapping = resolveOutputs(model, options);
  const columnClasses = checkColumnClasses(model, mapping.probabilities, options.classes);
  // skl2onnx's labels are the class values, not indexes: a model trained on 2 and 4 predicts 2
  // and 4, which its ZipMap lists in column order.
  const labelIndex =
    columnClasses?.every((label) => typeof label === 'number') && !isIndexes(columnClasses)
      ? new Map(columnClasses.map((label, index) => [label, index]))
      : undefined;
  const wanted = [mapping.label, mapping.probabilities, mapping.logits, mapping.prediction].filter(
    (name): name is string => name !== undefined,
  );
  if (wanted.length === 0) {
    throw new DataError(
      `cannot tell which output holds the predictions among ${describe(model.outputs)}; set evaluate.outputs in mlops.yml`,
      { location: { file: model.name } },
    );
  }
  const classes = options.classes?.length ?? 0;
  const regression = options.task === 'regression';
  const labels = regression ? undefined : unfilled(Int32Array, rows);
  const values = regression ? new Float64Array(rows) : undefined;
  const scored =
    !regression && (mapping.probabilities !== undefined || mapping.logits !== undefined);
  const { direct, probabilityArray, outputBuffers } = preallocatedOutputs({
    model,
    mapping,
    rows,
    classes,
    batchSize: options.batchSize,
  });
  let probabilities: Float32Array | Float64Array | undefined = probabilityArray;
  const labelError = outOfRange(model, options.classes);
  const classIndex = new Map((options.classes ?? []).map((label, index) => [label, index]));

  for (let start = 0; start < rows; start += options.batchSize) {
    const count = Math.min(options.batchSize, rows - start);
    const data = x.subarray(start * F, (start + count) * F);
    const out = await model.run(
      { [input.name]: { type: 'float32', data, dims: [count, F] } },
      wanted,
      outputBuffers(start, count),
    );
    if (values && mapping.prediction !== undefined) {
      const tensor = out[mapping.prediction];
      const data = numeric(tensor, model, mapping.prediction);
      if (data.length !== count)
        throw shapeError(model, mapping.prediction, `[${count}] or [${count}, 1]`, tensor);
      for (let i = 0; i < count; i++) values[start + i] = Number(data[i] ?? Number.NaN);
    }
    // Set where the softmax of two-class logits also wrote the class indexes.
    let labelled = false;
    if (scored) {
      const name = (mapping.probabilities ?? mapping.logits) as string;
      const data = numeric(out[name], model, name);
      if (data.length !== count * classes)
        throw shapeError(model, name, `[${count}, ${classes}] (one column per class)`, out[name]);
      probabilities ??=
        data instanceof Float64Array
          ? unfilled(Float64Array, rows * classes)
          : unfilled(Float32Array, rows * classes);
      labelled = scoresInto({
        data,
        target: probabilities,
        start,
        count,
        classes,
        // onnxruntime already wrote them in place.
        direct,
        fromLogits: mapping.probabilities === undefined,
        labels: labels && mapping.label === undefined ? labels : undefined,
      });
    }
    if (labels) {
      if (mapping.label !== undefined) {
        labelsInto({
          tensor: out[mapping.label],
          name: mapping.label,
          model,
          labels,
          start,
          count,
          classes: options.classes,
          classIndex,
          labelIndex,
          labelError,
        });
      } else if (probabilities && !labelled) {
        argmaxInto(probabilities, start, count, classes, labels);
      }
    }
    options.onBatch?.(count);
  }
  return {
    ...(labels ? { labels } : {}),
    ...(probabilities ? { probabilities } : {}),
    ...(values ? { values } : {}),
  };
}

/**
 * Memory onnxruntime writes outputs into, so scoring millions of records allocates once: where
 * the model declares float32 probabilities [N, C] they go straight into the result array; logits
 * (turned into probabilities batch by batch) and int64 class indexes into one reused buffer each.
 */
function preallocatedOutputs(options: {
  readonly model: OnnxModel;
  readonly mapping: OutputMapping;
  readonly rows: number;
  readonly classes: number;
  readonly batchSize: number;
}): {
  readonly direct: boolean;
  readonly probabilityArray: Float32Array | undefined;
  outputBuffers(start: number, count: number): Record<string, OnnxOutputBuffer> | undefined;
} {
  const { model, mapping, rows, classes } = options;
  const fitsClasses = (info: OnnxValueInfo | undefined) =>
    info?.type === 'float32' &&
    info.shape.length === 2 &&
    (info.shape[1] === classes || typeof info.shape[1] === 'string');
  const direct = fitsClasses(model.outputs.find((o) => o.name === mapping.probabilities));
  const probabilities = direct ? unfilled(Float32Array, rows * classes) : undefined;
  const logitBuffer =
    !direct &&
    mapping.probabilities === undefined &&
    fitsClasses(model.outputs.find((o) => o.name === mapping.logits))
      ? new Float32Array(Math.min(options.batchSize, rows) * classes)
      : undefined;
  const labelInfo = model.outputs.find((output) => output.name === mapping.label);
  const labelBuffer =
    labelInfo?.type === 'int64' && labelInfo.shape.length === 1
      ? new BigInt64Array(Math.min(options.batchSize, rows))
      : undefined;
  return {
    direct,
    probabilityArray: probabilities,
    outputBuffers(start, count) {
      const into: Record<string, OnnxOutputBuffer> = {};
      if (probabilities && mapping.probabilities !== undefined) {
        into[mapping.probabilities] = {
          type: 'float32',
          data: probabilities.subarray(start * classes, (start + count) * classes),
          dims: [count, classes],
        };
      }
      if (logitBuffer && mapping.logits !== undefined) {
        into[mapping.logits] = {
          type: 'float32',
          data: logitBuffer.subarray(0, count * classes),
          dims: [count, classes],
        };
      }
      if (labelBuffer && mapping.label !== undefined) {
        into[mapping.label] = {
          type: 'int64',
          data: labelBuffer.subarray(0, count),
          dims: [count],
        };
      }
      return Object.keys(into).length > 0 ? into : undefined;
    },
  };
}

/** The model's one float32 `[N, F]` input (or the one named `features`), checked against the data. */
function featureInput(model: OnnxModel, features: readonly string[]): OnnxValueInfo {
  const F = features.length;
  const input =
    model.inputs.length === 1 ? model.inputs[0] : model.inputs.find((i) => i.name === 'features');
  const width = input?.shape[1];
  if (
    !input ||
    input.type !== 'float32' ||
    (typeof width === 'number' && width !== F) ||
    input.shape.length !== 2
  ) {
    throw new DataError(
      `the model's inputs do not match the data: expected one float32 input of shape [N, ${F}] (the features ${JSON.stringify(features).slice(0, 300)}), found ${describe(model.inputs)}`,
      { location: { file: model.name } },
    );
  }
  return input;
}

/**
 * One batch's probabilities (or logits, turned into probabilities) into `target` at `start`.
 * Returns true when it also wrote the class indexes (two-class logits, in one pass).
 */
function scoresInto(options: {
  readonly data: ArrayLike<number | bigint> & { readonly length: number };
  readonly target: Float32Array | Float64Array;
  readonly start: number;
  readonly count: number;
  readonly classes: number;
  readonly direct: boolean;
  readonly fromLogits: boolean;
  readonly labels: Int32Array | undefined;
}): boolean {
  const { data, target, start, count, classes } = options;
  if (options.direct) return false;
  if (!options.fromLogits) {
    // Same element type: a plain memory copy.
    if (data instanceof Float32Array || data instanceof Float64Array) {
      target.set(data, start * classes);
    } else {
      for (let i = 0; i < count * classes; i++) target[start * classes + i] = Number(data[i]);
    }
    return false;
  }
  if (
    classes === 2 &&
    (data instanceof Float32Array || data instanceof Float64Array) &&
    options.labels
  ) {
    softmaxPairsInto({ logits: data, count, out: target, labels: options.labels, start });
    return true;
  }
  softmaxInto(data, count, classes, target, start * classes);
  return false;
}

/** One batch's predicted labels (class names, indexes or class values) into `labels`. */
function labelsInto(options: {
  readonly tensor: OnnxTensor | undefined;
  readonly name: string;
  readonly model: OnnxModel;
  readonly labels: Int32Array;
  readonly start: number;
  readonly count: number;
  readonly classes: readonly string[] | null;
  readonly classIndex: ReadonlyMap<string, number>;
  readonly labelIndex: ReadonlyMap<string | number, number> | undefined;
  readonly labelError: ReturnType<typeof outOfRange>;
}): void {
  const { tensor, model, labels, start, count } = options;
  if (tensor?.type === 'string') {
    for (let i = 0; i < count; i++) {
      const index = options.classIndex.get(tensor.data[i] ?? '');
      if (index === undefined) {
        throw new DataError(
          `the model predicted the label "${tensor.data[i] ?? ''}", which is not one of the classes ${JSON.stringify(options.classes)}`,
          { location: { file: model.name } },
        );
      }
      labels[start + i] = index;
    }
    return;
  }
  const data = numeric(tensor, model, options.name);
  if (data.length !== count) throw shapeError(model, options.name, `[${count}]`, tensor);
  if (options.labelIndex) copyLabelValues(data, labels, start, options.labelIndex, model);
  else copyLabels(data, labels, start, options.classes?.length ?? 0, options.labelError);
}

/**
 * A result array without the zero-fill of `new Int32Array(n)`: every element is written before
 * anything reads it (each batch writes its rows or throws, and a throw drops the array), and
 * zero-filling megabytes that are overwritten at once was a measurable part of the overhead over
 * a bare onnxruntime loop (bench/evaluate).
 */
function unfilled<T>(
  Type: { new (buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Type(Buffer.allocUnsafeSlow(length * Type.BYTES_PER_ELEMENT).buffer as ArrayBuffer);
}

function numeric(
  tensor: OnnxTensor | undefined,
  model: OnnxModel,
  name: string,
): ArrayLike<number | bigint> & { length: number } {
  if (!tensor || tensor.type === 'string' || tensor.type === 'bool') {
    throw new DataError(`the output "${name}" is ${tensor?.type ?? 'missing'}, expected numbers`, {
      location: { file: model.name },
    });
  }
  return tensor.data;
}

function shapeError(
  model: OnnxModel,
  name: string,
  expected: string,
  tensor: OnnxTensor | undefined,
): DataError {
  return new DataError(
    `the output "${name}" has shape [${tensor?.dims.join(', ') ?? ''}], expected ${expected}`,
    {
      location: { file: model.name },
    },
  );
}

function softmaxInto(
  logits: ArrayLike<number | bigint>,
  count: number,
  classes: number,
  out: Float32Array | Float64Array,
  offset: number,
): void {
  for (let r = 0; r < count; r++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, Number(logits[r * classes + c]));
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(Number(logits[r * classes + c]) - max);
      out[offset + r * classes + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++)
      out[offset + r * classes + c] = (out[offset + r * classes + c] ?? 0) / sum;
  }
}

/**
 * Two classes, the usual PyTorch binary head, in one pass: after subtracting the maximum, the
 * larger logit's exponential is exactly 1, so one `Math.exp` per record gives the softmax that
 * the general loop spends two on (without its intermediate rounding to float32), and the class
 * index is the larger logit's, the first on a tie or a NaN, as numpy's argmax gives. Measured in
 * bench/evaluate against onnxruntime running the same network with its softmax and argmax. A NaN
 * logit, or two equal infinite ones, give NaN as in the general loop; an infinite logit against
 * a finite one gives the limit, 1 and 0, where the general loop gives NaN.
 */
function softmaxPairsInto(options: {
  logits: Float32Array | Float64Array;
  count: number;
  out: Float32Array | Float64Array;
  labels: Int32Array;
  /** First record of the batch. */
  start: number;
}): void {
  const { logits, count, out, labels, start } = options;
  for (let r = 0; r < count; r++) {
    const a = logits[2 * r] as number;
    const b = logits[2 * r + 1] as number;
    const e = Math.exp(-Math.abs(b - a));
    const sum = 1 + e;
    const small = e / sum;
    const i = 2 * (start + r);
    if (b > a) {
      out[i] = small;
      out[i + 1] = 1 / sum;
      labels[start + r] = 1;
    } else {
      // a > b, or equal logits (e = 1: one half each), or a NaN difference (NaN each).
      out[i] = a > b ? 1 / sum : small;
      out[i + 1] = small;
      labels[start + r] = 0;
    }
  }
}

function argmaxInto(
  probabilities: Float32Array | Float64Array,
  start: number,
  count: number,
  classes: number,
  labels: Int32Array,
): void {
  for (let r = start; r < start + count; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if (
        (probabilities[r * classes + c] ?? -Infinity) >
        (probabilities[r * classes + best] ?? -Infinity)
      )
        best = c;
    }
    labels[r] = best;
  }
}

function describe(values: readonly OnnxValueInfo[]): string {
  return (
    values.map((value) => `${value.name} (${value.type} [${value.shape.join(', ')}])`).join(', ') ||
    'none'
  );
}

/**
 * Class indexes into an Int32Array. int64 outputs arrive as a BigInt64Array, and converting each
 * BigInt costs more than running a small model; indexes fit in the low 32 bits (little-endian),
 * so those are read directly whenever every high word is zero, the case for any real class count.
 */
function copyLabels(
  data: ArrayLike<number | bigint>,
  labels: Int32Array,
  start: number,
  classes: number,
  outOfRangeError: (index: number) => DataError,
): void {
  if (data instanceof BigInt64Array) {
    const words = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
    const n = data.length;
    let i = 0;
    // One pass: the low word is the index whenever the high word is zero and it is in range.
    for (; i < n; i++) {
      const low = words[2 * i] as number;
      if (words[2 * i + 1] !== 0 || low < 0 || low >= classes) break;
      labels[start + i] = low;
    }
    if (i === n) return;
  }
  for (let i = 0; i < data.length; i++) {
    const value = Number(data[i]);
    if (!Number.isSafeInteger(value) || value < 0 || value >= classes) throw outOfRangeError(value);
    labels[start + i] = value;
  }
}

/**
 * The classes a model names for the columns of its probability output (a skl2onnx ZipMap), which
 * must be the configured classes in the same order, or plain indexes 0..C-1.
 */
function checkColumnClasses(
  model: OnnxModel,
  output: string | undefined,
  classes: readonly string[] | null,
): readonly (string | number)[] | undefined {
  const labels = output === undefined ? undefined : model.classLabels[output];
  if (!labels || !classes) return labels;
  const same =
    labels.length === classes.length &&
    (isIndexes(labels) || labels.every((label, i) => String(label) === classes[i]));
  if (same) return labels;
  throw new DataError(
    `the model's output "${output}" holds the probabilities of the classes ${JSON.stringify(labels)}, in that order, but the classes here are ${JSON.stringify(classes)}; list the model's classes in that order in evaluate.classes`,
    { location: { file: model.name } },
  );
}

function isIndexes(labels: readonly (string | number)[]): boolean {
  return labels.every((label, i) => label === i);
}

/** Class values (skl2onnx's labels, such as 2 and 4) into the indexes of their columns. */
function copyLabelValues(
  data: ArrayLike<number | bigint>,
  labels: Int32Array,
  start: number,
  labelIndex: ReadonlyMap<string | number, number>,
  model: OnnxModel,
): void {
  for (let i = 0; i < data.length; i++) {
    const index = labelIndex.get(Number(data[i]));
    if (index === undefined) {
      throw new DataError(
        `the model predicted the class ${String(data[i])}, which is not one of its classes ${JSON.stringify([...labelIndex.keys()])}`,
        { location: { file: model.name } },
      );
    }
    labels[start + i] = index;
  }
}

/** A class index the classes do not have: the model and the config disagree on the classes. */
function outOfRange(model: OnnxModel, classes: readonly string[] | null) {
  return (index: number) =>
    new DataError(
      `the model predicted class index ${index}, but there are ${classes?.length ?? 0} classes ${JSON.stringify(classes)}`,
      { location: { file: model.name } },
    );
}
