// bench.js — one encoder block (post-LN, 4 heads, GELU) computed by the lesson's library in
// WebAssembly (with and without SIMD), TensorFlow.js (WASM backend, SIMD) and ONNX Runtime Web
// (wasm execution provider, one thread) with the same weights, in this page; plus the browser's
// f32x4 multiply-add ceiling and the "it" model's training steps. Driven by web/bench/run.mjs.
/* global tf, ort, encoderLayerOnnx */
'use strict';

const PARAM_NAMES = ['wq', 'bq', 'wk', 'bk', 'wv', 'bv', 'wo', 'bo', 'g1', 'be1', 'w1', 'b1', 'w2', 'b2', 'g2', 'be2'];

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error('could not load ' + src));
    document.head.appendChild(s);
  });
}

async function loadOurs(variant) {
  await loadScript(`/bench-web/attn-bench-${variant}.js`);
  const m = await window.createAttnBench();
  const f = (name, ret, args) => m.cwrap(name, ret, args);
  return {
    m,
    layerNew: f('bench_layer_new', 'number', ['number', 'number', 'number', 'number', 'number']),
    forward: f('bench_layer_forward', null, ['number']),
    forwardBackward: f('bench_layer_forward_backward', null, ['number']),
    flops: f('bench_layer_flops', 'number', ['number']),
    input: f('bench_layer_input', 'number', ['number']),
    output: f('bench_layer_output', 'number', ['number']),
    param: f('bench_layer_param', 'number', ['number', 'number']),
    rows: f('bench_layer_param_rows', 'number', ['number', 'number']),
    cols: f('bench_layer_param_cols', 'number', ['number', 'number']),
    eps: f('bench_layer_norm_eps', 'number', []),
    blocked: f('bench_blocked_matmul', 'number', []),
    trainingNew: f('bench_training_new', 'number', ['string', 'number', 'number']),
    trainingStep: f('bench_training_step', 'number', ['number']),
    ceiling: f('bench_simd_ceiling', 'number', ['number', 'number', 'number']),
    ceilingFlops: f('bench_simd_ceiling_flops', 'number', ['number']),
    floats(ptr, n) { return new Float32Array(m.HEAPF32.buffer, ptr, n).slice(); },
  };
}

function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }
function spread(xs) { const s = [...xs].sort((a, b) => a - b); return [s[Math.floor(s.length * 0.1)], s[Math.ceil(s.length * 0.9) - 1]]; }
function maxDiff(a, b) { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; }

function tfLayer(x, W, { T, d, h, eps }) {
  return tf.tidy(() => {
    const dk = d / h;
    const linear = (a, w, b) => tf.add(tf.matMul(a, w), b);
    const heads = (m) => tf.transpose(tf.reshape(m, [T, h, dk]), [1, 0, 2]);
    const q = heads(linear(x, W.wq, W.bq)), k = heads(linear(x, W.wk, W.bk)), v = heads(linear(x, W.wv, W.bv));
    const weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dk)));
    const concat = tf.reshape(tf.transpose(tf.matMul(weights, v), [1, 0, 2]), [T, d]);
    const norm = (r, g, b) => {
      const c = tf.sub(r, tf.mean(r, -1, true));
      return tf.add(tf.mul(tf.mul(c, tf.rsqrt(tf.add(tf.mean(tf.square(c), -1, true), eps))), g), b);
    };
    const n1 = norm(tf.add(x, linear(concat, W.wo, W.bo)), W.g1, W.be1);
    const pre = linear(n1, W.w1, W.b1);
    const inner = tf.mul(tf.add(pre, tf.mul(tf.mul(tf.mul(pre, pre), pre), 0.044715)), Math.sqrt(2 / Math.PI));
    const hidden = tf.mul(tf.mul(pre, 0.5), tf.add(tf.tanh(inner), 1));
    return norm(tf.add(n1, linear(hidden, W.w2, W.b2)), W.g2, W.be2);
  });
}

// Times each contender in interleaved rounds (so that a slow moment of the machine falls on
// all of them alike): each round runs `calls` calls of each (a number, or one per contender)
// and records the time per call. A call that
// returns a promise (ONNX Runtime Web's run) is awaited; a synchronous one is not, so that no
// contender pays for a turn of the microtask queue it does not need.
async function timeRounds(contenders, rounds, calls) {
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const start = performance.now();
      const n = typeof calls === 'number' ? calls : calls[name];
      for (let i = 0; i < n; i++) {
        const result = fn();
        if (result && typeof result.then === 'function') await result;
      }
      times[name].push((performance.now() - start) / n);
    }
  }
  return times;
}

