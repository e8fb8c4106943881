/*
 * The unified flow table's fast path (paper §6.2 and Figure 9, second panel), measured on
 * the engine alone:
 *   BM_EstablishedFlows/<layers>/<uft>  packets of established flows through <layers> layers
 *                                       of 200 rules each, UFT on (1) or off (0)
 *   BM_LookupAtScale/<flows>            a hit with <flows> active flows in the table, and the
 *                                       memory each flow costs (connection + UF + layer flow)
 *   BM_NewConnections/<layers>          the first packet of a new connection: slow path,
 *                                       layer flow, connection and UF created
 *
 *   make bench   (or build/bin/uft-bench --benchmark_filter=...)
 */
#include "engine/packet/addresses.h"
#include "engine/pipeline/port.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <malloc.h>

namespace vfp
{
namespace
{

constexpr const char* VM_MAC = "00:1d:d8:00:00:01";
constexpr const char* GW_MAC = "12:34:56:78:9a:bc";

Condition
Cond(ConditionType type, const std::string& text)
{
    std::string error;
    Condition condition;
    condition.type = type;
    condition.values.push_back(*ParseConditionValue(type, text, error));
    return condition;
}

/// @p layers layers of 200 outbound rules: 199 that the benchmark's flows never match and
/// a last one that does. The first layer's match is stateful (an ACL); the last layer's
/// encapsulates in VXLAN, so every packet's transposition pushes an outer group.
PortSpec
LayeredPort(int layers)
{
    PortSpec port;
    port.name = "vm";
    port.mac = *ParseMac(VM_MAC);
    for (int l = 0; l < layers; ++l)
    {
        GroupSpec group;
        group.name = "g";
        for (int r = 0; r < 199; ++r)
        {
            RuleSpec rule;
            rule.id = "r" + std::to_string(r);
            rule.priority = r;
            rule.conditions = {
                Cond(ConditionType::DstIp, fmt::format("192.0.{}.{}/32", r / 200, r % 200 + 1)),
                Cond(ConditionType::DstPort, std::to_string(1000 + r))};
            rule.action.type = r % 2 ? ActionType::Block : ActionType::Allow;
            group.rules.push_back(rule);
        }
        RuleSpec last;
        last.id = "match";
        last.priority = 1000;
        last.stateful = l == 0;
        if (l == layers - 1)
        {
            last.action.type = ActionType::Encap;
            last.action.format = TunnelType::Vxlan;
            last.action.key = 5001;
            last.action.srcIp = *ParseIpv4("192.168.0.1");
            last.action.dstIp = *ParseIpv4("192.168.0.2");
        }
        group.rules.push_back(last);
        LayerSpec layer;
        layer.name = "layer" + std::to_string(l);
        layer.priority = l;
        layer.defaults = {DefaultAction::Block, DefaultAction::Allow};
        layer.groups.push_back(group);
        port.layers.push_back(layer);
    }
    return port;
}

/// Packet @p i of a set of distinct TCP flows from the VM.
HeaderStack
Flow(uint32_t i, uint8_t flags)
{
    HeaderStack stack;
    stack.count = 1;
    HeaderGroup& group = stack[0];
    group.hasEthernet = true;
    group.eth = EthernetHeader{*ParseMac(VM_MAC), *ParseMac(GW_MAC), ETHER_TYPE_IPV4};
    group.hasIpv4 = true;
    group.ip = Ipv4Header{*ParseIpv4("10.0.0.1"), 0xac100000u + (i >> 14), IP_PROTOCOL_TCP, 64};
    group.l4 = L4Type::Tcp;
    group.transport =
        TransportHeader{static_cast<uint16_t>(1024 + (i & 0x3fff)), 80, flags, 1000, 0};
    stack.payloadBytes = 1000;
    return stack;
}

size_t
HeapBytes()
{
    return mallinfo2().uordblks;
}

void
BM_EstablishedFlows(benchmark::State& state)
{
    PortConfig config;
    config.uftEnabled = state.range(1) != 0;
    Port port(LayeredPort(static_cast<int>(state.range(0))), config);
    constexpr uint32_t FLOWS = 1024;
    std::vector<HeaderStack> packets;
    for (uint32_t i = 0; i < FLOWS; ++i)
    {
        packets.push_back(Flow(i, TcpFlags::ACK));
        port.Process(Direction::Outbound, packets.back(), 0);
    }
    uint32_t i = 0;
    double now = 1;
    for (auto _ : state)
    {
        benchmark::DoNotOptimize(
            port.Process(Direction::Outbound, packets[i++ & (FLOWS - 1)], now));
        now += 1e-6;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["uft_hit_rate"] = static_cast<double>(port.GetUftCounters().hits) /
                                     static_cast<double>(state.iterations() + FLOWS);
}

void
BM_LookupAtScale(benchmark::State& state)
{
    const uint32_t flows = static_cast<uint32_t>(state.range(0));
    PortConfig config;
    config.tracker.maxConnections = flows + 1;
    Port port(LayeredPort(1), config);
    const size_t before = HeapBytes();
    for (uint32_t i = 0; i < flows; ++i)
    {
        port.Process(Direction::Outbound, Flow(i, TcpFlags::ACK), 0);
    }
    const size_t after = HeapBytes();
    std::vector<HeaderStack> probes;
    for (uint32_t i = 0; i < 4096; ++i)
    {
        probes.push_back(
            Flow(static_cast<uint32_t>((uint64_t(i) * 2654435761u) % flows), TcpFlags::ACK));
    }
    uint32_t i = 0;
    for (auto _ : state)
    {
        benchmark::DoNotOptimize(port.Process(Direction::Outbound, probes[i++ & 4095], 1));
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["bytes_per_flow"] = static_cast<double>(after - before) / flows;
    state.counters["flows"] = static_cast<double>(port.GetUft().Size());
}

void
BM_NewConnections(benchmark::State& state)
{
    PortConfig config;
    config.tracker.maxConnections = 1 << 22;
    Port port(LayeredPort(static_cast<int>(state.range(0))), config);
    uint32_t i = 0;
    double now = 0;
    for (auto _ : state)
    {
        benchmark::DoNotOptimize(port.Process(Direction::Outbound, Flow(i++, TcpFlags::SYN), now));
        now += 1e-6;
        if ((i & 0xffff) == 0)
        {
            state.PauseTiming(); // keep the table at a steady size, as time-outs would
            port.ExpireFlows(now + 1e6);
            state.ResumeTiming();
        }
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_EstablishedFlows)->ArgsProduct({{1, 2, 5, 10, 20}, {1, 0}});
BENCHMARK(BM_LookupAtScale)->Arg(1000)->Arg(100000)->Arg(500000)->Iterations(2000000);
BENCHMARK(BM_NewConnections)->Arg(1)->Arg(10);

} // namespace
} // namespace vfp
