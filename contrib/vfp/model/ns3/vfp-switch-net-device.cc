#include "vfp-switch-net-device.h"

#include "ns3/arp-header.h"
#include "ns3/arp-l3-protocol.h"
#include "ns3/boolean.h"
#include "ns3/channel.h"
#include "ns3/data-rate.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"
#include "vfp-mtu.h"
#include "vfp-reassembler.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VfpSwitchNetDevice");

namespace
{

/// Whether @p packet (IPv4 first) is a TCP segment with SYN set, read from its first bytes
/// (the header length from IHL; no header object is built).
bool
IsTcpSyn(Ptr<const Packet> packet)
{
    uint8_t bytes[60 + 14] = {};
    const uint32_t copied = packet->CopyData(bytes, sizeof(bytes));
    const uint32_t ihl = (bytes[0] & 0x0f) * 4u;
    return copied >= 20 && (bytes[0] >> 4) == 4 && bytes[9] == 6 && copied >= ihl + 14 &&
           (bytes[ihl + 13] & 0x02) != 0;
}

} // namespace
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
            .AddAttribute("MaxUnifiedFlows",
                          "Unified flows cached per port (0: no limit); at the limit the least "
                          "recently used sixteenth is evicted (counted as capacity_evicted) and "
                          "their next packets take the slow path. 1,000,000: one per direction "
                          "of the paper's 500k connections per port.",
                          UintegerValue(vfp::PortConfig{}.maxUnifiedFlows),
                          MakeUintegerAccessor(&VfpSwitchNetDevice::m_maxUnifiedFlows),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("ExpiryInterval",
                          "How often each port's expired connections, unified flows and idle "
                          "layer flows are swept, in simulated time (0: never; state then only "
                          "goes when a packet finds it expired). 500 ms: as often as Open "
                          "vSwitch's revalidators at the least (other_config:max-revalidator).",
                          TimeValue(MilliSeconds(500)),
                          MakeTimeAccessor(&VfpSwitchNetDevice::m_expiryInterval),
                          MakeTimeChecker(Seconds(0), Seconds(3600)))
            .AddAttribute("HoldQueueLength",
                          "Packets a port holds while its controller resolves a resource miss; "
                          "more are dropped with reason hold_overflow.",
                          UintegerValue(64),
                          MakeUintegerAccessor(&VfpSwitchNetDevice::m_holdQueueLength),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("HoldTimeout",
                          "How long a packet may be held before it is dropped (hold_timeout).",
                          TimeValue(MilliSeconds(100)),
                          MakeTimeAccessor(&VfpSwitchNetDevice::m_holdTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("Cpu",
                          "The host CPU model that serves the switch's packets.",
                          PointerValue(),
                          MakePointerAccessor(&VfpSwitchNetDevice::m_cpu),
                          MakePointerChecker<VfpHostCpu>())
            .AddAttribute("Nic",
                          "The programmable NIC that offloads unified flows (null: none, every "
                          "packet is served by the host CPU).",
                          PointerValue(),
                          MakePointerAccessor(&VfpSwitchNetDevice::m_nic),
                          MakePointerChecker<VfpProgrammableNic>())
            .AddAttribute("TunnelOverhead",
                          "Bytes the VNET tunnel adds (VXLAN 50, NVGRE 42) when the uplink's MTU "
                          "cannot carry a full VM frame plus them: the switch then clamps the MSS "
                          "of its VMs' SYNs to fit and fragments other packets (paper §9). 0: "
                          "the physical MTU carries the encapsulation (Azure's choice), no "
                          "clamping.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&VfpSwitchNetDevice::m_tunnelOverhead),
                          MakeUintegerChecker<uint16_t>(0, 200))
            .AddTraceSource(
                "Drop",
                "Every packet the switch dropped, and why, as text: an engine drop "
                "reason, or a cause's name (malformed: ..., no_port, cpu_overload, "
                "hold_overflow, hold_timeout, arp_unanswered, mtu_exceeded, qos_overflow). The "
                "per-cause sources carry the same drops, typed.",
                MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_dropTrace),
                "ns3::VfpSwitchNetDevice::DropTracedCallback")
            .AddTraceSource("EngineDrop",
                            "A packet the pipeline dropped, with the engine's vfp::DropReason.",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_engineDropTrace),
                            "ns3::VfpSwitchNetDevice::EngineDropTracedCallback")
            .AddTraceSource("MalformedDrop",
                            "A frame the codec could not take apart (the aggregate Drop says why).",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_malformedDropTrace),
                            "ns3::VfpSwitchNetDevice::DropCauseTracedCallback")
            .AddTraceSource("NoPortDrop",
                            "A tunnelled frame for no VM on this host, or one with no way out.",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_noPortDropTrace),
                            "ns3::VfpSwitchNetDevice::DropCauseTracedCallback")
            .AddTraceSource("CpuOverloadDrop",
                            "A packet the host CPU could not start within MaxQueueDelay.",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_cpuOverloadDropTrace),
                            "ns3::VfpSwitchNetDevice::DropCauseTracedCallback")
            .AddTraceSource("HoldOverflowDrop",
                            "A packet to hold while its port's hold queue was full.",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_holdOverflowDropTrace),
                            "ns3::VfpSwitchNetDevice::DropCauseTracedCallback")
            .AddTraceSource("HoldTimeoutDrop",
                            "A held packet whose HoldTimeout passed.",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_holdTimeoutDropTrace),
                            "ns3::VfpSwitchNetDevice::DropCauseTracedCallback")
            .AddTraceSource("ArpUnansweredDrop",
                            "An ARP request from a VM that no neighbour table answers.",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_arpUnansweredDropTrace),
                            "ns3::VfpSwitchNetDevice::DropCauseTracedCallback")
            .AddTraceSource("MtuDrop",
                            "A packet over the uplink's MTU that may not be fragmented (DF set).",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_mtuDropTrace),
                            "ns3::VfpSwitchNetDevice::DropCauseTracedCallback")
            .AddTraceSource("QosOverflowDrop",
                            "A packet its port's QoS queue had no room for (paper §7.3: a cap's "
                            "bounded queue).",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_qosOverflowDropTrace),
                            "ns3::VfpSwitchNetDevice::DropCauseTracedCallback")
            .AddTraceSource("UftFlows",
                            "Unified flows cached over all ports (a gauge).",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_uftFlows),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("Connections",
                            "Connections tracked over all ports (a gauge).",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_connections),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("LayerFlows",
                            "Layer flow pairs over all ports' layers (a gauge).",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_layerFlows),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("HeldPackets",
                            "Packets waiting in the ports' hold queues (a gauge).",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_heldPackets),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("QosQueued",
                            "Packets waiting in the ports' QoS queues (a gauge).",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_qosQueued),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("FastPath",
                            "A packet that hit a unified flow.",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_fastPathTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("SlowPath",
                            "A packet that ran through the layers.",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_slowPathTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("Hold",
                            "A packet put in a hold queue (its controller is resolving a miss).",
                            MakeTraceSourceAccessor(&VfpSwitchNetDevice::m_holdTrace),
                            "ns3::Packet::TracedCallback");
    return tid;
}

VfpSwitchNetDevice::VfpSwitchNetDevice()
{
    NS_LOG_FUNCTION(this);
}

Ptr<VfpHostCpu>
VfpSwitchNetDevice::GetCpu()
{
    if (!m_cpu)
    {
        m_cpu = CreateObject<VfpHostCpu>();
    }
    return m_cpu;
}

VfpSwitchNetDevice::~VfpSwitchNetDevice() = default;

void
VfpSwitchNetDevice::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_portNames.clear();
    m_portDevices.clear();
    m_held.clear();
    m_neighbors.clear();
    m_qosRelease.Cancel();
    m_qosWaiting.clear();
    m_cpu = nullptr;
    m_expiry.Cancel();
    m_reassembler = nullptr;
    m_reassemblyExpiry.Cancel();
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
    config.maxUnifiedFlows = m_maxUnifiedFlows;
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
    NS_ABORT_MSG_IF(m_node == nullptr,
                    "VfpSwitchNetDevice: add the switch to its node before its ports");
    NS_ABORT_MSG_IF(device->GetNode() != m_node,
                    "VfpSwitchNetDevice: a port device must be on the switch's node");
    vfp::Port& port = GetEngine().AddPort(spec);
    GetCpu();
    const uint32_t index = uint32_t(m_ports.size());
    m_ports[&port].index = index;
    m_portNames[device] = spec.name;
    m_portDevices[spec.name] = device;
    m_node->RegisterProtocolHandler(
        MakeCallback(&VfpSwitchNetDevice::ReceiveFromVm, this), 0, device, true);
    return port;
}

