/*
 * datacenter: the project's default scenario. A VL2 datacenter whose hosts run VFP
 * (VNET encap with a directory service, a stateful ACL and metering, each programmed by
 * its own controller), carrying short request/response TCP flows at a given connection
 * rate, long TCP transfers and UDP streams between VMs of the same tenant, or the flows of
 * a traffic file; tenants' address spaces overlap. Writes metrics.json and CSVs
 * (docs/datacenter.md) and prints a summary with the isolation and accounting checks.
 * --switch=bridge runs the same datacenter on ns-3's BridgeNetDevice as the no-policy
 * baseline: same links, queues, TCP and traffic.
 *
 *            intermediate routers (--intermediates)
 *              |  every aggregation router to every one
 *            aggregation routers (--aggregations)
 *              |  each ToR to as many as 1:--oversubscription needs
 *            ToR routers, one per --hosts-per-rack hosts
 *              |  --host-link, full-duplex Ethernet
 *            host: NIC <- VfpSwitchNetDevice (or BridgeNetDevice) -> ports
 *              |  --vm-link
 *            VMs (--vms-per-host), tenant = VM index mod --tenants
 */
#include "datacenter-metrics.h"
#include "datacenter-options.h"
#include "datacenter-traffic.h"
#include "file-flows.h"
#include "ns3/core-module.h"
#include "scenario-events.h"
#include "traffic-file.h"
#include "user-policy-helper.h"
#include "vfp-datacenter-helper.h"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <sys/resource.h>

using namespace ns3;

namespace
{

using Clock = std::chrono::steady_clock;

/**
 * The traffic file's flows, checked against the datacenter the settings describe; in
 * "add" mode a flow may not use a port the generated mix listens on.
 * @throws std::invalid_argument naming the file, line and field
 */
std::vector<TrafficFlow>
LoadTrafficFile(const DatacenterSettings& s)
{
    if (s.trafficFile.empty())
    {
        return {};
    }
    const VfpDatacenterHelper::Options& topology = s.topology;
    TrafficBounds bounds{topology.hosts * topology.vmsPerHost,
                         [&topology](uint32_t vm)
                         { return VfpDatacenterHelper::TenantOf(topology, vm); },
                         s.duration};
    std::vector<TrafficFlow> flows = ReadTrafficFile(s.trafficFile, bounds);
    for (const TrafficFlow& flow : flows)
    {
        const bool taken = GeneratedMixUses(s, flow.proto, flow.port);
        if (s.GeneratesTraffic() && taken)
        {
            throw std::invalid_argument(fmt::format(
                "{}:{}: port: {} {} is taken by the generated traffic (TCP {} and {} up, UDP "
                "{} up); choose another port or --traffic-mode replace",
                s.trafficFile,
                flow.line,
                flow.proto,
                flow.port,
                SHORT_FLOW_PORT,
                LONG_FLOW_FIRST_PORT,
                UDP_FIRST_PORT));
        }
    }
    return flows;
}

/// Prints a progress line on stderr every tenth of the traffic (at least 0.1 s).
void
ScheduleProgress(const DatacenterSettings& s,
                 const DatacenterMetrics& metrics,
                 Time end,
                 Clock::time_point wallStart)
{
    const double wall = std::chrono::duration<double>(Clock::now() - wallStart).count();
    std::cerr << fmt::format(
        "[datacenter] t={:.2f}/{:.2f} s simulated, {:.1f} s wall, {} flows completed\n",
        Simulator::Now().GetSeconds(),
        end.GetSeconds(),
        wall,
        metrics.GetCompletedFlows());
    Simulator::Schedule(Seconds(std::max(0.1, s.duration / 10)),
                        &ScheduleProgress,
                        std::cref(s),
                        std::cref(metrics),
                        end,
                        wallStart);
}

/// Writes performance.json (wall time, packet-hops, memory); returns its values.
nlohmann::json
WritePerformance(const DatacenterSettings& s, const DatacenterMetrics& metrics, double wall)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    const nlohmann::json performance = {
        {"wall_seconds", wall},
        {"packet_hops", metrics.GetPacketHops()},
        {"packet_hops_per_wall_second", metrics.GetPacketHops() / wall},
        {"peak_rss_mib", usage.ru_maxrss / 1024.0}};
    std::ofstream(s.out + "/performance.json") << performance.dump(2) << "\n";
    return performance;
}

