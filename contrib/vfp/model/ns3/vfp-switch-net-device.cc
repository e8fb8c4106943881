#include "vfp-switch-net-device.h"

#include "ns3/boolean.h"
#include "ns3/channel.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VfpSwitchNetDevice");
NS_OBJECT_ENSURE_REGISTERED(VfpSwitchNetDevice);

TypeId
VfpSwitchNetDevice::GetTypeId()
{
    const vfp::TrackerConfig defaults;
    static TypeId tid =
        TypeId("ns3::VfpSwitchNetDevice")
            .SetParent<NetDevice>()
            .SetGroupName("Vfp")
            .AddConstructor<VfpSwitchNetDevice>()
            .AddAttribute("UftEnabled",
                          "Cache slow-path results in the unified flow table (the fast path). "
                          "Set before the first port is added.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&VfpSwitchNetDevice::m_uftEnabled),
                          MakeBooleanChecker())
            .AddAttribute("HalfOpenTimeout",
                          "How long a TCP connection may stay half-open (SYN flood protection).",
                          TimeValue(Seconds(defaults.halfOpenTimeout)),
                          MakeTimeAccessor(&VfpSwitchNetDevice::m_halfOpenTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("EstablishedTimeout",
                          "Idle time after which an established TCP connection ends.",
                          TimeValue(Seconds(defaults.establishedTimeout)),
                          MakeTimeAccessor(&VfpSwitchNetDevice::m_establishedTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("TimeWait",
                          "TIME_WAIT after a TCP close (2 MSL): SNAT ports are not reused before.",
                          TimeValue(Seconds(defaults.timeWait)),
                          MakeTimeAccessor(&VfpSwitchNetDevice::m_timeWait),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("UdpTimeout",
                          "Idle time after which a UDP flow ends.",
                          TimeValue(Seconds(defaults.udpTimeout)),
                          MakeTimeAccessor(&VfpSwitchNetDevice::m_udpTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("MaxConnections",
                          "Connections tracked per port (the paper supports 500k); new ones beyond "
                          "are dropped with reason connection_limit.",
                          UintegerValue(defaults.maxConnections),
                          MakeUintegerAccessor(&VfpSwitchNetDevice::m_maxConnections),
                          MakeUintegerChecker<uint32_t>(1))
            .AddTraceSource("Drop",
                            "A packet the switch dropped, and why (an engine drop reason, "
                            "\"hold\", \"malformed: ...\" or \"no_port\").",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_dropTrace),
                            "ns3::VfpSwitchNetDevice::DropTracedCallback")
            .AddTraceSource("FastPath",
                            "A packet that hit a unified flow.",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_fastPathTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("SlowPath",
                            "A packet that ran through the layers.",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_slowPathTrace),
                            "ns3::Packet::TracedCallback");
    return tid;
}

VfpSwitchNetDevice::VfpSwitchNetDevice()
{
    NS_LOG_FUNCTION(this);
}

VfpSwitchNetDevice::~VfpSwitchNetDevice() = default;

void
VfpSwitchNetDevice::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_portNames.clear();
    m_portDevices.clear();
    m_uplink = nullptr;
    m_node = nullptr;
    m_engine.reset();
    NetDevice::DoDispose();
}

vfp::PortConfig
VfpSwitchNetDevice::MakeConfig() const
{
    vfp::PortConfig config;
    config.uftEnabled = m_uftEnabled;
    config.tracker.halfOpenTimeout = m_halfOpenTimeout.GetSeconds();
    config.tracker.establishedTimeout = m_establishedTimeout.GetSeconds();
    config.tracker.timeWait = m_timeWait.GetSeconds();
    config.tracker.udpTimeout = m_udpTimeout.GetSeconds();
    config.tracker.maxConnections = m_maxConnections;
    return config;
}

vfp::Switch&
VfpSwitchNetDevice::GetEngine()
{
    if (!m_engine)
    {
        m_engine = std::make_unique<vfp::Switch>(MakeConfig());
    }
    return *m_engine;
}

vfp::Port&
VfpSwitchNetDevice::AddVmPort(Ptr<NetDevice> device, const vfp::PortSpec& spec)
{
    NS_LOG_FUNCTION(this << device << spec.name);
    NS_ABORT_MSG_IF(m_node == nullptr, "VfpSwitchNetDevice: add the switch to its node before its ports");
    NS_ABORT_MSG_IF(device->GetNode() != m_node, "VfpSwitchNetDevice: a port device must be on the switch's node");
    vfp::Port& port = GetEngine().AddPort(spec);
    m_portNames[device] = spec.name;
    m_portDevices[spec.name] = device;
    m_node->RegisterProtocolHandler(MakeCallback(&VfpSwitchNetDevice::ReceiveFromVm, this), 0, device, true);
    return port;
}

void
VfpSwitchNetDevice::SetUplink(Ptr<NetDevice> device)
{
    NS_LOG_FUNCTION(this << device);
    NS_ABORT_MSG_IF(m_node == nullptr, "VfpSwitchNetDevice: add the switch to its node before its uplink");
    m_uplink = device;
    m_node->RegisterProtocolHandler(MakeCallback(&VfpSwitchNetDevice::ReceiveFromUplink, this), 0, device, true);
}

void
VfpSwitchNetDevice::Drop(Ptr<const Packet> packet, const std::string& reason)
{
    NS_LOG_LOGIC("drop " << packet->GetUid() << ": " << reason);
    m_dropTrace(packet, reason);
}

void
VfpSwitchNetDevice::Count(Ptr<const Packet> packet, const vfp::ProcessResult& result)
{
    if (result.path == vfp::PathTaken::Fast)
    {
        m_fastPathTrace(packet);
    }
    else
    {
        m_slowPathTrace(packet);
    }
}

void
VfpSwitchNetDevice::ReceiveFromVm(Ptr<NetDevice> device, Ptr<const Packet> packet, uint16_t protocol,
                                  const Address& source, const Address& destination, PacketType)
{
    NS_LOG_FUNCTION(this << device << packet);
    auto named = m_portNames.find(device);
    if (named == m_portNames.end())
    {
        return;
    }
    VfpPacketCodec::Decoded decoded;
    std::string error;
    if (!VfpPacketCodec::Decode(packet, Mac48Address::ConvertFrom(source), Mac48Address::ConvertFrom(destination),
                                protocol, decoded, error))
    {
        Drop(packet, "malformed: " + error);
        return;
    }
    vfp::Port& port = m_engine->GetPort(named->second);
    const vfp::ProcessResult result =
        port.Process(vfp::Direction::Outbound, decoded.stack, Simulator::Now().GetSeconds());
    Count(packet, result);
    if (result.verdict != vfp::Verdict::Allow)
    {
        Drop(packet, result.verdict == vfp::Verdict::Hold ? "hold" : std::string(vfp::DropReasonName(result.reason)));
        return;
    }
    if (vfp::Port* local = m_engine->Forward(result.packet))
    {
        // Another VM on this host: its inbound pipeline sees the packet as it left ours.
        Ptr<Packet> forwarded = VfpPacketCodec::Encode(decoded, result.ht, result.packet);
        VfpPacketCodec::Decoded rewritten;
        std::string reparse;
        if (!VfpPacketCodec::Decode(forwarded, VfpPacketCodec::ToMac(result.packet[0].eth.src),
                                    VfpPacketCodec::ToMac(result.packet[0].eth.dst), result.packet[0].eth.etherType,
                                    rewritten, reparse))
        {
            Drop(packet, "malformed: " + reparse);
            return;
        }
        DeliverToVm(*local, rewritten, packet);
        return;
    }
    if (!m_uplink)
    {
        Drop(packet, "no_port");
        return;
    }
    Transmit(m_uplink, decoded, result);
}

void
VfpSwitchNetDevice::ReceiveFromUplink(Ptr<NetDevice> device, Ptr<const Packet> packet, uint16_t protocol,
                                      const Address& source, const Address& destination, PacketType)
{
    NS_LOG_FUNCTION(this << device << packet);
    VfpPacketCodec::Decoded decoded;
    std::string error;
    if (!VfpPacketCodec::Decode(packet, Mac48Address::ConvertFrom(source), Mac48Address::ConvertFrom(destination),
                                protocol, decoded, error))
    {
        Drop(packet, "malformed: " + error);
        return;
    }
    vfp::Port* port = m_engine ? m_engine->Forward(decoded.stack) : nullptr;
    if (port == nullptr)
    {
        Drop(packet, "no_port"); // not for a VM here: the switch never floods
        return;
    }
    DeliverToVm(*port, decoded, packet);
}

void
VfpSwitchNetDevice::DeliverToVm(vfp::Port& port, const VfpPacketCodec::Decoded& decoded, Ptr<const Packet> original)
{
    const vfp::ProcessResult result =
        port.Process(vfp::Direction::Inbound, decoded.stack, Simulator::Now().GetSeconds());
    Count(original, result);
    if (result.verdict != vfp::Verdict::Allow)
    {
        Drop(original, result.verdict == vfp::Verdict::Hold ? "hold" : std::string(vfp::DropReasonName(result.reason)));
        return;
    }
    Transmit(m_portDevices[port.GetName()], decoded, result);
}

void
VfpSwitchNetDevice::Transmit(Ptr<NetDevice> device, const VfpPacketCodec::Decoded& decoded, const vfp::ProcessResult& result)
{
    Ptr<Packet> packet = VfpPacketCodec::Encode(decoded, result.ht, result.packet);
    const vfp::EthernetHeader& eth = result.packet[0].eth;
    device->SendFrom(packet, VfpPacketCodec::ToMac(eth.src), VfpPacketCodec::ToMac(eth.dst), eth.etherType);
}

void
VfpSwitchNetDevice::SetIfIndex(const uint32_t index)
{
    m_ifIndex = index;
}

uint32_t
VfpSwitchNetDevice::GetIfIndex() const
{
    return m_ifIndex;
}

Ptr<Channel>
VfpSwitchNetDevice::GetChannel() const
{
    return nullptr;
}

void
VfpSwitchNetDevice::SetAddress(Address address)
{
    m_address = Mac48Address::ConvertFrom(address);
}

Address
VfpSwitchNetDevice::GetAddress() const
{
    return m_address;
}

bool
VfpSwitchNetDevice::SetMtu(const uint16_t mtu)
{
    m_mtu = mtu;
    return true;
}

uint16_t
VfpSwitchNetDevice::GetMtu() const
{
    return m_mtu;
}

bool
VfpSwitchNetDevice::IsLinkUp() const
{
    return true;
}

void
VfpSwitchNetDevice::AddLinkChangeCallback(Callback<void>)
{
}

bool
VfpSwitchNetDevice::IsBroadcast() const
{
    return false;
}

Address
VfpSwitchNetDevice::GetBroadcast() const
{
    return Mac48Address::GetBroadcast();
}

bool
VfpSwitchNetDevice::IsMulticast() const
{
    return false;
}

Address
VfpSwitchNetDevice::GetMulticast(Ipv4Address multicastGroup) const
{
    return Mac48Address::GetMulticast(multicastGroup);
}

Address
VfpSwitchNetDevice::GetMulticast(Ipv6Address addr) const
{
    return Mac48Address::GetMulticast(addr);
}

bool
VfpSwitchNetDevice::IsPointToPoint() const
{
    return false;
}

bool
VfpSwitchNetDevice::IsBridge() const
{
    return true;
}

bool
VfpSwitchNetDevice::Send(Ptr<Packet>, const Address&, uint16_t)
{
    return false; // the switch forwards; it is no endpoint
}

bool
VfpSwitchNetDevice::SendFrom(Ptr<Packet>, const Address&, const Address&, uint16_t)
{
    return false;
}

Ptr<Node>
VfpSwitchNetDevice::GetNode() const
{
    return m_node;
}

void
VfpSwitchNetDevice::SetNode(Ptr<Node> node)
{
    m_node = node;
}

bool
VfpSwitchNetDevice::NeedsArp() const
{
    return false;
}

void
VfpSwitchNetDevice::SetReceiveCallback(NetDevice::ReceiveCallback)
{
}

void
VfpSwitchNetDevice::SetPromiscReceiveCallback(NetDevice::PromiscReceiveCallback)
{
}

bool
VfpSwitchNetDevice::SupportsSendFrom() const
{
    return false;
}

} // namespace ns3