void
VfpSwitchNetDevice::SetUplink(Ptr<NetDevice> device)
{
    NS_LOG_FUNCTION(this << device);
    NS_ABORT_MSG_IF(m_node == nullptr,
                    "VfpSwitchNetDevice: add the switch to its node before its uplink");
    m_uplink = device;
    m_node->RegisterProtocolHandler(
        MakeCallback(&VfpSwitchNetDevice::ReceiveFromUplink, this), 0, device, true);
}

Ptr<NetDevice>
VfpSwitchNetDevice::GetPortDevice(const std::string& port) const
{
    auto found = m_portDevices.find(port);
    return found == m_portDevices.end() ? nullptr : found->second;
}

Ptr<NetDevice>
VfpSwitchNetDevice::GetUplink() const
{
    return m_uplink;
}

void
VfpSwitchNetDevice::SetNeighbors(const std::string& port,
                                 std::shared_ptr<const VfpNeighborTable> neighbors)
{
    m_neighbors[port] = std::move(neighbors);
}

vfp::PacketWork
VfpSwitchNetDevice::Work(const vfp::ProcessResult& result,
                         const VfpPacketCodec::Decoded& decoded,
                         Ptr<const Packet> original)
{
    vfp::PacketWork work;
    work.fastPath = result.path == vfp::PathTaken::Fast;
    work.layersVisited = result.layersVisited;
    work.layersClassified = result.layersClassified;
    work.bytes = original->GetSize();
    if (result.verdict == vfp::Verdict::Allow)
    {
        work.tunnelChanges = vfp::TunnelChanges(decoded.stack, result.packet);
    }
    return work;
}

