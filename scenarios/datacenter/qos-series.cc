#include "qos-series.h"

#include "metrics-support.h"

#include <fmt/format.h>

namespace ns3
{

namespace
{

void
Fill(uint64_t& bytes, uint64_t& packets, const vfp::PacketByteCounter& counter)
{
    bytes += counter.bytes;
    packets += counter.packets;
}

} // namespace

QosSeries::QosSeries(const VfpDatacenterHelper::Datacenter& dc, Time interval)
    : m_dc(dc)
    , m_interval(interval.GetSeconds())
    , m_before(dc.vms.size())
{
}

QosSeries::Counts
QosSeries::Measure(uint32_t vm) const
{
    Counts counts;
    const VfpDatacenterHelper::Vm& where = m_dc.vms[vm];
    Ptr<VfpSwitchNetDevice> vswitch = m_dc.hosts[where.host].vswitch;
    if (!vswitch)
    {
        return counts;
    }
    const vfp::QosShaper& shaper = vswitch->GetEngine().GetQos();
    for (vfp::Direction direction : {vfp::Direction::Outbound, vfp::Direction::Inbound})
    {
        const vfp::QosShaper::Counters& c = shaper.GetCounters(where.port, direction);
        Way& way = direction == vfp::Direction::Outbound ? counts.tx : counts.rx;
        Fill(way.sentBytes, way.sentPackets, c.conforming);
        Fill(way.sentBytes, way.sentPackets, c.queued);
        Fill(way.queuedBytes, way.queuedPackets, c.queued);
        Fill(way.droppedBytes, way.droppedPackets, c.dropped);
    }
    return counts;
}

std::optional<vfp::PortQosSpec>
QosSeries::SpecOf(uint32_t vm) const
{
    const VfpDatacenterHelper::Vm& where = m_dc.vms[vm];
    Ptr<VfpSwitchNetDevice> vswitch = m_dc.hosts[where.host].vswitch;
    if (!vswitch)
    {
        return std::nullopt;
    }
    return vswitch->GetEngine().GetPort(where.port).GetQos();
}

bool
QosSeries::Shaped(uint32_t vm) const
{
    const VfpDatacenterHelper::Vm& where = m_dc.vms[vm];
    Ptr<VfpSwitchNetDevice> vswitch = m_dc.hosts[where.host].vswitch;
    if (!vswitch)
    {
        return false;
    }
    const vfp::QosShaper& shaper = vswitch->GetEngine().GetQos();
    return shaper.IsShaped(where.port, vfp::Direction::Outbound) ||
           shaper.IsShaped(where.port, vfp::Direction::Inbound);
}

void
QosSeries::Sample(bool record, double time)
{
    auto minus = [](const Way& now, const Way& before)
    {
        return Way{now.sentBytes - before.sentBytes,
                   now.queuedBytes - before.queuedBytes,
                   now.droppedBytes - before.droppedBytes,
                   now.sentPackets - before.sentPackets,
                   now.queuedPackets - before.queuedPackets,
                   now.droppedPackets - before.droppedPackets};
    };
    for (uint32_t vm = 0; vm < m_dc.vms.size(); ++vm)
    {
        const Counts now = Measure(vm);
        if (record && Shaped(vm))
        {
            const VfpDatacenterHelper::Vm& where = m_dc.vms[vm];
            const vfp::QosShaper& shaper = m_dc.hosts[where.host].vswitch->GetEngine().GetQos();
            const std::optional<vfp::PortQosSpec> spec = SpecOf(vm);
            m_rows.push_back(Row{time,
                                 vm,
                                 {minus(now.tx, m_before[vm].tx), minus(now.rx, m_before[vm].rx)},
                                 spec && spec->tx ? spec->tx->rateBps : 0,
                                 spec && spec->rx ? spec->rx->rateBps : 0,
                                 shaper.GetShareRate(where.port),
                                 shaper.GetBacklogBytes(where.port, vfp::Direction::Outbound),
                                 shaper.GetBacklogBytes(where.port, vfp::Direction::Inbound)});
        }
        m_before[vm] = now;
    }
}

std::string
QosSeries::VmCsvHeader()
{
    return ",tx_cap_bps,rx_cap_bps,tx_reservation_bps,qos_weight,qos_tx_sent_bytes,"
           "qos_tx_queued_bytes,qos_tx_dropped_bytes,qos_rx_sent_bytes,qos_rx_queued_bytes,"
           "qos_rx_dropped_bytes";
}

std::string
QosSeries::VmCsvRow(uint32_t vm) const
{
    const std::optional<vfp::PortQosSpec> spec = SpecOf(vm);
    const Counts counts = Measure(vm);
    return fmt::format(",{:.0f},{:.0f},{:.0f},{},{},{},{},{},{},{}",
                       spec && spec->tx ? spec->tx->rateBps : 0,
                       spec && spec->rx ? spec->rx->rateBps : 0,
                       spec ? spec->txReservationBps : 0,
                       spec ? spec->weight : 1,
                       counts.tx.sentBytes,
                       counts.tx.queuedBytes,
                       counts.tx.droppedBytes,
                       counts.rx.sentBytes,
                       counts.rx.queuedBytes,
                       counts.rx.droppedBytes);
}

void
QosSeries::WriteCsv(const std::string& directory) const
{
    if (m_rows.empty())
    {
        return;
    }
    std::ofstream csv = OpenOutput(directory, "qos.csv");
    csv << "time_s,vm,host,tx_mbps,rx_mbps,tx_cap_mbps,rx_cap_mbps,tx_share_mbps,"
           "tx_queued_bytes,tx_dropped_bytes,rx_queued_bytes,rx_dropped_bytes,tx_backlog_bytes,"
           "rx_backlog_bytes\n";
    auto mbps = [this](uint64_t bytes) { return bytes * 8.0 / m_interval / 1e6; };
    for (const Row& row : m_rows)
    {
        csv << fmt::format("{:.6f},{},{},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{},{},{},{},{},{}\n",
                           row.time,
                           m_dc.vms[row.vm].port,
                           m_dc.vms[row.vm].host,
                           mbps(row.counts.tx.sentBytes),
                           mbps(row.counts.rx.sentBytes),
                           row.txCapBps / 1e6,
                           row.rxCapBps / 1e6,
                           row.shareBps / 1e6,
                           row.counts.tx.queuedBytes,
                           row.counts.tx.droppedBytes,
                           row.counts.rx.queuedBytes,
                           row.counts.rx.droppedBytes,
                           row.txBacklog,
                           row.rxBacklog);
    }
}

nlohmann::json
QosSeries::Json() const
{
    auto way = [](const Way& w)
    {
        return nlohmann::json{{"sent_bytes", w.sentBytes},
                              {"sent_packets", w.sentPackets},
                              {"queued_bytes", w.queuedBytes},
                              {"queued_packets", w.queuedPackets},
                              {"dropped_bytes", w.droppedBytes},
                              {"dropped_packets", w.droppedPackets}};
    };
    nlohmann::json vms = nlohmann::json::array();
    Way tx;
    Way rx;
    uint32_t shaped = 0;
    for (uint32_t vm = 0; vm < m_dc.vms.size(); ++vm)
    {
        const std::optional<vfp::PortQosSpec> spec = SpecOf(vm);
        const Counts counts = Measure(vm);
        if (!spec && counts.tx.sentPackets + counts.rx.sentPackets + counts.tx.droppedPackets +
                             counts.rx.droppedPackets ==
                         0)
        {
            continue;
        }
        ++shaped;
        for (auto [total, part] : {std::pair<Way*, const Way*>{&tx, &counts.tx}, {&rx, &counts.rx}})
        {
            total->sentBytes += part->sentBytes;
            total->sentPackets += part->sentPackets;
            total->queuedBytes += part->queuedBytes;
            total->queuedPackets += part->queuedPackets;
            total->droppedBytes += part->droppedBytes;
            total->droppedPackets += part->droppedPackets;
        }
        vms.push_back({{"vm", m_dc.vms[vm].port},
                       {"host", m_dc.vms[vm].host},
                       {"tx_cap_bps", spec && spec->tx ? spec->tx->rateBps : 0},
                       {"rx_cap_bps", spec && spec->rx ? spec->rx->rateBps : 0},
                       {"tx_reservation_bps", spec ? spec->txReservationBps : 0},
                       {"weight", spec ? spec->weight : 1},
                       {"tx", way(counts.tx)},
                       {"rx", way(counts.rx)}});
    }
    return {{"shaped_vms", shaped}, {"tx", way(tx)}, {"rx", way(rx)}, {"vms", vms}};
}

} // namespace ns3
