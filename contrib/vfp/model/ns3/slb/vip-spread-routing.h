/*
 * VipSpreadRouting: the border router's half of Ananta. Every Mux announces the VIP
 * prefix, so the border router holds one equal-cost route per Mux and spreads VIP traffic
 * over them by a hash of the 5-tuple (ECMP as routers do it: per flow, so a connection
 * sticks to one Mux). Installed in an Ipv4ListRouting above global routing; it routes
 * only packets to the VIP prefix and leaves everything else to the next protocol.
 */
#ifndef VIP_SPREAD_ROUTING_H
#define VIP_SPREAD_ROUTING_H

#include "lookup-routing.h"

#include <vector>

namespace ns3
{

class VipSpreadRouting : public LookupRouting
{
public:
    static TypeId GetTypeId();

    /// Routes @p prefix/@p mask (the VIPs) over the Muxes.
    void SetVipPrefix(Ipv4Address prefix, Ipv4Mask mask);
    /// A Mux reached through @p interface at @p address.
    void AddMux(uint32_t interface, Ipv4Address address);
    /// Withdraws a Mux (@p up false: its route goes, its flows re-hash over the others, as
    /// when its BGP session drops) or announces it again.
    void SetMuxUp(Ipv4Address address, bool up);
    /// Packets routed to each Mux, in the order they were added.
    const std::vector<uint64_t>& GetPacketsPerMux() const { return m_packets; }

    void PrintRoutingTable(Ptr<OutputStreamWrapper> stream,
                           Time::Unit unit = Time::S) const override;

protected:
    /// VIP traffic to the Mux its flow hashes to; null for anything else.
    Ptr<Ipv4Route> Lookup(const Ipv4Header& header, Ptr<const Packet> payload) override;

private:
    struct Mux
    {
        uint32_t interface;  //!< towards it
        Ipv4Address address; //!< its address on that link
        bool up;             //!< announcing
    };
    Ipv4Address m_prefix;
    Ipv4Mask m_mask;
    std::vector<Mux> m_muxes;
    std::vector<uint64_t> m_packets;
};

} // namespace ns3

#endif
