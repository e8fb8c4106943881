#include "vip-spread-routing.h"

#include "five-tuple.h"
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
                            .SetParent<LookupRouting>()
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
VipSpreadRouting::SetMuxUp(Ipv4Address address, bool up)
{
    for (Mux& mux : m_muxes)
    {
        mux.up = mux.address == address ? up : mux.up;
    }
}

Ptr<Ipv4Route>
VipSpreadRouting::Lookup(const Ipv4Header& header, Ptr<const Packet> payload)
{
    if (!m_mask.IsMatch(header.GetDestination(), m_prefix))
    {
        return nullptr;
    }
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
    const FiveTuple flow = FiveTuple::Of(header, payload);
    const size_t chosen = up[flow.Hash() % up.size()];
    ++m_packets[chosen];
    return MakeRoute(header, m_muxes[chosen].interface, m_muxes[chosen].address);
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

} // namespace ns3
