/**
 * The Open Inference Protocol (KServe V2, also spoken by Triton, Seldon MLServer and OpenVINO Model
 * Server): tensors in, tensors out. Two input forms are accepted, both checked against the dataset
 * schema like a records request:
 * - one input per feature, named as the schema's column, shape `[N]` or `[N, 1]` (the form
 *   Triton's and MLServer's pandas codecs write): any feature type, BYTES for text;
 * - one `[N, F]` tensor holding every feature in schema order, when every feature is numeric
 *   (what a client of a bare ONNX model sends).
 * Answers `label` (BYTES) and `probabilities` (FP32, `[N, C]` in the model's class order) for a
 * classifier, `prediction` (FP64) for a regression model.
 */
import type { Cell, DataBatch } from '../data/batch.js';
import type { ColumnSchema, DatasetSchema } from '../schema/dataset-schema.js';
import { RequestError } from './request-error.js';
import { checkBatch, type RecordLimits, type RequestColumns } from './request-records.js';

export type Datatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';

const numericTypes = new Set<string>([
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
]);

export interface TensorMetadata {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
}

export interface ResponseTensor extends TensorMetadata {
  readonly data: readonly (number | string | boolean)[];
}

/** What a model answers, before it is put into either protocol's shape. */
export interface Prediction {
  readonly rows: number;
  /** Class names in the model's order (classification). */
  readonly classes: readonly string[] | null;
  /** Predicted class per record (classification). */
  readonly labels?: readonly string[];
  /** rows × classes, row-major (classification, when the model gives scores). */
  readonly probabilities?: Float32Array | Float64Array;
  /** Predicted value per record (regression). */
  readonly values?: Float64Array;
}

export interface InferRequest {
  readonly id: string | undefined;
  readonly batch: DataBatch;
  /** Output names asked for; null for all. */
  readonly outputs: readonly string[] | null;
}

/** The datatype a schema column travels as. */
export function columnDatatype(column: ColumnSchema): Datatype {
  switch (column.type) {
    case 'number':
      return 'FP64';
    case 'integer':
      return 'INT64';
    case 'boolean':
      return 'BOOL';
    default:
      return 'BYTES';
  }
}

/** `GET /v2/models/<name>`: inputs are the schema's features; outputs depend on the task. */
export function modelMetadata(options: {
  readonly name: string;
  readonly version: string;
  readonly schema: DatasetSchema;
  readonly classes: readonly string[] | null;
}): {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
} {
  const inputs = Object.entries(options.schema.columns)
    .filter(([, column]) => column.role === 'feature')
    .map(([name, column]) => ({ name, datatype: columnDatatype(column), shape: [-1] }));
  const outputs: TensorMetadata[] =
    options.classes === null
      ? [{ name: 'prediction', datatype: 'FP64', shape: [-1] }]
      : [
          { name: 'label', datatype: 'BYTES', shape: [-1] },
          { name: 'probabilities', datatype: 'FP32', shape: [-1, options.classes.length] },
        ];
  return {
    name: options.name,
    versions: [options.version],
    platform: 'onnxruntime_onnx',
    inputs,
    outputs,
  };
}

/** Parses and checks a V2 infer body into one batch of records. */
export function parseInferRequest(
  body: unknown,
  schema: DatasetSchema,
  columns: RequestColumns,
  limits: RecordLimits,
): InferRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestError(
      400,
      'expected a JSON object {"inputs": [{name, shape, datatype, data}]}',
    );
  }
  const record = body as Record<string, unknown>;
  const id = record['id'];
  if (id !== undefined && typeof id !== 'string')
    throw new RequestError(400, '"id" must be a string');
  const inputs = record['inputs'];
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new RequestError(400, '"inputs" must be a non-empty array of tensors');
  }
  const tensors = inputs.map((input, i) => parseTensor(input, i));
  const byName = new Map(tensors.map((t) => [t.name, t]));
  if (byName.size !== tensors.length) throw new RequestError(400, 'two inputs have the same name');
  const outputs = parseOutputs(record['outputs']);
  const first = tensors[0] as ParsedTensor;
  const batch =
    tensors.length === 1 && !columns.features.includes(first.name) && first.shape.length === 2
      ? matrixBatch(first, schema, columns, limits)
      : featureBatch(byName, schema, columns, limits);
  checkBatch(batch, columns);
  return { id, batch, outputs };
}

