/*
 * datacenter: the project's default scenario. A VL2 datacenter whose hosts run VFP
 * (VNET encap with a directory service, a stateful ACL and metering, each programmed by
 * its own controller), carrying short request/response TCP flows at a given connection
 * rate, long TCP transfers and UDP streams between VMs of the same tenant; tenants'
 * address spaces overlap. Writes metrics.json and CSVs (docs/datacenter.md) and prints a
 * summary with the isolation and accounting checks. --switch=bridge runs the same
 * datacenter on ns-3's BridgeNetDevice as the no-policy baseline.
 */
#include "command-line.h"
#include "datacenter-metrics.h"
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "user-policy-helper.h"
#include "vfp-datacenter-helper.h"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <set>
#include <sys/resource.h>

using namespace ns3;
namespace po = boost::program_options;

namespace
{

struct Settings
{
    VfpDatacenterHelper::Options topology;
    std::string switchType = "vfp";
    double duration = 2.0;           //!< seconds of traffic
    double start = 0.01;             //!< traffic starts (controllers program before)
    double drain = 0.5;              //!< simulated after the traffic stops
    double cps = 10;                 //!< new short connections per second per VM
    std::string flowSize = "pareto"; //!< short flow (response) size distribution
    double flowSizeMean = 20000;     //!< bytes
    uint32_t longFlows = 16;         //!< long TCP transfers in the datacenter
    uint64_t longFlowBytes = 5'000'000;
    uint32_t udpFlows = 8;          //!< UDP streams in the datacenter
    std::string udpRate = "10Mbps"; //!< each
    double clientCps = 100;         //!< Ananta: connections per second per outside client
    double snatCps = 5;             //!< Ananta: outbound connections per second per DIP
    double dipChangeAt = -1;        //!< Ananta: when (seconds into the traffic) VIP 0 changes a DIP
    double vipMoveAt = -1;          //!< Ananta: when VIP 1 moves to other VMs
    std::string encap = "vxlan";
    std::string directory = "on-demand";
    double sampleInterval = 0.01;
    uint64_t seed = 1;
    uint64_t run = 1;
    std::string out = "results/default";
    bool pcap = false;
    bool quiet = false;
    std::vector<std::string> attributes; //!< Name=Value defaults for any ns-3 attribute
    std::string policy; //!< --policy: the user's layers (UserPolicyHelper, docs/tutorial.md)
};

/// A RandomVariableStream of the given mean for short flow sizes.
Ptr<RandomVariableStream>
FlowSizes(const std::string& kind, double mean)
{
    if (kind == "pareto")
    {
        // Shape 1.5 (heavy-tailed, as datacenter flow sizes are): mean = 3 * scale.
        return CreateObjectWithAttributes<ParetoRandomVariable>("Scale",
                                                                DoubleValue(mean / 3),
                                                                "Shape",
                                                                DoubleValue(1.5),
                                                                "Bound",
                                                                DoubleValue(mean * 500));
    }
    if (kind == "lognormal")
    {
        const double sigma = 1.5;
        return CreateObjectWithAttributes<LogNormalRandomVariable>(
            "Mu", DoubleValue(std::log(mean) - sigma * sigma / 2), "Sigma", DoubleValue(sigma));
    }
    if (kind == "constant")
    {
        return CreateObjectWithAttributes<ConstantRandomVariable>("Constant", DoubleValue(mean));
    }
    throw std::invalid_argument("--flow-size: expected pareto, lognormal or constant, got \"" +
                                kind + "\"");
}

void
ApplyAttributeDefaults(const std::vector<std::string>& attributes)
{
    for (const std::string& assignment : attributes)
    {
        const size_t equals = assignment.find('=');
        if (equals == std::string::npos)
        {
            throw std::invalid_argument("--attribute \"" + assignment +
                                        "\": expected Name=Value, e.g. ns3::VfpHostCpu::Cores=4");
        }
        const std::string name = assignment.substr(0, equals);
        if (!Config::SetDefaultFailSafe(name, StringValue(assignment.substr(equals + 1))))
        {
            throw std::invalid_argument("--attribute \"" + assignment +
                                        "\": no such attribute, or the value does not fit it");
        }
    }
}

nlohmann::json
Describe(const Settings& s)
{
    return {{"switch", s.switchType},
            {"hosts", s.topology.hosts},
            {"hosts_per_rack", s.topology.hostsPerRack},
            {"aggregations", s.topology.aggregations},
            {"intermediates", s.topology.intermediates},
            {"vms_per_host", s.topology.vmsPerHost},
            {"tenants", s.topology.tenants},
            {"host_link", s.topology.hostLinkRate},
            {"fabric_link", s.topology.fabricLinkRate},
            {"ecmp", s.topology.ecmp},
            {"muxes", s.topology.muxes},
            {"vips", s.topology.vips},
            {"dips_per_vip", s.topology.dipsPerVip},
            {"clients", s.topology.clients},
            {"servers", s.topology.servers},
            {"client_cps", s.clientCps},
            {"snat_cps", s.snatCps},
            {"dip_change_at_s", s.dipChangeAt},
            {"vip_move_at_s", s.vipMoveAt},
            {"duration_s", s.duration},
            {"cps_per_vm", s.cps},
            {"flow_size", s.flowSize},
            {"flow_size_mean", s.flowSizeMean},
            {"long_flows", s.longFlows},
            {"long_flow_bytes", s.longFlowBytes},
            {"udp_flows", s.udpFlows},
            {"udp_rate", s.udpRate},
            {"encap", s.encap},
            {"directory", s.directory},
            {"seed", s.seed},
            {"run", s.run},
            {"attributes", s.attributes}};
}

/// A VM of the same tenant as @p vm on another host (or @p vm itself if there is none).
uint32_t
PeerOf(const VfpDatacenterHelper::Datacenter& dc, uint32_t vm, Ptr<UniformRandomVariable> pick)
{
    const uint32_t tenants = dc.options.tenants;
    const uint32_t vms = dc.vms.size();
    for (int attempt = 0; attempt < 64; ++attempt)
    {
        const uint32_t candidate =
            dc.vms[vm].tenant +
            tenants * pick->GetInteger(0, (vms - 1 - dc.vms[vm].tenant) / tenants);
        if (candidate < vms && dc.vms[candidate].host != dc.vms[vm].host)
        {
            return candidate;
        }
    }
    return vm;
}

/**
 * Ananta's traffic: outside clients connect to random VIPs; DIPs connect to outside
 * servers through SNAT; while traffic runs, --dip-change-at swaps VIP 0's first DIP for a
 * VM of the same tenant that serves no VIP, and --vip-move-at moves VIP 1 to other VMs.
 */
void
AddAnantaTraffic(const Settings& s,
                 VfpDatacenterHelper::Datacenter& dc,
                 DatacenterMetrics& metrics,
                 Time start,
                 Time stop,
                 int64_t& stream)
{
    auto client = [&](Ptr<Node> node, double cps, const std::vector<Address>& peers)
    {
        Ptr<RequestResponseClient> app = CreateObject<RequestResponseClient>();
        app->SetAttribute("Interval",
                          PointerValue(CreateObjectWithAttributes<ExponentialRandomVariable>(
                              "Mean", DoubleValue(1.0 / cps))));
        app->SetAttribute("ResponseSize", PointerValue(FlowSizes(s.flowSize, s.flowSizeMean)));
        for (const Address& peer : peers)
        {
            app->AddPeer(peer);
        }
        node->AddApplication(app);
        stream += app->AssignStreams(stream);
        app->SetStartTime(start);
        app->SetStopTime(stop);
        return app;
    };
    std::vector<Address> vips;
    for (const VfpDatacenterHelper::Vip& vip : dc.vips)
    {
        vips.push_back(InetSocketAddress(vip.address, vip.port));
    }
    if (!vips.empty() && s.clientCps > 0)
    {
        for (uint32_t c = 0; c < dc.clients.GetN(); ++c)
        {
            metrics.WatchOutsideClient(c, client(dc.clients.Get(c), s.clientCps, vips));
        }
    }
    std::vector<Address> servers;
    for (uint32_t i = 0; i < dc.servers.GetN(); ++i)
    {
        Ptr<RequestResponseServer> server = CreateObject<RequestResponseServer>();
        server->SetAttribute("Port", UintegerValue(80));
        dc.servers.Get(i)->AddApplication(server);
        servers.push_back(InetSocketAddress(dc.serverAddresses[i], 80));
    }
    if (!servers.empty() && s.snatCps > 0)
    {
        for (const VfpDatacenterHelper::Vip& vip : dc.vips)
        {
            for (uint32_t vm : vip.dips)
            {
                metrics.WatchSnatClient(vm, client(dc.vms[vm].node, s.snatCps, servers));
            }
        }
    }
    // VMs of a tenant that serve no VIP, in order: the ones a change brings in.
    std::set<uint32_t> serving;
    for (const VfpDatacenterHelper::Vip& vip : dc.vips)
    {
        serving.insert(vip.dips.begin(), vip.dips.end());
    }
    auto spare = [&](uint32_t tenant, size_t count)
    {
        std::vector<uint32_t> vms;
        for (uint32_t vm = tenant; vm < dc.vms.size() && vms.size() < count;
             vm += dc.options.tenants)
        {
            if (serving.insert(vm).second)
            {
                vms.push_back(vm);
            }
        }
        return vms;
    };
    if (s.dipChangeAt >= 0 && !dc.vips.empty() && !dc.vips[0].dips.empty())
    {
        const uint32_t first = dc.vips[0].dips[0];
        Simulator::Schedule(start + Seconds(s.dipChangeAt),
                            &VfpDatacenterHelper::ReplaceDips,
                            &dc,
                            0,
                            std::vector<uint32_t>{first},
                            spare(dc.vms[first].tenant, 1));
    }
    if (s.vipMoveAt >= 0 && dc.vips.size() > 1)
    {
        const std::vector<uint32_t> old = dc.vips[1].dips;
        Simulator::Schedule(start + Seconds(s.vipMoveAt),
                            &VfpDatacenterHelper::ReplaceDips,
                            &dc,
                            1,
                            old,
                            spare(dc.vms[old.at(0)].tenant, old.size()));
    }
}

} // namespace

