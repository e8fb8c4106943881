#include "vfp-programmable-nic.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VfpProgrammableNic");
NS_OBJECT_ENSURE_REGISTERED(VfpProgrammableNic);

namespace
{

/// The VM's own TCP flags, if its innermost group is TCP.
bool
IsTcpControl(const vfp::HeaderStack& packet)
{
    const vfp::HeaderGroup& vm = packet[packet.count - 1];
    return vm.l4 == vfp::L4Type::Tcp &&
           (vm.transport.tcpFlags &
            (vfp::TcpFlags::SYN | vfp::TcpFlags::FIN | vfp::TcpFlags::RST)) != 0;
}

/// The name of a lookup that found nothing usable.
std::string
MissCause(vfp::OffloadOutcome outcome)
{
    switch (outcome)
    {
        case vfp::OffloadOutcome::Pending:
            return "pending";
        case vfp::OffloadOutcome::Stale:
            return "stale";
        default:
            return "miss";
    }
}

} // namespace

TypeId
VfpProgrammableNic::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::VfpProgrammableNic")
            .SetParent<Object>()
            .SetGroupName("Vfp")
            .AddConstructor<VfpProgrammableNic>()
            .AddAttribute("Capacity",
                          "Flows in the table, both tiers: AccelNet's about 1M flows in NIC "
                          "DRAM (NSDI'18).",
                          UintegerValue(1'000'000),
                          MakeUintegerAccessor(&VfpProgrammableNic::m_capacity),
                          MakeUintegerChecker<uint32_t>(1, 100'000'000))
            .AddAttribute("FastCapacity",
                          "Flows in the fast tier, at most Capacity (a larger value is cut to "
                          "it): AccelNet's on-chip cache of about 2K flows.",
                          UintegerValue(2048),
                          MakeUintegerAccessor(&VfpProgrammableNic::m_fastCapacity),
                          MakeUintegerChecker<uint32_t>(0, 100'000'000))
            .AddAttribute("FastLatency",
                          "Lookup time of a fast-tier hit (assumption of ours: on-chip SRAM).",
                          TimeValue(NanoSeconds(50)),
                          MakeTimeAccessor(&VfpProgrammableNic::m_fastLatency),
                          MakeTimeChecker(Seconds(0), MilliSeconds(1)))
            .AddAttribute("LargeLatency",
                          "Lookup time of every other lookup (assumption of ours: a DRAM "
                          "access; AccelNet reports VM-to-VM TCP latency under 15 us in all).",
                          TimeValue(NanoSeconds(300)),
                          MakeTimeAccessor(&VfpProgrammableNic::m_largeLatency),
                          MakeTimeChecker(Seconds(0), MilliSeconds(1)))
            .AddAttribute("InsertLatency",
                          "From an insert's service to its entry being visible (assumption of "
                          "ours: a PCIe write and the NIC's table update).",
                          TimeValue(MicroSeconds(10)),
                          MakeTimeAccessor(&VfpProgrammableNic::m_insertLatency),
                          MakeTimeChecker(Seconds(0), Seconds(1)))
            .AddAttribute("MaxInsertRate",
                          "Inserts a second the NIC takes, 0: no limit (assumption of ours).",
                          DoubleValue(1e6),
                          MakeDoubleAccessor(&VfpProgrammableNic::m_maxInsertRate),
                          MakeDoubleChecker<double>(0, 1e9))
            .AddAttribute("MaxBacklog",
                          "Pending inserts at most, 0: no limit (assumption of ours).",
                          UintegerValue(65536),
                          MakeUintegerAccessor(&VfpProgrammableNic::m_maxBacklog),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("IdleTimeout",
                          "Entries unused this long leave the table, 0: never (TCP close and "
                          "software's own expiry remove them).",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&VfpProgrammableNic::m_idleTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("Eviction",
                          "At capacity: lru (evict the least recently used entry) or none "
                          "(refuse; the flow stays in software).",
                          StringValue("lru"),
                          MakeStringAccessor(&VfpProgrammableNic::m_eviction),
                          MakeStringChecker())
            .AddAttribute("OffloadAfter",
                          "Packets of a flow allowed in software before it is offloaded: 1, "
                          "at the first (AccelNet); more offloads only flows that prove busy "
                          "(Andromeda's Hoverboard).",
                          UintegerValue(1),
                          MakeUintegerAccessor(&VfpProgrammableNic::m_offloadAfter),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("SyncInterval",
                          "How often hardware counters flow back to the ports' meters "
                          "(assumption of ours; they also flow back when an entry leaves).",
                          TimeValue(MilliSeconds(10)),
                          MakeTimeAccessor(&VfpProgrammableNic::m_syncInterval),
                          MakeTimeChecker(MicroSeconds(1)))
            .AddAttribute("PacketRate",
                          "Packets a second the NIC forwards in hardware: 40 GbE line rate of "
                          "64-byte frames (AccelNet's NICs), 59.52 Mpps.",
                          DoubleValue(59.52e6),
                          MakeDoubleAccessor(&VfpProgrammableNic::m_packetRate),
                          MakeDoubleChecker<double>(1, 1e10))
            .AddAttribute("QosOffload",
                          "Whether the NIC applies the ports' QoS caps and reservations, so "
                          "shaping costs the host CPU nothing (paper §9: port-level QoS "
                          "offloaded to NICs with transmit caps and reservations). Off: the "
                          "host shapes in software, and a shaped port's flows stay there.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&VfpProgrammableNic::m_qosOffload),
                          MakeBooleanChecker())
            .AddTraceSource("Entries",
                            "Resident entries, both tiers.",
                            MakeTraceSourceAccessor(&VfpProgrammableNic::m_entries),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("Backlog",
                            "Pending inserts.",
                            MakeTraceSourceAccessor(&VfpProgrammableNic::m_backlog),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("Hardware",
                            "A packet forwarded in hardware.",
                            MakeTraceSourceAccessor(&VfpProgrammableNic::m_hardwareTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("Exception",
                            "A packet sent to software: miss, pending, stale, tcp_control or "
                            "gone (its software unified flow ended).",
                            MakeTraceSourceAccessor(&VfpProgrammableNic::m_exceptionTrace),
                            "ns3::VfpProgrammableNic::ExceptionCallback");
    return tid;
}

VfpProgrammableNic::VfpProgrammableNic() = default;
VfpProgrammableNic::~VfpProgrammableNic() = default;

void
VfpProgrammableNic::DoDispose()
{
    Simulator::Cancel(m_sync);
    m_table.reset();
    m_owners.clear();
    m_tags.clear();
    Object::DoDispose();
}

void
VfpProgrammableNic::NotifyConstructionCompleted()
{
    Object::NotifyConstructionCompleted();
    const std::optional<vfp::OffloadEviction> eviction = vfp::ParseOffloadEviction(m_eviction);
    if (!eviction)
    {
        throw std::invalid_argument("ns3::VfpProgrammableNic::Eviction: expected lru or none, "
                                    "got \"" +
                                    m_eviction + "\"");
    }
    vfp::OffloadTableConfig config;
    config.capacity = m_capacity;
    config.fastCapacity = std::min(m_fastCapacity, m_capacity);
    config.fastLatency = m_fastLatency.GetSeconds();
    config.largeLatency = m_largeLatency.GetSeconds();
    config.insertLatency = m_insertLatency.GetSeconds();
    config.maxInsertRate = m_maxInsertRate;
    config.maxBacklog = m_maxBacklog;
    config.idleTimeout = m_idleTimeout.GetSeconds();
    config.eviction = *eviction;
    try
    {
        m_table = std::make_unique<vfp::OffloadTable>(config);
    }
    catch (const std::invalid_argument& error)
    {
        throw std::invalid_argument(std::string("ns3::VfpProgrammableNic: ") + error.what());
    }
    m_table->SetRemovalHandler(
        [this](const vfp::UnifiedFlowKey& key, const vfp::OffloadEntry& entry, vfp::OffloadRemoval)
        { Account(key, entry); });
}

vfp::OffloadTable&
VfpProgrammableNic::Table()
{
    if (!m_syncStarted)
    {
        m_syncStarted = true;
        m_sync = Simulator::Schedule(m_syncInterval, &VfpProgrammableNic::ScheduledSync, this);
    }
    return *m_table;
}

vfp::OffloadCounters
VfpProgrammableNic::GetTableCounters() const
{
    return m_table ? m_table->Counters() : vfp::OffloadCounters{};
}

uint64_t
VfpProgrammableNic::GetExceptionPackets() const
{
    uint64_t total = 0;
    for (const auto& [cause, count] : m_exceptions)
    {
        total += count;
    }
    return total;
}

std::optional<VfpProgrammableNic::Forwarded>
VfpProgrammableNic::Exception(Ptr<const Packet> frame, const std::string& cause)
{
    ++m_exceptions[cause];
    m_exceptionTrace(frame, cause);
    return std::nullopt;
}

std::optional<VfpProgrammableNic::Forwarded>
VfpProgrammableNic::Offer(vfp::Port& port,
                          const vfp::UnifiedFlowKey& key,
                          const vfp::HeaderStack& packet,
                          Ptr<const Packet> frame)
{
    if (IsTcpControl(packet))
    {
        return Exception(frame, "tcp_control");
    }
    const double now = Simulator::Now().GetSeconds();
    const vfp::OffloadLookup lookup =
        Table().Lookup(key, port.GetGeneration(), now, packet.SizeBytes());
    if (!lookup.Hit())
    {
        UpdateGauges();
        return Exception(frame, MissCause(lookup.outcome));
    }
    if (!port.HasCurrentFlow(key))
    {
        // Software ended the unified flow (its connection expired, say): it takes the
        // entry out of hardware too.
        Table().Remove(key, now);
        UpdateGauges();
        return Exception(frame, "gone");
    }
    Forwarded forwarded;
    forwarded.ht = lookup.entry->ht;
    const Time start = std::max(Simulator::Now(), m_busyUntil);
    m_busyUntil = start + Seconds(1.0 / m_packetRate);
    forwarded.latency = m_busyUntil - Simulator::Now() + Seconds(lookup.latency);
    ++m_hardware;
    m_hardwareTrace(frame);
    return forwarded;
}

void
VfpProgrammableNic::Learn(vfp::Port& port,
                          const vfp::UnifiedFlowKey& key,
                          const vfp::HeaderStack& packet,
                          const vfp::ProcessResult& result)
{
    const double now = Simulator::Now().GetSeconds();
    const vfp::HeaderGroup& vm = packet[packet.count - 1];
    if (vm.l4 == vfp::L4Type::Tcp &&
        (vm.transport.tcpFlags & (vfp::TcpFlags::FIN | vfp::TcpFlags::RST)) != 0)
    {
        Table().Remove(key, now); // TCP close: out of hardware (counters accounted)
        m_seen.erase(key);
        UpdateGauges();
        return;
    }
    if (result.verdict != vfp::Verdict::Allow || IsTcpControl(packet) || !port.HasCurrentFlow(key))
    {
        return;
    }
    if (m_offloadAfter > 1)
    {
        Seen& seen = m_seen[key];
        seen.port = &port;
        if (++seen.packets < m_offloadAfter)
        {
            return;
        }
    }
    m_seen.erase(key);
    if (m_full)
    {
        ++m_refusedWhileFull;
        return;
    }
    vfp::OffloadEntry entry;
    entry.ht = result.ht;
    entry.generation = port.GetGeneration();
    entry.sizeDelta = int32_t(int64_t(result.packet.SizeBytes()) - int64_t(packet.SizeBytes()));
    entry.owner = OwnerOf(port);
    Table().Insert(key, entry, now);
    UpdateGauges();
}

uint32_t
VfpProgrammableNic::OwnerOf(vfp::Port& port)
{
    auto [it, added] = m_tags.try_emplace(&port, uint32_t(m_owners.size()));
    if (added)
    {
        m_owners.push_back(&port);
    }
    return it->second;
}

void
VfpProgrammableNic::Account(const vfp::UnifiedFlowKey& key, const vfp::OffloadEntry& entry)
{
    if (entry.packets == 0)
    {
        return;
    }
    m_owners[entry.owner]->AccountOffloaded(
        key, entry.packets, entry.bytes, entry.sizeDelta, Simulator::Now().GetSeconds());
}

void
VfpProgrammableNic::Sync()
{
    if (!m_table) // disposed
    {
        return;
    }
    for (auto it = m_seen.begin(); it != m_seen.end();)
    {
        if (it->second.port->HasCurrentFlow(it->first))
        {
            ++it;
        }
        else
        {
            m_seen.erase(it++); // its software flow ended before it proved busy
        }
    }
    m_table->Expire(Simulator::Now().GetSeconds());
    m_table->SyncCounters([this](const vfp::UnifiedFlowKey& key, const vfp::OffloadEntry& entry)
                          { Account(key, entry); });
    UpdateGauges();
}

void
VfpProgrammableNic::ScheduledSync()
{
    Sync();
    m_sync = Simulator::Schedule(m_syncInterval, &VfpProgrammableNic::ScheduledSync, this);
}

void
VfpProgrammableNic::UpdateGauges()
{
    m_entries = uint32_t(m_table->Entries());
    m_backlog = uint32_t(m_table->Backlog());
    m_entriesMax = std::max<uint64_t>(m_entriesMax, m_table->Entries());
}

} // namespace ns3
