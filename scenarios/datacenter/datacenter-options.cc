#include "datacenter-options.h"

#include "command-line.h"
#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/string.h"
#include "option-values.h"

#include <iostream>

namespace ns3
{

namespace po = boost::program_options;

namespace
{

void
AddTopologyOptions(po::options_description& options, DatacenterSettings& s)
{
    VfpDatacenterHelper::Options& t = s.topology;
    options.add_options()("help,h", "print this help")(
        "switch",
        po::value(&s.switchType)->default_value(s.switchType),
        "vfp, or bridge: ns-3's BridgeNetDevice, no policy (the baseline)")(
        "nic",
        po::value(&s.nic)->default_value(s.nic),
        "none, or offload: a programmable NIC under every VFP switch holds unified flows "
        "(ns3::VfpProgrammableNic, its attributes through --attribute; docs/nic.md)")(
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
        "oversubscription",
        po::value(&t.oversubscription)->default_value(t.oversubscription),
        "a ToR's host capacity over its uplink capacity (1: VL2's design; 2: 2:1)")(
        "ecmp",
        po::value(&t.ecmp)->default_value(t.ecmp),
        "spread flows over equal-cost fabric paths by 5-tuple hash (false: one path)");
}

void
AddLinkOptions(po::options_description& options, DatacenterSettings& s)
{
    VfpDatacenterHelper::Options& t = s.topology;
    options.add_options()(
        "host-link", po::value(&s.hostLink)->default_value(s.hostLink), "host NIC to ToR rate")(
        "host-link-delay",
        po::value(&s.hostLinkDelay)->default_value(s.hostLinkDelay),
        "host NIC to ToR propagation delay (1us: 200 m of fibre)")(
        "fabric-link",
        po::value(&s.fabricLink)->default_value(s.fabricLink),
        "router to router rate")("fabric-link-delay",
                                 po::value(&s.fabricLinkDelay)->default_value(s.fabricLinkDelay),
                                 "router to router propagation delay")(
        "vm-link",
        po::value(&s.vmLink)->default_value(s.vmLink),
        "VNIC to switch port rate (a memory copy in Hyper-V, hence high)")(
        "vm-link-delay",
        po::value(&s.vmLinkDelay)->default_value(s.vmLinkDelay),
        "VNIC to switch port delay")(
        "vm-tx-cap",
        po::value(&s.vmTxCap)->default_value(s.vmTxCap),
        "every VM's transmit cap (e.g. 2Gbps; none: no cap), a token bucket of 1 ms of the "
        "rate and a 256 KiB queue in its port (paper §7.3; docs/qos.md)")(
        "vm-rx-cap",
        po::value(&s.vmRxCap)->default_value(s.vmRxCap),
        "every VM's receive cap, likewise")(
        "vm-mtu", po::value(&t.vmMtu)->default_value(t.vmMtu), "IP MTU of the VNICs")(
        "fabric-mtu",
        po::value(&t.fabricMtu)->default_value(t.fabricMtu),
        "IP MTU of host and fabric links (0: vm-mtu + 50, room for VXLAN; smaller: the "
        "switches clamp TCP's MSS and fragment the rest)")(
        "switch-buffer",
        po::value(&s.switchBuffer)->default_value(s.switchBuffer),
        "drop-tail buffer of every port (bytes such as 200KB, or packets such as 100p)")(
        "ecn",
        po::bool_switch(&t.ecn),
        "mark ECN-capable packets CE above --ecn-threshold on every port, and negotiate ECN")(
        "ecn-threshold",
        po::value(&s.ecnThreshold)->default_value(s.ecnThreshold),
        "the marking threshold K, in --switch-buffer's unit (DCTCP's 65 packets at 10G)");
}

void
AddTcpOptions(po::options_description& options, DatacenterSettings& s)
{
    options.add_options()(
        "tcp", po::value(&s.tcp.variant)->default_value(s.tcp.variant), "newreno, cubic or dctcp")(
        "tcp-min-rto",
        po::value(&s.tcpMinRto)->default_value(s.tcpMinRto),
        "minimum retransmission time-out (DCTCP's testbed: 10ms)")(
        "tcp-initial-cwnd",
        po::value(&s.tcp.initialCwnd)->default_value(s.tcp.initialCwnd),
        "initial congestion window, segments (RFC 6928)")(
        "tcp-delack-count",
        po::value(&s.tcp.delAckCount)->default_value(s.tcp.delAckCount),
        "segments per delayed ACK (RFC 5681)")(
        "tcp-delack-timeout",
        po::value(&s.tcpDelAckTimeout)->default_value(s.tcpDelAckTimeout),
        "delayed-ACK timer (below the minimum RTO)");
}

void
AddTrafficOptions(po::options_description& options, DatacenterSettings& s)
{
    options.add_options()("duration",
                          po::value(&s.duration)->default_value(s.duration),
                          "seconds of traffic")("drain",
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
        "traffic",
        po::value(&s.trafficFile),
        "JSON lines of flows to run (docs/datacenter.md); each gets a row in flows.csv")(
        "traffic-mode",
        po::value(&s.trafficMode)->default_value(s.trafficMode),
        "replace: the file's flows alone; add: on top of the generated mix")(
        "events",
        po::value(&s.events),
        "JSON lines of timed changes (policy, links, directory; docs/datacenter.md \"Events\"); "
        "each gets an entry in metrics.json's events");
}

void
AddAnantaOptions(po::options_description& options, DatacenterSettings& s)
{
    VfpDatacenterHelper::Options& t = s.topology;
    options.add_options()("muxes",
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
        "(negative: never)");
}

void
AddRunOptions(po::options_description& options, DatacenterSettings& s)
{
    options.add_options()(
        "encap", po::value(&s.encap)->default_value(s.encap), "VNET tunnel: vxlan or nvgre")(
        "directory",
        po::value(&s.directory)->default_value(s.directory),
        "on-demand (misses ask the directory) or preload (all mappings up front)")(
        "sample-interval",
        po::value(&s.sampleInterval)->default_value(s.sampleInterval),
        "seconds between time-series samples (at least 1e-4, at most 1e6 samples a run)")(
        "seed", po::value(&s.seed)->default_value(s.seed), "random seed (1 to 4294967086)")(
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
}

void
RequireOneOf(const std::string& option,
             const std::string& value,
             std::initializer_list<const char*> allowed)
{
    std::string list;
    for (const char* name : allowed)
    {
        if (value == name)
        {
            return;
        }
        list += list.empty() ? name : std::string(" or ") + name;
    }
    throw std::invalid_argument("--" + option + ": expected " + list + ", got \"" + value + "\"");
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

/// A cap option: "none" (0), or a rate as ParseRate reads it.
DataRate
ParseCap(const std::string& option, const std::string& text)
{
    return text == "none" ? DataRate(0) : ParseRate(option, text);
}

} // namespace

void
DatacenterSettings::Check()
{
    RequireOneOf("switch", switchType, {"vfp", "bridge"});
    RequireOneOf("nic", nic, {"none", "offload"});
    if (nic == "offload" && switchType == "bridge")
    {
        throw std::invalid_argument(
            "--nic: offload holds VFP's unified flows, so it needs --switch vfp, not bridge");
    }
    RequireOneOf("encap", encap, {"vxlan", "nvgre"});
    RequireOneOf("directory", directory, {"on-demand", "preload"});
    RequireOneOf("traffic-mode", trafficMode, {"replace", "add"});
    RequireOneOf("flow-size", flowSize, {"pareto", "lognormal", "constant"});
    RequireWithin("duration", duration, 1e-6, 1e5);
    RequireWithin("drain", drain, 0, 1e5);
    RequireWithin("cps", cps, 0, 1e6);
    RequireWithin("client-cps", clientCps, 0, 1e6);
    RequireWithin("snat-cps", snatCps, 0, 1e6);
    RequireWithin("flow-size-mean", flowSizeMean, 1, 1e12);
    RequireWithin("dip-change-at", dipChangeAt, -1e5, 1e5);
    RequireWithin("vip-move-at", vipMoveAt, -1e5, 1e5);
    RequireWithin("sample-interval", sampleInterval, 1e-4, 1e5);
    RequireWithin("sample-interval", (duration + drain) / sampleInterval, 0, 1e6);
    // MRG32k3a, ns-3's generator, takes seeds from 1 to its first modulus less one.
    RequireWithin("seed", double(seed), 1, 4294967086.0);
    workload.Check();
    VfpDatacenterHelper::Options& t = topology;
    t.switchType = switchType == "vfp" ? VfpDatacenterHelper::SwitchType::Vfp
                                       : VfpDatacenterHelper::SwitchType::Bridge;
    t.nic = nic == "offload";
    t.hostLinkRate = ParseRate("host-link", hostLink);
    t.fabricLinkRate = ParseRate("fabric-link", fabricLink);
    t.vmLinkRate = ParseRate("vm-link", vmLink);
    t.hostLinkDelay = ParseDelay("host-link-delay", hostLinkDelay);
    t.fabricLinkDelay = ParseDelay("fabric-link-delay", fabricLinkDelay);
    t.vmLinkDelay = ParseDelay("vm-link-delay", vmLinkDelay);
    t.portBuffer = ParseQueueSize("switch-buffer", switchBuffer);
    t.ecnThreshold = ParseQueueSize("ecn-threshold", ecnThreshold);
    ParseRate("udp-rate", udpRate);
    t.vmTxCap = ParseCap("vm-tx-cap", vmTxCap);
    t.vmRxCap = ParseCap("vm-rx-cap", vmRxCap);
    if ((t.vmTxCap.GetBitRate() > 0 || t.vmRxCap.GetBitRate() > 0) && switchType == "bridge")
    {
        throw std::invalid_argument("--vm-tx-cap/--vm-rx-cap: caps are VFP's QoS, so they need "
                                    "--switch vfp, not bridge");
    }
    tcp.minRto = ParseDelay("tcp-min-rto", tcpMinRto);
    tcp.delAckTimeout = ParseDelay("tcp-delack-timeout", tcpDelAckTimeout);
    tcp.ecn = t.ecn;
}

uint16_t
DatacenterSettings::TcpMtu() const
{
    const uint16_t fabric = topology.GetFabricMtu();
    if (topology.switchType == VfpDatacenterHelper::SwitchType::Bridge)
    {
        return std::min(topology.vmMtu, fabric); // no tunnel
    }
    // ns-3's TCP ignores the MSS option VFP clamps (docs/mtu.md): its segment size is
    // what the clamp would give.
    const uint16_t overhead = VfpDatacenterHelper::TunnelOverhead(encap);
    return fabric >= topology.vmMtu + overhead ? topology.vmMtu : uint16_t(fabric - overhead);
}

std::optional<int>
DatacenterSettings::Parse(int argc, char** argv)
{
    po::options_description options(
        "datacenter: a VL2 datacenter whose hosts run VFP, with VNET, ACL and metering "
        "controllers\n"
        "Writes metrics.json and CSVs to --out (see docs/datacenter.md).\n\nOptions");
    AddTopologyOptions(options, *this);
    AddLinkOptions(options, *this);
    AddTcpOptions(options, *this);
    AddTrafficOptions(options, *this);
    workload.AddOptions(options);
    AddAnantaOptions(options, *this);
    AddRunOptions(options, *this);
    if (std::optional<int> status = vfp::ParseCommandLine(argc, argv, "datacenter", options))
    {
        return status;
    }
    try
    {
        Check();
        tcp.Apply(TcpMtu());
        ApplyAttributeDefaults(attributes);
        Config::SetDefault("ns3::VnetController::Encapsulation", StringValue(encap));
        Config::SetDefault("ns3::VnetController::PreloadMappings",
                           BooleanValue(directory == "preload"));
        Config::SetDefault("ns3::AclController::AllowedInboundPorts",
                           StringValue("5000,6000-7999"));
        RngSeedManager::SetSeed(uint32_t(seed));
        RngSeedManager::SetRun(run);
    }
    catch (const std::exception& error)
    {
        std::cerr << "datacenter: " << error.what() << "\n";
        return 2;
    }
    return std::nullopt;
}

nlohmann::json
DatacenterSettings::Describe() const
{
    const VfpDatacenterHelper::Options& t = topology;
    return {{"switch", switchType},
            {"nic", nic},
            {"hosts", t.hosts},
            {"hosts_per_rack", t.hostsPerRack},
            {"aggregations", t.aggregations},
            {"intermediates", t.intermediates},
            {"oversubscription", t.oversubscription},
            {"vms_per_host", t.vmsPerHost},
            {"tenants", t.tenants},
            {"host_link", hostLink},
            {"host_link_delay", hostLinkDelay},
            {"fabric_link", fabricLink},
            {"fabric_link_delay", fabricLinkDelay},
            {"vm_link", vmLink},
            {"vm_link_delay", vmLinkDelay},
            {"vm_tx_cap", vmTxCap},
            {"vm_rx_cap", vmRxCap},
            {"vm_mtu", t.vmMtu},
            {"fabric_mtu", t.GetFabricMtu()},
            {"switch_buffer", switchBuffer},
            {"ecn", t.ecn},
            {"ecn_threshold", ecnThreshold},
            {"tcp", tcp.variant},
            {"tcp_min_rto", tcpMinRto},
            {"tcp_initial_cwnd", tcp.initialCwnd},
            {"tcp_delack_count", tcp.delAckCount},
            {"tcp_delack_timeout", tcpDelAckTimeout},
            {"ecmp", t.ecmp},
            {"muxes", t.muxes},
            {"vips", t.vips},
            {"dips_per_vip", t.dipsPerVip},
            {"clients", t.clients},
            {"servers", t.servers},
            {"client_cps", clientCps},
            {"snat_cps", snatCps},
            {"dip_change_at_s", dipChangeAt},
            {"vip_move_at_s", vipMoveAt},
            {"duration_s", duration},
            {"cps_per_vm", cps},
            {"flow_size", flowSize},
            {"flow_size_mean", flowSizeMean},
            {"long_flows", longFlows},
            {"long_flow_bytes", longFlowBytes},
            {"udp_flows", udpFlows},
            {"udp_rate", udpRate},
            {"workload", workload.Describe()},
            {"traffic", trafficFile},
            {"traffic_mode", trafficMode},
            {"events", events},
            {"encap", encap},
            {"directory", directory},
            {"seed", seed},
            {"run", run},
            {"policy", policy},
            {"attributes", attributes}};
}

} // namespace ns3
