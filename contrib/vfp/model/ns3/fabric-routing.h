/*
 * FabricRouting: the forwarding table of a datacenter fabric router, filled by the
 * topology helper from what it built (as a VL2 fabric's routes follow from its regular
 * wiring), with equal-cost multipath per flow.
 *
 * Design: routes are (prefix, length) -> next hops. A fabric has a handful of prefix
 * lengths (host links, racks, the default), so the table is one hash map per length,
 * searched longest first: a lookup costs one probe per length present, independent of
 * the number of routes (ns-3's global routing scans every route, which dominates a
 * thousand-host simulation). Several next hops are equal-cost; a packet takes the one its
 * 5-tuple hashes to, so a flow stays on one path (no reordering), flows spread, and
 * tunnelled packets spread by their outer UDP source port, which carries the inner
 * flow's entropy. With PerFlowEcmp false every packet takes the first next hop.
 *
 * It only forwards: installed in an Ipv4ListRouting, which delivers local packets itself.
 */
#ifndef VFP_FABRIC_ROUTING_H
#define VFP_FABRIC_ROUTING_H

#include "lookup-routing.h"

#include <map>
#include <unordered_map>
#include <vector>

namespace ns3
{

class FabricRouting : public LookupRouting
{
public:
    static TypeId GetTypeId();

    /**
     * Adds a next hop for @p network/@p length: out of @p interface to @p gateway
     * (0.0.0.0: the destination is on that link). Next hops of one prefix are equal-cost.
     */
    void AddRoute(Ipv4Address network, uint8_t length, uint32_t interface, Ipv4Address gateway);
    /// Forgets every route (the helper refills the table when a link goes down or up).
    void Clear();
    /// Routes in the table (prefixes, not next hops).
    size_t GetNRoutes() const;

    void PrintRoutingTable(Ptr<OutputStreamWrapper> stream,
                           Time::Unit unit = Time::S) const override;

protected:
    Ptr<Ipv4Route> Lookup(const Ipv4Header& header, Ptr<const Packet> payload) override;

private:
    struct NextHop
    {
        uint32_t interface;  //!< out of here
        Ipv4Address gateway; //!< to this router (0.0.0.0: on link)
    };
    bool m_perFlowEcmp; //!< attribute PerFlowEcmp
    /// By prefix length, longest first: network -> next hops.
    std::map<uint8_t, std::unordered_map<uint32_t, std::vector<NextHop>>, std::greater<uint8_t>>
        m_tables;
};

} // namespace ns3

#endif
