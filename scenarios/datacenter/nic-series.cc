#include "nic-series.h"

#include "host-series.h"
#include "metrics-support.h"
#include "vfp-programmable-nic.h"

#include <algorithm>
#include <fmt/format.h>

namespace ns3
{

namespace
{

/// Keeps in @p most the largest value a gauge took.
void
KeepMost(uint32_t* most, uint32_t, uint32_t value)
{
    *most = std::max(*most, value);
}

double
Share(uint64_t part, uint64_t whole)
{
    return whole == 0 ? 0.0 : double(part) / double(whole);
}

} // namespace

NicSeries::NicSeries(const VfpDatacenterHelper::Datacenter& dc)
    : m_dc(dc)
{
    for (size_t h = 0; h < dc.hosts.size(); ++h)
    {
        const Ptr<VfpSwitchNetDevice> vswitch = dc.hosts[h].vswitch;
        if (!vswitch)
        {
            continue;
        }
        m_vfpHosts.push_back(h);
        if (const Ptr<VfpProgrammableNic> nic = vswitch->GetNic())
        {
            nic->TraceConnectWithoutContext("Entries", MakeBoundCallback(&KeepMost, &m_entriesMax));
            nic->TraceConnectWithoutContext("Backlog", MakeBoundCallback(&KeepMost, &m_backlogMax));
        }
    }
}

NicSeries::Totals
NicSeries::Measure(size_t h) const
{
    const Ptr<VfpSwitchNetDevice> vswitch = m_dc.hosts[h].vswitch;
    Totals totals;
    const auto [fast, slow] = PathPackets(vswitch);
    totals.software = fast + slow;
    if (const Ptr<VfpProgrammableNic> nic = vswitch->GetNic())
    {
        const vfp::OffloadCounters table = nic->GetTableCounters();
        totals.hardware = nic->GetHardwarePackets();
        totals.exceptions = nic->GetExceptionPackets();
        totals.inserts = table.inserts;
        totals.insertFailures =
            table.insertFailuresFull + table.insertFailuresBacklog + nic->GetRefusedWhileFull();
        totals.evictions = table.evictions;
        totals.invalidations = table.stale;
    }
    return totals;
}

void
NicSeries::Totals::Add(const Totals& other)
{
    hardware += other.hardware;
    software += other.software;
    exceptions += other.exceptions;
    inserts += other.inserts;
    insertFailures += other.insertFailures;
    evictions += other.evictions;
    invalidations += other.invalidations;
}

NicSeries::Totals
NicSeries::MeasureAll() const
{
    Totals all;
    for (size_t h : m_vfpHosts)
    {
        all.Add(Measure(h));
    }
    return all;
}

void
NicSeries::Sample(bool record)
{
    const Totals now = MeasureAll();
    if (record)
    {
        Row row;
        row.counts.hardware = now.hardware - m_before.hardware;
        row.counts.software = now.software - m_before.software;
        row.counts.exceptions = now.exceptions - m_before.exceptions;
        row.counts.inserts = now.inserts - m_before.inserts;
        row.counts.insertFailures = now.insertFailures - m_before.insertFailures;
        row.counts.evictions = now.evictions - m_before.evictions;
        row.counts.invalidations = now.invalidations - m_before.invalidations;
        row.entriesMax = m_entriesMax;
        row.backlogMax = m_backlogMax;
        m_rows.push_back(row);
    }
    m_before = now;
    // The next interval starts from what the tables hold now.
    m_entriesMax = 0;
    m_backlogMax = 0;
    for (size_t h : m_vfpHosts)
    {
        if (const Ptr<VfpProgrammableNic> nic = m_dc.hosts[h].vswitch->GetNic())
        {
            m_entriesMax = std::max<uint32_t>(m_entriesMax, nic->GetEntries());
            m_backlogMax = std::max<uint32_t>(m_backlogMax, nic->GetBacklog());
        }
    }
}

std::string
NicSeries::CsvHeader() const
{
    return ",hardware_packets,software_packets,hardware_share,exception_packets,inserts,insert_"
           "failures,evictions,invalidations,table_entries_max,insert_backlog_max";
}

std::string
NicSeries::CsvRow(size_t i) const
{
    const Row& row = m_rows[i];
    const Totals& c = row.counts;
    return fmt::format(",{},{},{},{},{},{},{},{},{},{}",
                       c.hardware,
                       c.software,
                       Rate(c.hardware, c.hardware + c.software),
                       c.exceptions,
                       c.inserts,
                       c.insertFailures,
                       c.evictions,
                       c.invalidations,
                       row.entriesMax,
                       row.backlogMax);
}

void
NicSeries::SyncAll() const
{
    for (size_t h : m_vfpHosts)
    {
        if (const Ptr<VfpProgrammableNic> nic = m_dc.hosts[h].vswitch->GetNic())
        {
            nic->Sync();
        }
    }
}

nlohmann::json
NicSeries::Json() const
{
    Totals all;
    std::map<std::string, uint64_t> causes;
    uint64_t entriesMax = 0;
    uint64_t backlogMax = 0;
    uint64_t installed = 0;
    uint64_t expirations = 0;
    nlohmann::json hosts = nlohmann::json::array();
    for (size_t h : m_vfpHosts)
    {
        const Totals host = Measure(h);
        all.Add(host);
        const Ptr<VfpProgrammableNic> nic = m_dc.hosts[h].vswitch->GetNic();
        if (!nic)
        {
            continue;
        }
        for (const auto& [cause, count] : nic->GetExceptions())
        {
            causes[cause] += count;
        }
        const vfp::OffloadCounters table = nic->GetTableCounters();
        entriesMax = std::max(entriesMax, nic->GetEntriesMax());
        backlogMax = std::max(backlogMax, table.backlogMax);
        installed += table.installed;
        expirations += table.expirations;
        hosts.push_back({{"host", fmt::format("host{}", h)},
                         {"hardware_packets", host.hardware},
                         {"software_packets", host.software},
                         {"hardware_share", Share(host.hardware, host.hardware + host.software)},
                         {"insert_failures", host.insertFailures},
                         {"table_entries_max", nic->GetEntriesMax()},
                         {"insert_backlog_max", table.backlogMax}});
    }
    return {{"mode", m_dc.options.nic ? "offload" : "none"},
            {"hardware_packets", all.hardware},
            {"software_packets", all.software},
            {"hardware_share", Share(all.hardware, all.hardware + all.software)},
            {"exception_packets", all.exceptions},
            {"exceptions", causes},
            {"inserts", all.inserts},
            {"installed", installed},
            {"insert_failures", all.insertFailures},
            {"evictions", all.evictions},
            {"expirations", expirations},
            {"invalidations", all.invalidations},
            {"table_entries_max", entriesMax},
            {"insert_backlog_max", backlogMax},
            {"hosts", hosts}};
}

} // namespace ns3
