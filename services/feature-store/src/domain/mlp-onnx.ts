import onnxProto from 'onnx-proto';
import type { MlpModel } from './mlp.ts';

const { onnx } = onnxProto;

export const ONNX_INPUT = 'features';
export const ONNX_OUTPUT = 'probability';

/**
 * The MLP as an ONNX graph (opset 13): (x - means) / scales, then MatMul + Add + Relu twice and
 * MatMul + Add + Sigmoid, over a batch dimension `N`. Input `features` is float32 [N, inputs]
 * with missing values already replaced by the column mean; output `probability` is [N, 1].
 */
export function mlpToOnnx(model: MlpModel): Uint8Array {
  const initializers = [
    tensor('means', [model.means.length], model.means),
    tensor('scales', [model.scales.length], model.scales),
  ];
  const nodes = [
    { opType: 'Sub', input: [ONNX_INPUT, 'means'], output: ['centered'] },
    { opType: 'Div', input: ['centered', 'scales'], output: ['h0'] },
  ];
  model.layers.forEach((layer, l) => {
    const rows = layer.weights.length;
    const columns = layer.bias.length;
    initializers.push(
      tensor(`w${l}`, [rows, columns], layer.weights.flat()),
      tensor(`b${l}`, [columns], layer.bias),
    );
    const last = l === model.layers.length - 1;
    nodes.push(
      { opType: 'MatMul', input: [`h${l}`, `w${l}`], output: [`m${l}`] },
      { opType: 'Add', input: [`m${l}`, `b${l}`], output: [`z${l}`] },
      {
        opType: last ? 'Sigmoid' : 'Relu',
        input: [`z${l}`],
        output: [last ? ONNX_OUTPUT : `h${l + 1}`],
      },
    );
  });
  const proto = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'scale-models feature-store',
    graph: {
      name: 'mlp',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(ONNX_INPUT, model.inputs.length)],
      output: [valueInfo(ONNX_OUTPUT, 1)],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}

function tensor(name: string, dims: number[], values: number[]): onnxProto.onnx.ITensorProto {
  return {
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    floatData: values,
  };
}

function valueInfo(name: string, width: number): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'N' }, { dimValue: width }] },
      },
    },
  };
}

/**
 * A model stored as an ONNX graph: the registry artifact holds the graph (base64) and the
 * per-input means used to impute missing features before the batch is handed to the runtime.
 * Any graph with a float32 input `features` [N, inputs] and output `probability` [N, 1] runs.
 */
export interface OnnxModel {
  kind: 'onnx';
  inputs: string[];
  /** Value fed for a missing or expired input (the training mean). */
  means: number[];
  /** The ONNX ModelProto, base64. */
  onnx: string;
  /** What the graph is, for people: e.g. `mlp 3-16-8-1`. */
  architecture?: string;
}

export function onnxArtifactOf(model: MlpModel): OnnxModel {
  return {
    kind: 'onnx',
    inputs: model.inputs,
    means: model.means,
    onnx: Buffer.from(mlpToOnnx(model)).toString('base64'),
    architecture: `mlp ${[model.inputs.length, ...model.layers.map((l) => l.bias.length)].join('-')}`,
  };
}
