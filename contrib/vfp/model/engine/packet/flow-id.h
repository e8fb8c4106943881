/*
 * Unified FlowIDs (paper §6.1.1): the identity of a connection at one point of the
 * pipeline, one FlowId per header group.
 *
 * A FlowId keeps what identifies a connection, not everything a rule may read: for IPv4
 * groups the 5-tuple plus the tunnel type and key; MAC addresses only for groups without
 * IPv4 (ARP and other L2 traffic). The UDP ports of a VXLAN group are left out because
 * the source port is entropy chosen per inner flow, not identity. TTL, TCP flags and
 * sequence numbers vary per packet and are never part of it.
 *
 * Layer flow tables are keyed by Ufid, and a reply's Ufid is MakeUfid(ReverseStack(s)).
 */
#ifndef VFP_ENGINE_FLOW_ID_H
#define VFP_ENGINE_FLOW_ID_H

#include "header-stack.h"

#include <cstddef>

namespace vfp
{

struct FlowId
{
    uint64_t srcMac = 0;    //!< only for groups without IPv4
    uint64_t dstMac = 0;    //!< only for groups without IPv4
    uint32_t srcIp = 0;     //!< source address
    uint32_t dstIp = 0;     //!< destination address
    uint32_t tunnelKey = 0; //!< VNI or VSID of the tunnel this group carries
    uint16_t srcPort = 0;   //!< TCP/UDP source port; zero for tunnels and other protocols
    uint16_t dstPort = 0;   //!< TCP/UDP destination port; zero for tunnels and other protocols
    uint16_t etherType = 0; //!< EtherType, zero for groups without L2
    uint8_t protocol = 0;   //!< IP protocol
    TunnelType tunnel = TunnelType::None; //!< encapsulation of the next group

    bool operator==(const FlowId& other) const;
};

struct Ufid
{
    std::array<FlowId, MAX_HEADER_GROUPS> ids{}; //!< ids[0] is the outermost group's
    uint8_t count = 0;                           //!< groups in use

    bool operator==(const Ufid& other) const;
    bool operator!=(const Ufid& other) const { return !(*this == other); }
};

/// The Unified FlowID of a header stack.
Ufid MakeUfid(const HeaderStack& stack);

/// A stable (platform-independent) hash of a Ufid, for flow tables.
struct UfidHash
{
    size_t operator()(const Ufid& ufid) const;
};

} // namespace vfp

#endif
