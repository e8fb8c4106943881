#include "fabric-routing.h"

#include "five-tuple.h"
#include "ns3/boolean.h"
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
                            .SetParent<LookupRouting>()
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
FabricRouting::AddRoute(Ipv4Address network,
                        uint8_t length,
                        uint32_t interface,
                        Ipv4Address gateway)
{
    NS_ABORT_MSG_IF(length > 32, "FabricRouting: prefix length " << int(length) << " is over 32");
    m_tables[length][network.Get() & MaskOf(length)].push_back(NextHop{interface, gateway});
}

void
FabricRouting::Clear()
{
    m_tables.clear();
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
FabricRouting::Lookup(const Ipv4Header& header, Ptr<const Packet> payload)
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
            const FiveTuple flow = FiveTuple::Of(header, payload);
            choice = flow.Hash() % hops.size();
        }
        return MakeRoute(header, hops[choice].interface, hops[choice].gateway);
    }
    return nullptr;
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

} // namespace ns3