std::string
VfpSwitchNetDevice::CauseName(DropCause cause)
{
    switch (cause)
    {
        case DropCause::Malformed:
            return "malformed";
        case DropCause::NoPort:
            return "no_port";
        case DropCause::CpuOverload:
            return "cpu_overload";
        case DropCause::HoldOverflow:
            return "hold_overflow";
        case DropCause::HoldTimeout:
            return "hold_timeout";
        case DropCause::ArpUnanswered:
            return "arp_unanswered";
        case DropCause::MtuExceeded:
            return "mtu_exceeded";
        case DropCause::QosOverflow:
            return "qos_overflow";
    }
    return "unknown";
}

TracedCallback<Ptr<const Packet>>&
VfpSwitchNetDevice::CauseTrace(DropCause cause)
{
    switch (cause)
    {
        case DropCause::Malformed:
            return m_malformedDropTrace;
        case DropCause::NoPort:
            return m_noPortDropTrace;
        case DropCause::CpuOverload:
            return m_cpuOverloadDropTrace;
        case DropCause::HoldOverflow:
            return m_holdOverflowDropTrace;
        case DropCause::HoldTimeout:
            return m_holdTimeoutDropTrace;
        case DropCause::ArpUnanswered:
            return m_arpUnansweredDropTrace;
        case DropCause::QosOverflow:
            return m_qosOverflowDropTrace;
        case DropCause::MtuExceeded:
            break;
    }
    return m_mtuDropTrace;
}

