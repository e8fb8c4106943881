#include "vip-spread-routing.h"

#include "five-tuple.h"

#include "ns3/ipv4-route.h"
#include "ns3/log.h"
#include "ns3/output-stream-wrapper.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VipSpreadRouting");
NS_OBJECT_ENSURE_REGISTERED(VipSpreadRouting);

TypeId
VipSpreadRouting::GetTypeId()
{
    static TypeId tid = TypeId("ns3::VipSpreadRouting")
                            .SetParent<Ipv4RoutingProtocol>()
                            .SetGroupName("Vfp")
                            .AddConstructor<VipSpreadRouting>();
    return tid;
}

void
VipSpreadRouting::SetVipPrefix(Ipv4Address prefix, Ipv4Mask mask)
{
    m_prefix = prefix.CombineMask(mask);
    m_mask = mask;
}

void
VipSpreadRouting::AddMux(uint32_t interface, Ipv4Address address)
{
    m_muxes.push_back(Mux{interface, address, true});
    m_packets.push_back(0);
}

void
VipSpreadRouting::RemoveMux(Ipv4Address address)
{
    for (Mux& mux : m_muxes)
    {
        mux.up = mux.up && mux.address != address;
    }
}

const VipSpreadRouting::Mux*
VipSpreadRouting::Choose(Ptr<const Packet> payload, const Ipv4Header& header)
{
    std::vector<size_t> up;
    for (size_t i = 0; i < m_muxes.size(); ++i)
    {
        if (m_muxes[i].up)
        {
            up.push_back(i);
        }
    }
    if (up.empty())
    {
        return nullptr;
    }
    const size_t chosen = up[FiveTuple::Of(header, payload).Hash() % up.size()];
    ++m_packets[chosen];
    return &m_muxes[chosen];
}

Ptr<Ipv4Route>
VipSpreadRouting::RouteOutput(Ptr<Packet>, const Ipv4Header&, Ptr<NetDevice>, Socket::SocketErrno& sockerr)
{
    sockerr = Socket::ERROR_NOROUTETOHOST; // the router originates nothing to VIPs
    return nullptr;
}

bool
VipSpreadRouting::RouteInput(Ptr<const Packet> p,
                             const Ipv4Header& header,
                             Ptr<const NetDevice>,
                             UnicastForwardCallback ucb,
                             MulticastForwardCallback,
                             LocalDeliverCallback,
                             ErrorCallback)
{
    if (!m_mask.IsMatch(header.GetDestination(), m_prefix))
    {
        return false;
    }
    const Mux* mux = Choose(p, header);
    if (mux == nullptr)
    {
        return false;
    }
    Ptr<Ipv4Route> route = Create<Ipv4Route>();
    route->SetDestination(header.GetDestination());
    route->SetGateway(mux->address);
    route->SetOutputDevice(m_ipv4->GetNetDevice(mux->interface));
    route->SetSource(m_ipv4->GetAddress(mux->interface, 0).GetLocal());
    ucb(route, p, header);
    return true;
}

void
VipSpreadRouting::NotifyInterfaceUp(uint32_t)
{
}

void
VipSpreadRouting::NotifyInterfaceDown(uint32_t)
{
}

void
VipSpreadRouting::NotifyAddAddress(uint32_t, Ipv4InterfaceAddress)
{
}

void
VipSpreadRouting::NotifyRemoveAddress(uint32_t, Ipv4InterfaceAddress)
{
}

void
VipSpreadRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    m_ipv4 = ipv4;
}

void
VipSpreadRouting::PrintRoutingTable(Ptr<OutputStreamWrapper> stream, Time::Unit) const
{
    std::ostream& os = *stream->GetStream();
    os << "VipSpreadRouting: " << m_prefix << "/" << m_mask.GetPrefixLength() << " over";
    for (const Mux& mux : m_muxes)
    {
        os << " " << mux.address << (mux.up ? "" : "(down)");
    }
    os << "\n";
}

void
VipSpreadRouting::DoDispose()
{
    m_ipv4 = nullptr;
    Ipv4RoutingProtocol::DoDispose();
}

} // namespace ns3
