#include "full-duplex-ethernet-net-device.h"

#include "full-duplex-ethernet-channel.h"
#include "ns3/drop-tail-queue.h"
#include "ns3/error-model.h"
#include "ns3/ethernet-header.h"
#include "ns3/ethernet-trailer.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/log.h"
#include "ns3/net-device-queue-interface.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/queue.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <vector>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FullDuplexEthernetNetDevice");
NS_OBJECT_ENSURE_REGISTERED(FullDuplexEthernetNetDevice);

namespace
{

/// Products of bits and time steps per second overflow 64 bits at femtosecond resolution.
__extension__ typedef unsigned __int128 WideCount;

/// Smallest MTU an IPv4 link may have (RFC 791).
constexpr uint16_t MIN_MTU = 68;
/// Largest jumbo frame payload datacenter switches commonly accept.
constexpr uint16_t MAX_MTU = 9216;

} // namespace

TypeId
FullDuplexEthernetNetDevice::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::FullDuplexEthernetNetDevice")
            .SetParent<NetDevice>()
            .SetGroupName("Vfp")
            .AddConstructor<FullDuplexEthernetNetDevice>()
            .AddAttribute("Address",
                          "The device's MAC address (the helper allocates a unique one).",
                          Mac48AddressValue(Mac48Address("ff:ff:ff:ff:ff:ff")),
                          MakeMac48AddressAccessor(&FullDuplexEthernetNetDevice::m_address),
                          MakeMac48AddressChecker())
            .AddAttribute("DataRate",
                          "Line rate, each direction. Every frame occupies the wire for its "
                          "preamble and SFD (8 B), header (14 B), payload padded to 46 B, FCS "
                          "(4 B) and the inter-frame gap (12 B) (IEEE 802.3 clauses 3 and "
                          "4.4.2). Default 10 Gb/s (IEEE 802.3ae), a common server link. Must "
                          "be above 0.",
                          DataRateValue(DataRate("10Gbps")),
                          MakeDataRateAccessor(&FullDuplexEthernetNetDevice::SetDataRate,
                                               &FullDuplexEthernetNetDevice::GetDataRate),
                          MakeDataRateChecker())
            .AddAttribute("Mtu",
                          "Largest packet (Ethernet payload, the L3 MTU as ns-3 means it) the "
                          "device sends; a larger one is dropped (MtuDrop). Default 1500, "
                          "Ethernet's maximum payload (IEEE 802.3 clause 3.2.7); 68 (RFC 791) "
                          "to 9216 (jumbo frames).",
                          UintegerValue(1500),
                          MakeUintegerAccessor(&FullDuplexEthernetNetDevice::SetMtu,
                                               &FullDuplexEthernetNetDevice::GetMtu),
                          MakeUintegerChecker<uint16_t>(MIN_MTU, MAX_MTU))
            .AddAttribute("TxQueue",
                          "The transmit queue. Default a DropTailQueue<Packet> with ns-3's "
                          "default MaxSize (100 packets); flow control stops the queue discs "
                          "above it when it cannot take another MTU-sized packet.",
                          PointerValue(),
                          MakePointerAccessor(&FullDuplexEthernetNetDevice::SetQueue,
                                              &FullDuplexEthernetNetDevice::GetQueue),
                          MakePointerChecker<Queue<Packet>>())
            .AddAttribute("EcnThreshold",
                          "ECN marking threshold K: an ECN-capable (ECT) IPv4 packet enqueued "
                          "while the transmit queue already holds at least K (packets or "
                          "bytes, K's unit) gets CE, DCTCP's marking on the instantaneous "
                          "queue (Alizadeh et al., SIGCOMM 2010, which uses K = 65 packets at "
                          "10 Gb/s). Default 0: no marking, as a port without ECN.",
                          QueueSizeValue(QueueSize("0p")),
                          MakeQueueSizeAccessor(&FullDuplexEthernetNetDevice::m_ecnThreshold),
                          MakeQueueSizeChecker())
            .AddAttribute("ReceiveErrorModel",
                          "Decides which received frames are corrupt (dropped, "
                          "ReceiveErrorDrop). Default none: the link has no errors.",
                          PointerValue(),
                          MakePointerAccessor(&FullDuplexEthernetNetDevice::m_receiveErrorModel),
                          MakePointerChecker<ErrorModel>())
            .AddTraceSource("MacTx",
                            "A packet accepted for transmission (with its Ethernet framing).",
                            MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_macTxTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("MacTxDrop",
                            "Any transmit-side drop (queue overflow, MTU, link down).",
                            MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_macTxDropTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("MacRx",
                            "A frame for this host (unicast, broadcast, multicast) handed up.",
                            MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_macRxTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource(
                "MacPromiscRx",
                "A frame handed to the promiscuous receive callback (any destination).",
                MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_macPromiscRxTrace),
                "ns3::Packet::TracedCallback")
            .AddTraceSource(
                "PhyTxBegin",
                "A frame starts onto the wire.",
                MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_phyTxBeginTrace),
                "ns3::Packet::TracedCallback")
            .AddTraceSource("PhyTxEnd",
                            "A frame and its inter-frame gap have left the transmitter.",
                            MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_phyTxEndTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("PhyRxEnd",
                            "A frame has fully arrived (before error and FCS checks).",
                            MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_phyRxEndTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("Sniffer",
                            "Frames sent, and frames received for this host (pcap).",
                            MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_snifferTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource(
                "PromiscSniffer",
                "Every frame sent or received, whatever its destination (promiscuous pcap).",
                MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_promiscSnifferTrace),
                "ns3::Packet::TracedCallback")
            .AddTraceSource(
                "QueueOverflowDrop",
                "A frame dropped because the transmit queue was full.",
                MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_queueOverflowDropTrace),
                "ns3::FullDuplexEthernetNetDevice::DropTracedCallback")
            .AddTraceSource("MtuDrop",
                            "A packet dropped because it was larger than the MTU.",
                            MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_mtuDropTrace),
                            "ns3::FullDuplexEthernetNetDevice::DropTracedCallback")
            .AddTraceSource(
                "LinkDownDrop",
                "A packet sent while the link was down, or a frame in flight when it went down.",
                MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_linkDownDropTrace),
                "ns3::FullDuplexEthernetNetDevice::DropTracedCallback")
            .AddTraceSource(
                "ReceiveErrorDrop",
                "A received frame rejected by the ReceiveErrorModel or its FCS.",
                MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_receiveErrorDropTrace),
                "ns3::FullDuplexEthernetNetDevice::DropTracedCallback")
            .AddTraceSource("EcnMark",
                            "An IPv4 packet whose ECN field was set to CE, with the backlog.",
                            MakeTraceSourceAccessor(&FullDuplexEthernetNetDevice::m_ecnMarkTrace),
                            "ns3::FullDuplexEthernetNetDevice::EcnMarkTracedCallback");
    return tid;
}