void
VfpSwitchNetDevice::Drop(DropCause cause, Ptr<const Packet> packet, const std::string& detail)
{
    const std::string reason = CauseName(cause) + detail;
    NS_LOG_LOGIC("drop " << packet->GetUid() << ": " << reason);
    CauseTrace(cause)(packet);
    m_dropTrace(packet, reason);
}

void
VfpSwitchNetDevice::UpdateGauges(vfp::Port& port, PortInfo& info)
{
    PortSizes& sizes = info.sizes;
    const PortSizes now{port.GetUft().Size(), port.GetTracker().Size(), port.GetLayerFlowCount()};
    m_uftFlows = m_uftFlows + uint32_t(now.unifiedFlows) - uint32_t(sizes.unifiedFlows);
    m_connections = m_connections + uint32_t(now.connections) - uint32_t(sizes.connections);
    m_layerFlows = m_layerFlows + uint32_t(now.layerFlows) - uint32_t(sizes.layerFlows);
    sizes = now;
    if (!m_expiry.IsRunning() && m_expiryInterval.IsStrictlyPositive() &&
        now.connections + now.layerFlows > 0)
    {
        m_expiry = Simulator::Schedule(m_expiryInterval, &VfpSwitchNetDevice::Sweep, this);
    }
}

void
VfpSwitchNetDevice::Sweep()
{
    // Every port, in name order (deterministic); the sweep stops while no state is left,
    // so that a simulation run without a stop time still ends.
    const double now = Simulator::Now().GetSeconds();
    for (const auto& [name, port] : m_engine->GetPorts())
    {
        port->ExpireFlows(now);
        UpdateGauges(*port, m_ports[port.get()]);
    }
}

void
VfpSwitchNetDevice::ReceiveFromVm(Ptr<NetDevice> device,
                                  Ptr<const Packet> packet,
                                  uint16_t protocol,
                                  const Address& source,
                                  const Address& destination,
                                  PacketType)
{
    NS_LOG_FUNCTION(this << device << packet);
    auto named = m_portNames.find(device);
    if (named == m_portNames.end())
    {
        return;
    }
    if (protocol == ArpL3Protocol::PROT_NUMBER)
    {
        AnswerArp(named->second, device, packet);
        return;
    }
    Ptr<const Packet> frame = ClampSyn(packet);
    VfpPacketCodec::Decoded decoded;
    std::string error;
    if (!VfpPacketCodec::Decode(frame,
                                Mac48Address::ConvertFrom(source),
                                Mac48Address::ConvertFrom(destination),
                                protocol,
                                decoded,
                                error))
    {
        Drop(DropCause::Malformed, frame, ": " + error);
        return;
    }
    Run(m_engine->GetPort(named->second),
        vfp::Direction::Outbound,
        decoded,
        frame,
        Simulator::Now() + m_holdTimeout);
}

void
VfpSwitchNetDevice::ReceiveFromUplink(Ptr<NetDevice> device,
                                      Ptr<const Packet> packet,
                                      uint16_t protocol,
                                      const Address& source,
                                      const Address& destination,
                                      PacketType)
{
    NS_LOG_FUNCTION(this << device << packet);
    if (protocol != Ipv4L3Protocol::PROT_NUMBER)
    {
        return; // ARP and the like: the host's own stack answers for the uplink
    }
    if (m_tunnelOverhead > 0)
    {
        // Fragments of tunnelled packets come back whole before decapsulation (paper §9).
        packet = Reassemble(packet);
        if (!packet)
        {
            return;
        }
    }
    VfpPacketCodec::Decoded decoded;
    std::string error;
    if (!VfpPacketCodec::Decode(packet,
                                Mac48Address::ConvertFrom(source),
                                Mac48Address::ConvertFrom(destination),
                                protocol,
                                decoded,
                                error))
    {
        Drop(DropCause::Malformed, packet, ": " + error);
        return;
    }
    vfp::Port* port = m_engine ? m_engine->Forward(decoded.stack) : nullptr;
    if (port == nullptr)
    {
        if (decoded.stack.count > 1)
        {
            Drop(DropCause::NoPort, packet); // a tunnel to no VM here: the switch never floods
        }
        return; // untunnelled traffic to the host's own address
    }
    Run(*port, vfp::Direction::Inbound, decoded, packet, Simulator::Now() + m_holdTimeout);
}

