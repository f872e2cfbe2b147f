/**
 * A binary LogisticRegression as skl2onnx writes it with its default options: LinearClassifier
 * with a logistic post-transform, an L1 Normalizer, and a ZipMap of {class: probability} as the
 * probability output. The decision function is z = 2a - b + 0.5 on the features (a, b), so class
 * 1's probability is 1 / (1 + exp(-z)).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;

export type Labels = { strings: string[] } | { ints: number[] };

export function sklearnLogistic(labels: Labels, options: { external?: boolean } = {}): Uint8Array {
  const labelAttribute = (name: string) =>
    'strings' in labels
      ? {
          name: `${name}_strings`,
          type: AttributeType.STRINGS,
          strings: labels.strings.map((s) => new TextEncoder().encode(s)),
        }
      : { name: `${name}_int64s`, type: AttributeType.INTS, ints: labels.ints };
  const tensor = (elemType: number, dims: (number | string)[]) => ({
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 15 },
      { domain: 'ai.onnx.ml', version: 1 },
    ],
    producerName: 'skl2onnx',
    graph: {
      name: 'LogisticRegression',
      node: [
        {
          opType: 'LinearClassifier',
          domain: 'ai.onnx.ml',
          input: ['float_input'],
          output: ['label', 'probability_tensor'],
          attribute: [
            { name: 'coefficients', type: AttributeType.FLOATS, floats: [-2, 1, 2, -1] },
            { name: 'intercepts', type: AttributeType.FLOATS, floats: [-0.5, 0.5] },
            { name: 'post_transform', type: AttributeType.STRING, s: Buffer.from('LOGISTIC') },
            { name: 'multi_class', type: AttributeType.INT, i: 0 },
            'strings' in labels
              ? { ...labelAttribute('classlabels'), name: 'classlabels_strings' }
              : { ...labelAttribute('classlabels'), name: 'classlabels_ints' },
          ],
        },
        {
          opType: 'Normalizer',
          domain: 'ai.onnx.ml',
          input: ['probability_tensor'],
          output: ['probabilities'],
          attribute: [{ name: 'norm', type: AttributeType.STRING, s: Buffer.from('L1') }],
        },
        {
          opType: 'Identity',
          input: ['label'],
          output: ['output_label'],
        },
        {
          opType: 'ZipMap',
          domain: 'ai.onnx.ml',
          input: ['probabilities'],
          output: ['output_probability'],
          attribute: [labelAttribute('classlabels')],
        },
      ],
      initializer: options.external
        ? [
            {
              name: 'unused',
              dataType: DataType.FLOAT,
              dims: [1],
              dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
              externalData: [{ key: 'location', value: 'weights.bin' }],
            },
          ]
        : [],
      input: [{ name: 'float_input', type: tensor(DataType.FLOAT, ['N', 2]) }],
      output: [
        {
          name: 'output_label',
          type: tensor('strings' in labels ? DataType.STRING : DataType.INT64, ['N']),
        },
        {
          name: 'output_probability',
          type: {
            sequenceType: {
              elemType: {
                mapType: {
                  keyType: 'strings' in labels ? DataType.STRING : DataType.INT64,
                  valueType: tensor(DataType.FLOAT, []),
                },
              },
            },
          },
        },
      ],
    },
  }).finish();
}