int
main(int argc, char** argv)
{
    Settings s;
    VfpDatacenterHelper::Options& t = s.topology;
    po::options_description options(
        "datacenter: a VL2 datacenter whose hosts run VFP, with VNET, ACL and metering "
        "controllers\n"
        "Writes metrics.json and CSVs to --out (see docs/datacenter.md).\n\nOptions");
    options.add_options()("help,h", "print this help")(
        "switch",
        po::value(&s.switchType)->default_value(s.switchType),
        "vfp, or bridge: ns-3's BridgeNetDevice, no policy (the baseline)")(
        "hosts", po::value(&t.hosts)->default_value(t.hosts), "physical hosts")(
        "vms-per-host", po::value(&t.vmsPerHost)->default_value(t.vmsPerHost), "VMs on each host")(
        "tenants",
        po::value(&t.tenants)->default_value(t.tenants),
        "tenants (VM i belongs to tenant i mod tenants; all share 10.0.0.0/16)")(
        "hosts-per-rack",
        po::value(&t.hostsPerRack)->default_value(t.hostsPerRack),
        "hosts under one top-of-rack router")(
        "aggregations",
        po::value(&t.aggregations)->default_value(t.aggregations),
        "aggregation routers")("intermediates",
                               po::value(&t.intermediates)->default_value(t.intermediates),
                               "intermediate routers")(
        "host-link",
        po::value(&t.hostLinkRate)->default_value(t.hostLinkRate),
        "host NIC to ToR rate")("fabric-link",
                                po::value(&t.fabricLinkRate)->default_value(t.fabricLinkRate),
                                "router to router rate")(
        "ecmp",
        po::value(&t.ecmp)->default_value(t.ecmp),
        "spread flows over equal-cost fabric paths by 5-tuple hash (false: one path)")(
        "duration", po::value(&s.duration)->default_value(s.duration), "seconds of traffic")(
        "drain",
        po::value(&s.drain)->default_value(s.drain),
        "seconds simulated after the traffic stops")(
        "cps",
        po::value(&s.cps)->default_value(s.cps),
        "new short connections per second per VM (Poisson)")(
        "flow-size",
        po::value(&s.flowSize)->default_value(s.flowSize),
        "short flow size distribution: pareto, lognormal or constant")(
        "flow-size-mean",
        po::value(&s.flowSizeMean)->default_value(s.flowSizeMean),
        "mean short flow size, bytes")("long-flows",
                                       po::value(&s.longFlows)->default_value(s.longFlows),
                                       "long TCP transfers between random VM pairs of a tenant")(
        "long-flow-bytes",
        po::value(&s.longFlowBytes)->default_value(s.longFlowBytes),
        "size of each long transfer")("udp-flows",
                                      po::value(&s.udpFlows)->default_value(s.udpFlows),
                                      "constant-rate UDP streams")(
        "udp-rate", po::value(&s.udpRate)->default_value(s.udpRate), "rate of each UDP stream")(
        "muxes",
        po::value(&t.muxes)->default_value(t.muxes),
        "Ananta: Muxes behind the border router (0: no load balancing)")(
        "vips",
        po::value(&t.vips)->default_value(t.vips),
        "Ananta: VIPs 203.0.113.x:80, each in front of VMs of one tenant")(
        "dips-per-vip",
        po::value(&t.dipsPerVip)->default_value(t.dipsPerVip),
        "Ananta: DIPs (VMs serving on port 5000) per VIP")(
        "clients",
        po::value(&t.clients)->default_value(t.clients),
        "Ananta: clients outside the datacenter, connecting to random VIPs")(
        "servers",
        po::value(&t.servers)->default_value(t.servers),
        "Ananta: servers outside, that DIPs connect to through SNAT")(
        "client-cps",
        po::value(&s.clientCps)->default_value(s.clientCps),
        "Ananta: new connections per second per client (Poisson)")(
        "snat-cps",
        po::value(&s.snatCps)->default_value(s.snatCps),
        "Ananta: new outbound connections per second per DIP to the servers")(
        "dip-change-at",
        po::value(&s.dipChangeAt)->default_value(s.dipChangeAt),
        "Ananta: seconds into the traffic when VIP 0 swaps a DIP for a new one (negative: never)")(
        "vip-move-at",
        po::value(&s.vipMoveAt)->default_value(s.vipMoveAt),
        "Ananta: seconds into the traffic when VIP 1 moves to as many other VMs of its tenant "
        "(negative: never)")(
        "encap", po::value(&s.encap)->default_value(s.encap), "VNET tunnel: vxlan or nvgre")(
        "directory",
        po::value(&s.directory)->default_value(s.directory),
        "on-demand (misses ask the directory) or preload (all mappings up front)")(
        "sample-interval",
        po::value(&s.sampleInterval)->default_value(s.sampleInterval),
        "seconds between time-series samples")(
        "seed", po::value(&s.seed)->default_value(s.seed), "random seed")(
        "run",
        po::value(&s.run)->default_value(s.run),
        "run number (independent replications of one seed)")(
        "out", po::value(&s.out)->default_value(s.out), "output directory")(
        "attribute",
        po::value(&s.attributes)->composing(),
        "Name=Value: default of any ns-3 attribute, e.g. ns3::VfpHostCpu::Cores=4 (repeatable)")(
        "policy",
        po::value(&s.policy),
        "a user policy file: your own layers (policy JSON format) on every VM's port or on the "
        "VMs or tenants it names, next to the built-in controllers' (docs/tutorial.md)")(
        "pcap",
        po::bool_switch(&s.pcap),
        "write pcap files of every switch port and uplink to --out")(
        "quiet", po::bool_switch(&s.quiet), "no progress lines");
    if (std::optional<int> status = vfp::ParseCommandLine(argc, argv, "datacenter", options))
    {
        return *status;
    }

    const auto wallStart = std::chrono::steady_clock::now();
    std::unique_ptr<VfpDatacenterHelper::Datacenter> dc;
    std::unique_ptr<DatacenterMetrics> metrics;
    try
    {
        if (s.switchType != "vfp" && s.switchType != "bridge")
        {
            throw std::invalid_argument("--switch: expected vfp or bridge, got \"" + s.switchType +
                                        "\"");
        }
        if (s.encap != "vxlan" && s.encap != "nvgre")
        {
            throw std::invalid_argument("--encap: expected vxlan or nvgre, got \"" + s.encap +
                                        "\"");
        }
        if (s.directory != "on-demand" && s.directory != "preload")
        {
            throw std::invalid_argument("--directory: expected on-demand or preload, got \"" +
                                        s.directory + "\"");
        }
        if (s.duration <= 0 || s.drain < 0 || s.sampleInterval <= 0 || s.cps < 0 ||
            s.flowSizeMean < 1)
        {
            throw std::invalid_argument(
                "--duration and --sample-interval must be positive, --drain and --cps not "
                "negative, --flow-size-mean at least 1");
        }
        FlowSizes(s.flowSize, s.flowSizeMean); // checks the name
        ApplyAttributeDefaults(s.attributes);
        t.switchType = s.switchType == "vfp" ? VfpDatacenterHelper::SwitchType::Vfp
                                             : VfpDatacenterHelper::SwitchType::Bridge;
        Config::SetDefault("ns3::VnetController::Encapsulation", StringValue(s.encap));
        Config::SetDefault("ns3::VnetController::PreloadMappings",
                           BooleanValue(s.directory == "preload"));
        Config::SetDefault("ns3::AclController::AllowedInboundPorts",
                           StringValue("5000,6000-7999"));
        RngSeedManager::SetSeed(s.seed);
        RngSeedManager::SetRun(s.run);
        std::filesystem::create_directories(s.out);

        if (!s.quiet)
        {
            std::cerr << fmt::format(
                "[datacenter] building {} hosts x {} VMs ({} tenants), switch={}\n",
                t.hosts,
                t.vmsPerHost,
                t.tenants,
                s.switchType);
        }
        VfpDatacenterHelper helper;
        dc = std::make_unique<VfpDatacenterHelper::Datacenter>(helper.Build(t));
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
    metrics = std::make_unique<DatacenterMetrics>(*dc, start, stop, Seconds(s.sampleInterval));
    int64_t stream = 1000;
    Ptr<UniformRandomVariable> pick = CreateObject<UniformRandomVariable>();
    pick->SetStream(stream++);

    // Short request/response flows: every VM serves on port 5000 and opens connections
    // to the other VMs of its tenant.
    const uint32_t vmCount = dc->vms.size();
    for (uint32_t i = 0; i < vmCount; ++i)
    {
        Ptr<RequestResponseServer> server = CreateObject<RequestResponseServer>();
        dc->vms[i].node->AddApplication(server);
        server->SetStartTime(Seconds(0));
        metrics->WatchServer(i, server);
    }
    if (s.cps > 0)
    {
        for (uint32_t i = 0; i < vmCount; ++i)
        {
            Ptr<RequestResponseClient> client = CreateObject<RequestResponseClient>();
            client->SetAttribute("Interval",
                                 PointerValue(CreateObjectWithAttributes<ExponentialRandomVariable>(
                                     "Mean", DoubleValue(1.0 / s.cps))));
            client->SetAttribute("ResponseSize",
                                 PointerValue(FlowSizes(s.flowSize, s.flowSizeMean)));
            for (uint32_t j = dc->vms[i].tenant; j < vmCount; j += t.tenants)
            {
                if (j != i)
                {
                    client->AddPeer(InetSocketAddress(dc->vms[j].address, 5000));
                }
            }
            if (vmCount / t.tenants < 2)
            {
                continue; // alone in its tenant
            }
            dc->vms[i].node->AddApplication(client);
            stream += client->AssignStreams(stream);
            client->SetStartTime(start);
            client->SetStopTime(stop);
            metrics->WatchClient(i, client);
        }
    }
    // Long transfers and UDP streams between random VM pairs of a tenant.
    for (uint32_t f = 0; f < s.longFlows; ++f)
    {
        const uint32_t from = pick->GetInteger(0, vmCount - 1);
        const uint32_t to = PeerOf(*dc, from, pick);
        const uint16_t port = 6000 + f % 2000;
        PacketSinkHelper sink("ns3::TcpSocketFactory",
                              InetSocketAddress(Ipv4Address::GetAny(), port));
        Ptr<PacketSink> app = DynamicCast<PacketSink>(sink.Install(dc->vms[to].node).Get(0));
        BulkSendHelper sender("ns3::TcpSocketFactory",
                              InetSocketAddress(dc->vms[to].address, port));
        sender.SetAttribute("MaxBytes", UintegerValue(s.longFlowBytes));
        const Time begin = start + Seconds(pick->GetValue(0, s.duration / 2));
        ApplicationContainer apps = sender.Install(dc->vms[from].node);
        apps.Start(begin);
        apps.Stop(stop);
        metrics->WatchLongFlow(from, to, app, s.longFlowBytes, begin);
    }
    for (uint32_t f = 0; f < s.udpFlows; ++f)
    {
        const uint32_t from = pick->GetInteger(0, vmCount - 1);
        const uint32_t to = PeerOf(*dc, from, pick);
        const uint16_t port = 7000 + f % 1000;
        PacketSinkHelper sink("ns3::UdpSocketFactory",
                              InetSocketAddress(Ipv4Address::GetAny(), port));
        sink.Install(dc->vms[to].node);
        OnOffHelper sender("ns3::UdpSocketFactory", InetSocketAddress(dc->vms[to].address, port));
        sender.SetConstantRate(DataRate(s.udpRate), 1000);
        ApplicationContainer apps = sender.Install(dc->vms[from].node);
        apps.Start(start + Seconds(pick->GetValue(0, s.duration / 2)));
        apps.Stop(stop);
    }
    if (t.muxes > 0)
    {
        AddAnantaTraffic(s, *dc, *metrics, start, stop, stream);
    }
    if (s.pcap && t.switchType == VfpDatacenterHelper::SwitchType::Vfp)
    {
        for (const VfpDatacenterHelper::Host& host : dc->hosts)
        {
            VfpHelper::EnablePcap(s.out + "/vfp", host.vswitch);
        }
    }
    metrics->Start();

    // Progress on stderr: simulated time, wall time, flows completed.
    const Time end = stop + Seconds(s.drain);
    std::function<void()> progress = [&]()
    {
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
        std::cerr << fmt::format(
            "[datacenter] t={:.2f}/{:.2f} s simulated, {:.1f} s wall, {} flows completed\n",
            Simulator::Now().GetSeconds(),
            end.GetSeconds(),
            wall,
            metrics->GetCompletedFlows());
        Simulator::Schedule(Seconds(std::max(0.1, s.duration / 10)), progress);
    };
    if (!s.quiet)
    {
        Simulator::Schedule(start, progress);
    }
    Simulator::Stop(end);
    Simulator::Run();

    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    nlohmann::json summary;
    try
    {
        summary = metrics->Write(s.out, Describe(s));
    }
    catch (const std::exception& error)
    {
        std::cerr << "datacenter: " << error.what() << "\n";
        return 1;
    }
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    const nlohmann::json performance = {
        {"wall_seconds", wall},
        {"packet_hops", metrics->GetPacketHops()},
        {"packet_hops_per_wall_second", metrics->GetPacketHops() / wall},
        {"peak_rss_mib", usage.ru_maxrss / 1024.0}};
    std::ofstream(s.out + "/performance.json") << performance.dump(2) << "\n";
    Simulator::Destroy();

    const VfpPacketAudit& audit = metrics->GetAudit();
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
        dc->hosts.size(),
        dc->vms.size(),
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
        metrics->GetPacketHops() / wall,
        usage.ru_maxrss / 1024.0,
        s.out);
    return audit.GetCrossTenant() == 0 && audit.Balances() ? 0 : 1;
}
