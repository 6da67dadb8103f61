// wasm_bench.cpp — the library's side of the WebAssembly benchmark page (web/bench/): one encoder
// block (bench/layer_bench.h) whose weights and input the page reads to give the same layer to
// TensorFlow.js and ONNX Runtime Web, a training step of the lesson's "it" model, and the
// browser's f32x4 multiply-add ceiling. Built twice: with WebAssembly SIMD (the lesson's build)
// and without it, so that the page measures what the vector kernels bring.
#include "layer_bench.h"

#include "core/coref.h"
#include "core/gemm.h"
#include "core/tokenizer.h"

#include <emscripten/emscripten.h>

#include <memory>
#include <string>

using attn::Mat;

namespace {

const Mat* parameter(const encoder_bench::LayerBench& b, int which) {
    const attn::LayerParams& p = b.params();
    const Mat* all[] = {&p.attn.wq, &p.attn.bq, &p.attn.wk, &p.attn.bk, &p.attn.wv, &p.attn.bv,
                        &p.attn.wo, &p.attn.bo, &p.ln1_gamma, &p.ln1_beta, &p.ffn.w1, &p.ffn.b1,
                        &p.ffn.w2, &p.ffn.b2, &p.ln2_gamma, &p.ln2_beta};
    return which >= 0 && which < 16 ? all[which] : nullptr;
}

struct Training {
    attn::WordPieceTokenizer tokenizer;
    std::unique_ptr<attn::CorefTrainer> trainer;
};

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE encoder_bench::LayerBench* bench_layer_new(int T, int d, int h, int f, int seed) {
    return new encoder_bench::LayerBench(T, d, h, f, static_cast<std::uint32_t>(seed));
}
EMSCRIPTEN_KEEPALIVE void bench_layer_delete(encoder_bench::LayerBench* b) { delete b; }
EMSCRIPTEN_KEEPALIVE void bench_layer_forward(encoder_bench::LayerBench* b) { b->forward(); }
EMSCRIPTEN_KEEPALIVE void bench_layer_forward_backward(encoder_bench::LayerBench* b) { b->forward_backward(); }
EMSCRIPTEN_KEEPALIVE double bench_layer_flops(encoder_bench::LayerBench* b) { return b->forward_flops(); }
EMSCRIPTEN_KEEPALIVE const float* bench_layer_input(encoder_bench::LayerBench* b) { return b->input().data(); }
EMSCRIPTEN_KEEPALIVE const float* bench_layer_output(encoder_bench::LayerBench* b) { return b->output().data(); }
// The parameters in the order wq bq wk bk wv bv wo bo ln1γ ln1β w1 b1 w2 b2 ln2γ ln2β (row-major).
EMSCRIPTEN_KEEPALIVE const float* bench_layer_param(encoder_bench::LayerBench* b, int which) {
    const Mat* m = parameter(*b, which);
    return m ? m->data() : nullptr;
}
EMSCRIPTEN_KEEPALIVE int bench_layer_param_rows(encoder_bench::LayerBench* b, int which) {
    const Mat* m = parameter(*b, which);
    return m ? static_cast<int>(m->rows()) : 0;
}
EMSCRIPTEN_KEEPALIVE int bench_layer_param_cols(encoder_bench::LayerBench* b, int which) {
    const Mat* m = parameter(*b, which);
    return m ? static_cast<int>(m->cols()) : 0;
}
EMSCRIPTEN_KEEPALIVE double bench_layer_norm_eps() { return attn::kLayerNormEps; }
EMSCRIPTEN_KEEPALIVE int bench_blocked_matmul() { return attn::blocked_matmul() ? 1 : 0; }

// The lesson's "it" model, trained as "Train it yourself" trains it (CorefTrainer, default
// configuration), from the BERT vocabulary's text.
EMSCRIPTEN_KEEPALIVE Training* bench_training_new(const char* vocab_text, int seed, int steps) {
    auto t = std::make_unique<Training>(Training{attn::WordPieceTokenizer(attn::Vocab::from_text(vocab_text)), nullptr});
    t->trainer = std::make_unique<attn::CorefTrainer>(attn::CorefTrainConfig{}, static_cast<std::uint32_t>(seed), steps, t->tokenizer);
    return t.release();
}
EMSCRIPTEN_KEEPALIVE double bench_training_step(Training* t) { return t->trainer->step().loss; }
EMSCRIPTEN_KEEPALIVE void bench_training_delete(Training* t) { delete t; }

// The browser's ceiling for f32x4 multiply + add: 12 independent accumulators (more than the
// latency of an add times its throughput), each updated as acc = acc · m + c, 8 FLOPs per vector
// per iteration. Returns a value that depends on every accumulator, so nothing is optimised out.
EMSCRIPTEN_KEEPALIVE float bench_simd_ceiling(int iterations, float m, float c) {
    typedef float f4 __attribute__((vector_size(16)));
    f4 mv = {m, m, m, m}, cv = {c, c, c, c};
    f4 a0 = {1, 2, 3, 4}, a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5;
    f4 a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11;
    for (int i = 0; i < iterations; ++i) {
        a0 = a0 * mv + cv; a1 = a1 * mv + cv; a2 = a2 * mv + cv; a3 = a3 * mv + cv;
        a4 = a4 * mv + cv; a5 = a5 * mv + cv; a6 = a6 * mv + cv; a7 = a7 * mv + cv;
        a8 = a8 * mv + cv; a9 = a9 * mv + cv; a10 = a10 * mv + cv; a11 = a11 * mv + cv;
    }
    const f4 s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    return s[0] + s[1] + s[2] + s[3];
}
EMSCRIPTEN_KEEPALIVE double bench_simd_ceiling_flops(int iterations) { return 12.0 * 8.0 * iterations; }

}  // extern "C"
