/**
 * The port over onnxruntime-node that training (to check what it wrote) and evaluation (to score
 * candidate and production models) use. It hides onnxruntime's types behind plain ones, turns a
 * file that is not a loadable model into a `DataError` the user can act on, and reads the
 * model's metadata_props itself: onnxruntime-node does not expose custom metadata.
 */
import { readFile } from 'node:fs/promises';
import type * as Ort from 'onnxruntime-node';
import { loadOnnxRuntime } from './load-onnxruntime.js';
import { unwrapZipMap } from './unwrap-zipmap.js';
import onnxProto from 'onnx-proto';
import { ConfigError, DataError } from '../../core/errors.js';
import type { Prediction } from '../../core/train/baseline-types.js';
import {
  INPUT_NAME,
  LABEL_OUTPUT,
  PREDICTION_OUTPUT,
  PROBABILITIES_OUTPUT,
} from '../../core/onnx/build-baseline-model.js';

const { onnx } = onnxProto;

export type ExecutionProvider = 'cuda' | 'cpu';

export interface OnnxValueInfo {
  readonly name: string;
  /** Element type as onnxruntime names it (`float32`, `int64`, ...), or `non-tensor`. */
  readonly type: string;
  /** A number per fixed dimension, a string per symbolic one (such as "N"); empty if unknown. */
  readonly shape: readonly (number | string)[];
}

/** A tensor going in: the baselines and the evaluator feed float32 features. */
export interface OnnxFeed {
  readonly type: 'float32';
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Memory for an output to be written into (its dims must be the output's exact shape). */
export type OnnxOutputBuffer =
  | { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly type: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] };

/** A tensor coming out. */
export type OnnxTensor =
  | { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly type: 'float64'; readonly data: Float64Array; readonly dims: readonly number[] }
  | { readonly type: 'int32'; readonly data: Int32Array; readonly dims: readonly number[] }
  | { readonly type: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] }
  | { readonly type: 'bool'; readonly data: Uint8Array; readonly dims: readonly number[] }
  | { readonly type: 'string'; readonly data: readonly string[]; readonly dims: readonly number[] };

export interface OnnxModel {
  /** The model as named in errors (the path, or the display name given). */
  readonly name: string;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** The providers the session runs on (CUDA may have been dropped; see `warnings`). */
  readonly executionProviders: readonly ExecutionProvider[];
  /** Things the caller should tell the user, such as a fallback to the CPU. */
  readonly warnings: readonly string[];
  /**
   * The class of each column of a probability output, where the model says (a skl2onnx ZipMap,
   * unwrapped into a plain [N, C] tensor when loaded).
   */
  readonly classLabels: Readonly<Record<string, readonly (string | number)[]>>;
  /** The model's metadata_props. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Runs the model; returns the outputs asked for (default: every output). */
  run(
    feeds: Readonly<Record<string, OnnxFeed>>,
    outputNames?: readonly string[],
    /**
     * Buffers onnxruntime writes these outputs into, instead of allocating its own: the
     * evaluator scores millions of records into one array without a copy per batch.
     */
    into?: Readonly<Record<string, OnnxOutputBuffer>>,
  ): Promise<Record<string, OnnxTensor>>;
  release(): Promise<void>;
}

export interface LoadOnnxModelOptions {
  /**
   * In order of preference; default `['cpu']`. onnxruntime-node's CUDA provider is a separate
   * download. Where it cannot start, `['cuda', 'cpu']` falls back to the CPU with a warning (the
   * caller listed the CPU as acceptable), while `['cuda']` alone is a `ConfigError`, so that a
   * run meant for the GPU never quietly measures the CPU.
   */
  readonly executionProviders?: readonly ExecutionProvider[];
  /** The name shown in errors when loading from bytes (default "model.onnx"). */
  readonly displayName?: string;
  /** Threads per operator (onnxruntime's intraOpNumThreads); default: onnxruntime's choice. */
  readonly threads?: number;
}

