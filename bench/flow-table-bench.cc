/*
 * Which hash table for the unified flow table: std::unordered_map against Abseil's Swiss
 * tables (flat_hash_map stores entries in place, node_hash_map keeps them in nodes), with
 * the real key (UnifiedFlowKey) and value (UnifiedFlow), at 1k, 100k and 500k flows.
 *   BM_Find<Table>/<flows>     a hit, keys in random order
 *   BM_Insert<Table>/<flows>   filling the table to <flows>, per insert
 * Both report heap bytes per entry. The choice and the numbers: docs/performance.md.
 */
#include "bench-flow-key.h"
#include "engine/pipeline/unified-flow-table.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/node_hash_map.h>
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <random>
#include <unordered_map>

namespace vfp
{
namespace
{

template<typename Table>
void
Fill(Table& table, uint32_t flows)
{
    for (uint32_t i = 0; i < flows; ++i)
    {
        table[BenchFlowKey(i)] = UnifiedFlow{};
    }
}

template<typename Table>
void
BM_Find(benchmark::State& state)
{
    const uint32_t flows = static_cast<uint32_t>(state.range(0));
    const size_t before = mallinfo2().uordblks;
    Table table;
    Fill(table, flows);
    state.counters["bytes_per_entry"] = double(mallinfo2().uordblks - before) / flows;
    std::vector<UnifiedFlowKey> probes;
    std::mt19937 random(7);
    for (int i = 0; i < 4096; ++i)
    {
        probes.push_back(BenchFlowKey(random() % flows));
    }
    size_t i = 0;
    for (auto _ : state)
    {
        benchmark::DoNotOptimize(table.find(probes[i++ & 4095]));
    }
    state.SetItemsProcessed(state.iterations());
}

template<typename Table>
void
BM_Insert(benchmark::State& state)
{
    const uint32_t flows = static_cast<uint32_t>(state.range(0));
    for (auto _ : state)
    {
        Table table;
        Fill(table, flows);
        benchmark::DoNotOptimize(table);
    }
    state.SetItemsProcessed(state.iterations() * flows);
}

using StdTable = std::unordered_map<UnifiedFlowKey, UnifiedFlow, UnifiedFlowKeyHash>;
using FlatTable = absl::flat_hash_map<UnifiedFlowKey, UnifiedFlow, UnifiedFlowKeyHash>;
using NodeTable = absl::node_hash_map<UnifiedFlowKey, UnifiedFlow, UnifiedFlowKeyHash>;

BENCHMARK_TEMPLATE(BM_Find, StdTable)->Arg(1000)->Arg(100000)->Arg(500000);
BENCHMARK_TEMPLATE(BM_Find, FlatTable)->Arg(1000)->Arg(100000)->Arg(500000);
BENCHMARK_TEMPLATE(BM_Find, NodeTable)->Arg(1000)->Arg(100000)->Arg(500000);
BENCHMARK_TEMPLATE(BM_Insert, StdTable)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Insert, FlatTable)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Insert, NodeTable)->Arg(100000)->Unit(benchmark::kMillisecond);

} // namespace
} // namespace vfp