FullDuplexEthernetNetDevice::FullDuplexEthernetNetDevice()
{
    NS_LOG_FUNCTION(this);
}

FullDuplexEthernetNetDevice::~FullDuplexEthernetNetDevice()
{
    NS_LOG_FUNCTION(this);
}

void
FullDuplexEthernetNetDevice::NotifyConstructionCompleted()
{
    NS_LOG_FUNCTION(this);
    // Flow control: the traffic-control layer finds this interface and stops or wakes its
    // queue discs as the transmit queue fills and drains.
    AggregateObject(CreateObject<NetDeviceQueueInterface>());
    SetQueue(m_queue ? m_queue : Ptr<Queue<Packet>>(CreateObject<DropTailQueue<Packet>>()));
    NetDevice::NotifyConstructionCompleted();
}

void
FullDuplexEthernetNetDevice::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_node = nullptr;
    m_channel = nullptr;
    m_queue = nullptr;
    m_receiveErrorModel = nullptr;
    m_currentFrame = nullptr;
    m_rxCallback.Nullify();
    m_promiscCallback.Nullify();
    NetDevice::DoDispose();
}

void
FullDuplexEthernetNetDevice::Attach(Ptr<FullDuplexEthernetChannel> channel)
{
    NS_LOG_FUNCTION(this << channel);
    m_channel = channel;
    channel->Attach(this);
}

void
FullDuplexEthernetNetDevice::SetQueue(Ptr<Queue<Packet>> queue)
{
    NS_LOG_FUNCTION(this << queue);
    m_queue = queue;
    Ptr<NetDeviceQueueInterface> flowControl = GetObject<NetDeviceQueueInterface>();
    if (queue && flowControl)
    {
        flowControl->GetTxQueue(0)->ConnectQueueTraces(queue);
    }
}

