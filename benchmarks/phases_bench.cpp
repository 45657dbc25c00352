// Micro benchmarks: the machine's physical limits (memory triad, Philox blocks) and each
// phase of the month on a warmed-up Guangdong state. Run:
//   build/benchmarks/innochain_bench [--benchmark_filter=Phase] [--threads via INNOCHAIN_BENCH_THREADS]
// The scale of the phase benchmarks is INNOCHAIN_BENCH_SCALE (default 0.1 of Guangdong).
#include "core/parallel.hpp"
#include "core/rng.hpp"
#include "model/population.hpp"
#include "model/simulation.hpp"
#include "scenario/decode.hpp"

#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

using namespace innochain;

namespace {

int bench_threads() {
  const char* v = std::getenv("INNOCHAIN_BENCH_THREADS");
  return v ? std::atoi(v) : 1;
}

double bench_scale() {
  const char* v = std::getenv("INNOCHAIN_BENCH_SCALE");
  return v ? std::atof(v) : 0.1;
}

/// STREAM triad a = b + s c over arrays far larger than the caches: the memory bandwidth
/// an agent-month that streams its columns can hope for.
void BM_MemoryTriad(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << 24;  // 3 x 128 MiB
  std::vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(bench_threads()));
  for (auto _ : state) {
    for_blocks(
        n,
        [&](std::size_t begin, std::size_t end) {
          for (std::size_t i = begin; i < end; ++i) a[i] = b[i] + 3.0 * c[i];
        },
        1 << 16);
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * 3 * n * sizeof(double)));
}
BENCHMARK(BM_MemoryTriad)->Unit(benchmark::kMillisecond)->UseRealTime();

/// One Philox4x32-10 block per entity, as the phases draw them (a fresh Rng per entity).
void BM_PhiloxScalar(benchmark::State& state) {
  const RunKey key{1, 0};
  std::uint32_t month = 0, sink = 0;
  for (auto _ : state) {
    for (std::uint32_t i = 0; i < 4096; ++i) sink ^= Rng(key, Stream::talent_move, i, month).bits();
    ++month;
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations() * 4096);
}
BENCHMARK(BM_PhiloxScalar);

/// The same blocks in bulk (first_blocks, as the per-person phases draw them since issue 19):
/// state.range(0) selects the instruction set (0 scalar, 1 AVX2, 2 AVX-512).
void BM_PhiloxBatch(benchmark::State& state) {
  const auto isa = static_cast<PhiloxIsa>(state.range(0));
  if (!philox_isa_supported(isa)) {
    state.SkipWithError("instruction set not available");
    return;
  }
  std::vector<std::uint32_t> ids(4096);
  for (std::uint32_t i = 0; i < ids.size(); ++i) ids[i] = i;
  std::vector<Rng::Block> out(ids.size());
  std::uint32_t month = 0;
  for (auto _ : state) {
    first_blocks(RunKey{1, 0}, Stream::talent_move, month++, ids, out, isa);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(ids.size()));
}
BENCHMARK(BM_PhiloxBatch)->Arg(0)->Arg(1)->Arg(2);

/// A Guangdong state after a year, built once per process.
struct Warm {
  Scenario scenario;
  std::unique_ptr<Simulation> sim;
  Warm() {
    scenario = load_scenario_file(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_baseline.yaml",
                                  {"world.scale=" + std::to_string(bench_scale())});
    sim = std::make_unique<Simulation>(scenario, RunKey{static_cast<std::uint64_t>(scenario.seed), 0});
    for (int m = 0; m < 12; ++m) sim->step();
  }
};

Warm& warm() {
  static Warm w;
  return w;
}

/// One phase of the month, run on a fresh copy of the warmed-up state each iteration
/// (the copy is not timed). Items: agents in the state (talent + enterprises + ...).
void BM_Phase(benchmark::State& state) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(bench_threads()));
  Warm& w = warm();
  const Phase& phase = pipeline()[static_cast<std::size_t>(state.range(0))];
  state.SetLabel(std::string(phase.name));
  const Context& c = w.sim->context();
  MonthMetrics metrics(c.fields, c.regions, w.scenario.policies.size());
  const State& base = w.sim->state();
  const auto agents = static_cast<std::int64_t>(base.talent.size() + base.enterprises.size() + base.institutes.size() +
                                                base.financiers.size());
  for (auto _ : state) {
    state.PauseTiming();
    State s = base;
    metrics.clear();
    state.ResumeTiming();
    phase.run(c, s, metrics);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * agents);
}
BENCHMARK(BM_Phase)->DenseRange(0, 9)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The employer aggregates: the parallel version and its serial definition.
void BM_UpdateWorkforce(benchmark::State& state) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(bench_threads()));
  State s = warm().sim->state();
  for (auto _ : state) {
    if (state.range(0))
      update_workforce(s);
    else
      update_workforce_serial(s);
    benchmark::ClobberMemory();
  }
  state.SetLabel(state.range(0) ? "parallel" : "serial");
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(s.talent.size()));
}
BENCHMARK(BM_UpdateWorkforce)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
