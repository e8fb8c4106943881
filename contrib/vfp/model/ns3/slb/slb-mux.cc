#include "slb-mux.h"

#include "ns3/boolean.h"
#include "ns3/ethernet-header.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/udp-header.h"
#include "ns3/udp-l4-protocol.h"
#include "ns3/vxlan-header.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SlbMux");
NS_OBJECT_ENSURE_REGISTERED(SlbMux);

namespace
{
constexpr uint16_t VXLAN_PORT = 4789;
}

TypeId
SlbMux::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SlbMux")
                            .SetParent<Application>()
                            .SetGroupName("Vfp")
                            .AddConstructor<SlbMux>()
                            .AddAttribute("FlowIdleTimeout",
                                          "How long a flow's DIP is remembered after its last "
                                          "packet (the state that keeps a connection on its DIP "
                                          "when the DIP list changes).",
                                          TimeValue(Seconds(240)),
                                          MakeTimeAccessor(&SlbMux::m_flowIdleTimeout),
                                          MakeTimeChecker(Seconds(0)))
                            .AddTraceSource("Forward",
                                            "A VIP packet tunnelled to its DIP.",
                                            MakeTraceSourceAccessor(&SlbMux::m_forwardTrace),
                                            "ns3::SlbMux::ForwardCallback");
    return tid;
}

void
SlbMux::SetDevice(Ptr<NetDevice> device)
{
    m_device = device;
}

void
SlbMux::SetEndpoint(Ipv4Address vip,
                    uint16_t port,
                    uint8_t protocol,
                    const std::vector<SlbDip>& dips)
{
    m_endpoints[{vip.Get(), port, protocol}].dips = dips;
    m_vips.insert(vip.Get());
}

void
SlbMux::AddSnatRange(Ipv4Address vip, uint16_t lo, uint16_t hi, const SlbDip& owner)
{
    m_snat[vip.Get()].push_back(SnatRange{lo, hi, owner});
    m_vips.insert(vip.Get());
}

void
SlbMux::DoDispose()
{
    m_device = nullptr;
    Application::DoDispose();
}

void
SlbMux::StartApplication()
{
    NS_ABORT_MSG_IF(!m_device, "SlbMux: SetDevice before the Mux starts");
    // The Mux is not a router: what its stack would forward, it tunnels (or drops).
    GetNode()->GetObject<Ipv4>()->SetAttribute("IpForward", BooleanValue(false));
    GetNode()->RegisterProtocolHandler(
        MakeCallback(&SlbMux::Receive, this), Ipv4L3Protocol::PROT_NUMBER, m_device, true);
    m_expiry = Simulator::Schedule(m_flowIdleTimeout, &SlbMux::ExpireFlows, this);
}

void
SlbMux::StopApplication()
{
    m_expiry.Cancel();
    GetNode()->UnregisterProtocolHandler(MakeCallback(&SlbMux::Receive, this));
}

void
SlbMux::ExpireFlows()
{
    // Every flow idle for a whole period goes: a sweep per FlowIdleTimeout, so a flow is
    // forgotten between one and two time-outs after its last packet.
    const Time now = Simulator::Now();
    for (auto flow = m_flows.begin(); flow != m_flows.end();)
    {
        flow = now - flow->second.lastSeen >= m_flowIdleTimeout ? m_flows.erase(flow)
                                                                : std::next(flow);
    }
    m_expiry = Simulator::Schedule(m_flowIdleTimeout, &SlbMux::ExpireFlows, this);
}

bool
SlbMux::Lookup(const FiveTuple& flow, SlbDip& dip)
{
    if (auto known = m_flows.find(flow); known != m_flows.end())
    {
        known->second.lastSeen = Simulator::Now();
        dip = known->second.dip;
        return true;
    }
    auto endpoint = m_endpoints.find({flow.dst, flow.dstPort, flow.protocol});
    if (endpoint != m_endpoints.end() && !endpoint->second.dips.empty())
    {
        // Rendezvous hashing: the DIP with the highest hash of (flow, DIP) wins.
        uint64_t best = 0;
        for (const SlbDip& candidate : endpoint->second.dips)
        {
            const uint64_t score =
                flow.Hash(uint64_t(candidate.address.Get()) << 32 | candidate.vni);
            if (score >= best)
            {
                best = score;
                dip = candidate;
            }
        }
        m_flows[flow] = FlowState{dip, Simulator::Now()};
        ++m_flowsPerDip[{flow.dst, dip.address.Get(), dip.vni}];
        return true;
    }
    if (auto ranges = m_snat.find(flow.dst); ranges != m_snat.end())
    {
        for (const SnatRange& range : ranges->second)
        {
            if (flow.dstPort >= range.lo && flow.dstPort <= range.hi)
            {
                dip = range.owner;
                return true;
            }
        }
    }
    return false;
}

void
SlbMux::Receive(Ptr<NetDevice>,
                Ptr<const Packet> packet,
                uint16_t,
                const Address&,
                const Address&,
                NetDevice::PacketType)
{
    Ipv4Header ip;
    if (packet->PeekHeader(ip) == 0)
    {
        return;
    }
    // One copy: its IP header comes off to read the ports and goes back on for the tunnel.
    Ptr<Packet> tunnelled = packet->Copy();
    tunnelled->RemoveHeader(ip);
    const FiveTuple flow = FiveTuple::Of(ip, tunnelled);
    if (m_vips.count(flow.dst) == 0)
    {
        m_returnPackets += m_vips.count(flow.src); // a VIP's own traffic here: DSR failed
        return;                                    // not a VIP: the Mux's own traffic
    }
    SlbDip dip;
    if (!Lookup(flow, dip))
    {
        ++m_unknown;
        return;
    }
    ++m_packets;
    m_bytes += packet->GetSize();
    if (Node::ChecksumEnabled())
    {
        ip.EnableChecksum(); // a header read back is written with a zero checksum otherwise
    }
    tunnelled->AddHeader(ip);
    Tunnel(tunnelled, flow, dip);
}

void
SlbMux::Tunnel(Ptr<Packet> packet, const FiveTuple& flow, const SlbDip& dip)
{
    Ptr<Ipv4L3Protocol> ip = GetNode()->GetObject<Ipv4L3Protocol>();
    const Ipv4Address self = ip->GetAddress(ip->GetInterfaceForDevice(m_device), 0).GetLocal();
    EthernetHeader inner;
    inner.SetSource(Mac48Address::ConvertFrom(m_device->GetAddress()));
    inner.SetDestination(dip.mac);
    inner.SetLengthType(Ipv4L3Protocol::PROT_NUMBER);
    packet->AddHeader(inner);
    VxlanHeader vxlan;
    vxlan.SetVni(dip.vni);
    packet->AddHeader(vxlan);
    UdpHeader udp;
    udp.SetSourcePort(uint16_t(49152 + flow.Hash() % 16384)); // entropy for the fabric
    udp.SetDestinationPort(VXLAN_PORT);
    if (Node::ChecksumEnabled())
    {
        udp.EnableChecksums();
        udp.InitializeChecksum(self, dip.host, UdpL4Protocol::PROT_NUMBER);
    }
    packet->AddHeader(udp);
    m_forwardTrace(packet, dip);
    ip->Send(packet, self, dip.host, UdpL4Protocol::PROT_NUMBER, nullptr);
}

} // namespace ns3
