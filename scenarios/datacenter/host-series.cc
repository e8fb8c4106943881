#include "host-series.h"

#include "metrics-support.h"

#include <algorithm>
#include <fmt/format.h>

namespace ns3
{

namespace
{

/// The per-host columns, in order: name prefixes of `{column}_host{h}`.
const char* const HOST_COLUMNS[] = {
    "connections", "unified_flows", "layer_flows", "state_bytes", "cpu_utilisation"};

} // namespace

std::pair<uint64_t, uint64_t>
PathPackets(Ptr<VfpSwitchNetDevice> vswitch)
{
    uint64_t fast = 0;
    uint64_t slow = 0;
    for (const auto& [name, port] : vswitch->GetEngine().GetPorts())
    {
        fast += port->GetUftCounters().hits;
        slow += port->GetUftCounters().misses + port->GetUftCounters().reconciled;
    }
    return {fast, slow};
}

HostSeries::HostSeries(const VfpDatacenterHelper::Datacenter& dc)
    : m_dc(dc)
    , m_queueUs(dc.hosts.size())
{
    for (size_t h = 0; h < dc.hosts.size(); ++h)
    {
        const Ptr<VfpSwitchNetDevice> vswitch = dc.hosts[h].vswitch;
        if (!vswitch)
        {
            continue;
        }
        m_vfpHosts.push_back(h);
        vswitch->GetCpu()->TraceConnectWithoutContext(
            "QueueDelay",
            MakeCallback(+[](HostSeries* self, size_t host, Time delay, uint32_t)
                         {
                             const double us = delay.GetSeconds() * 1e6;
                             self->m_queueUs[host].Add(us);
                             self->m_intervalQueueUs.Add(us);
                         })
                .Bind(this, h));
    }
    m_coreBefore.resize(dc.hosts.size());
    m_peak.resize(dc.hosts.size());
}

HostSeries::HostState
HostSeries::Measure(size_t h) const
{
    HostState state;
    for (const auto& [name, port] : m_dc.hosts[h].vswitch->GetEngine().GetPorts())
    {
        state.connections += port->GetTracker().Size();
        state.unifiedFlows += port->GetUft().Size();
        state.layerFlows += port->GetLayerFlowCount();
        state.bytes += port->EstimateStateBytes();
    }
    return state;
}

void
HostSeries::Sample(bool record, Time interval)
{
    Row row;
    for (size_t h : m_vfpHosts)
    {
        const Ptr<VfpHostCpu> cpu = m_dc.hosts[h].vswitch->GetCpu();
        std::vector<Time>& before = m_coreBefore[h];
        before.resize(cpu->GetCores());
        Time busy;
        for (uint32_t c = 0; c < cpu->GetCores(); ++c)
        {
            const Time core = cpu->GetCoreBusyTime(c) - before[c];
            row.coreMax = std::max(row.coreMax, core.GetSeconds() / interval.GetSeconds());
            busy += core;
            before[c] = cpu->GetCoreBusyTime(c);
        }
        row.cpu.push_back(busy.GetSeconds() / (interval.GetSeconds() * cpu->GetCores()));
        const HostState state = Measure(h);
        HostState& peak = m_peak[h];
        peak.connections = std::max(peak.connections, state.connections);
        peak.unifiedFlows = std::max(peak.unifiedFlows, state.unifiedFlows);
        peak.layerFlows = std::max(peak.layerFlows, state.layerFlows);
        peak.bytes = std::max(peak.bytes, state.bytes);
        row.hosts.push_back(state);
    }
    row.queueP99Us = m_intervalQueueUs.Percentile(0.99);
    m_intervalQueueUs = LogHistogram();
    if (record)
    {
        m_rows.push_back(std::move(row));
    }
}

std::string
HostSeries::CsvHeader() const
{
    std::string header = ",cpu_core_max,queue_delay_p99_us,connections,unified_flows,layer_"
                         "flows,state_bytes";
    for (size_t h : m_vfpHosts)
    {
        for (const char* column : HOST_COLUMNS)
        {
            header += fmt::format(",{}_host{}", column, h);
        }
    }
    return header;
}

std::string
HostSeries::CsvRow(size_t i) const
{
    const Row& row = m_rows[i];
    HostState total;
    std::string hosts;
    for (size_t k = 0; k < row.hosts.size(); ++k)
    {
        const HostState& s = row.hosts[k];
        total.connections += s.connections;
        total.unifiedFlows += s.unifiedFlows;
        total.layerFlows += s.layerFlows;
        total.bytes += s.bytes;
        hosts += fmt::format(",{},{},{},{},{:.6f}",
                             s.connections,
                             s.unifiedFlows,
                             s.layerFlows,
                             s.bytes,
                             row.cpu[k]);
    }
    return fmt::format(",{:.6f},{:.3f},{},{},{},{}",
                       row.coreMax,
                       row.queueP99Us,
                       total.connections,
                       total.unifiedFlows,
                       total.layerFlows,
                       total.bytes) +
           hosts;
}

nlohmann::json
HostSeries::Cpu(double elapsed) const
{
    nlohmann::json hosts = nlohmann::json::array();
    LogHistogram allDelays;
    double coreMax = 0;
    for (size_t h : m_vfpHosts)
    {
        const Ptr<VfpHostCpu> cpu = m_dc.hosts[h].vswitch->GetCpu();
        nlohmann::json cores = nlohmann::json::array();
        for (uint32_t c = 0; c < cpu->GetCores(); ++c)
        {
            const double utilisation = cpu->GetCoreBusyTime(c).GetSeconds() / elapsed;
            coreMax = std::max(coreMax, utilisation);
            cores.push_back(utilisation);
        }
        hosts.push_back({{"host", fmt::format("host{}", h)},
                         {"core_utilisation", cores},
                         {"queue_delay_us", m_queueUs[h].Summary()}});
        allDelays.Merge(m_queueUs[h]);
    }
    if (m_vfpHosts.empty())
    {
        return nlohmann::json::object();
    }
    const Ptr<VfpHostCpu> first = m_dc.hosts[m_vfpHosts[0]].vswitch->GetCpu();
    return {{"steering", std::string(vfp::SteeringName(first->GetSteering()))},
            {"cores_per_host", first->GetCores()},
            {"core_utilisation_max", coreMax},
            {"queue_delay_us", allDelays.Summary()},
            {"hosts", hosts}};
}

nlohmann::json
HostSeries::State() const
{
    nlohmann::json hosts = nlohmann::json::array();
    for (size_t h : m_vfpHosts)
    {
        const HostState final = Measure(h);
        const HostState& peak = m_peak[h];
        uint64_t evicted = 0;
        for (const auto& [name, port] : m_dc.hosts[h].vswitch->GetEngine().GetPorts())
        {
            evicted += port->GetUftCounters().capacityEvicted;
        }
        hosts.push_back(
            {{"host", fmt::format("host{}", h)},
             {"connections", {{"peak", peak.connections}, {"final", final.connections}}},
             {"unified_flows", {{"peak", peak.unifiedFlows}, {"final", final.unifiedFlows}}},
             {"layer_flows", {{"peak", peak.layerFlows}, {"final", final.layerFlows}}},
             {"state_bytes", {{"peak", peak.bytes}, {"final", final.bytes}}},
             {"unified_flows_capacity_evicted", evicted}});
    }
    return {{"hosts", hosts}};
}

} // namespace ns3
