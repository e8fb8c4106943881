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
VfpPacketAudit::WatchSwitch(Ptr<VfpSwitchNetDevice> vswitch)
{
    vswitch->TraceConnectWithoutContext("Drop",
                                        MakeCallback(+[](VfpPacketAudit* audit,
                                                         Ptr<const Packet> packet,
                                                         const std::string& reason) {
                                            audit->Dropped("switch:" + reason, packet);
                                        }).Bind(this));
}

void
VfpPacketAudit::WatchNode(Ptr<Node> node, bool router)
{
    // A lambda, not MakeCallback(&Dropped, this).Bind(reason): ns-3 3.37's Bind deduces
    // std::string and casts the const std::string& callback to it (UBSan: vptr).
    auto dropAs = [this](const std::string& reason)
    {
        return Callback<void, Ptr<const Packet>>([this, reason](Ptr<const Packet> packet)
                                                 { Dropped(reason, packet); });
    };
    Ptr<TrafficControlLayer> tc = node->GetObject<TrafficControlLayer>();
    for (uint32_t i = 0; i < node->GetNDevices(); ++i)
    {
        Ptr<NetDevice> device = node->GetDevice(i);
        PointerValue queue;
        TypeId::AttributeInformation info;
        if (device->GetInstanceTypeId().LookupAttributeByName("TxQueue", &info))
        {
            device->GetAttribute("TxQueue", queue);
            if (Ptr<Queue<Packet>> packets = queue.Get<Queue<Packet>>())
            {
                packets->TraceConnectWithoutContext("Drop", dropAs("device_queue"));
            }
            device->TraceConnectWithoutContext("PhyTxDrop", dropAs("phy_tx"));
            device->TraceConnectWithoutContext("PhyRxDrop", dropAs("phy_rx"));
        }
        if (Ptr<QueueDisc> disc = tc ? tc->GetRootQueueDiscOnDevice(device) : nullptr)
        {
            disc->TraceConnectWithoutContext(
                "Drop", MakeCallback(+[](VfpPacketAudit* audit, Ptr<const QueueDiscItem> item) {
                            audit->Dropped("queue_disc", item->GetPacket());
                        }).Bind(this));
        }
    }
    if (router)
    {
        if (Ptr<Ipv4L3Protocol> ip = node->GetObject<Ipv4L3Protocol>())
        {
            ip->TraceConnectWithoutContext("Drop",
                                           MakeCallback(+[](VfpPacketAudit* audit,
                                                            const Ipv4Header&,
                                                            Ptr<const Packet> packet,
                                                            Ipv4L3Protocol::DropReason reason,
                                                            Ptr<Ipv4>,
                                                            uint32_t) {
                                               audit->Dropped("ipv4:" + std::to_string(int(reason)),
                                                              packet);
                                           }).Bind(this));
        }
        if (Ptr<ArpL3Protocol> arp = node->GetObject<ArpL3Protocol>())
        {
            arp->TraceConnectWithoutContext("Drop", dropAs("arp"));
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
VfpPacketAudit::Dropped(const std::string& reason, Ptr<const Packet> packet)
{
    uint32_t sender = 0;
    if (Settle(packet, &sender))
    {
        ++m_dropped[reason];
    }
}

uint64_t
VfpPacketAudit::GetDroppedTotal() const
{
    uint64_t total = 0;
    for (const auto& [reason, count] : m_dropped)
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
