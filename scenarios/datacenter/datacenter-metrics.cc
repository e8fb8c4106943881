#include "datacenter-metrics.h"

#include "metrics-support.h"
#include "ns3/ethernet-header.h"
#include "ns3/inet-socket-address.h"
#include "ns3/node-list.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <stdexcept>

namespace ns3
{

namespace
{

/// Audited drops by kind of place ("tor", "host", "vm", ...: the place's name less its
/// number), then device ("switch", "if1", "ipv4", ...), then reason.
nlohmann::json
DropsByKind(const VfpPacketAudit& audit)
{
    nlohmann::json drops = nlohmann::json::object();
    for (const auto& [site, count] : audit.GetDroppedAt())
    {
        const std::string kind = site.place.substr(0, site.place.find_first_of("0123456789"));
        const std::string device = site.device.rfind("if", 0) == 0 ? "nic" : site.device;
        nlohmann::json& slot = drops[kind][device][site.reason];
        slot = slot.is_null() ? count : slot.get<uint64_t>() + count;
    }
    return drops;
}

/// drops.csv: every place, device and reason that dropped audited packets.
void
WriteDrops(const std::string& directory, const VfpPacketAudit& audit)
{
    std::ofstream out = OpenOutput(directory, "drops.csv");
    out << "place,device,reason,packets\n";
    for (const auto& [site, count] : audit.GetDroppedAt())
    {
        out << fmt::format("{},{},{},{}\n", site.place, site.device, site.reason, count);
    }
}

} // namespace

void
DatacenterMetrics::AddSection(const std::string& name, nlohmann::json section)
{
    m_sections[name] = std::move(section);
}

void
DatacenterMetrics::AddSectionWriter(const std::string& name,
                                    std::function<nlohmann::json(const std::string&)> writer)
{
    m_sectionWriters[name] = std::move(writer);
}

void
DatacenterMetrics::WatchOpen(uint32_t vm, std::function<uint64_t()> open)
{
    m_vms[vm].moreOpen.push_back(std::move(open));
}

DatacenterMetrics::DatacenterMetrics(const VfpDatacenterHelper::Datacenter& dc,
                                     Time start,
                                     Time stop,
                                     Time interval)
    : m_dc(dc)
    , m_start(start)
    , m_stop(stop)
    , m_interval(interval)
    , m_audit(Create<VfpPacketAudit>())
    , m_vms(dc.vms.size())
    , m_hosts(dc.hosts.size())
    , m_hostSeries(dc)
    , m_nicSeries(dc)
    , m_qosSeries(dc, interval)
{
    auto count = [](uint64_t* bytes, Ptr<const Packet> packet) { *bytes += packet->GetSize(); };
    for (uint32_t i = 0; i < dc.vms.size(); ++i)
    {
        const VfpDatacenterHelper::Vm& vm = dc.vms[i];
        m_audit->WatchVm(vm.nic, vm.tenant);
        vm.nic->TraceConnectWithoutContext("MacTx", MakeCallback(+count).Bind(&m_vms[i].txBytes));
        vm.nic->TraceConnectWithoutContext("MacRx", MakeCallback(+count).Bind(&m_vms[i].rxBytes));
    }
    for (uint32_t h = 0; h < dc.hosts.size(); ++h)
    {
        const VfpDatacenterHelper::Host& host = dc.hosts[h];
        host.nic->TraceConnectWithoutContext("MacTx",
                                             MakeCallback(+count).Bind(&m_hosts[h].txBytes));
        host.nic->TraceConnectWithoutContext("MacRx",
                                             MakeCallback(+count).Bind(&m_hosts[h].rxBytes));
        m_audit->WatchNode(host.node, "host" + std::to_string(h), false);
        if (!host.vswitch)
        {
            continue;
        }
        m_audit->WatchSwitch(host.vswitch, "host" + std::to_string(h));
        host.vswitch->TraceConnectWithoutContext(
            "Hold", MakeCallback(+[](uint64_t* held, Ptr<const Packet>) {
                        ++*held;
                    }).Bind(&m_hosts[h].held));
        host.vswitch->TraceConnectWithoutContext("Drop",
                                                 MakeCallback(+[](DatacenterMetrics* self,
                                                                  uint32_t host,
                                                                  Ptr<const Packet>,
                                                                  const std::string& reason)
                                                              {
                                                                  ++self->m_hosts[host].dropped;
                                                                  ++self->m_switchDrops[reason];
                                                              })
                                                     .Bind(this, h));
        host.agent->TraceConnectWithoutContext(
            "Resolved",
            MakeCallback(+[](std::vector<double>* latencies, uint32_t, Ipv4Address, Time latency) {
                latencies->push_back(latency.GetSeconds() * 1e6);
            }).Bind(&m_lookupLatencyUs));
    }
    for (const auto& [routers, kind] : {std::make_pair(&dc.tors, "tor"),
                                        std::make_pair(&dc.aggregations, "aggregation"),
                                        std::make_pair(&dc.intermediates, "intermediate")})
    {
        for (uint32_t i = 0; i < routers->GetN(); ++i)
        {
            m_audit->WatchNode(routers->Get(i), kind + std::to_string(i), true);
        }
    }
    if (dc.border)
    {
        m_audit->WatchNode(dc.border, "border", true);
    }
    for (uint32_t i = 0; i < dc.muxNodes.GetN(); ++i)
    {
        // Its stack drops what it tunnels.
        m_audit->WatchNode(dc.muxNodes.Get(i), "mux" + std::to_string(i), false);
    }
    for (const auto& [outside, kind] :
         {std::make_pair(&dc.clients, "client"), std::make_pair(&dc.servers, "server")})
    {
        for (uint32_t i = 0; i < outside->GetN(); ++i)
        {
            m_audit->WatchOutside(outside->Get(i)->GetDevice(1)); // 0 is the loopback
            m_audit->WatchNode(outside->Get(i), kind + std::to_string(i), false);
        }
    }
    for (uint32_t i = 0; i < dc.vms.size(); ++i)
    {
        m_audit->WatchNode(dc.vms[i].node, "vm" + std::to_string(i), false);
    }
    // Ananta: SNAT ranges granted, and the bytes VIPs return to clients (never via a Mux).
    for (uint32_t h = 0; h < dc.hosts.size(); ++h)
    {
        if (dc.hosts[h].slbAgent)
        {
            dc.hosts[h].slbAgent->TraceConnectWithoutContext(
                "Granted",
                MakeCallback(+[](DatacenterMetrics* self,
                                 uint32_t host,
                                 const std::string& port,
                                 uint16_t lo,
                                 uint16_t hi,
                                 Time latency)
                             {
                                 self->m_snatGrants.push_back(
                                     SnatGrant{Simulator::Now().GetSeconds(),
                                               port,
                                               host,
                                               lo,
                                               hi,
                                               latency.GetSeconds() * 1e6});
                             })
                    .Bind(this, h));
        }
    }
    for (uint32_t c = 0; c < dc.clients.GetN(); ++c)
    {
        Ptr<NetDevice> link = dc.clients.Get(c)->GetDevice(1); // 0 is the loopback
        link->TraceConnectWithoutContext(
            "MacRx",
            MakeCallback(+[](DatacenterMetrics* self, Ptr<const Packet> frame)
                         {
                             Ptr<Packet> packet = frame->Copy();
                             EthernetHeader ethernet;
                             packet->RemoveHeader(ethernet);
                             Ipv4Header ip;
                             if (packet->PeekHeader(ip) && self->IsVip(ip.GetSource()))
                             {
                                 self->m_dsrBytes += packet->GetSize();
                             }
                         })
                .Bind(this));
    }
    // Packet-hops: every frame any device transmits, for the performance report.
    for (NodeList::Iterator node = NodeList::Begin(); node != NodeList::End(); ++node)
    {
        for (uint32_t d = 0; d < (*node)->GetNDevices(); ++d)
        {
            (*node)->GetDevice(d)->TraceConnectWithoutContext(
                "MacTx", MakeCallback(+[](uint64_t* hops, Ptr<const Packet>) {
                             ++*hops;
                         }).Bind(&m_packetHops));
        }
    }
}

void
DatacenterMetrics::WatchClient(uint32_t vm, Ptr<RequestResponseClient> client)
{
    m_vms[vm].client = client;
    client->TraceConnectWithoutContext(
        "Established",
        MakeCallback(+[](DatacenterMetrics* self, uint32_t vm, uint64_t, Time setup)
                     {
                         ++self->m_vms[vm].connections;
                         self->m_setupUs.push_back(setup.GetSeconds() * 1e6);
                     })
            .Bind(this, vm));
    client->TraceConnectWithoutContext(
        "Completed",
        MakeCallback(+[](DatacenterMetrics* self,
                         uint32_t vm,
                         uint64_t,
                         const Address& peer,
                         uint32_t bytes,
                         Time fct)
                     {
                         const InetSocketAddress server = InetSocketAddress::ConvertFrom(peer);
                         std::ostringstream name;
                         name << server.GetIpv4() << ":" << server.GetPort();
                         self->m_flows.push_back(FlowRecord{vm,
                                                            name.str(),
                                                            bytes,
                                                            (Simulator::Now() - fct).GetSeconds(),
                                                            fct.GetSeconds() * 1e6,
                                                            false});
                     })
            .Bind(this, vm));
    client->TraceConnectWithoutContext(
        "Failed", MakeCallback(+[](DatacenterMetrics* self, uint64_t, const std::string& reason) {
                      ++self->m_failures[reason];
                  }).Bind(this));
}

void
DatacenterMetrics::WatchServer(uint32_t vm, Ptr<RequestResponseServer> server)
{
    m_vms[vm].server = server;
    server->TraceConnectWithoutContext("Served", MakeCallback(+[](uint64_t* connections, uint32_t) {
                                                     ++*connections;
                                                 }).Bind(&m_vms[vm].connections));
}

void
DatacenterMetrics::WatchOutsideClient(uint32_t client, Ptr<RequestResponseClient> app)
{
    app->TraceConnectWithoutContext(
        "Established",
        MakeCallback(+[](DatacenterMetrics* self, uint32_t client, uint64_t, Time setup) {
            self->m_clientSetupUs.emplace_back(client, setup.GetSeconds() * 1e6);
        }).Bind(this, client));
    app->TraceConnectWithoutContext(
        "Completed",
        MakeCallback(
            +[](DatacenterMetrics* self, uint64_t, const Address& peer, uint32_t bytes, Time fct)
            {
                auto& vip =
                    self->m_vipCompleted[InetSocketAddress::ConvertFrom(peer).GetIpv4().Get()];
                ++vip.first;
                vip.second += bytes;
                self->m_clientFctUs.push_back(fct.GetSeconds() * 1e6);
            })
            .Bind(this));
    app->TraceConnectWithoutContext("Failed",
                                    MakeCallback(+[](std::map<std::string, uint64_t>* failures,
                                                     uint64_t,
                                                     const std::string& reason) {
                                        ++(*failures)[reason];
                                    }).Bind(&m_clientFailures));
}

void
DatacenterMetrics::WatchSnatClient(uint32_t, Ptr<RequestResponseClient> app)
{
    app->TraceConnectWithoutContext(
        "Completed",
        MakeCallback(+[](uint64_t* completed, uint64_t, const Address&, uint32_t, Time) {
            ++*completed;
        }).Bind(&m_snatCompleted));
    app->TraceConnectWithoutContext("Failed",
                                    MakeCallback(+[](std::map<std::string, uint64_t>* failures,
                                                     uint64_t,
                                                     const std::string& reason) {
                                        ++(*failures)[reason];
                                    }).Bind(&m_snatFailures));
}

void
DatacenterMetrics::WatchLongFlow(
    uint32_t vm, uint32_t peer, Ptr<PacketSink> sink, uint64_t bytes, Time start)
{
    ++m_vms[vm].longFlowsActive;
    ++m_vms[vm].connections;
    m_longFlows.push_back(LongFlow{vm, peer, sink, bytes, start, false});
    sink->TraceConnectWithoutContext(
        "Rx",
        MakeCallback(+[](DatacenterMetrics* self, size_t index, Ptr<const Packet>, const Address&)
                     {
                         LongFlow& flow = self->m_longFlows[index];
                         if (flow.done || flow.sink->GetTotalRx() < flow.bytes)
                         {
                             return;
                         }
                         flow.done = true;
                         --self->m_vms[flow.vm].longFlowsActive;
                         std::ostringstream server;
                         server << self->m_dc.vms[flow.peer].address;
                         self->m_flows.push_back(
                             FlowRecord{flow.vm,
                                        server.str(),
                                        flow.bytes,
                                        flow.start.GetSeconds(),
                                        (Simulator::Now() - flow.start).GetSeconds() * 1e6,
                                        true});
                     })
            .Bind(this, m_longFlows.size() - 1));
}

void
DatacenterMetrics::Start()
{
    Simulator::Schedule(m_start, &DatacenterMetrics::TakeSample, this);
}

std::pair<uint64_t, uint64_t>
DatacenterMetrics::PathTotals() const
{
    uint64_t fast = 0;
    uint64_t slow = 0;
    for (const VfpDatacenterHelper::Host& host : m_dc.hosts)
    {
        if (host.vswitch)
        {
            const auto [hostFast, hostSlow] = PathPackets(host.vswitch);
            fast += hostFast;
            slow += hostSlow;
        }
    }
    return {fast, slow};
}

Time
DatacenterMetrics::CpuBusy() const
{
    Time busy;
    for (const VfpDatacenterHelper::Host& host : m_dc.hosts)
    {
        if (host.vswitch)
        {
            busy += host.vswitch->GetCpu()->GetBusyTime();
        }
    }
    return busy;
}

void
DatacenterMetrics::TakeSample()
{
    uint64_t active = 0;
    uint64_t connections = 0;
    for (VmStats& vm : m_vms)
    {
        uint64_t open = (vm.client ? vm.client->GetOpen() : 0) +
                        (vm.server ? vm.server->GetOpen() : 0) + vm.longFlowsActive;
        for (const std::function<uint64_t()>& more : vm.moreOpen)
        {
            open += more();
        }
        vm.activeSum += open;
        vm.activePeak = std::max(vm.activePeak, open);
        active += open;
        connections += vm.connections;
    }
    const auto paths = PathTotals();
    const Time busy = CpuBusy();
    uint32_t cores = 0;
    for (const VfpDatacenterHelper::Host& host : m_dc.hosts)
    {
        cores += host.vswitch ? host.vswitch->GetCpu()->GetCores() : 0;
    }
    const uint64_t drops = m_audit->GetDroppedTotal();
    if (m_sampled)
    {
        m_samples.push_back(Sample{
            Simulator::Now().GetSeconds(),
            active,
            connections - m_connectionsBefore,
            paths.first - m_pathsBefore.first,
            paths.second - m_pathsBefore.second,
            cores == 0 ? 0 : (busy - m_busyBefore).GetSeconds() / (m_interval.GetSeconds() * cores),
            drops - m_dropsBefore});
    }
    m_hostSeries.Sample(m_sampled, m_interval);
    m_nicSeries.Sample(m_sampled);
    m_qosSeries.Sample(m_sampled, Simulator::Now().GetSeconds());
    m_connectionsBefore = connections;
    m_pathsBefore = paths;
    m_busyBefore = busy;
    m_dropsBefore = drops;
    m_sampled = true;
    if (Simulator::Now() + m_interval <= m_stop)
    {
        Simulator::Schedule(m_interval, &DatacenterMetrics::TakeSample, this);
    }
}

DatacenterMetrics::VmTotals
DatacenterMetrics::WriteVms(const std::string& directory) const
{
    const double duration = (m_stop - m_start).GetSeconds();
    const size_t samples = std::max<size_t>(1, m_samples.size() + 1);
    std::ofstream vmCsv = OpenOutput(directory, "vm.csv");
    vmCsv << "vm,host,tenant,ca,tx_bytes,rx_bytes,throughput_mbps,connections,cps,mean_active_"
             "flows,peak_active_flows"
          << QosSeries::VmCsvHeader() << "\n";
    VmTotals totals;
    for (uint32_t i = 0; i < m_vms.size(); ++i)
    {
        const VmStats& vm = m_vms[i];
        const VfpDatacenterHelper::Vm& where = m_dc.vms[i];
        std::ostringstream ca;
        ca << where.address;
        const double mbps = vm.rxBytes * 8.0 / duration / 1e6;
        totals.throughputs.push_back(mbps);
        totals.cps.push_back(vm.connections / duration);
        totals.peakActive.push_back(double(vm.activePeak));
        totals.rxBytes += vm.rxBytes;
        totals.connections += vm.connections;
        vmCsv << fmt::format("{},{},{},{},{},{},{:.3f},{},{:.3f},{:.3f},{}{}\n",
                             where.port,
                             where.host,
                             where.tenant,
                             ca.str(),
                             vm.txBytes,
                             vm.rxBytes,
                             mbps,
                             vm.connections,
                             vm.connections / duration,
                             double(vm.activeSum) / samples,
                             vm.activePeak,
                             m_qosSeries.VmCsvRow(i));
    }
    return totals;
}

DatacenterMetrics::HostTotals
DatacenterMetrics::WriteHosts(const std::string& directory) const
{
    const double elapsed = Simulator::Now().GetSeconds();
    std::ofstream hostCsv = OpenOutput(directory, "host.csv");
    hostCsv << "host,vms,tx_bytes,rx_bytes,uft_hit_rate,slow_path_fraction,cpu_utilisation,held_"
               "packets,dropped_packets,"
               "tracked_connections\n";
    HostTotals totals;
    for (uint32_t h = 0; h < m_hosts.size(); ++h)
    {
        const VfpDatacenterHelper::Host& host = m_dc.hosts[h];
        uint64_t fast = 0;
        uint64_t slow = 0;
        uint64_t tracked = 0;
        double utilisation = 0;
        if (host.vswitch)
        {
            std::tie(fast, slow) = PathPackets(host.vswitch);
            for (const auto& [name, port] : host.vswitch->GetEngine().GetPorts())
            {
                tracked += port->GetTracker().Size();
            }
            Ptr<VfpHostCpu> hostCpu = host.vswitch->GetCpu();
            utilisation = hostCpu->GetBusyTime().GetSeconds() / (elapsed * hostCpu->GetCores());
            totals.cpu.push_back(utilisation);
        }
        totals.fast += fast;
        totals.slow += slow;
        hostCsv << fmt::format("host{},{},{},{},{},{},{:.6f},{},{},{}\n",
                               h,
                               host.vms.size(),
                               m_hosts[h].txBytes,
                               m_hosts[h].rxBytes,
                               Rate(fast, fast + slow),
                               Rate(slow, fast + slow),
                               utilisation,
                               m_hosts[h].held,
                               m_hosts[h].dropped,
                               tracked);
    }
    return totals;
}

DatacenterMetrics::FlowTimes
DatacenterMetrics::WriteFlows(const std::string& directory) const
{
    std::ofstream fctCsv = OpenOutput(directory, "fct.csv");
    fctCsv << "flow,vm,tenant,peer,bytes,start_s,fct_us,kind\n";
    FlowTimes times;
    for (size_t f = 0; f < m_flows.size(); ++f)
    {
        const FlowRecord& flow = m_flows[f];
        (flow.longFlow ? times.longFct : times.shortFct).push_back(flow.fctUs);
        fctCsv << fmt::format("{},{},{},{},{},{:.9f},{:.3f},{}\n",
                              f,
                              m_dc.vms[flow.vm].port,
                              m_dc.vms[flow.vm].tenant,
                              flow.peer,
                              flow.bytes,
                              flow.start,
                              flow.fctUs,
                              flow.longFlow ? "long" : "short");
    }
    return times;
}

void
DatacenterMetrics::WriteTimeseries(const std::string& directory) const
{
    std::ofstream seriesCsv = OpenOutput(directory, "timeseries.csv");
    seriesCsv << "time_s,active_flows,new_connections,fast_path_packets,slow_path_packets,uft_hit_"
                 "rate,cpu_utilisation,drops"
              << m_hostSeries.CsvHeader() << m_nicSeries.CsvHeader() << "\n";
    for (size_t i = 0; i < m_samples.size(); ++i)
    {
        const Sample& sample = m_samples[i];
        seriesCsv << fmt::format("{:.6f},{},{},{},{},{},{:.6f},{}",
                                 sample.time,
                                 sample.active,
                                 sample.newConnections,
                                 sample.fast,
                                 sample.slow,
                                 Rate(sample.fast, sample.fast + sample.slow),
                                 sample.cpu,
                                 sample.drops)
                  << m_hostSeries.CsvRow(i) << m_nicSeries.CsvRow(i) << "\n";
    }
}

nlohmann::json
DatacenterMetrics::WriteMetering(const std::string& directory) const
{
    // Every port's meters, summed per name over the datacenter.
    std::map<std::string, std::pair<uint64_t, uint64_t>> meterTotals; // packets, bytes
    std::ofstream meteringCsv = OpenOutput(directory, "metering.csv");
    meteringCsv << "vm,meter,packets,bytes\n";
    for (const VfpDatacenterHelper::Vm& vm : m_dc.vms)
    {
        const VfpDatacenterHelper::Host& host = m_dc.hosts[vm.host];
        if (!host.vswitch)
        {
            continue;
        }
        for (const auto& [name, counter] : host.vswitch->GetEngine().GetPort(vm.port).GetMeters())
        {
            meteringCsv << fmt::format(
                "{},{},{},{}\n", vm.port, name, counter.packets, counter.bytes);
            auto& total = meterTotals[name];
            total.first += counter.packets;
            total.second += counter.bytes;
        }
    }
    nlohmann::json metering = nlohmann::json::object();
    for (const auto& [name, total] : meterTotals)
    {
        metering[name] = {{"packets", total.first}, {"bytes", total.second}};
    }
    return metering;
}

nlohmann::json
DatacenterMetrics::DirectoryJson() const
{
    uint64_t lookups = 0;
    uint64_t cacheHits = 0;
    uint64_t retries = 0;
    uint64_t lookupFailures = 0;
    for (const VfpDatacenterHelper::Host& host : m_dc.hosts)
    {
        if (host.agent)
        {
            lookups += host.agent->GetLookups();
            cacheHits += host.agent->GetCacheHits();
            retries += host.agent->GetRetries();
            lookupFailures += host.agent->GetFailures();
        }
    }
    return {{"lookups", lookups},
            {"cache_hits", cacheHits},
            {"retries", retries},
            {"failures", lookupFailures},
            {"answered_by_directory", m_dc.directory ? m_dc.directory->GetLookups() : 0},
            {"unanswered", m_dc.directory ? m_dc.directory->GetUnanswered() : 0},
            {"latency_us", Distribution(m_lookupLatencyUs)}};
}

double
DatacenterMetrics::ConvergedAt() const
{
    double converged = 0;
    for (Ptr<VfpController> controller : {Ptr<VfpController>(m_dc.vnet),
                                          Ptr<VfpController>(m_dc.acl),
                                          Ptr<VfpController>(m_dc.metering)})
    {
        if (controller)
        {
            converged = std::max(converged, controller->GetConvergedAt().GetSeconds());
        }
    }
    return converged;
}

nlohmann::json
DatacenterMetrics::Summary(const VmTotals& vms,
                           const HostTotals& hosts,
                           const FlowTimes& flows,
                           uint64_t lookups) const
{
    const double duration = (m_stop - m_start).GetSeconds();
    uint64_t failed = 0;
    for (const auto& [reason, count] : m_failures)
    {
        failed += count;
    }
    const VfpPacketAudit& audit = *m_audit;
    const uint64_t processed = hosts.fast + hosts.slow;
    return {
        {"traffic_seconds", duration},
        {"simulated_seconds", Simulator::Now().GetSeconds()},
        {"hosts", m_dc.hosts.size()},
        {"vms", m_dc.vms.size()},
        {"short_flows_completed", flows.shortFct.size()},
        {"long_flows_completed", flows.longFct.size()},
        {"flows_failed", failed},
        {"short_fct_p50_us", Percentile(flows.shortFct, 0.5)},
        {"short_fct_p99_us", Percentile(flows.shortFct, 0.99)},
        {"vm_throughput_mean_mbps",
         vms.rxBytes * 8.0 / duration / 1e6 / std::max<size_t>(1, m_vms.size())},
        {"goodput_total_gbps", vms.rxBytes * 8.0 / duration / 1e9},
        {"connections_per_second", vms.connections / duration},
        {"uft_hit_rate", processed == 0 ? 0.0 : double(hosts.fast) / double(processed)},
        {"slow_path_fraction", processed == 0 ? 0.0 : double(hosts.slow) / double(processed)},
        {"cpu_utilisation_mean", Distribution(hosts.cpu)["mean"]},
        {"cpu_utilisation_max", Distribution(hosts.cpu)["max"]},
        {"policy_converged_at_s", ConvergedAt()},
        {"directory_lookups", lookups},
        {"packets_sent", audit.GetSent()},
        {"packets_delivered", audit.GetDelivered()},
        {"packets_dropped", audit.GetDroppedTotal()},
        {"packets_in_flight", audit.GetInFlight()},
        {"packets_unmatched", audit.GetUnmatched()},
        {"cross_tenant_deliveries", audit.GetCrossTenant()},
        {"accounting_balances", audit.Balances()},
        {"isolation_holds", audit.GetCrossTenant() == 0},
    };
}

nlohmann::json
DatacenterMetrics::Write(const std::string& directory, const nlohmann::json& scenario) const
{
    m_nicSeries.SyncAll(); // offloaded bytes reach the meters before they are written
    const VmTotals vms = WriteVms(directory);
    const HostTotals hosts = WriteHosts(directory);
    const FlowTimes flows = WriteFlows(directory);
    WriteTimeseries(directory);
    m_qosSeries.WriteCsv(directory);
    const nlohmann::json directoryJson = DirectoryJson();
    const nlohmann::json summary =
        Summary(vms, hosts, flows, directoryJson["lookups"].get<uint64_t>());
    nlohmann::json metrics = {
        {"scenario", scenario},
        {"summary", summary},
        {"drops", DropsByKind(*m_audit)},
        {"switch_drops", m_switchDrops},
        {"flow_failures", m_failures},
        {"fct_us",
         {{"short", Distribution(flows.shortFct)}, {"long", Distribution(flows.longFct)}}},
        {"connection_setup_us", Distribution(m_setupUs)},
        {"directory", directoryJson},
        {"metering", WriteMetering(directory)},
        {"cpu_utilisation", Distribution(hosts.cpu)},
        {"cpu", m_hostSeries.Cpu(Simulator::Now().GetSeconds())},
        {"state", m_hostSeries.State()},
        {"nic", m_nicSeries.Json()},
        {"qos", m_qosSeries.Json()},
        {"vm_throughput_mbps", Distribution(vms.throughputs)},
        {"vm_cps", Distribution(vms.cps)},
        {"vm_peak_active_flows", Distribution(vms.peakActive)},
    };
    if (!m_dc.muxes.empty())
    {
        metrics["ananta"] = WriteAnanta(directory);
    }
    for (const auto& [name, section] : m_sections)
    {
        metrics[name] = section;
    }
    for (const auto& [name, writer] : m_sectionWriters)
    {
        metrics[name] = writer(directory);
    }
    WriteDrops(directory, *m_audit);
    std::ofstream json = OpenOutput(directory, "metrics.json");
    json << metrics.dump(2) << "\n";
    return summary;
}

nlohmann::json
DatacenterMetrics::WriteAnanta(const std::string& directory) const
{
    auto text = [](auto address)
    {
        std::ostringstream out;
        out << address;
        return out.str();
    };
    // New flows per (VIP, DIP VM) as the Muxes chose them.
    std::map<std::pair<uint32_t, uint32_t>, uint64_t> muxFlows; // (VIP, VM index)
    std::map<uint32_t, uint64_t> vipStarted;
    for (Ptr<SlbMux> mux : m_dc.muxes)
    {
        for (const auto& [key, count] : mux->GetFlowsPerDip())
        {
            const auto& [vip, customer, vni] = key;
            vipStarted[vip] += count;
            // Any VM that served the VIP, including DIPs that have left it since.
            for (uint32_t vm = 0; vm < m_dc.vms.size(); ++vm)
            {
                const VfpDatacenterHelper::Vm& where = m_dc.vms[vm];
                if (where.address.Get() == customer &&
                    VfpDatacenterHelper::VniOf(where.tenant) == vni)
                {
                    muxFlows[{vip, vm}] += count;
                }
            }
        }
    }
    std::ofstream vipCsv = OpenOutput(directory, "vip.csv");
    vipCsv << "vip,tenant,dips,connections_started,connections_completed,connections_failed,"
              "response_bytes\n";
    std::ofstream dipCsv = OpenOutput(directory, "dip.csv");
    dipCsv << "vip,dip_vm,host,ca,mux_flows,served\n";
    for (const VfpDatacenterHelper::Vip& vip : m_dc.vips)
    {
        const uint64_t started =
            vipStarted.count(vip.address.Get()) ? vipStarted.at(vip.address.Get()) : 0;
        const auto completed = m_vipCompleted.count(vip.address.Get())
                                   ? m_vipCompleted.at(vip.address.Get())
                                   : std::make_pair(uint64_t(0), uint64_t(0));
        const uint32_t tenant = vip.dips.empty() ? 0 : m_dc.vms[vip.dips[0]].tenant;
        vipCsv << fmt::format("{},{},{},{},{},{},{}\n",
                              text(vip.address),
                              tenant,
                              vip.dips.size(),
                              started,
                              completed.first,
                              started > completed.first ? started - completed.first : 0,
                              completed.second);
        for (const auto& [key, count] : muxFlows)
        {
            if (key.first == vip.address.Get())
            {
                const VfpDatacenterHelper::Vm& where = m_dc.vms[key.second];
                const Ptr<RequestResponseServer> server = m_vms[key.second].server;
                dipCsv << fmt::format("{},{},{},{},{},{}\n",
                                      text(vip.address),
                                      where.port,
                                      where.host,
                                      text(where.address),
                                      count,
                                      server ? server->GetServed() : 0);
            }
        }
    }

    std::ofstream muxCsv = OpenOutput(directory, "mux.csv");
    muxCsv << "mux,packets,bytes,return_packets,unknown\n";
    uint64_t muxBytes = 0;
    uint64_t returnPackets = 0;
    for (size_t m = 0; m < m_dc.muxes.size(); ++m)
    {
        const Ptr<SlbMux> mux = m_dc.muxes[m];
        muxBytes += mux->GetBytes();
        returnPackets += mux->GetReturnPackets();
        muxCsv << fmt::format("{},{},{},{},{}\n",
                              m,
                              mux->GetPackets(),
                              mux->GetBytes(),
                              mux->GetReturnPackets(),
                              mux->GetUnknown());
    }

    std::ofstream snatCsv = OpenOutput(directory, "snat.csv");
    snatCsv << "time_s,vm,host,lo,hi,latency_us\n";
    std::vector<double> grantLatency;
    for (const SnatGrant& grant : m_snatGrants)
    {
        grantLatency.push_back(grant.latencyUs);
        snatCsv << fmt::format("{:.9f},{},{},{},{},{:.3f}\n",
                               grant.time,
                               grant.port,
                               grant.host,
                               grant.lo,
                               grant.hi,
                               grant.latencyUs);
    }
    std::ofstream setupCsv = OpenOutput(directory, "client_setup.csv");
    setupCsv << "flow,client,setup_us\n";
    std::vector<double> setup;
    for (size_t f = 0; f < m_clientSetupUs.size(); ++f)
    {
        setup.push_back(m_clientSetupUs[f].second);
        setupCsv << fmt::format(
            "{},{},{:.3f}\n", f, m_clientSetupUs[f].first, m_clientSetupUs[f].second);
    }
    uint64_t requests = 0;
    uint64_t refusals = 0;
    for (const VfpDatacenterHelper::Host& host : m_dc.hosts)
    {
        requests += host.slbAgent ? host.slbAgent->GetRequests() : 0;
        refusals += host.slbAgent ? host.slbAgent->GetRefusals() : 0;
    }
    return {{"muxes", m_dc.muxes.size()},
            {"vips", m_dc.vips.size()},
            {"bytes_through_muxes", muxBytes},
            {"bytes_direct_server_return", m_dsrBytes},
            {"direct_server_return_share",
             muxBytes + m_dsrBytes == 0 ? 0.0 : double(m_dsrBytes) / double(muxBytes + m_dsrBytes)},
            {"mux_return_packets", returnPackets},
            {"client_connections_completed", m_clientFctUs.size()},
            {"client_fct_us", Distribution(m_clientFctUs)},
            {"client_setup_us", Distribution(setup)},
            {"client_failures", m_clientFailures},
            {"snat_connections_completed", m_snatCompleted},
            {"snat_failures", m_snatFailures},
            {"snat_range_requests", requests},
            {"snat_ranges_granted_on_exhaustion", m_snatGrants.size()},
            {"snat_refusals", refusals},
            {"snat_grant_latency_us", Distribution(grantLatency)}};
}

bool
DatacenterMetrics::IsVip(Ipv4Address address) const
{
    return std::any_of(m_dc.vips.begin(),
                       m_dc.vips.end(),
                       [address](const VfpDatacenterHelper::Vip& vip)
                       { return vip.address == address; });
}

} // namespace ns3
