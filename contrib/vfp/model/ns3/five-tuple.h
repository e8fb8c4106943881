/*
 * The 5-tuple that everything spreading traffic per flow hashes: the fabric's ECMP, the
 * border router's choice of an Ananta Mux and a Mux's choice of a DIP. Hashing the same
 * fields everywhere keeps every packet of a connection on one path, one Mux, one DIP.
 */
#ifndef VFP_FIVE_TUPLE_H
#define VFP_FIVE_TUPLE_H

#include "engine/packet/hash-mix.h"
#include "ns3/ipv4-header.h"
#include "ns3/packet.h"

#include <cstdint>
#include <tuple>

namespace ns3
{

struct FiveTuple
{
    uint32_t src = 0;     //!< source address (host order)
    uint32_t dst = 0;     //!< destination address
    uint8_t protocol = 0; //!< IP protocol
    uint16_t srcPort = 0; //!< TCP/UDP source port (0 for other protocols)
    uint16_t dstPort = 0; //!< TCP/UDP destination port

    /// The flow of an IPv4 packet: @p header and the IP payload @p payload (null: no ports).
    static FiveTuple Of(const Ipv4Header& header, Ptr<const Packet> payload)
    {
        FiveTuple flow;
        flow.src = header.GetSource().Get();
        flow.dst = header.GetDestination().Get();
        flow.protocol = header.GetProtocol();
        uint8_t ports[4] = {0, 0, 0, 0};
        if ((flow.protocol == 6 || flow.protocol == 17) && payload &&
            payload->CopyData(ports, 4) == 4)
        {
            flow.srcPort = uint16_t(ports[0] << 8 | ports[1]);
            flow.dstPort = uint16_t(ports[2] << 8 | ports[3]);
        }
        return flow;
    }
    uint64_t Hash(uint64_t seed = 0) const
    {
        uint64_t hash = vfp::HashMix(seed, src);
        hash = vfp::HashMix(hash, dst);
        hash = vfp::HashMix(hash, protocol);
        return vfp::HashMix(hash, uint64_t(srcPort) << 16 | dstPort);
    }
    bool operator<(const FiveTuple& other) const
    {
        return std::tie(src, dst, protocol, srcPort, dstPort) <
               std::tie(other.src, other.dst, other.protocol, other.srcPort, other.dstPort);
    }
};

} // namespace ns3

#endif