interface ParsedTensor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  readonly data: readonly unknown[];
}

function parseTensor(input: unknown, index: number): ParsedTensor {
  const where = `inputs[${index}]`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new RequestError(400, `${where}: expected an object {name, shape, datatype, data}`);
  }
  const t = input as Record<string, unknown>;
  const name = t['name'];
  if (typeof name !== 'string' || name === '') {
    throw new RequestError(400, `${where}: "name" must be a non-empty string`);
  }
  const shape = t['shape'];
  if (
    !Array.isArray(shape) ||
    shape.length === 0 ||
    !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)
  ) {
    throw new RequestError(
      400,
      `input "${name}": "shape" must be an array of non-negative integers`,
    );
  }
  const datatype = t['datatype'];
  if (
    typeof datatype !== 'string' ||
    !(numericTypes.has(datatype) || datatype === 'BOOL' || datatype === 'BYTES')
  ) {
    throw new RequestError(
      400,
      `input "${name}": unknown datatype ${JSON.stringify(datatype)}; expected BOOL, INT8..INT64, UINT8..UINT64, FP16, FP32, FP64 or BYTES`,
    );
  }
  const raw = t['data'];
  if (!Array.isArray(raw)) throw new RequestError(400, `input "${name}": "data" must be an array`);
  // The protocol allows nested (row-major) or flat data.
  const data = raw.flat(Infinity) as unknown[];
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (data.length !== size) {
    throw new RequestError(
      400,
      `input "${name}": shape [${(shape as number[]).join(', ')}] holds ${size} values, but "data" has ${data.length}`,
    );
  }
  data.forEach((value, i) => checkElement(value, datatype as Datatype, name, i));
  return { name, datatype: datatype as Datatype, shape: shape as number[], data };
}

function checkElement(value: unknown, datatype: Datatype, name: string, index: number): void {
  const ok =
    datatype === 'BYTES'
      ? typeof value === 'string'
      : datatype === 'BOOL'
        ? typeof value === 'boolean'
        : typeof value === 'number' &&
          (datatype.startsWith('FP') || Number.isInteger(value)) &&
          (!datatype.startsWith('UINT') || value >= 0);
  if (!ok) {
    throw new RequestError(
      400,
      `input "${name}", element ${index}: ${JSON.stringify(value)} is not a ${datatype} value`,
    );
  }
}

function parseOutputs(outputs: unknown): readonly string[] | null {
  if (outputs === undefined) return null;
  if (!Array.isArray(outputs)) throw new RequestError(400, '"outputs" must be an array');
  return outputs.map((o, i) => {
    const name = (o as Record<string, unknown> | null)?.['name'];
    if (typeof name !== 'string')
      throw new RequestError(400, `outputs[${i}]: "name" must be a string`);
    return name;
  });
}

function rowsOf(tensor: ParsedTensor, limits: RecordLimits): number {
  const rows = tensor.shape[0] ?? 0;
  if (rows === 0) throw new RequestError(400, `input "${tensor.name}": no records (shape[0] is 0)`);
  if (rows > limits.maxBatch) {
    throw new RequestError(
      413,
      `${rows} records in one request; the limit is ${limits.maxBatch} (--max-batch)`,
    );
  }
  return rows;
}

/** One `[N]` or `[N, 1]` input per feature. */
function featureBatch(
  byName: ReadonlyMap<string, ParsedTensor>,
  schema: DatasetSchema,
  columns: RequestColumns,
  limits: RecordLimits,
): DataBatch {
  for (const name of byName.keys()) {
    if (!columns.features.includes(name) && !columns.ids.includes(name)) {
      throw new RequestError(
        400,
        `input "${name}" is not a feature of the model (features: ${columns.features.join(', ')}); or send one [N, ${columns.features.length}] tensor of every feature in this order`,
      );
    }
  }
  let rows: number | null = null;
  const values = columns.features.map((name) => {
    const tensor = byName.get(name);
    const column = schema.columns[name] as ColumnSchema;
    if (tensor === undefined) {
      throw new RequestError(
        400,
        `the feature "${name}" is missing: send an input named "${name}"`,
      );
    }
    if (tensor.shape.length > 2 || (tensor.shape.length === 2 && tensor.shape[1] !== 1)) {
      throw new RequestError(
        400,
        `input "${name}": shape [${tensor.shape.join(', ')}]; expected [N] or [N, 1], one value per record`,
      );
    }
    const n = rowsOf(tensor, limits);
    if (rows !== null && n !== rows) {
      throw new RequestError(400, `input "${name}" has ${n} records, other inputs ${rows}`);
    }
    rows = n;
    return tensor.data.map((value) => tensorCell(value, column));
  });
  return batchOf(columns.features, values, rows ?? 0);
}