void
VfpSwitchNetDevice::Run(vfp::Port& port,
                        vfp::Direction direction,
                        const VfpPacketCodec::Decoded& decoded,
                        Ptr<const Packet> original,
                        Time deadline)
{
    // Only with a NIC: the key Port::Process computes again for its own table.
    const bool shaped = m_engine->GetQos().IsShaped(port.GetName(), direction);
    // A NIC that does not shape cannot forward a shaped port's packets: they stay here.
    const bool nic = m_nic && (m_nic->GetQosOffload() || !shaped);
    const vfp::UnifiedFlowKey key =
        nic ? port.FlowKeyOf(direction, decoded.stack) : vfp::UnifiedFlowKey{};
    if (nic)
    {
        if (std::optional<VfpProgrammableNic::Forwarded> hardware =
                m_nic->Offer(port, key, decoded.stack, original))
        {
            vfp::HeaderStack out = decoded.stack;
            hardware->ht.Apply(out);
            Ptr<Packet> packet =
                VfpPacketCodec::Encode(decoded, hardware->ht, out, m_nextIdentification++);
            Forward(port, direction, packet, out, original, hardware->latency);
            return;
        }
    }
    PortInfo& info = m_ports[&port];
    const uint32_t core = m_cpu->SelectCore(info.index, vfp::SymmetricFlowHash(decoded.stack));
    if (!m_cpu->Admit(core))
    {
        Drop(DropCause::CpuOverload, original);
        return;
    }
    const vfp::ProcessResult result =
        port.Process(direction, decoded.stack, Simulator::Now().GetSeconds());
    UpdateGauges(port, info);
    vfp::PacketWork work = Work(result, decoded, original);
    work.qosChecked =
        shaped && result.verdict == vfp::Verdict::Allow && !(m_nic && m_nic->GetQosOffload());
    const Time done = m_cpu->Charge(core, m_cpu->ServiceTime(work));
    if (result.path == vfp::PathTaken::Fast)
    {
        m_fastPathTrace(original);
    }
    else
    {
        m_slowPathTrace(original);
    }
    if (nic)
    {
        m_nic->Learn(port, key, decoded.stack, result);
    }
    if (result.verdict == vfp::Verdict::Hold)
    {
        Hold(port, direction, decoded, original, deadline);
        return;
    }
    if (result.verdict != vfp::Verdict::Allow)
    {
        m_engineDropTrace(original, result.reason);
        m_dropTrace(original, std::string(vfp::DropReasonName(result.reason)));
        return;
    }
    Ptr<Packet> packet =
        VfpPacketCodec::Encode(decoded, result.ht, result.packet, m_nextIdentification++);
    Forward(port, direction, packet, result.packet, original, done);
}

void
VfpSwitchNetDevice::Forward(vfp::Port& port,
                            vfp::Direction direction,
                            Ptr<Packet> packet,
                            const vfp::HeaderStack& out,
                            Ptr<const Packet> original,
                            Time after)
{
    Departure departure{Departure::Kind::ToVm, port.GetName(), packet, out[0].eth, original};
    if (direction == vfp::Direction::Outbound)
    {
        if (vfp::Port* local = m_engine->Forward(out))
        {
            departure.kind = Departure::Kind::ToLocal;
            departure.port = local->GetName();
        }
        else if (m_uplink)
        {
            departure.kind = Departure::Kind::ToUplink;
        }
        else
        {
            Drop(DropCause::NoPort, original);
            return;
        }
    }
    Simulator::Schedule(
        after, &VfpSwitchNetDevice::Shape, this, port.GetName(), direction, std::move(departure));
}

