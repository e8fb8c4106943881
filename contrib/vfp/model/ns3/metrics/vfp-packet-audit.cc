#include "vfp-packet-audit.h"

#include "ns3/arp-l3-protocol.h"
#include "ns3/ethernet-header.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/queue-disc.h"
#include "ns3/queue.h"
#include "ns3/tag.h"
#include "ns3/traffic-control-layer.h"

namespace ns3
{

namespace
{

/// The audit's mark on a frame.
class AuditTag : public Tag
{
public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::VfpAuditTag")
                                .SetParent<Tag>()
                                .SetGroupName("Vfp")
                                .AddConstructor<AuditTag>();
        return tid;
    }
    TypeId GetInstanceTypeId() const override { return GetTypeId(); }
    uint32_t GetSerializedSize() const override { return 12; }
    void Serialize(TagBuffer buffer) const override
    {
        buffer.WriteU64(id);
        buffer.WriteU32(tenant);
    }
    void Deserialize(TagBuffer buffer) override
    {
        id = buffer.ReadU64();
        tenant = buffer.ReadU32();
    }
    void Print(std::ostream& os) const override { os << "audit=" << id << " tenant=" << tenant; }

    uint64_t id = 0;     //!< serial number
    uint32_t tenant = 0; //!< the sender's tenant
};

/// Whether a frame as a device traces it carries IPv4: with an Ethernet header first (CSMA),
/// a PPP header first (point-to-point), or none.
bool
IsIpv4Frame(Ptr<const Packet> packet)
{
    EthernetHeader eth;
    if (packet->PeekHeader(eth) == eth.GetSerializedSize() &&
        eth.GetLengthType() == Ipv4L3Protocol::PROT_NUMBER)
    {
        return true;
    }
    uint8_t start[3] = {0, 0, 0};
    const uint32_t copied = packet->CopyData(start, 3);
    const bool ppp = copied == 3 && start[0] == 0x00 && start[1] == 0x21 && (start[2] >> 4) == 4;
    return ppp || (copied >= 1 && start[0] == 0x45);
}

/// ns-3's IPv4 drop reason as a word.
std::string
Ipv4DropName(Ipv4L3Protocol::DropReason reason)
{
    switch (reason)
    {
        case Ipv4L3Protocol::DROP_TTL_EXPIRED:
            return "ttl_expired";
        case Ipv4L3Protocol::DROP_NO_ROUTE:
            return "no_route";
        case Ipv4L3Protocol::DROP_BAD_CHECKSUM:
            return "bad_checksum";
        case Ipv4L3Protocol::DROP_INTERFACE_DOWN:
            return "interface_down";
        case Ipv4L3Protocol::DROP_ROUTE_ERROR:
            return "route_error";
        case Ipv4L3Protocol::DROP_FRAGMENT_TIMEOUT:
            return "fragment_timeout";
        case Ipv4L3Protocol::DROP_DUPLICATE:
            return "duplicate";
    }
    return "ipv4_" + std::to_string(int(reason));
}

} // namespace

void
VfpPacketAudit::WatchVm(Ptr<NetDevice> vnic, uint32_t tenant)
{
    vnic->TraceConnectWithoutContext("MacTx",
                                     MakeCallback(&VfpPacketAudit::Sent, this).Bind(tenant));
    vnic->TraceConnectWithoutContext("MacRx",
                                     MakeCallback(&VfpPacketAudit::Received, this).Bind(tenant));
}

void
VfpPacketAudit::WatchOutside(Ptr<NetDevice> device)
{
    WatchVm(device, OUTSIDE);
}

void
VfpPacketAudit::WatchSwitch(Ptr<VfpSwitchNetDevice> vswitch, const std::string& place)
{
    // Bound through lambdas whose signatures match the traces' exactly (binding a
    // const std::string& parameter makes ns-3 3.37 cast between callback types).
    vswitch->TraceConnectWithoutContext("Drop",
                                        MakeCallback(+[](VfpPacketAudit* audit,
                                                         const std::string* where,
                                                         Ptr<const Packet> packet,
                                                         const std::string& reason) {
                                            audit->Dropped({*where, "switch", reason}, packet);
                                        }).Bind(this, Intern(place)));
}

const std::string*
VfpPacketAudit::Intern(const std::string& text)
{
    return &*m_names.insert(text).first;
}

void
VfpPacketAudit::Connect(Ptr<Object> source,
                        const std::string& trace,
                        const std::string& place,
                        const std::string& device,
                        const std::string& reason)
{
    source->TraceConnectWithoutContext(
        trace,
        MakeCallback(+[](VfpPacketAudit* audit, const DropSite* site, Ptr<const Packet> packet) {
            audit->Dropped(*site, packet);
        }).Bind(this, &*m_sites.insert(DropSite{place, device, reason}).first));
}