Ptr<Queue<Packet>>
FullDuplexEthernetNetDevice::GetQueue() const
{
    return m_queue;
}

void
FullDuplexEthernetNetDevice::SetDataRate(DataRate rate)
{
    NS_LOG_FUNCTION(this << rate);
    if (rate.GetBitRate() == 0)
    {
        NS_FATAL_ERROR("FullDuplexEthernetNetDevice: attribute DataRate must be above 0 bps");
    }
    m_rate = rate;
}

DataRate
FullDuplexEthernetNetDevice::GetDataRate() const
{
    return m_rate;
}

uint64_t
FullDuplexEthernetNetDevice::GetDropCount(DropReason reason) const
{
    NS_ASSERT(reason < DROP_REASON_COUNT);
    return m_drops[reason];
}

uint64_t
FullDuplexEthernetNetDevice::GetEcnMarkCount() const
{
    return m_ecnMarks;
}

uint64_t
FullDuplexEthernetNetDevice::GetTxFrames() const
{
    return m_txFrames;
}

uint64_t
FullDuplexEthernetNetDevice::GetTxBytes() const
{
    return m_txBytes;
}

uint64_t
FullDuplexEthernetNetDevice::GetRxFrames() const
{
    return m_rxFrames;
}

uint64_t
FullDuplexEthernetNetDevice::GetRxBytes() const
{
    return m_rxBytes;
}

bool
FullDuplexEthernetNetDevice::Send(Ptr<Packet> packet, const Address& dest, uint16_t protocolNumber)
{
    return SendFrom(packet, m_address, dest, protocolNumber);
}

bool
FullDuplexEthernetNetDevice::SendFrom(Ptr<Packet> packet,
                                      const Address& source,
                                      const Address& dest,
                                      uint16_t protocolNumber)
{
    NS_LOG_FUNCTION(this << packet << source << dest << protocolNumber);
    if (packet->GetSize() > m_mtu)
    {
        Drop(packet, DROP_MTU);
        return false;
    }
    if (!IsLinkUp())
    {
        Drop(packet, DROP_LINK_DOWN);
        return false;
    }
    const uint32_t frameBytes =
        HEADER_BYTES + std::max(packet->GetSize(), MIN_PAYLOAD_BYTES) + FCS_BYTES;
    MarkIfCongested(packet, protocolNumber, frameBytes);
    AddFraming(
        packet, Mac48Address::ConvertFrom(source), Mac48Address::ConvertFrom(dest), protocolNumber);
    m_macTxTrace(packet);
    if (!m_queue->Enqueue(packet))
    {
        Drop(packet, DROP_QUEUE_OVERFLOW);
        return false;
    }
    if (!m_currentFrame)
    {
        m_txCarry = 0; // an idle transmitter starts afresh
        TransmitStart(m_queue->Dequeue());
    }
    return true;
}

void
FullDuplexEthernetNetDevice::MarkIfCongested(Ptr<Packet> packet,
                                             uint16_t protocol,
                                             uint32_t frameBytes)
{
    if (m_ecnThreshold.GetValue() == 0 || protocol != Ipv4L3Protocol::PROT_NUMBER ||
        packet->GetSize() < Ipv4Header().GetSerializedSize())
    {
        return;
    }
    const uint32_t backlog = m_ecnThreshold.GetUnit() == QueueSizeUnit::PACKETS
                                 ? m_queue->GetNPackets()
                                 : m_queue->GetNBytes();
    // A packet the queue will refuse is dropped, not marked.
    if (backlog < m_ecnThreshold.GetValue() || m_queue->WouldOverflow(1, frameBytes))
    {
        return;
    }
    Ipv4Header ip;
    packet->PeekHeader(ip);
    if (ip.GetEcn() != Ipv4Header::ECN_ECT0 && ip.GetEcn() != Ipv4Header::ECN_ECT1)
    {
        return;
    }
    packet->RemoveHeader(ip);
    ip.SetEcn(Ipv4Header::ECN_CE);
    if (Node::ChecksumEnabled())
    {
        ip.EnableChecksum(); // the header's checksum is recomputed when it is written back
    }
    packet->AddHeader(ip);
    ++m_ecnMarks;
    m_ecnMarkTrace(packet, backlog);
}