void
VfpSwitchNetDevice::Shape(std::string port, vfp::Direction direction, Departure departure)
{
    vfp::QosShaper& qos = m_engine->GetQos();
    if (!qos.IsActive())
    {
        Depart(departure);
        return;
    }
    // The frame as the VM sends it, or receives it: Ethernet header included.
    const uint32_t size = direction == vfp::Direction::Outbound ? departure.original->GetSize()
                                                                : departure.packet->GetSize();
    const uint32_t bytes = size + vfp::ETHERNET_HEADER_BYTES;
    const uint64_t handle = m_nextQosHandle++;
    switch (qos.Enqueue(port, direction, handle, bytes, Simulator::Now().GetSeconds()))
    {
        case vfp::QosShaper::Admission::Sent:
            Depart(departure);
            return;
        case vfp::QosShaper::Admission::Dropped:
            Drop(DropCause::QosOverflow, departure.original);
            return;
        case vfp::QosShaper::Admission::Queued:
            m_qosWaiting.emplace(handle, std::move(departure));
            m_qosQueued = m_qosWaiting.size();
            ScheduleQosRelease();
            return;
    }
}

void
VfpSwitchNetDevice::ReleaseQos()
{
    // The event fires on the nanosecond at or after the time the shaper asked for, which
    // in seconds may round to a hair before it: release as of the time asked for.
    const double now = std::max(Simulator::Now().GetSeconds(), m_qosDue);
    for (const vfp::QosShaper::Released& released : m_engine->GetQos().Release(now))
    {
        auto it = m_qosWaiting.find(released.handle);
        NS_ASSERT_MSG(it != m_qosWaiting.end(), "the shaper released an unknown packet");
        Depart(it->second);
        m_qosWaiting.erase(it);
    }
    m_qosQueued = m_qosWaiting.size();
    ScheduleQosRelease();
}

void
VfpSwitchNetDevice::ScheduleQosRelease()
{
    const std::optional<double> next = m_engine->GetQos().NextRelease();
    if (!next)
    {
        m_qosRelease.Cancel();
        return;
    }
    // Times are seconds in the engine; the event lands on the nanosecond at or after the
    // release time, and releases as of that time (m_qosDue, ReleaseQos).
    const Time at = std::max(Simulator::Now(), NanoSeconds(int64_t(std::ceil(*next * 1e9))));
    if (m_qosRelease.IsRunning() && Time(m_qosRelease.GetTs()) == at)
    {
        return;
    }
    m_qosRelease.Cancel();
    m_qosDue = *next;
    m_qosRelease =
        Simulator::Schedule(at - Simulator::Now(), &VfpSwitchNetDevice::ReleaseQos, this);
}

void
VfpSwitchNetDevice::QosChanged()
{
    if (!m_qosWaiting.empty())
    {
        ScheduleQosRelease();
    }
}

void
VfpSwitchNetDevice::Depart(const Departure& departure)
{
    switch (departure.kind)
    {
        case Departure::Kind::ToVm:
            Transmit(m_portDevices[departure.port], departure.packet, departure.eth);
            return;
        case Departure::Kind::ToLocal:
            DeliverLocally(departure.port, departure.packet, departure.eth, departure.original);
            return;
        case Departure::Kind::ToUplink:
            SendUplink(departure.packet, departure.eth);
            return;
    }
}

double
VfpSwitchNetDevice::GetUplinkBps() const
{
    DataRateValue rate;
    if (m_uplink && m_uplink->GetAttributeFailSafe("DataRate", rate))
    {
        return double(rate.Get().GetBitRate());
    }
    return 0;
}