/// The summary on stdout; returns the exit status (1 when a check failed).
int
PrintSummary(const DatacenterSettings& s,
             const VfpDatacenterHelper::Datacenter& dc,
             const DatacenterMetrics& metrics,
             const nlohmann::json& summary,
             const nlohmann::json& performance)
{
    const double wall = performance["wall_seconds"].get<double>();
    const double peak = performance["peak_rss_mib"].get<double>();
    const VfpPacketAudit& audit = metrics.GetAudit();
    std::cout << fmt::format(
        "datacenter ({} switch): {} hosts, {} VMs, {:.2f} s of traffic\n"
        "  short flows: {} completed, FCT p50 {:.0f} us, p99 {:.0f} us; long flows: {} completed; "
        "failed: {}\n"
        "  goodput {:.2f} Gbit/s, {:.0f} connections/s, UFT hit rate {:.4f}, host CPU mean {:.3f}\n"
        "  directory lookups {}, policy converged at {:.4f} s\n"
        "  packets: sent {} = delivered {} + dropped {} + in flight {}\n"
        "  check: isolation {} ({} cross-tenant deliveries), accounting {} ({} unmatched)\n"
        "  wall {:.1f} s, {:.0f} packet-hops/s, peak memory {:.0f} MiB; outputs in {}\n",
        s.switchType,
        dc.hosts.size(),
        dc.vms.size(),
        s.duration,
        summary["short_flows_completed"].get<uint64_t>(),
        summary["short_fct_p50_us"].get<double>(),
        summary["short_fct_p99_us"].get<double>(),
        summary["long_flows_completed"].get<uint64_t>(),
        summary["flows_failed"].get<uint64_t>(),
        summary["goodput_total_gbps"].get<double>(),
        summary["connections_per_second"].get<double>(),
        summary["uft_hit_rate"].get<double>(),
        summary["cpu_utilisation_mean"].get<double>(),
        summary["directory_lookups"].get<uint64_t>(),
        summary["policy_converged_at_s"].get<double>(),
        audit.GetSent(),
        audit.GetDelivered(),
        audit.GetDroppedTotal(),
        audit.GetInFlight(),
        audit.GetCrossTenant() == 0 ? "PASS" : "FAIL",
        audit.GetCrossTenant(),
        audit.Balances() ? "PASS" : "FAIL",
        audit.GetUnmatched(),
        wall,
        metrics.GetPacketHops() / wall,
        peak,
        s.out);
    return audit.GetCrossTenant() == 0 && audit.Balances() ? 0 : 1;
}

} // namespace

int
main(int argc, char** argv)
{
    DatacenterSettings s;
    if (std::optional<int> status = s.Parse(argc, argv))
    {
        return *status;
    }
    const auto wallStart = Clock::now();
    std::unique_ptr<VfpDatacenterHelper::Datacenter> dc;
    std::vector<TrafficFlow> fileFlows;
    std::unique_ptr<ScenarioEvents> events;
    try
    {
        fileFlows = LoadTrafficFile(s);
        std::filesystem::create_directories(s.out);
        if (!s.quiet)
        {
            std::cerr << fmt::format(
                "[datacenter] building {} hosts x {} VMs ({} tenants), switch={}\n",
                s.topology.hosts,
                s.topology.vmsPerHost,
                s.topology.tenants,
                s.switchType);
        }
        VfpDatacenterHelper helper;
        dc = std::make_unique<VfpDatacenterHelper::Datacenter>(helper.Build(s.topology));
        if (!s.policy.empty())
        {
            UserPolicyHelper::Install(*dc, s.policy); // --policy
        }
    }
    catch (const std::exception& error)
    {
        std::cerr << "datacenter: " << error.what() << "\n";
        return 2;
    }

    const Time start = Seconds(s.start);
    const Time stop = Seconds(s.start + s.duration);
    DatacenterMetrics metrics(*dc, start, stop, Seconds(s.sampleInterval));
    int64_t stream = 1000;
    if (s.GeneratesTraffic())
    {
        AddGeneratedTraffic(s, *dc, metrics, start, stop, stream);
    }
    if (!s.events.empty())
    {
        try
        {
            events = std::make_unique<ScenarioEvents>(
                *dc, s.events, Seconds(s.start), s.duration, stream);
        }
        catch (const std::exception& error)
        {
            std::cerr << "datacenter: " << error.what() << "\n";
            return 2;
        }
    }
    std::unique_ptr<FileFlows> flows;
    if (!fileFlows.empty())
    {
        flows = std::make_unique<FileFlows>(*dc, std::move(fileFlows), start, stop);
    }
    if (s.pcap && s.topology.switchType == VfpDatacenterHelper::SwitchType::Vfp)
    {
        for (const VfpDatacenterHelper::Host& host : dc->hosts)
        {
            VfpHelper::EnablePcap(s.out + "/vfp", host.vswitch);
        }
    }
    metrics.Start();
    const Time end = stop + Seconds(s.drain);
    if (!s.quiet)
    {
        Simulator::Schedule(
            start, &ScheduleProgress, std::cref(s), std::cref(metrics), end, wallStart);
    }
    Simulator::Stop(end);
    Simulator::Run();

    const double wall = std::chrono::duration<double>(Clock::now() - wallStart).count();
    nlohmann::json summary;
    try
    {
        if (flows)
        {
            flows->Write(s.out);
            metrics.AddSection("traffic_file", flows->Summary());
        }
        if (events)
        {
            metrics.AddSection("events", events->Summary());
        }
        summary = metrics.Write(s.out, s.Describe());
    }
    catch (const std::exception& error)
    {
        std::cerr << "datacenter: " << error.what() << "\n";
        return 1;
    }
    const nlohmann::json performance = WritePerformance(s, metrics, wall);
    Simulator::Destroy();
    return PrintSummary(s, *dc, metrics, summary, performance);
}
