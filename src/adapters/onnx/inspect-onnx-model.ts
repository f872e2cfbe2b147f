/**
 * What the train step records about the model it produced: its inputs, outputs and metadata.
 * Where onnxruntime is at hand (shipped with the release, or fetched by an earlier run) the model
 * is loaded, so that a broken model fails training rather than a later step. Elsewhere (a macOS or
 * Windows runner training with the user's own command, offline) the same facts are read from the
 * ONNX file itself and a notice says the model was not loaded: training scores nothing, so it
 * must not depend on a native addon the platform may lack.
 */
import onnxProto from 'onnx-proto';
import { DataError } from '../../core/errors.js';
import { loadLocalOnnxRuntime } from './load-onnxruntime.js';
import { loadOnnxModel, readMetadataProps, type OnnxValueInfo } from './onnx-model.js';
import { unwrapZipMap } from './unwrap-zipmap.js';

const { onnx } = onnxProto;

export interface OnnxModelSummary {
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly metadata: Readonly<Record<string, string>>;
  /** The onnxruntime-node version that loaded the model; null when it was read, not loaded. */
  readonly onnxruntimeVersion: string | null;
  /** For the log, when the model was read without onnxruntime. */
  readonly notice?: string;
}

export async function inspectOnnxModel(
  bytes: Uint8Array,
  options: { readonly displayName: string },
): Promise<OnnxModelSummary> {
  const runtime = await loadLocalOnnxRuntime().catch(() => null);
  if (runtime) {
    const model = await loadOnnxModel(bytes, { displayName: options.displayName });
    const summary = {
      inputs: model.inputs,
      outputs: model.outputs,
      metadata: model.metadata,
      onnxruntimeVersion: runtime.version,
    };
    await model.release();
    return summary;
  }
  return {
    ...readModelStructure(bytes, options.displayName),
    onnxruntimeVersion: null,
    notice: `onnxruntime is not installed for ${process.platform}/${process.arch} here, so ${options.displayName} was read but not loaded; evaluate loads it (fetching onnxruntime where needed)`,
  };
}

/** onnxruntime's names for ONNX's TensorProto element types. */
const elementTypes: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

/**
 * Inputs (the graph's inputs that are not initializers), outputs and metadata from the file, as
 * onnxruntime would describe them once ZipMaps are unwrapped (the loader does the same).
 */
export function readModelStructure(
  bytes: Uint8Array,
  displayName: string,
): Pick<OnnxModelSummary, 'inputs' | 'outputs' | 'metadata'> {
  const unwrapped = unwrapZipMap(bytes)?.bytes ?? bytes;
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  let metadata: Record<string, string>;
  try {
    model = onnx.ModelProto.decode(unwrapped);
    metadata = readMetadataProps(bytes);
  } catch (error) {
    throw new DataError(`not an ONNX model: ${(error as Error).message}`, {
      location: { file: displayName },
      cause: error,
    });
  }
  const graph = model.graph;
  if (!graph || (graph.output ?? []).length === 0) {
    throw new DataError('not an ONNX model: it has no graph outputs', {
      location: { file: displayName },
    });
  }
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const describe = (info: onnxProto.onnx.IValueInfoProto): OnnxValueInfo => {
    const name = info.name ?? '';
    const tensor = info.type?.tensorType;
    if (!tensor) return { name, type: 'non-tensor', shape: [] };
    return {
      name,
      type: elementTypes[tensor.elemType ?? 0] ?? `type ${tensor.elemType ?? '?'}`,
      shape: (tensor.shape?.dim ?? []).map((dim) =>
        dim.dimParam ? dim.dimParam : dim.dimValue == null ? '' : Number(dim.dimValue.toString()),
      ),
    };
  };
  return {
    inputs: (graph.input ?? []).filter((i) => !initializers.has(i.name ?? '')).map(describe),
    outputs: (graph.output ?? []).map(describe),
    metadata,
  };
}
