#include "lookup-routing.h"

#include "ns3/ipv4-route.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(LookupRouting);

TypeId
LookupRouting::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LookupRouting").SetParent<Ipv4RoutingProtocol>().SetGroupName("Vfp");
    return tid;
}

Ptr<Ipv4Route>
LookupRouting::MakeRoute(const Ipv4Header& header, uint32_t interface, Ipv4Address gateway) const
{
    Ptr<Ipv4Route> route = Create<Ipv4Route>();
    route->SetDestination(header.GetDestination());
    route->SetGateway(gateway);
    route->SetOutputDevice(m_ipv4->GetNetDevice(interface));
    route->SetSource(m_ipv4->GetAddress(interface, 0).GetLocal());
    return route;
}

Ptr<Ipv4Route>
LookupRouting::RouteOutput(Ptr<Packet> p,
                           const Ipv4Header& header,
                           Ptr<NetDevice>,
                           Socket::SocketErrno& sockerr)
{
    Ptr<Ipv4Route> route = Lookup(header, p);
    sockerr = route ? Socket::ERROR_NOTERROR : Socket::ERROR_NOROUTETOHOST;
    return route;
}

bool
LookupRouting::RouteInput(Ptr<const Packet> p,
                          const Ipv4Header& header,
                          Ptr<const NetDevice>,
                          UnicastForwardCallback ucb,
                          MulticastForwardCallback,
                          LocalDeliverCallback,
                          ErrorCallback)
{
    Ptr<Ipv4Route> route = Lookup(header, p);
    if (!route)
    {
        return false;
    }
    ucb(route, p, header);
    return true;
}

void
LookupRouting::NotifyInterfaceUp(uint32_t)
{
}

void
LookupRouting::NotifyInterfaceDown(uint32_t)
{
}

void
LookupRouting::NotifyAddAddress(uint32_t, Ipv4InterfaceAddress)
{
}

void
LookupRouting::NotifyRemoveAddress(uint32_t, Ipv4InterfaceAddress)
{
}

void
LookupRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    m_ipv4 = ipv4;
}

void
LookupRouting::DoDispose()
{
    m_ipv4 = nullptr;
    Ipv4RoutingProtocol::DoDispose();
}

} // namespace ns3
