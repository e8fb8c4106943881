#include "fabric-routing.h"

#include "five-tuple.h"

#include "ns3/boolean.h"
#include "ns3/ipv4-route.h"
#include "ns3/log.h"
#include "ns3/output-stream-wrapper.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FabricRouting");
NS_OBJECT_ENSURE_REGISTERED(FabricRouting);

namespace
{
uint32_t
MaskOf(uint8_t length)
{
    return length == 0 ? 0 : ~uint32_t(0) << (32 - length);
}
} // namespace

TypeId
FabricRouting::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FabricRouting")
                            .SetParent<Ipv4RoutingProtocol>()
                            .SetGroupName("Vfp")
                            .AddConstructor<FabricRouting>()
                            .AddAttribute("PerFlowEcmp",
                                          "Spread flows over equal-cost next hops by their 5-tuple "
                                          "(otherwise every packet takes the first next hop).",
                                          BooleanValue(true),
                                          MakeBooleanAccessor(&FabricRouting::m_perFlowEcmp),
                                          MakeBooleanChecker());
    return tid;
}

void
FabricRouting::AddRoute(Ipv4Address network, uint8_t length, uint32_t interface, Ipv4Address gateway)
{
    NS_ABORT_MSG_IF(length > 32, "FabricRouting: prefix length " << int(length) << " is over 32");
    m_tables[length][network.Get() & MaskOf(length)].push_back(NextHop{interface, gateway});
}

size_t
FabricRouting::GetNRoutes() const
{
    size_t routes = 0;
    for (const auto& [length, table] : m_tables)
    {
        routes += table.size();
    }
    return routes;
}

Ptr<Ipv4Route>
FabricRouting::Lookup(const Ipv4Header& header, Ptr<const Packet> payload) const
{
    const uint32_t destination = header.GetDestination().Get();
    for (const auto& [length, table] : m_tables)
    {
        auto found = table.find(destination & MaskOf(length));
        if (found == table.end())
        {
            continue;
        }
        const std::vector<NextHop>& hops = found->second;
        size_t choice = 0;
        if (m_perFlowEcmp && hops.size() > 1)
        {
            const FiveTuple flow = payload ? FiveTuple::Of(header, payload) : FiveTuple::Of(header, Create<Packet>());
            choice = flow.Hash() % hops.size();
        }
        const NextHop& hop = hops[choice];
        Ptr<Ipv4Route> route = Create<Ipv4Route>();
        route->SetDestination(header.GetDestination());
        route->SetGateway(hop.gateway);
        route->SetOutputDevice(m_ipv4->GetNetDevice(hop.interface));
        route->SetSource(m_ipv4->GetAddress(hop.interface, 0).GetLocal());
        return route;
    }
    return nullptr;
}

Ptr<Ipv4Route>
FabricRouting::RouteOutput(Ptr<Packet> p, const Ipv4Header& header, Ptr<NetDevice>, Socket::SocketErrno& sockerr)
{
    Ptr<Ipv4Route> route = Lookup(header, p);
    sockerr = route ? Socket::ERROR_NOTERROR : Socket::ERROR_NOROUTETOHOST;
    return route;
}

bool
FabricRouting::RouteInput(Ptr<const Packet> p,
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
FabricRouting::NotifyInterfaceUp(uint32_t)
{
}

void
FabricRouting::NotifyInterfaceDown(uint32_t)
{
}

void
FabricRouting::NotifyAddAddress(uint32_t, Ipv4InterfaceAddress)
{
}

void
FabricRouting::NotifyRemoveAddress(uint32_t, Ipv4InterfaceAddress)
{
}

void
FabricRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    m_ipv4 = ipv4;
}

void
FabricRouting::PrintRoutingTable(Ptr<OutputStreamWrapper> stream, Time::Unit) const
{
    std::ostream& os = *stream->GetStream();
    for (const auto& [length, table] : m_tables)
    {
        for (const auto& [network, hops] : table)
        {
            os << Ipv4Address(network) << "/" << int(length) << " via";
            for (const NextHop& hop : hops)
            {
                os << " " << hop.gateway << "%" << hop.interface;
            }
            os << "\n";
        }
    }
}

void
FabricRouting::DoDispose()
{
    m_ipv4 = nullptr;
    Ipv4RoutingProtocol::DoDispose();
}

} // namespace ns3