void
VfpSwitchNetDevice::DeliverLocally(std::string port,
                                   Ptr<Packet> packet,
                                   vfp::EthernetHeader eth,
                                   Ptr<const Packet> original)
{
    // Another VM on this host: its inbound pipeline sees the packet as it left ours.
    VfpPacketCodec::Decoded decoded;
    std::string error;
    if (!VfpPacketCodec::Decode(packet,
                                VfpPacketCodec::ToMac(eth.src),
                                VfpPacketCodec::ToMac(eth.dst),
                                eth.etherType,
                                decoded,
                                error))
    {
        Drop(DropCause::Malformed, original, ": " + error);
        return;
    }
    Run(m_engine->GetPort(port),
        vfp::Direction::Inbound,
        decoded,
        original,
        Simulator::Now() + m_holdTimeout);
}

void
VfpSwitchNetDevice::Transmit(Ptr<NetDevice> device, Ptr<Packet> packet, vfp::EthernetHeader eth)
{
    // A device that refuses the frame (its queue is full) reports the drop in its own
    // traces (MacTxDrop, its queue's Drop), as it does for any sender.
    if (device->SupportsSendFrom())
    {
        device->SendFrom(
            packet, VfpPacketCodec::ToMac(eth.src), VfpPacketCodec::ToMac(eth.dst), eth.etherType);
    }
    else
    {
        device->Send(packet, VfpPacketCodec::ToMac(eth.dst), eth.etherType);
    }
}

void
VfpSwitchNetDevice::SendUplink(Ptr<Packet> packet, vfp::EthernetHeader eth)
{
    if (m_tunnelOverhead == 0 || packet->GetSize() <= m_uplink->GetMtu())
    {
        // Azure's choice: the fabric MTU carries the tunnel, so a packet over it is the
        // NIC's to refuse (its MtuDrop), as any device's would be.
        Transmit(m_uplink, packet, eth);
        return;
    }
    std::vector<Ptr<Packet>> fragments;
    switch (VfpMtu::Fragment(packet, m_uplink->GetMtu(), fragments))
    {
        case VfpMtu::FragmentResult::Fits:
        case VfpMtu::FragmentResult::Fragmented:
            for (Ptr<Packet> fragment : fragments)
            {
                Transmit(m_uplink, fragment, eth);
            }
            return;
        case VfpMtu::FragmentResult::DontFragment:
        case VfpMtu::FragmentResult::Unfragmentable:
            Drop(DropCause::MtuExceeded, packet);
            return;
    }
}

Ptr<const Packet>
VfpSwitchNetDevice::Reassemble(Ptr<const Packet> packet)
{
    if (!m_reassembler)
    {
        m_reassembler = CreateObject<VfpReassembler>();
        m_reassembler->TraceConnectWithoutContext("Drop",
                                                  MakeCallback(+[](VfpSwitchNetDevice* self,
                                                                   Ptr<const Packet> fragment,
                                                                   const std::string& reason) {
                                                      self->m_dropTrace(fragment, reason);
                                                  }).Bind(this));
    }
    Ptr<const Packet> whole = m_reassembler->Receive(packet, Simulator::Now());
    if (!whole && !m_reassemblyExpiry.IsRunning() && m_reassembler->GetPendingDatagrams() > 0)
    {
        m_reassemblyExpiry = Simulator::Schedule(m_reassembler->GetNextExpiry() - Simulator::Now(),
                                                 &VfpSwitchNetDevice::ExpireFragments,
                                                 this);
    }
    return whole;
}

void
VfpSwitchNetDevice::ExpireFragments()
{
    m_reassembler->Expire(Simulator::Now());
    if (m_reassembler->GetPendingDatagrams() > 0)
    {
        m_reassemblyExpiry = Simulator::Schedule(m_reassembler->GetNextExpiry() - Simulator::Now(),
                                                 &VfpSwitchNetDevice::ExpireFragments,
                                                 this);
    }
}