void
FullDuplexEthernetNetDevice::AddFraming(Ptr<Packet> packet,
                                        Mac48Address source,
                                        Mac48Address destination,
                                        uint16_t protocol)
{
    if (packet->GetSize() < MIN_PAYLOAD_BYTES)
    {
        // Real zero bytes, so that pcap files show the frame as it is on the wire.
        const std::vector<uint8_t> padding(MIN_PAYLOAD_BYTES - packet->GetSize(), 0);
        packet->AddAtEnd(Create<Packet>(padding.data(), padding.size()));
    }
    EthernetHeader header(false);
    header.SetSource(source);
    header.SetDestination(destination);
    header.SetLengthType(protocol);
    packet->AddHeader(header);
    EthernetTrailer trailer;
    trailer.EnableFcs(Node::ChecksumEnabled());
    trailer.CalcFcs(packet);
    packet->AddTrailer(trailer);
}

Time
FullDuplexEthernetNetDevice::WireTime(uint32_t bytes)
{
    // Exact bits / rate in time steps, the remainder carried to the next call, so that a
    // long run carries exactly the line rate whatever the time resolution.
    const WideCount stepsPerSecond = Seconds(1).GetTimeStep();
    const WideCount scaled = WideCount(bytes) * 8 * stepsPerSecond + m_txCarry;
    const uint64_t bitRate = m_rate.GetBitRate();
    m_txCarry = uint64_t(scaled % bitRate);
    return TimeStep(uint64_t(scaled / bitRate));
}

void
FullDuplexEthernetNetDevice::TransmitStart(Ptr<Packet> frame)
{
    NS_LOG_FUNCTION(this << frame);
    m_currentFrame = frame;
    m_snifferTrace(frame);
    m_promiscSnifferTrace(frame);
    m_phyTxBeginTrace(frame);
    const Time frameTime = WireTime(PREAMBLE_BYTES + frame->GetSize());
    const Time gapTime = WireTime(INTER_FRAME_GAP_BYTES);
    Simulator::Schedule(frameTime + gapTime, &FullDuplexEthernetNetDevice::TransmitComplete, this);
    if (!m_channel || !m_channel->TransmitStart(frame, this, frameTime))
    {
        Drop(frame, DROP_LINK_DOWN);
    }
}

void
FullDuplexEthernetNetDevice::TransmitComplete()
{
    NS_LOG_FUNCTION(this);
    NS_ASSERT_MSG(m_currentFrame, "TransmitComplete without a frame in transmission");
    m_phyTxEndTrace(m_currentFrame);
    ++m_txFrames;
    m_txBytes += m_currentFrame->GetSize();
    m_currentFrame = nullptr;
    if (Ptr<Packet> next = m_queue->Dequeue())
    {
        TransmitStart(next);
    }
}

void
FullDuplexEthernetNetDevice::Receive(Ptr<Packet> frame)
{
    NS_LOG_FUNCTION(this << frame);
    m_phyRxEndTrace(frame);
    if (m_receiveErrorModel && m_receiveErrorModel->IsCorrupt(frame))
    {
        Drop(frame, DROP_RECEIVE_ERROR);
        return;
    }
    Ptr<Packet> packet = frame->Copy();
    EthernetTrailer trailer;
    packet->RemoveTrailer(trailer);
    trailer.EnableFcs(Node::ChecksumEnabled());
    if (!trailer.CheckFcs(packet))
    {
        Drop(frame, DROP_RECEIVE_ERROR);
        return;
    }
    EthernetHeader header(false);
    packet->RemoveHeader(header);
    ++m_rxFrames;
    m_rxBytes += frame->GetSize();
    const PacketType type = Classify(header.GetDestination());
    const uint16_t protocol = header.GetLengthType();
    m_promiscSnifferTrace(frame);
    if (!m_promiscCallback.IsNull())
    {
        m_macPromiscRxTrace(frame);
        m_promiscCallback(
            this, packet, protocol, header.GetSource(), header.GetDestination(), type);
    }
    if (type != PACKET_OTHERHOST)
    {
        m_snifferTrace(frame);
        m_macRxTrace(frame);
        if (!m_rxCallback.IsNull())
        {
            m_rxCallback(this, packet, protocol, header.GetSource());
        }
    }
}

NetDevice::PacketType
FullDuplexEthernetNetDevice::Classify(Mac48Address destination) const
{
    if (destination.IsBroadcast())
    {
        return PACKET_BROADCAST;
    }
    if (destination.IsGroup())
    {
        return PACKET_MULTICAST;
    }
    return destination == m_address ? PACKET_HOST : PACKET_OTHERHOST;
}