export async function loadOnnxModel(
  source: string | Uint8Array,
  options: LoadOnnxModelOptions = {},
): Promise<OnnxModel> {
  const name = options.displayName ?? (typeof source === 'string' ? source : 'model.onnx');
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = await readFile(source);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new DataError(
        code === 'ENOENT'
          ? 'the model file does not exist'
          : `the model file cannot be read: ${(error as Error).message}`,
        { location: { file: name }, cause: error },
      );
    }
  } else {
    bytes = source;
  }
  // Loaded here, not at module load: only a step that scores a model needs the native addon.
  const { ort } = await loadOnnxRuntime();
  const requested = [...new Set<ExecutionProvider>(options.executionProviders ?? ['cpu'])];
  if (requested.length === 0) requested.push('cpu');
  const unwrapped = unwrapZipMap(bytes);
  const create = (providers: readonly ExecutionProvider[]) =>
    // From a path onnxruntime can find external-data files next to the model.
    typeof source === 'string' && !unwrapped
      ? ort.InferenceSession.create(source, sessionOptions(providers, options.threads))
      : ort.InferenceSession.create(
          unwrapped?.bytes ?? bytes,
          sessionOptions(providers, options.threads),
        );
  let session: Ort.InferenceSession;
  let executionProviders: readonly ExecutionProvider[] = requested;
  const warnings: string[] = [];
  try {
    session = await create(requested);
  } catch (error) {
    if (!requested.includes('cuda')) throw notLoadable(name, error);
    // Was it the model or the CUDA provider? Loading on the CPU alone tells them apart without
    // parsing onnxruntime's messages.
    try {
      session = await create(['cpu']);
    } catch (cpuError) {
      throw notLoadable(name, cpuError);
    }
    if (!requested.includes('cpu')) {
      await session.release();
      throw new ConfigError(
        `the CUDA execution provider of onnxruntime-node cannot start here (${ortMessage(error)}); install onnxruntime-node with its CUDA provider on a GPU runner, or allow the CPU as well`,
        { location: { file: name }, cause: error },
      );
    }
    executionProviders = ['cpu'];
    warnings.push(`CUDA execution provider unavailable, running on the CPU: ${ortMessage(error)}`);
  }
  let metadata: Record<string, string>;
  try {
    metadata = readMetadataProps(bytes);
  } catch (error) {
    await session.release();
    throw new DataError(`the model's metadata cannot be read: ${(error as Error).message}`, {
      location: { file: name },
      cause: error,
    });
  }
  return {
    name,
    executionProviders,
    warnings,
    inputs: session.inputMetadata.map(describeValue),
    outputs: session.outputMetadata.map(describeValue),
    classLabels: Object.fromEntries(
      (unwrapped?.zipMaps ?? []).map((zipMap) => [zipMap.output, zipMap.classLabels]),
    ),
    metadata,
    async run(feeds, outputNames, into) {
      const tensors: Record<string, Ort.Tensor> = {};
      for (const [key, feed] of Object.entries(feeds)) {
        tensors[key] = new ort.Tensor(feed.type, feed.data, feed.dims);
      }
      let results: Ort.InferenceSession.ReturnType;
      try {
        if (into) {
          const fetches: Record<string, Ort.Tensor | null> = {};
          for (const output of outputNames ?? session.outputNames) {
            const buffer = into[output];
            fetches[output] = buffer ? new ort.Tensor(buffer.type, buffer.data, buffer.dims) : null;
          }
          results = await session.run(tensors, fetches);
        } else {
          results = outputNames
            ? await session.run(tensors, [...outputNames])
            : await session.run(tensors);
        }
      } catch (error) {
        throw new DataError(`running the model failed: ${ortMessage(error)}`, {
          location: { file: name },
          cause: error,
        });
      }
      const out: Record<string, OnnxTensor> = {};
      for (const [key, value] of Object.entries(results)) out[key] = toTensor(name, key, value);
      return out;
    },
    release: () => session.release(),
  };
}

/**
 * Scores row-major float64 features `batchSize` rows at a time (float32 on the way in, as the
 * model's input is) and returns what the trainer's `predict` returns, so they can be compared.
 * Reads the outputs of the baseline contract: `label` and `probabilities`, or `prediction`.
 */