/** One `[N, F]` tensor holding every feature, in schema order. */
function matrixBatch(
  tensor: ParsedTensor,
  schema: DatasetSchema,
  columns: RequestColumns,
  limits: RecordLimits,
): DataBatch {
  const F = columns.features.length;
  const nonNumeric = columns.features.filter(
    (name) =>
      !['number', 'integer', 'boolean'].includes((schema.columns[name] as ColumnSchema).type),
  );
  if (nonNumeric.length > 0) {
    throw new RequestError(
      400,
      `input "${tensor.name}": a single [N, F] tensor needs numeric features, but ${nonNumeric.join(', ')} are not; send one input per feature`,
    );
  }
  if (tensor.shape[1] !== F) {
    throw new RequestError(
      400,
      `input "${tensor.name}": shape [${tensor.shape.join(', ')}]; expected [N, ${F}], the features in this order: ${columns.features.join(', ')}`,
    );
  }
  if (tensor.datatype === 'BYTES') {
    throw new RequestError(400, `input "${tensor.name}": expected numbers, not BYTES`);
  }
  const rows = rowsOf(tensor, limits);
  const values = columns.features.map((name, f) => {
    const column = schema.columns[name] as ColumnSchema;
    const out = new Array<Cell>(rows);
    for (let r = 0; r < rows; r++) out[r] = tensorCell(tensor.data[r * F + f], column);
    return out;
  });
  return batchOf(columns.features, values, rows);
}

/** A tensor element as a data reader would hand it over (booleans may come as 0/1). */
function tensorCell(value: unknown, column: ColumnSchema): Cell {
  if (column.type === 'boolean' && (value === 0 || value === 1)) return value === 1;
  return value as Cell;
}

function batchOf(names: readonly string[], values: Cell[][], rows: number): DataBatch {
  return {
    file: 'request',
    format: 'jsonl',
    columns: names,
    rows,
    lines: Uint32Array.from({ length: rows }, (_, r) => r),
    values,
  };
}

/** The V2 response's outputs, filtered to those asked for. */
export function inferOutputs(
  prediction: Prediction,
  asked: readonly string[] | null,
): ResponseTensor[] {
  const N = prediction.rows;
  const all: ResponseTensor[] = [];
  if (prediction.values !== undefined) {
    all.push({
      name: 'prediction',
      datatype: 'FP64',
      shape: [N],
      data: Array.from(prediction.values),
    });
  }
  if (prediction.labels !== undefined) {
    all.push({ name: 'label', datatype: 'BYTES', shape: [N], data: [...prediction.labels] });
  }
  if (prediction.probabilities !== undefined && prediction.classes !== null) {
    all.push({
      name: 'probabilities',
      datatype: 'FP32',
      shape: [N, prediction.classes.length],
      data: Array.from(prediction.probabilities),
    });
  }
  if (asked === null) return all;
  return asked.map((name) => {
    const found = all.find((t) => t.name === name);
    if (found === undefined) {
      throw new RequestError(
        400,
        `output "${name}" does not exist; the model answers ${all.map((t) => t.name).join(', ')}`,
      );
    }
    return found;
  });
}

/** The V1 `:predict` answer: per record its label and class probabilities (or its value). */
export function predictions(prediction: Prediction): unknown[] {
  const out: unknown[] = [];
  const C = prediction.classes?.length ?? 0;
  for (let r = 0; r < prediction.rows; r++) {
    if (prediction.values !== undefined) {
      out.push(prediction.values[r]);
      continue;
    }
    const probabilities: Record<string, number> = {};
    if (prediction.probabilities !== undefined && prediction.classes !== null) {
      prediction.classes.forEach((name, c) => {
        probabilities[name] = prediction.probabilities?.[r * C + c] ?? NaN;
      });
    }
    out.push({ label: prediction.labels?.[r] ?? null, probabilities });
  }
  return out;
}