async function layerBench({ T, d, h, f, rounds = 15, minRoundMs = 40 }, ours, scalar) {
  const seed = 1;
  const handle = ours.layerNew(T, d, h, f, seed);
  const handleScalar = scalar.layerNew(T, d, h, f, seed);
  const eps = ours.eps();
  const w = {};
  PARAM_NAMES.forEach((name, i) => { w[name] = ours.floats(ours.param(handle, i), ours.rows(handle, i) * ours.cols(handle, i)); });
  const xData = ours.floats(ours.input(handle), T * d);

  // TensorFlow.js
  const W = {};
  for (const name of PARAM_NAMES) {
    const shape = { wq: [d, d], wk: [d, d], wv: [d, d], wo: [d, d], w1: [d, f], w2: [f, d], b1: [f] }[name] || [d];
    W[name] = tf.tensor(w[name], shape);
  }
  const xT = tf.tensor(xData, [T, d]);
  const cfg = { T, d, h, eps };
  const tfRun = () => { const y = tfLayer(xT, W, cfg); const out = y.dataSync(); y.dispose(); return out; };

  // ONNX Runtime Web
  const session = await ort.InferenceSession.create(encoderLayerOnnx({ T, d, h, f, eps, w }),
    { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const feeds = { x: new ort.Tensor('float32', xData, [T, d]) };
  const ortRun = async () => (await session.run(feeds)).y.data;

  // Agreement, before any timing.
  ours.forward(handle);
  scalar.forward(handleScalar);
  const y = ours.floats(ours.output(handle), T * d);
  const agreement = {
    'ours (no SIMD)': maxDiff(y, scalar.floats(scalar.output(handleScalar), T * d)),
    'TensorFlow.js': maxDiff(y, tfRun()),
    'ONNX Runtime Web': maxDiff(y, await ortRun()),
  };

  const contenders = {
    ours: () => ours.forward(handle),
    'ours (no SIMD)': () => scalar.forward(handleScalar),
    'TensorFlow.js': tfRun,
    'ONNX Runtime Web': ortRun,
  };
  // Warm-up (the engines' tiers, the peers' caches), then for each contender as many calls per
  // round as fill minRoundMs, so that the timer's grain (0.1 ms in a page that is not
  // cross-origin isolated) stays small next to every round.
  const probe = await timeRounds(contenders, 3, 5);
  const callsFor = (ms) => Math.max(3, Math.ceil(minRoundMs / Math.max(ms, 1e-3)));
  const calls = Object.fromEntries(Object.entries(probe).map(([name, ts]) => [name, callsFor(median(ts))]));
  const times = await timeRounds(contenders, rounds, calls);
  const flops = ours.flops(handle);
  const results = {};
  for (const [name, ts] of Object.entries(times)) {
    results[name] = { ms: median(ts), spread: spread(ts), gflops: flops / (median(ts) * 1e6) };
  }
  // Forward + backward of our block, with and without SIMD (the training kernels).
  const fb = await timeRounds({ ours: () => ours.forwardBackward(handle), 'ours (no SIMD)': () => scalar.forwardBackward(handleScalar) },
    rounds, { ours: Math.max(2, Math.ceil(calls.ours / 3)), 'ours (no SIMD)': Math.max(2, Math.ceil(calls['ours (no SIMD)'] / 3)) });
  for (const x of Object.values(W)) x.dispose();
  xT.dispose();
  return { T, d, h, f, flops, calls, agreement, results,
           forwardBackward: Object.fromEntries(Object.entries(fb).map(([k, ts]) => [k, { ms: median(ts), spread: spread(ts), gflops: 3 * flops / (median(ts) * 1e6) }])) };
}

function ceiling(ours, rounds = 9) {
  const iterations = 2e6;
  ours.ceiling(1e5, 0.999, 0.001);  // warm-up
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    const sink = ours.ceiling(iterations, 0.999, 0.001);
    const ms = performance.now() - start;
    if (!Number.isFinite(sink)) throw new Error('ceiling kernel gave ' + sink);
    rates.push(ours.ceilingFlops(iterations) / (ms * 1e6));
  }
  return { gflops: median(rates), spread: spread(rates) };
}

// Training steps per second of the "it" model, with and without SIMD, interleaved.
async function training(ours, scalar, vocabText, steps = 40, rounds = 5) {
  const a = ours.trainingNew(vocabText, 1, 100000), b = scalar.trainingNew(vocabText, 1, 100000);
  ours.trainingStep(a); scalar.trainingStep(b);
  const times = await timeRounds({ ours: () => ours.trainingStep(a), 'ours (no SIMD)': () => scalar.trainingStep(b) }, rounds, steps);
  return Object.fromEntries(Object.entries(times).map(([k, ts]) => [k, { stepsPerSecond: 1000 / median(ts), spread: spread(ts).map((ms) => 1000 / ms).reverse() }]));
}

window.bench = {
  async run({ configs, vocabUrl }) {
    const status = document.getElementById('status');
    status.textContent = 'Loading the contenders…';
    tf.wasm.setWasmPaths('/peers/tfjs-backend-wasm/');
    await tf.setBackend('wasm');
    await tf.ready();
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = '/peers/ort/';
    const ours = await loadOurs('simd');
    const scalar = await loadOurs('scalar');
    const out = { tfjs: { backend: tf.getBackend(), version: tf.version_core, simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') },
                  ort: { version: ort.env.versions && ort.env.versions.web, threads: ort.env.wasm.numThreads },
                  blocked: { simd: ours.blocked(), scalar: scalar.blocked() }, layers: [] };
    for (const c of configs) {
      status.textContent = `Layer T = ${c.T}, d = ${c.d}…`;
      out.layers.push(await layerBench(c, ours, scalar));
    }
    status.textContent = 'SIMD ceiling…';
    out.ceiling = ceiling(ours);
    status.textContent = 'Training…';
    const vocab = await (await fetch(vocabUrl)).text();
    out.training = await training(ours, scalar, vocab);
    status.textContent = 'Done.';
    return out;
  },
};
document.getElementById('status').textContent = 'Ready.';