export async function predictInBatches(
  model: OnnxModel,
  x: Float64Array,
  rows: number,
  features: number,
  batchSize = 4096,
): Promise<Prediction> {
  if (x.length !== rows * features) {
    throw new RangeError(`expected ${rows} × ${features} feature values, got ${x.length}`);
  }
  const input =
    model.inputs.length === 1 ? model.inputs[0] : model.inputs.find((i) => i.name === INPUT_NAME);
  if (input === undefined) {
    throw new DataError(`the model has no input named "${INPUT_NAME}"`, {
      location: { file: model.name },
    });
  }
  const width = input.shape[1];
  if (typeof width === 'number' && width !== features) {
    throw new DataError(
      `the model's input "${input.name}" takes ${width} features, the data have ${features}`,
      {
        location: { file: model.name },
      },
    );
  }
  const names = new Set(model.outputs.map((o) => o.name));
  const wanted = [LABEL_OUTPUT, PROBABILITIES_OUTPUT, PREDICTION_OUTPUT].filter((n) =>
    names.has(n),
  );
  if (wanted.length === 0) {
    throw new DataError(
      `the model has none of the outputs ${LABEL_OUTPUT}, ${PROBABILITIES_OUTPUT} or ${PREDICTION_OUTPUT}`,
      { location: { file: model.name } },
    );
  }
  const labels = names.has(LABEL_OUTPUT) ? new Int32Array(rows) : undefined;
  const values = names.has(PREDICTION_OUTPUT) ? new Float64Array(rows) : undefined;
  let probabilities: Float64Array | undefined;
  for (let start = 0; start < rows; start += batchSize) {
    const count = Math.min(batchSize, rows - start);
    const data = Float32Array.from(x.subarray(start * features, (start + count) * features));
    const out = await model.run(
      { [input.name]: { type: 'float32', data, dims: [count, features] } },
      wanted,
    );
    if (labels) {
      const label = out[LABEL_OUTPUT];
      if (label?.type !== 'int64') throw outputError(model, LABEL_OUTPUT, 'int64', label?.type);
      for (let i = 0; i < count; i++) labels[start + i] = Number(label.data[i]);
    }
    if (names.has(PROBABILITIES_OUTPUT)) {
      const p = out[PROBABILITIES_OUTPUT];
      if (p?.type !== 'float32') throw outputError(model, PROBABILITIES_OUTPUT, 'float32', p?.type);
      const classes = p.dims[1] ?? 1;
      probabilities ??= new Float64Array(rows * classes);
      probabilities.set(p.data, start * classes);
    }
    if (values) {
      const prediction = out[PREDICTION_OUTPUT];
      if (prediction?.type !== 'float32') {
        throw outputError(model, PREDICTION_OUTPUT, 'float32', prediction?.type);
      }
      values.set(prediction.data.subarray(0, count), start);
    }
  }
  return {
    ...(labels ? { labels } : {}),
    ...(probabilities ? { probabilities } : {}),
    ...(values ? { values } : {}),
  };
}

function outputError(
  model: OnnxModel,
  output: string,
  expected: string,
  got: string | undefined,
): DataError {
  return new DataError(
    `the output "${output}" should be ${expected} tensor, got ${got ?? 'nothing'}`,
    {
      location: { file: model.name },
    },
  );
}

function describeValue(value: Ort.InferenceSession.ValueMetadata): OnnxValueInfo {
  return value.isTensor
    ? { name: value.name, type: value.type, shape: [...value.shape] }
    : { name: value.name, type: 'non-tensor', shape: [] };
}

function toTensor(model: string, name: string, value: Ort.OnnxValue): OnnxTensor {
  const dims = value.dims;
  switch (value.type) {
    case 'float32':
      return { type: 'float32', data: value.data as Float32Array, dims };
    case 'float64':
      return { type: 'float64', data: value.data as Float64Array, dims };
    case 'int32':
      return { type: 'int32', data: value.data as Int32Array, dims };
    case 'int64':
      return { type: 'int64', data: value.data as BigInt64Array, dims };
    case 'bool':
      return { type: 'bool', data: value.data as Uint8Array, dims };
    case 'string':
      return { type: 'string', data: value.data as string[], dims };
    default:
      throw new DataError(
        `the output "${name}" has element type ${value.type}, which is not supported`,
        {
          location: { file: model },
        },
      );
  }
}

function notLoadable(name: string, error: unknown): DataError {
  return new DataError(`not a loadable ONNX model: ${ortMessage(error)}`, {
    location: { file: name },
    cause: error,
  });
}

/** onnxruntime's message without its native stack, on one line. */
function ortMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim();
}

/**
 * metadata_props (field 14 of ModelProto) read straight off the protobuf wire format: every other
 * top-level field is skipped without decoding, so a large model's weights are not copied.
 */
export function readMetadataProps(bytes: Uint8Array): Record<string, string> {
  const metadata: Record<string, string> = {};
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new Error('truncated protobuf varint');
      const byte = bytes[pos++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new Error('malformed protobuf varint');
    }
  };
  while (pos < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const length = varint();
      const end = pos + length;
      if (end > bytes.length) throw new Error('truncated protobuf field');
      if (field === 14) {
        const entry = onnx.StringStringEntryProto.decode(bytes.subarray(pos, end));
        metadata[entry.key] = entry.value;
      }
      pos = end;
    } else {
      throw new Error(`unexpected protobuf wire type ${wire}`);
    }
  }
  return metadata;
}

function sessionOptions(
  providers: readonly ExecutionProvider[],
  threads: number | undefined,
): Ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [...providers],
    ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
  };
}
