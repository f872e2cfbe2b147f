/**
 * scikit-learn classifiers converted by skl2onnx end, by default, in a ZipMap: the probabilities
 * leave the model as a sequence of {class: probability} maps, which onnxruntime-node cannot hand
 * to JavaScript ("Non tensor type is temporarily not supported"). Rather than make every user
 * re-export with `zipmap=False`, the ZipMap is replaced by an Identity before the session is
 * created: the output keeps its name and becomes the [N, C] float tensor the ZipMap was fed, and
 * the ZipMap's class labels are kept to say which class each column is.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export interface ZipMapOutput {
  /** The graph output the ZipMap produced; now the probability tensor itself. */
  readonly output: string;
  /** The class of each probability column, as the ZipMap keyed them. */
  readonly classLabels: readonly (string | number)[];
}

export interface UnwrappedModel {
  readonly bytes: Uint8Array;
  readonly zipMaps: readonly ZipMapOutput[];
}

/**
 * The model with its output ZipMaps replaced, or null when it has none (the bytes are searched
 * for the operator's name first, so other models are not decoded) or keeps its weights in
 * external files, which a model created from bytes could not find.
 */
export function unwrapZipMap(bytes: Uint8Array): UnwrappedModel | null {
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf('ZipMap') < 0) {
    return null;
  }
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch {
    return null; // Not a model: onnxruntime says so, in the words the loader reports.
  }
  const graph = model.graph;
  if (!graph) return null;
  if (
    (graph.initializer ?? []).some((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)
  ) {
    return null;
  }
  const zipMaps: ZipMapOutput[] = [];
  for (const node of graph.node ?? []) {
    if (node.opType !== 'ZipMap' || node.domain !== 'ai.onnx.ml') continue;
    const output = (graph.output ?? []).find((info) => info.name === node.output?.[0]);
    if (!output?.name || !node.input?.[0]) continue;
    const outputName = output.name;
    const attribute = (name: string) => (node.attribute ?? []).find((a) => a.name === name);
    const strings = attribute('classlabels_strings')?.strings ?? [];
    const ints = attribute('classlabels_int64s')?.ints ?? [];
    const classLabels =
      strings.length > 0
        ? strings.map((label) => new TextDecoder().decode(label))
        : ints.map((label) => Number(label.toString()));
    node.opType = 'Identity';
    node.domain = '';
    node.attribute = [];
    output.type = {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'N' }, { dimValue: classLabels.length }] },
      },
    };
    // A recorded type of the old output would contradict the new one.
    graph.valueInfo = (graph.valueInfo ?? []).filter((info) => info.name !== outputName);
    zipMaps.push({ output: outputName, classLabels });
  }
  if (zipMaps.length === 0) return null;
  // Identity lives in the default domain, which a model of ai.onnx.ml operators alone may not
  // import; it has been there unchanged since opset 1.
  if (!(model.opsetImport ?? []).some((opset) => !opset.domain)) {
    model.opsetImport = [...(model.opsetImport ?? []), { domain: '', version: 13 }];
  }
  return { bytes: onnx.ModelProto.encode(model).finish(), zipMaps };
}
