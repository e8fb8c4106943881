/*
 * SlbMux: an Ananta Mux (Patel et al., SIGCOMM 2013). VIP traffic reaches it from the
 * border router (VipSpreadRouting); for each packet it finds the DIP:
 *  - a packet of a flow it has seen goes where the flow went (per-flow state, so that
 *    connections keep their DIP when the DIP list changes);
 *  - a new flow to a load-balanced endpoint (VIP, port, protocol) picks a DIP by
 *    rendezvous hashing of its 5-tuple over the endpoint's DIPs: every Mux picks the same
 *    DIP for a flow, and removing a DIP moves only the flows that were on it;
 *  - a packet to a VIP port in an SNAT range goes to the DIP that owns the range (the
 *    return half of a connection a VM opened).
 * Flow state is forgotten after FlowIdleTimeout without packets.
 * It tunnels the packet to the DIP's host in VXLAN with the DIP's virtual network and
 * VNIC MAC, which is what lets VIPs front DIPs whose customer addresses overlap across
 * tenants (Ananta's own IP-in-IP would lose the tenant). The host's VFP does the NAT;
 * return traffic goes from the host straight to the client (Direct Server Return) and
 * never reaches a Mux.
 */
#ifndef SLB_MUX_H
#define SLB_MUX_H

#include "five-tuple.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/ipv4-address.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"

#include <map>
#include <set>
#include <vector>

namespace ns3
{

/// Where a DIP lives.
struct SlbDip
{
    Ipv4Address host;    //!< its host's PA
    uint32_t vni = 0;    //!< its virtual network
    Mac48Address mac;    //!< its VNIC's MAC
    Ipv4Address address; //!< its customer address
    bool operator==(const SlbDip& other) const
    {
        return host == other.host && vni == other.vni && address == other.address;
    }
};

class SlbMux : public Application
{
public:
    static TypeId GetTypeId();

    /// The device VIP traffic arrives on (the link from the border router).
    void SetDevice(Ptr<NetDevice> device);
    /// Sets (or replaces) the DIPs behind VIP:port for @p protocol (6 TCP, 17 UDP).
    void SetEndpoint(Ipv4Address vip,
                     uint16_t port,
                     uint8_t protocol,
                     const std::vector<SlbDip>& dips);
    /// Return traffic to VIP ports lo..hi belongs to @p owner (an SNAT range).
    void AddSnatRange(Ipv4Address vip, uint16_t lo, uint16_t hi, const SlbDip& owner);

    uint64_t GetPackets() const { return m_packets; }
    uint64_t GetBytes() const { return m_bytes; }
    /// VIP-sourced packets that reached this Mux (Direct Server Return makes it zero).
    uint64_t GetReturnPackets() const { return m_returnPackets; }
    /// Packets to a VIP port with no endpoint and no SNAT range.
    /// Flows whose DIP the Mux remembers.
    size_t GetFlowCount() const { return m_flows.size(); }
    uint64_t GetUnknown() const { return m_unknown; }
    /// New flows per (VIP, DIP customer address, VNI).
    const std::map<std::tuple<uint32_t, uint32_t, uint32_t>, uint64_t>& GetFlowsPerDip() const
    {
        return m_flowsPerDip;
    }

    /// Signature of the Forward trace: the packet and the DIP it went to.
    typedef void (*ForwardCallback)(Ptr<const Packet> packet, const SlbDip& dip);

protected:
    void DoDispose() override;

private:
    struct Endpoint
    {
        std::vector<SlbDip> dips; //!< current DIP list
    };
    struct FlowState
    {
        SlbDip dip;    //!< where the flow goes
        Time lastSeen; //!< its last packet
    };
    struct SnatRange
    {
        uint16_t lo;  //!< first port
        uint16_t hi;  //!< last port
        SlbDip owner; //!< who owns them
    };

    void StartApplication() override;
    void StopApplication() override;
    void Receive(Ptr<NetDevice> device,
                 Ptr<const Packet> packet,
                 uint16_t protocol,
                 const Address& from,
                 const Address& to,
                 NetDevice::PacketType type);
    /// The DIP for a packet of @p flow, or false if it belongs to none.
    bool Lookup(const FiveTuple& flow, SlbDip& dip);
    /// Forgets flows idle for FlowIdleTimeout.
    void ExpireFlows();
    void Tunnel(Ptr<Packet> packet, const FiveTuple& flow, const SlbDip& dip);

    Ptr<NetDevice> m_device;
    std::map<std::tuple<uint32_t, uint16_t, uint8_t>, Endpoint>
        m_endpoints;                                   //!< (VIP, port, protocol)
    std::map<uint32_t, std::vector<SnatRange>> m_snat; //!< by VIP
    std::set<uint32_t> m_vips;                         //!< every VIP served
    std::map<FiveTuple, FlowState> m_flows;            //!< per-flow state
    Time m_flowIdleTimeout;                            //!< attribute FlowIdleTimeout
    EventId m_expiry;                                  //!< the next sweep
    std::map<std::tuple<uint32_t, uint32_t, uint32_t>, uint64_t> m_flowsPerDip;
    uint64_t m_packets = 0;
    uint64_t m_bytes = 0;
    uint64_t m_returnPackets = 0;
    uint64_t m_unknown = 0;
    TracedCallback<Ptr<const Packet>, const SlbDip&> m_forwardTrace;
};

} // namespace ns3

#endif
