/*
 * The QoS shaper's cost per packet (engine/qos/qos-shaper.h), in wall time of the
 * simulator's own structure, on a switch of 8 ports (the packet goes to one of them):
 *   BM_EnqueueUnshaped      a port without QoS: the lookup and nothing else
 *   BM_EnqueueConforming    a port with a tx cap that every packet conforms to
 *   BM_EnqueueQueued        a port with a tx cap that every packet waits for: each
 *                           iteration releases the packet before and queues the next
 *   BM_EnqueueGroup         4 ports under one group cap that every packet conforms to
 *   BM_EnqueueLinkSharing   the uplink shared by the 8 ports (10 Gbps, 10 ms interval,
 *                           1 Gbps reserved each), offered the link's rate round robin,
 *                           with a Release before every packet and a re-allocation
 *                           every 10 simulated ms
 * Time per iteration is per packet; the counters say what part of one port's packets
 * conformed, queued and dropped.
 * Numbers: docs/performance.md.
 *
 *   make bench   (or build/bin/qos-bench --benchmark_filter=...)
 */
#include "engine/qos/qos-shaper.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

namespace vfp
{
namespace
{

constexpr uint32_t FRAME = 1514;
constexpr size_t PORTS = 8;
constexpr Direction TX = Direction::Outbound;

std::string
PortName(size_t i)
{
    return fmt::format("vm{}", i);
}

/// 8 unshaped ports.
void
AddPorts(QosShaper& shaper)
{
    for (size_t i = 0; i < PORTS; ++i)
    {
        shaper.SetPort(PortName(i), std::nullopt, 0);
    }
}

PortQosSpec
TxCap(double rateBps)
{
    PortQosSpec qos;
    qos.tx = RateLimitSpec{rateBps, FRAME, DEFAULT_QOS_QUEUE_BYTES};
    return qos;
}

/// What became of @p port's tx packets, as parts of them: counters of the benchmark.
void
ReportFates(benchmark::State& state, const QosShaper& shaper, const std::string& port)
{
    const QosShaper::Counters& counters = shaper.GetCounters(port, TX);
    const double packets = static_cast<double>(counters.conforming.packets +
                                               counters.queued.packets + counters.dropped.packets);
    state.counters["conforming"] = counters.conforming.packets / packets;
    state.counters["queued"] = counters.queued.packets / packets;
    state.counters["dropped"] = counters.dropped.packets / packets;
    state.SetItemsProcessed(state.iterations());
}

void
BM_EnqueueUnshaped(benchmark::State& state)
{
    QosShaper shaper;
    AddPorts(shaper);
    const std::string port = PortName(5);
    uint64_t handle = 0;
    double now = 0;
    for (auto _ : state)
    {
        now += 1e-9;
        benchmark::DoNotOptimize(shaper.Enqueue(port, TX, handle++, FRAME, now));
    }
    state.SetItemsProcessed(state.iterations());
}

void
BM_EnqueueConforming(benchmark::State& state)
{
    QosShaper shaper;
    AddPorts(shaper);
    const std::string port = PortName(5);
    // 1514 bytes every 10 ns is 1.2 Tbps: a 10 Tbps cap never holds one back.
    shaper.SetPort(port, TxCap(1e13), 0);
    uint64_t handle = 0;
    double now = 0;
    for (auto _ : state)
    {
        now += 1e-8;
        benchmark::DoNotOptimize(shaper.Enqueue(port, TX, handle++, FRAME, now));
    }
    ReportFates(state, shaper, port);
}

void
BM_EnqueueQueued(benchmark::State& state)
{
    QosShaper shaper;
    AddPorts(shaper);
    const std::string port = PortName(5);
    // A 10 Gbps cap with a one-frame burst: a frame conforms every `period`, and one
    // arrives every period. Two frames at 0 (the first empties the bucket) leave one
    // always waiting, so every frame queues; each iteration first releases the one before.
    constexpr double RATE = 10e9;
    const double period = FRAME * 8 / RATE;
    shaper.SetPort(port, TxCap(RATE), 0);
    shaper.Enqueue(port, TX, 0, FRAME, 0);
    shaper.Enqueue(port, TX, 1, FRAME, 0);
    uint64_t handle = 2;
    for (auto _ : state)
    {
        const double now = (handle - 1.5) * period;
        benchmark::DoNotOptimize(shaper.Release(now));
        benchmark::DoNotOptimize(shaper.Enqueue(port, TX, handle++, FRAME, now));
    }
    ReportFates(state, shaper, port);
}

void
BM_EnqueueGroup(benchmark::State& state)
{
    QosShaper shaper;
    AddPorts(shaper);
    QosGroupSpec group{"tenant", TX, {}, RateLimitSpec{1e13, FRAME, DEFAULT_QOS_QUEUE_BYTES}};
    for (size_t i = 0; i < 4; ++i)
    {
        group.ports.push_back(PortName(i));
    }
    shaper.SetGroup(group, 0);
    uint64_t handle = 0;
    double now = 0;
    for (auto _ : state)
    {
        now += 1e-8;
        benchmark::DoNotOptimize(shaper.Enqueue(group.ports[handle % 4], TX, handle, FRAME, now));
        ++handle;
    }
    ReportFates(state, shaper, group.ports[0]);
}

void
BM_EnqueueLinkSharing(benchmark::State& state)
{
    constexpr double LINK = 10e9;
    QosShaper shaper;
    shaper.SetLink(LINK, DEFAULT_QOS_SHARE_INTERVAL, 0);
    std::vector<std::string> ports;
    PortQosSpec reserved;
    reserved.txReservationBps = LINK / PORTS * 0.8;
    for (size_t i = 0; i < PORTS; ++i)
    {
        ports.push_back(PortName(i));
        shaper.SetPort(ports.back(), reserved, 0);
    }
    const double gap = FRAME * 8 / LINK; // the link's rate in all, an eighth of it each
    uint64_t handle = 0;
    for (auto _ : state)
    {
        const double now = handle * gap;
        benchmark::DoNotOptimize(shaper.Release(now));
        benchmark::DoNotOptimize(shaper.Enqueue(ports[handle % PORTS], TX, handle, FRAME, now));
        ++handle;
    }
    ReportFates(state, shaper, ports[0]);
}

BENCHMARK(BM_EnqueueUnshaped);
BENCHMARK(BM_EnqueueConforming);
BENCHMARK(BM_EnqueueQueued);
BENCHMARK(BM_EnqueueGroup);
BENCHMARK(BM_EnqueueLinkSharing);

} // namespace
} // namespace vfp