void
FullDuplexEthernetNetDevice::DropLinkDown(Ptr<const Packet> frame)
{
    Drop(frame, DROP_LINK_DOWN);
}

void
FullDuplexEthernetNetDevice::Drop(Ptr<const Packet> packet, DropReason reason)
{
    NS_LOG_FUNCTION(this << packet << reason);
    ++m_drops[reason];
    switch (reason)
    {
        case DROP_QUEUE_OVERFLOW:
            m_queueOverflowDropTrace(packet);
            break;
        case DROP_MTU:
            m_mtuDropTrace(packet);
            break;
        case DROP_LINK_DOWN:
            m_linkDownDropTrace(packet);
            break;
        case DROP_RECEIVE_ERROR:
            m_receiveErrorDropTrace(packet);
            return; // not a transmit-side drop
        case DROP_REASON_COUNT:
            NS_ASSERT_MSG(false, "not a drop reason");
            return;
    }
    m_macTxDropTrace(packet);
}

void
FullDuplexEthernetNetDevice::NotifyLinkChange()
{
    NS_LOG_FUNCTION(this);
    m_linkChangeCallbacks();
}

void
FullDuplexEthernetNetDevice::SetIfIndex(const uint32_t index)
{
    m_ifIndex = index;
}

uint32_t
FullDuplexEthernetNetDevice::GetIfIndex() const
{
    return m_ifIndex;
}

Ptr<Channel>
FullDuplexEthernetNetDevice::GetChannel() const
{
    return m_channel;
}

void
FullDuplexEthernetNetDevice::SetAddress(Address address)
{
    m_address = Mac48Address::ConvertFrom(address);
}

Address
FullDuplexEthernetNetDevice::GetAddress() const
{
    return m_address;
}

bool
FullDuplexEthernetNetDevice::SetMtu(const uint16_t mtu)
{
    NS_LOG_FUNCTION(this << mtu);
    if (mtu < MIN_MTU || mtu > MAX_MTU)
    {
        NS_LOG_WARN("Mtu " << mtu << " outside " << MIN_MTU << ".." << MAX_MTU << "; unchanged");
        return false;
    }
    m_mtu = mtu;
    return true;
}

uint16_t
FullDuplexEthernetNetDevice::GetMtu() const
{
    return m_mtu;
}

bool
FullDuplexEthernetNetDevice::IsLinkUp() const
{
    return m_channel && m_channel->IsLinkUp();
}

void
FullDuplexEthernetNetDevice::AddLinkChangeCallback(Callback<void> callback)
{
    m_linkChangeCallbacks.ConnectWithoutContext(callback);
}

bool
FullDuplexEthernetNetDevice::IsBroadcast() const
{
    return true;
}

Address
FullDuplexEthernetNetDevice::GetBroadcast() const
{
    return Mac48Address::GetBroadcast();
}

bool
FullDuplexEthernetNetDevice::IsMulticast() const
{
    return true;
}

Address
FullDuplexEthernetNetDevice::GetMulticast(Ipv4Address multicastGroup) const
{
    return Mac48Address::GetMulticast(multicastGroup);
}

Address
FullDuplexEthernetNetDevice::GetMulticast(Ipv6Address addr) const
{
    return Mac48Address::GetMulticast(addr);
}

bool
FullDuplexEthernetNetDevice::IsPointToPoint() const
{
    return false;
}

bool
FullDuplexEthernetNetDevice::IsBridge() const
{
    return false;
}

Ptr<Node>
FullDuplexEthernetNetDevice::GetNode() const
{
    return m_node;
}

void
FullDuplexEthernetNetDevice::SetNode(Ptr<Node> node)
{
    m_node = node;
}

bool
FullDuplexEthernetNetDevice::NeedsArp() const
{
    return true;
}

void
FullDuplexEthernetNetDevice::SetReceiveCallback(NetDevice::ReceiveCallback cb)
{
    m_rxCallback = cb;
}

void
FullDuplexEthernetNetDevice::SetPromiscReceiveCallback(NetDevice::PromiscReceiveCallback cb)
{
    m_promiscCallback = cb;
}

bool
FullDuplexEthernetNetDevice::SupportsSendFrom() const
{
    return true;
}

} // namespace ns3
