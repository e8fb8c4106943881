/*
 * The NIC flow table's costs (engine/nic/offload-table.h), in wall time of the
 * simulator's own structure: what a simulated packet costs on the host running the
 * simulation, not what the modelled NIC takes (that is the table's latencies).
 *   BM_LookupFastHit/<entries>   hits on a table whose every entry is in the fast tier
 *   BM_LookupLargeHit/<entries>  hits that promote from the large tier (fast tier of 64,
 *                                keys in random order, so nearly every hit promotes and
 *                                demotes)
 *   BM_LookupMiss/<entries>      keys that are not there
 *   BM_InsertEvict/<entries>     inserts into a full lru table: each evicts the least
 *                                recently used entry (no rate limit, no latency)
 * Each reports heap bytes per entry. Numbers: docs/performance.md.
 */
#include "bench-flow-key.h"
#include "engine/nic/offload-table.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <random>
#include <vector>

namespace vfp
{
namespace
{

/// A table of @p entries resident entries (capacity @p entries), keys 0 to entries - 1.
OffloadTableConfig
Config(uint32_t entries, uint32_t fast)
{
    OffloadTableConfig config;
    config.capacity = entries;
    config.fastCapacity = fast;
    config.insertLatency = 0;
    config.maxInsertRate = 0;
    config.maxBacklog = 0;
    return config;
}

void
Fill(OffloadTable& table, uint32_t entries)
{
    for (uint32_t i = 0; i < entries; ++i)
    {
        table.Insert(BenchFlowKey(i), OffloadEntry{}, 0);
    }
}

/// 4096 keys drawn from [first, first + span), in random order.
std::vector<UnifiedFlowKey>
Probes(uint32_t first, uint32_t span)
{
    std::vector<UnifiedFlowKey> probes;
    std::mt19937 random(7);
    for (int i = 0; i < 4096; ++i)
    {
        probes.push_back(BenchFlowKey(first + random() % span));
    }
    return probes;
}

void
Lookups(benchmark::State& state, uint32_t fast, bool hits)
{
    const uint32_t entries = static_cast<uint32_t>(state.range(0));
    const size_t before = mallinfo2().uordblks;
    OffloadTable table(Config(entries, fast));
    Fill(table, entries);
    state.counters["bytes_per_entry"] = double(mallinfo2().uordblks - before) / entries;
    const std::vector<UnifiedFlowKey> probes = hits ? Probes(0, entries) : Probes(entries, entries);
    // Warm the fast tier so that a fast-tier run measures hits there.
    for (const UnifiedFlowKey& key : probes)
    {
        table.Lookup(key, 0, 0, 100);
    }
    size_t i = 0;
    double now = 0;
    for (auto _ : state)
    {
        now += 1e-9;
        benchmark::DoNotOptimize(table.Lookup(probes[i++ & 4095], 0, now, 100));
    }
    state.SetItemsProcessed(state.iterations());
}

void
BM_LookupFastHit(benchmark::State& state)
{
    Lookups(state, static_cast<uint32_t>(state.range(0)), true);
}

void
BM_LookupLargeHit(benchmark::State& state)
{
    Lookups(state, 64, true);
}

void
BM_LookupMiss(benchmark::State& state)
{
    Lookups(state, std::min<uint32_t>(static_cast<uint32_t>(state.range(0)), 2048), false);
}

void
BM_InsertEvict(benchmark::State& state)
{
    const uint32_t entries = static_cast<uint32_t>(state.range(0));
    const size_t before = mallinfo2().uordblks;
    OffloadTable table(Config(entries, std::min<uint32_t>(entries, 2048)));
    Fill(table, entries);
    state.counters["bytes_per_entry"] = double(mallinfo2().uordblks - before) / entries;
    uint32_t next = entries;
    double now = 0;
    for (auto _ : state)
    {
        now += 1e-9;
        benchmark::DoNotOptimize(table.Insert(BenchFlowKey(next++), OffloadEntry{}, now));
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_LookupFastHit)->Arg(1024)->Arg(4096);
BENCHMARK(BM_LookupLargeHit)->Arg(1024)->Arg(100'000)->Arg(1'000'000);
BENCHMARK(BM_LookupMiss)->Arg(1024)->Arg(100'000)->Arg(1'000'000);
BENCHMARK(BM_InsertEvict)->Arg(1024)->Arg(100'000)->Arg(1'000'000);

} // namespace
} // namespace vfp
