/*
 * LookupRouting: what the model's routing protocols (FabricRouting, VipSpreadRouting)
 * share. Each is a forwarding table consulted inside an Ipv4ListRouting, which delivers
 * local packets itself; so a protocol only has to say which route a packet takes
 * (Lookup), for forwarded and locally sent packets alike, and has nothing to do when
 * interfaces or addresses change (its tables are filled by the topology helper).
 */
#ifndef VFP_LOOKUP_ROUTING_H
#define VFP_LOOKUP_ROUTING_H

#include "ns3/ipv4-routing-protocol.h"
#include "ns3/ipv4.h"

namespace ns3
{

class LookupRouting : public Ipv4RoutingProtocol
{
public:
    static TypeId GetTypeId();

    Ptr<Ipv4Route> RouteOutput(Ptr<Packet> p,
                               const Ipv4Header& header,
                               Ptr<NetDevice> oif,
                               Socket::SocketErrno& sockerr) override;
    bool RouteInput(Ptr<const Packet> p,
                    const Ipv4Header& header,
                    Ptr<const NetDevice> idev,
                    UnicastForwardCallback ucb,
                    MulticastForwardCallback mcb,
                    LocalDeliverCallback lcb,
                    ErrorCallback ecb) override;
    void NotifyInterfaceUp(uint32_t interface) override;
    void NotifyInterfaceDown(uint32_t interface) override;
    void NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void SetIpv4(Ptr<Ipv4> ipv4) override;

protected:
    void DoDispose() override;
    /// The route of a packet with @p header (and IP payload @p payload, which may be
    /// null), or null to leave it to the next protocol of the list.
    virtual Ptr<Ipv4Route> Lookup(const Ipv4Header& header, Ptr<const Packet> payload) = 0;
    /// A route out of @p interface to @p gateway (0.0.0.0: the destination is on link).
    Ptr<Ipv4Route> MakeRoute(const Ipv4Header& header,
                             uint32_t interface,
                             Ipv4Address gateway) const;

    Ptr<Ipv4> m_ipv4; //!< the node's IPv4
};

} // namespace ns3

#endif
