// bench_encoder — one encoder block, forward and forward + backward, in GFLOP/s (the block and
// its FLOP count: bench/layer_bench.h).
//
//   build/native-release/bench_encoder                   (portable -O3)
//   configure with -DCMAKE_CXX_FLAGS=-march=native       (this machine's vector units)
#include "layer_bench.h"

#include <benchmark/benchmark.h>

namespace {

// Args: T, d, h, f.
void BM_LayerForward(benchmark::State& state) {
    encoder_bench::LayerBench bench(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)),
                                    static_cast<int>(state.range(2)), static_cast<int>(state.range(3)));
    for (auto _ : state) {
        bench.forward();
        benchmark::DoNotOptimize(bench.output().data());
        benchmark::ClobberMemory();
    }
    state.counters["GFLOP/s"] = benchmark::Counter(bench.forward_flops() * 1e-9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
    state.counters["MFLOP"] = bench.forward_flops() * 1e-6;
}

void BM_LayerForwardBackward(benchmark::State& state) {
    encoder_bench::LayerBench bench(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)),
                                    static_cast<int>(state.range(2)), static_cast<int>(state.range(3)));
    for (auto _ : state) {
        bench.forward_backward();
        benchmark::DoNotOptimize(bench.output().data());
        benchmark::ClobberMemory();
    }
    state.counters["GFLOP/s"] = benchmark::Counter(bench.forward_backward_flops() * 1e-9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
    state.counters["MFLOP"] = bench.forward_backward_flops() * 1e-6;
}

}  // namespace

// Reference size (T = 128, d = 128, h = 4, f = 512) and the lesson's size (T = 16, d = 32, h = 4, f = 128).
BENCHMARK(BM_LayerForward)->ArgNames({"T", "d", "h", "f"})->Args({128, 128, 4, 512})->Args({16, 32, 4, 128})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_LayerForwardBackward)->ArgNames({"T", "d", "h", "f"})->Args({128, 128, 4, 512})->Args({16, 32, 4, 128})->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