Ptr<const Packet>
VfpSwitchNetDevice::ClampSyn(Ptr<const Packet> packet) const
{
    if (m_tunnelOverhead == 0 || !m_uplink || !IsTcpSyn(packet))
    {
        return packet; // only a SYN carries an MSS option: no copy for any other packet
    }
    Ptr<Packet> clamped = packet->Copy();
    const uint16_t mss = VfpMtu::MssFor(m_uplink->GetMtu(), m_tunnelOverhead);
    return VfpMtu::ClampMss(clamped, mss) ? Ptr<const Packet>(clamped) : packet;
}

void
VfpSwitchNetDevice::Hold(vfp::Port& port,
                         vfp::Direction direction,
                         const VfpPacketCodec::Decoded& decoded,
                         Ptr<const Packet> original,
                         Time deadline)
{
    std::deque<HeldPacket>& queue = m_held[port.GetName()];
    if (queue.size() >= m_holdQueueLength)
    {
        Drop(DropCause::HoldOverflow, original);
        return;
    }
    if (deadline <= Simulator::Now())
    {
        Drop(DropCause::HoldTimeout, original);
        return;
    }
    const uint64_t id = m_nextHeldId++;
    queue.push_back(HeldPacket{id, direction, decoded, original, deadline});
    m_heldPackets = m_heldPackets + 1;
    m_holdTrace(original);
    Simulator::Schedule(
        deadline - Simulator::Now(), &VfpSwitchNetDevice::ExpireHeld, this, port.GetName(), id);
}

void
VfpSwitchNetDevice::ExpireHeld(std::string port, uint64_t id)
{
    std::deque<HeldPacket>& queue = m_held[port];
    auto held =
        std::find_if(queue.begin(), queue.end(), [id](const HeldPacket& p) { return p.id == id; });
    if (held != queue.end())
    {
        Drop(DropCause::HoldTimeout, held->original);
        queue.erase(held);
        m_heldPackets = m_heldPackets - 1;
    }
}

void
VfpSwitchNetDevice::ReleaseHeld(const std::string& port)
{
    NS_LOG_FUNCTION(this << port);
    std::deque<HeldPacket> waiting;
    waiting.swap(m_held[port]);
    m_heldPackets = m_heldPackets - uint32_t(waiting.size());
    vfp::Port& engine = m_engine->GetPort(port);
    for (HeldPacket& held : waiting)
    {
        Run(engine, held.direction, held.decoded, held.original, held.deadline);
    }
}

size_t
VfpSwitchNetDevice::GetHeldCount(const std::string& port) const
{
    auto found = m_held.find(port);
    return found == m_held.end() ? 0 : found->second.size();
}

void
VfpSwitchNetDevice::AnswerArp(const std::string& port,
                              Ptr<NetDevice> device,
                              Ptr<const Packet> packet)
{
    ArpHeader request;
    if (packet->PeekHeader(request) != request.GetSerializedSize() || !request.IsRequest())
    {
        Drop(DropCause::ArpUnanswered, packet);
        return;
    }
    auto neighbors = m_neighbors.find(port);
    const uint32_t target = request.GetDestinationIpv4Address().Get();
    if (neighbors == m_neighbors.end() || neighbors->second->count(target) == 0)
    {
        Drop(DropCause::ArpUnanswered, packet);
        return;
    }
    const Mac48Address answer = neighbors->second->at(target);
    ArpHeader reply;
    reply.SetReply(answer,
                   request.GetDestinationIpv4Address(),
                   request.GetSourceHardwareAddress(),
                   request.GetSourceIpv4Address());
    Ptr<Packet> frame = Create<Packet>();
    frame->AddHeader(reply);
    device->SendFrom(frame, answer, request.GetSourceHardwareAddress(), ArpL3Protocol::PROT_NUMBER);
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
    // ns-3's global routing takes any device that says it bridges for a BridgeNetDevice
    // (and aborts when it is not one); our ports carry no IP interface for it to follow.
    return false;
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
