// onnx.js — writes an ONNX model (protobuf) of one post-LN encoder block with given weights, for
// ONNX Runtime Web in the benchmark page. Field numbers from onnx/onnx.proto (IR version 8,
// opset 17); only what the block needs.
/* exported encoderLayerOnnx */
'use strict';

class ProtoWriter {
  constructor() { this.parts = []; this.length = 0; }
  raw(u8) { this.parts.push(u8); this.length += u8.length; return this; }
  varint(n) {
    const out = [];
    let v = BigInt(n);
    if (v < 0n) v += 1n << 64n;
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v) byte |= 0x80;
      out.push(byte);
    } while (v);
    return this.raw(Uint8Array.from(out));
  }
  tag(field, wire) { return this.varint(field * 8 + wire); }
  int(field, n) { return this.tag(field, 0).varint(n); }
  bytes(field, u8) { return this.tag(field, 2).varint(u8.length).raw(u8); }
  string(field, s) { return this.bytes(field, new TextEncoder().encode(s)); }
  message(field, writer) { return this.bytes(field, writer.finish()); }
  float(field, x) { const b = new Uint8Array(4); new DataView(b.buffer).setFloat32(0, x, true); return this.tag(field, 5).raw(b); }
  finish() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) { out.set(p, at); at += p.length; }
    return out;
  }
}

const FLOAT = 1, INT64 = 7;

function tensor(name, dims, values, type = FLOAT) {
  const t = new ProtoWriter();
  for (const d of dims) t.int(1, d);
  t.int(2, type);
  t.string(8, name);
  const bytes = type === FLOAT ? new Uint8Array(Float32Array.from(values).buffer)
    : new Uint8Array(BigInt64Array.from(values.map((v) => BigInt(v))).buffer);
  t.bytes(9, bytes);  // raw_data, little-endian
  return t;
}

function valueInfo(name, dims) {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(1, new ProtoWriter().int(1, d));
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

// attrs: {name: number (int), {float: x}, or [ints]}
function node(op, inputs, outputs, attrs = {}) {
  const n = new ProtoWriter();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(4, op);
  for (const [name, value] of Object.entries(attrs)) {
    const a = new ProtoWriter().string(1, name);
    if (Array.isArray(value)) { for (const v of value) a.int(8, v); a.int(20, 7); }
    else if (typeof value === 'object') { a.float(2, value.float); a.int(20, 1); }
    else { a.int(3, value); a.int(20, 2); }
    n.message(5, a);
  }
  return n;
}

// w: {wq, bq, wk, bk, wv, bv, wo, bo, g1, be1, w1, b1, w2, b2, g2, be2} as Float32Arrays (row-major).
function encoderLayerOnnx({ T, d, h, f, eps, w }) {
  const dk = d / h;
  const g = new ProtoWriter();
  const nodes = [];
  const inits = [];
  const shapes = { wq: [d, d], wk: [d, d], wv: [d, d], wo: [d, d], w1: [d, f], w2: [f, d], b1: [f] };
  for (const [name, values] of Object.entries(w)) inits.push(tensor(name, shapes[name] || [d], values));
  inits.push(tensor('shape_thd', [3], [T, h, dk], INT64), tensor('shape_td', [2], [T, d], INT64));
  inits.push(tensor('scale', [], [1 / Math.sqrt(dk)]), tensor('half', [], [0.5]), tensor('one', [], [1]),
    tensor('gelu_c', [], [0.044715]), tensor('gelu_s', [], [Math.sqrt(2 / Math.PI)]));
  const linear = (x, wn, bn, out) => {
    nodes.push(node('MatMul', [x, wn], [out + '_mm']), node('Add', [out + '_mm', bn], [out]));
  };
  linear('x', 'wq', 'bq', 'q'); linear('x', 'wk', 'bk', 'k'); linear('x', 'wv', 'bv', 'v');
  nodes.push(node('Reshape', ['q', 'shape_thd'], ['q3']), node('Transpose', ['q3'], ['qh'], { perm: [1, 0, 2] }));
  nodes.push(node('Reshape', ['k', 'shape_thd'], ['k3']), node('Transpose', ['k3'], ['kt'], { perm: [1, 2, 0] }));
  nodes.push(node('Reshape', ['v', 'shape_thd'], ['v3']), node('Transpose', ['v3'], ['vh'], { perm: [1, 0, 2] }));
  nodes.push(node('MatMul', ['qh', 'kt'], ['scores']), node('Mul', ['scores', 'scale'], ['scaled']),
    node('Softmax', ['scaled'], ['weights'], { axis: -1 }), node('MatMul', ['weights', 'vh'], ['heads']),
    node('Transpose', ['heads'], ['heads_t'], { perm: [1, 0, 2] }), node('Reshape', ['heads_t', 'shape_td'], ['concat']));
  linear('concat', 'wo', 'bo', 'attn');
  nodes.push(node('Add', ['x', 'attn'], ['resid1']),
    node('LayerNormalization', ['resid1', 'g1', 'be1'], ['norm1'], { axis: -1, epsilon: { float: eps } }));
  linear('norm1', 'w1', 'b1', 'pre');
  // GELU, tanh form: 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
  nodes.push(node('Mul', ['pre', 'pre'], ['pre2']), node('Mul', ['pre2', 'pre'], ['pre3']),
    node('Mul', ['pre3', 'gelu_c'], ['cx3']), node('Add', ['pre', 'cx3'], ['inner0']),
    node('Mul', ['inner0', 'gelu_s'], ['inner']), node('Tanh', ['inner'], ['th']),
    node('Add', ['th', 'one'], ['th1']), node('Mul', ['pre', 'half'], ['halfx']), node('Mul', ['halfx', 'th1'], ['hidden']));
  linear('hidden', 'w2', 'b2', 'ffn');
  nodes.push(node('Add', ['norm1', 'ffn'], ['resid2']),
    node('LayerNormalization', ['resid2', 'g2', 'be2'], ['y'], { axis: -1, epsilon: { float: eps } }));
  for (const n of nodes) g.message(1, n);
  g.string(2, 'encoder_layer');
  for (const t of inits) g.message(5, t);
  g.message(11, valueInfo('x', [T, d]));
  g.message(12, valueInfo('y', [T, d]));
  const model = new ProtoWriter().int(1, 8).string(2, 'attention-lesson bench')
    .message(7, g).message(8, new ProtoWriter().string(1, '').int(2, 17));
  return model.finish();
}