void
VfpPacketAudit::WatchDevice(Ptr<NetDevice> device,
                            const std::string& place,
                            const std::string& name)
{
    // The device's per-cause drops (FullDuplexEthernetNetDevice), else ns-3's usual ones.
    static const std::vector<std::pair<const char*, const char*>> traces = {
        {"QueueOverflowDrop", "queue_overflow"},
        {"MtuDrop", "mtu_exceeded"},
        {"LinkDownDrop", "link_down"},
        {"ReceiveErrorDrop", "receive_error"},
        {"PhyTxDrop", "phy_tx"},
        {"PhyRxDrop", "phy_rx"}};
    TypeId::TraceSourceInformation info;
    for (const auto& [trace, reason] : traces)
    {
        if (device->GetInstanceTypeId().LookupTraceSourceByName(trace, &info))
        {
            Connect(device, trace, place, name, reason);
        }
    }
}

void
VfpPacketAudit::WatchNode(Ptr<Node> node, const std::string& place, bool router)
{
    Ptr<TrafficControlLayer> tc = node->GetObject<TrafficControlLayer>();
    if (tc)
    {
        // No queue disc and a stopped device queue: traffic control drops it.
        Connect(tc, "TcDrop", place, "tc", "device_busy");
    }
    for (uint32_t i = 0; i < node->GetNDevices(); ++i)
    {
        Ptr<NetDevice> device = node->GetDevice(i);
        const std::string name = "if" + std::to_string(i);
        WatchDevice(device, place, name);
        if (Ptr<QueueDisc> disc = tc ? tc->GetRootQueueDiscOnDevice(device) : nullptr)
        {
            disc->TraceConnectWithoutContext(
                "Drop",
                MakeCallback(+[](VfpPacketAudit* audit,
                                 const DropSite* site,
                                 Ptr<const QueueDiscItem> item) {
                    audit->Dropped(*site, item->GetPacket());
                }).Bind(this, &*m_sites.insert(DropSite{place, name, "queue_disc"}).first));
        }
    }
    if (router)
    {
        if (Ptr<Ipv4L3Protocol> ip = node->GetObject<Ipv4L3Protocol>())
        {
            ip->TraceConnectWithoutContext(
                "Drop",
                MakeCallback(+[](VfpPacketAudit* audit,
                                 const std::string* where,
                                 const Ipv4Header&,
                                 Ptr<const Packet> packet,
                                 Ipv4L3Protocol::DropReason reason,
                                 Ptr<Ipv4>,
                                 uint32_t) {
                    audit->Dropped({*where, "ipv4", Ipv4DropName(reason)}, packet);
                }).Bind(this, Intern(place)));
        }
        if (Ptr<ArpL3Protocol> arp = node->GetObject<ArpL3Protocol>())
        {
            Connect(arp, "Drop", place, "arp", "unresolved");
        }
    }
}

void
VfpPacketAudit::Sent(uint32_t tenant, Ptr<const Packet> packet)
{
    if (!IsIpv4Frame(packet))
    {
        return;
    }
    AuditTag tag;
    if (packet->PeekPacketTag(tag))
    {
        return; // already on its way (a device traced it again)
    }
    tag.id = m_nextId++;
    tag.tenant = tenant;
    packet->AddPacketTag(tag);
    m_inFlight.insert(tag.id);
    ++m_sent;
}

bool
VfpPacketAudit::Settle(Ptr<const Packet> packet, uint32_t* tenant)
{
    AuditTag tag;
    if (!packet->PeekPacketTag(tag))
    {
        return false;
    }
    if (m_inFlight.erase(tag.id) == 0)
    {
        ++m_unmatched;
        return false;
    }
    *tenant = tag.tenant;
    return true;
}

void
VfpPacketAudit::Received(uint32_t tenant, Ptr<const Packet> packet)
{
    uint32_t sender = 0;
    if (Settle(packet, &sender))
    {
        ++m_delivered;
        m_crossTenant += sender != tenant && sender != OUTSIDE && tenant != OUTSIDE;
    }
}

void
VfpPacketAudit::Dropped(const DropSite& site, Ptr<const Packet> packet)
{
    uint32_t sender = 0;
    if (Settle(packet, &sender))
    {
        ++m_dropped[site];
    }
}

std::map<std::string, uint64_t>
VfpPacketAudit::GetDropped() const
{
    std::map<std::string, uint64_t> byReason;
    for (const auto& [site, count] : m_dropped)
    {
        byReason[site.reason] += count;
    }
    return byReason;
}

uint64_t
VfpPacketAudit::GetDroppedTotal() const
{
    uint64_t total = 0;
    for (const auto& [site, count] : m_dropped)
    {
        total += count;
    }
    return total;
}

bool
VfpPacketAudit::Balances() const
{
    return m_unmatched == 0 && m_sent == m_delivered + GetDroppedTotal() + GetInFlight();
}

} // namespace ns3
