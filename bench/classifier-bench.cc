/*
 * Classification cost (paper §6.5 and Figure 9, first panel): lookups per second of a
 * group's classifier against linear search, for ClassBench-style ACL, FW and IPC rule
 * sets of 1k, 10k and 50k rules; memory per rule; the time to add one rule to a large
 * group and to build a whole group.
 *
 *   make bench   (or build/bin/classifier-bench --benchmark_filter=...)
 */
#include "engine/classifier/group-classifier.h"
#include "engine/workload/classbench.h"

#include <benchmark/benchmark.h>
#include <map>
#include <memory>

namespace vfp
{
namespace
{

constexpr uint64_t RULE_SEED = 2017;
constexpr uint64_t PACKET_SEED = 9;
constexpr size_t PACKETS = 4096; // a power of two: the lookup loop masks its index
constexpr double HIT_FRACTION = 0.9;

/// A rule set with its rule objects, built once per (profile, size) and shared.
struct RuleSet
{
    ResourceSet resources;
    std::map<std::string, PacketByteCounter> meters;
    std::vector<std::unique_ptr<Rule>> rules;
    std::vector<Rule*> pointers;
    std::vector<HeaderStack> packets;
};

const RuleSet&
GetRuleSet(ClassBenchProfile profile, size_t count)
{
    static std::map<std::pair<int, size_t>, std::unique_ptr<RuleSet>> cache;
    auto& slot = cache[{static_cast<int>(profile), count}];
    if (!slot)
    {
        slot = std::make_unique<RuleSet>();
        auto rules = GenerateClassBenchRules(profile, count, RULE_SEED);
        uint64_t sequence = 0;
        for (const RuleSpec& spec : ToRuleSpecs(rules, ActionSpec{}))
        {
            slot->rules.push_back(std::make_unique<Rule>(
                spec,
                RuleAction(spec.action, false, slot->resources, slot->meters, spec.id),
                sequence++));
            slot->pointers.push_back(slot->rules.back().get());
        }
        slot->packets = GenerateClassBenchPackets(rules, PACKETS, HIT_FRACTION, PACKET_SEED);
    }
    return *slot;
}

ClassBenchProfile
ProfileArg(const benchmark::State& state)
{
    return static_cast<ClassBenchProfile>(state.range(0));
}

void
SetLabel(benchmark::State& state)
{
    state.SetLabel(std::string(ClassBenchProfileName(ProfileArg(state))));
}

void
BM_ClassifierLookup(benchmark::State& state)
{
    const RuleSet& set = GetRuleSet(ProfileArg(state), static_cast<size_t>(state.range(1)));
    GroupClassifier classifier(GroupType::Priority, ConditionType::DstIp);
    classifier.Build(set.pointers);
    size_t index = 0;
    for (auto _ : state)
    {
        benchmark::DoNotOptimize(classifier.Find(set.packets[index++ & (PACKETS - 1)]));
    }
    state.SetItemsProcessed(state.iterations());
    size_t memory = 0;
    for (const auto& part : classifier.Describe())
    {
        memory += part.memoryBytes;
        state.counters[std::string(ClassifierKindName(part.kind)) + "_rules"] +=
            static_cast<double>(part.rules);
    }
    state.counters["bytes_per_rule"] =
        static_cast<double>(memory) / static_cast<double>(set.rules.size());
    SetLabel(state);
}

void
BM_LinearLookup(benchmark::State& state)
{
    const RuleSet& set = GetRuleSet(ProfileArg(state), static_cast<size_t>(state.range(1)));
    ListClassifier linear;
    for (Rule* rule : set.pointers)
    {
        linear.Insert(rule, nullptr);
    }
    size_t index = 0;
    for (auto _ : state)
    {
        benchmark::DoNotOptimize(linear.Find(set.packets[index++ & (PACKETS - 1)], nullptr));
    }
    state.SetItemsProcessed(state.iterations());
    SetLabel(state);
}

void
BM_ClassifierAddOneRule(benchmark::State& state)
{
    const RuleSet& set = GetRuleSet(ProfileArg(state), static_cast<size_t>(state.range(1)));
    GroupClassifier classifier(GroupType::Priority, ConditionType::DstIp);
    std::vector<Rule*> all = set.pointers;
    Rule* extra = all.back();
    all.pop_back();
    classifier.Build(all);
    for (auto _ : state)
    {
        classifier.Insert(extra);
        state.PauseTiming();
        classifier.Remove(extra);
        state.ResumeTiming();
    }
    SetLabel(state);
}

void
BM_ClassifierBuildGroup(benchmark::State& state)
{
    const RuleSet& set = GetRuleSet(ProfileArg(state), static_cast<size_t>(state.range(1)));
    for (auto _ : state)
    {
        GroupClassifier classifier(GroupType::Priority, ConditionType::DstIp);
        classifier.Build(set.pointers);
        benchmark::DoNotOptimize(classifier);
    }
    state.counters["rules"] = static_cast<double>(set.rules.size());
    SetLabel(state);
}

void
Sizes(benchmark::internal::Benchmark* benchmark)
{
    for (int profile : {0, 1, 2})
    {
        for (int rules : {1000, 10000, 50000})
        {
            benchmark->Args({profile, rules});
        }
    }
}

BENCHMARK(BM_ClassifierLookup)->Apply(Sizes);
BENCHMARK(BM_LinearLookup)->Apply(Sizes);
BENCHMARK(BM_ClassifierAddOneRule)->Apply(Sizes);
BENCHMARK(BM_ClassifierBuildGroup)->Apply(Sizes)->Unit(benchmark::kMillisecond);

} // namespace
} // namespace vfp
