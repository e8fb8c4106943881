#include "datacenter-traffic.h"

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "workload-presets.h"

#include <set>

namespace ns3
{

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
InstallShortFlowClient(VfpDatacenterHelper::Datacenter& dc,
                       DatacenterMetrics& metrics,
                       uint32_t vm,
                       Ptr<RequestResponseClient> client,
                       const std::vector<uint32_t>& peers,
                       Time start,
                       Time stop,
                       int64_t& stream)
{
    for (uint32_t peer : peers)
    {
        client->AddPeer(InetSocketAddress(dc.vms[peer].address, SHORT_FLOW_PORT));
    }
    dc.vms[vm].node->AddApplication(client);
    stream += client->AssignStreams(stream);
    client->SetStartTime(start);
    client->SetStopTime(stop);
    metrics.WatchClient(vm, client);
}

std::vector<uint32_t>
TenantPeers(const VfpDatacenterHelper::Datacenter& dc, uint32_t vm)
{
    std::vector<uint32_t> peers;
    for (uint32_t j = dc.vms[vm].tenant; j < dc.vms.size(); j += dc.options.tenants)
    {
        if (j != vm)
        {
            peers.push_back(j);
        }
    }
    return peers;
}

namespace
{

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
AddAnantaTraffic(const DatacenterSettings& s,
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

/// Every VM serves short flows on port 5000.
void
AddShortFlowServers(VfpDatacenterHelper::Datacenter& dc, DatacenterMetrics& metrics)
{
    for (uint32_t i = 0; i < dc.vms.size(); ++i)
    {
        Ptr<RequestResponseServer> server = CreateObject<RequestResponseServer>();
        server->SetAttribute("Port", UintegerValue(SHORT_FLOW_PORT));
        dc.vms[i].node->AddApplication(server);
        server->SetStartTime(Seconds(0));
        metrics.WatchServer(i, server);
    }
}

/// Every VM opens short flows to the others of its tenant at --cps.
void
AddShortFlows(const DatacenterSettings& s,
              VfpDatacenterHelper::Datacenter& dc,
              DatacenterMetrics& metrics,
              Time start,
              Time stop,
              int64_t& stream)
{
    if (s.cps <= 0)
    {
        return;
    }
    for (uint32_t i = 0; i < dc.vms.size(); ++i)
    {
        Ptr<RequestResponseClient> client = CreateObject<RequestResponseClient>();
        client->SetAttribute("Interval",
                             PointerValue(CreateObjectWithAttributes<ExponentialRandomVariable>(
                                 "Mean", DoubleValue(1.0 / s.cps))));
        client->SetAttribute("ResponseSize", PointerValue(FlowSizes(s.flowSize, s.flowSizeMean)));
        if (dc.vms.size() / dc.options.tenants >= 2) // else alone in its tenant
        {
            InstallShortFlowClient(dc, metrics, i, client, TenantPeers(dc, i), start, stop, stream);
        }
    }
}

/// Long transfers and UDP streams between random VM pairs of a tenant.
void
AddLongAndUdpFlows(const DatacenterSettings& s,
                   VfpDatacenterHelper::Datacenter& dc,
                   DatacenterMetrics& metrics,
                   Time start,
                   Time stop,
                   Ptr<UniformRandomVariable> pick)
{
    const uint32_t vmCount = dc.vms.size();
    for (uint32_t f = 0; f < s.longFlows; ++f)
    {
        const uint32_t from = pick->GetInteger(0, vmCount - 1);
        const uint32_t to = PeerOf(dc, from, pick);
        const uint16_t port = LONG_FLOW_FIRST_PORT + f % PORT_SPAN;
        PacketSinkHelper sink("ns3::TcpSocketFactory",
                              InetSocketAddress(Ipv4Address::GetAny(), port));
        Ptr<PacketSink> app = DynamicCast<PacketSink>(sink.Install(dc.vms[to].node).Get(0));
        BulkSendHelper sender("ns3::TcpSocketFactory", InetSocketAddress(dc.vms[to].address, port));
        sender.SetAttribute("MaxBytes", UintegerValue(s.longFlowBytes));
        const Time begin = start + Seconds(pick->GetValue(0, s.duration / 2));
        ApplicationContainer apps = sender.Install(dc.vms[from].node);
        apps.Start(begin);
        apps.Stop(stop);
        metrics.WatchLongFlow(from, to, app, s.longFlowBytes, begin);
    }
    for (uint32_t f = 0; f < s.udpFlows; ++f)
    {
        const uint32_t from = pick->GetInteger(0, vmCount - 1);
        const uint32_t to = PeerOf(dc, from, pick);
        const uint16_t port = UDP_FIRST_PORT + f % PORT_SPAN;
        PacketSinkHelper sink("ns3::UdpSocketFactory",
                              InetSocketAddress(Ipv4Address::GetAny(), port));
        sink.Install(dc.vms[to].node);
        OnOffHelper sender("ns3::UdpSocketFactory", InetSocketAddress(dc.vms[to].address, port));
        sender.SetConstantRate(DataRate(s.udpRate), 1000);
        ApplicationContainer apps = sender.Install(dc.vms[from].node);
        apps.Start(start + Seconds(pick->GetValue(0, s.duration / 2)));
        apps.Stop(stop);
    }
}

} // namespace

bool
GeneratedMixUses(const DatacenterSettings& s, const std::string& proto, uint16_t port)
{
    if (proto == "tcp")
    {
        return port == SHORT_FLOW_PORT ||
               (s.workload.name == "production" && port == PERSISTENT_PORT) ||
               (port >= LONG_FLOW_FIRST_PORT &&
                port < LONG_FLOW_FIRST_PORT + std::min<uint32_t>(s.longFlows, PORT_SPAN));
    }
    return port >= UDP_FIRST_PORT &&
           port < UDP_FIRST_PORT + std::min<uint32_t>(s.udpFlows, PORT_SPAN);
}

void
AddGeneratedTraffic(const DatacenterSettings& s,
                    VfpDatacenterHelper::Datacenter& dc,
                    DatacenterMetrics& metrics,
                    Time start,
                    Time stop,
                    int64_t& stream)
{
    Ptr<UniformRandomVariable> pick = CreateObject<UniformRandomVariable>();
    pick->SetStream(stream++);
    AddShortFlowServers(dc, metrics);
    if (s.workload.name == "capacity")
    {
        AddCapacityFlows(s, dc, metrics, start, stop, stream); // short flows only
    }
    else
    {
        if (s.workload.name == "production")
        {
            AddProductionFlows(s, dc, metrics, start, stop, stream);
        }
        else
        {
            AddShortFlows(s, dc, metrics, start, stop, stream);
        }
        AddLongAndUdpFlows(s, dc, metrics, start, stop, pick);
    }
    if (dc.options.muxes > 0)
    {
        AddAnantaTraffic(s, dc, metrics, start, stop, stream);
    }
}

} // namespace ns3
