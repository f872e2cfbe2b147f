/**
 * Writes a built-in baseline as an ONNX model (protobuf bytes, built with onnx-proto).
 *
 * The I/O contract, which `evaluate` (and anything serving the model) relies on:
 *
 * - ONNX IR version 8, default-domain opset 17, producer_name "mlops-actions".
 * - One input, `features`: float32 [N, F] (dim_param "N"), the feature columns in the order of
 *   the `mlops.features` metadata (the schema's order). A missing value is NaN; the graph imputes
 *   it with the training mean, exactly as training did.
 * - Classification outputs:
 *   - `label`: int64 [N], the predicted class INDEX into `mlops.classes` (arg-max of
 *     `probabilities`, the first class on a tie);
 *   - `probabilities`: float32 [N, C], column c = probability of `mlops.classes[c]`.
 * - Regression output: `prediction`: float32 [N, 1].
 * - metadata_props:
 *   - `mlops.task`: binary-classification | multiclass-classification | regression
 *   - `mlops.features`: JSON array of the input's column names, in order
 *   - `mlops.classes`: JSON array of class names (classification only)
 *   - `mlops.target`: the target column's name
 *   - `mlops.baseline`: the baseline kind (logistic-regression, ...)
 *   - `mlops.seed`: the training seed, in decimal
 *
 * The graph:
 *   features → IsNaN → Where(isnan, means, features) → Sub(means) → Div(scales) → MatMul(W)
 *   → Add(b) → logits
 *   binary:     logits [N,1] → Sigmoid → p; Concat(1 − p, p) → probabilities [N,2]
 *   multiclass: logits [N,C] → Softmax(axis 1) → probabilities
 *   both:       probabilities → ArgMax(axis 1, keepdims 0) → Gather(class indexes) → label
 *   regression: logits [N,1] is `prediction`
 * The Gather through the identity table [0 … C−1] is kept so that the label output is produced
 * by a lookup, the place where a future model could map its raw arg-max to other indexes.
 *
 * Parameters are stored as float32 initialisers in little-endian raw_data. Nothing in the bytes
 * depends on time or the machine, so the same model gives the same bytes.
 */
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import type { BaselineKind, BaselineTask, LinearModelParameters } from '../train/baseline-types.js';

const { onnx } = onnxProto;

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const ONNX_PRODUCER = 'mlops-actions';
export const INPUT_NAME = 'features';
export const LABEL_OUTPUT = 'label';
export const PROBABILITIES_OUTPUT = 'probabilities';
export const PREDICTION_OUTPUT = 'prediction';

/** Keys of the model's metadata_props. */
export const METADATA = {
  task: 'mlops.task',
  features: 'mlops.features',
  classes: 'mlops.classes',
  target: 'mlops.target',
  baseline: 'mlops.baseline',
  seed: 'mlops.seed',
} as const;

export interface BaselineModelDescription {
  readonly kind: BaselineKind;
  readonly task: BaselineTask;
  readonly featureNames: readonly string[];
  readonly targetName: string;
  readonly parameters: LinearModelParameters;
  readonly seed: number;
  /** Written as producer_version when given (the package version). */
  readonly producerVersion?: string;
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

export function buildBaselineModel(model: BaselineModelDescription): Uint8Array {
  const { parameters, task, featureNames } = model;
  const F = featureNames.length;
  const K = parameters.bias.length;
  if (parameters.means.length !== F || parameters.weights.length !== F * K) {
    throw new RangeError(`parameters do not fit ${F} features and ${K} outputs`);
  }
  const classes = parameters.classes ?? [];
  const C = task === 'binary-classification' ? 2 : K;
  if (task !== 'regression' && classes.length !== C) {
    throw new RangeError(`a ${task} model needs ${C} class names, got ${classes.length}`);
  }

  const initializers = [
    floatTensor('means', [F], parameters.means),
    floatTensor('scales', [F], parameters.scales),
    floatTensor('weights', [F, K], parameters.weights),
    floatTensor('bias', [K], parameters.bias),
  ];
  const nodes = [
    node('IsNaN', [INPUT_NAME], ['is_missing']),
    node('Where', ['is_missing', 'means', INPUT_NAME], ['imputed']),
    node('Sub', ['imputed', 'means'], ['centered']),
    node('Div', ['centered', 'scales'], ['standardized']),
    node('MatMul', ['standardized', 'weights'], ['product']),
  ];
  const outputs: Onnx.IValueInfoProto[] = [];
  if (task === 'regression') {
    nodes.push(node('Add', ['product', 'bias'], [PREDICTION_OUTPUT]));
    outputs.push(valueInfo(PREDICTION_OUTPUT, FLOAT, ['N', 1]));
  } else {
    nodes.push(node('Add', ['product', 'bias'], ['logits']));
    if (task === 'binary-classification') {
      initializers.push(floatTensor('one', [1], Float64Array.of(1)));
      nodes.push(
        node('Sigmoid', ['logits'], ['positive']),
        node('Sub', ['one', 'positive'], ['negative']),
        node('Concat', ['negative', 'positive'], [PROBABILITIES_OUTPUT], [intAttribute('axis', 1)]),
      );
    } else {
      nodes.push(node('Softmax', ['logits'], [PROBABILITIES_OUTPUT], [intAttribute('axis', 1)]));
    }
    initializers.push(
      int64Tensor(
        'class_indexes',
        [C],
        Array.from({ length: C }, (_, i) => i),
      ),
    );
    nodes.push(
      node(
        'ArgMax',
        [PROBABILITIES_OUTPUT],
        ['best'],
        [intAttribute('axis', 1), intAttribute('keepdims', 0)],
      ),
      node('Gather', ['class_indexes', 'best'], [LABEL_OUTPUT], [intAttribute('axis', 0)]),
    );
    outputs.push(
      valueInfo(LABEL_OUTPUT, INT64, ['N']),
      valueInfo(PROBABILITIES_OUTPUT, FLOAT, ['N', C]),
    );
  }

  const metadata: [string, string][] = [
    [METADATA.task, task],
    [METADATA.features, JSON.stringify(featureNames)],
    ...(task === 'regression'
      ? []
      : [[METADATA.classes, JSON.stringify(classes)] as [string, string]]),
    [METADATA.target, model.targetName],
    [METADATA.baseline, model.kind],
    [METADATA.seed, String(model.seed)],
  ];
  const proto = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: ONNX_PRODUCER,
    ...(model.producerVersion === undefined ? {} : { producerVersion: model.producerVersion }),
    docString: `mlops-actions built-in baseline: ${model.kind}`,
    graph: {
      name: `mlops-${model.kind}`,
      node: nodes,
      initializer: initializers,
      input: [valueInfo(INPUT_NAME, FLOAT, ['N', F])],
      output: outputs,
    },
    metadataProps: metadata.map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}

function node(
  opType: string,
  input: string[],
  output: string[],
  attribute: Onnx.IAttributeProto[] = [],
): Onnx.INodeProto {
  return { opType, input, output, name: `${output[0]}_${opType}`, attribute };
}

function intAttribute(name: string, value: number): Onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

function valueInfo(
  name: string,
  elemType: number,
  dims: readonly (number | string)[],
): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  };
}

/** float32 little-endian raw_data: the value rounded to float32 is what the model stores. */
function floatTensor(name: string, dims: number[], values: Float64Array): Onnx.ITensorProto {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return { name, dims, dataType: FLOAT, rawData: bytes };
}

function int64Tensor(name: string, dims: number[], values: number[]): Onnx.ITensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setBigInt64(i * 8, BigInt(value), true));
  return { name, dims, dataType: INT64, rawData: bytes };
}
