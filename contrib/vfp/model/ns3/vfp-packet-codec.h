/*
 * The codec between real ns-3 packets and the engine's header stacks.
 *
 * Decode takes apart what a NetDevice receiver is handed (the frame with its outer
 * Ethernet header already removed, the header's fields given separately) into a header
 * stack, the ns-3 header objects each group came from, and the payload. Encode puts the
 * packet together again after the engine's transposition: groups that survived it keep
 * their ns-3 headers, with the fields the engine rewrote, so what the stack does not carry
 * (IP identification and DSCP, TCP window and options) is untouched; pushed groups get new
 * headers. The outermost Ethernet header is not written: the device sends with its fields.
 * Checksums are computed when ns-3's checksums are enabled (GlobalValue ChecksumEnabled).
 *
 * Supported: Ethernet, IPv4 without options, TCP, UDP, VXLAN (UDP to 4789), NVGRE (GRE with
 * key, Ethernet inside), IP-in-IP, up to vfp::MAX_HEADER_GROUPS groups. Anything else in an
 * IPv4 packet (ICMP, other protocols) is payload; non-IPv4 frames are one L2 group.
 * Truncated or unsupported packets are refused with the reason, never parsed past their end.
 * A packet from the network never reaches an ns-3 parser that would trust it: the TCP
 * option bytes are checked before ns-3's TcpHeader reads them (ns-3 3.37 loops, aborts or
 * reads out of bounds on some), and an IPv4 total length shorter than its header is refused.
 */
#ifndef VFP_PACKET_CODEC_H
#define VFP_PACKET_CODEC_H

#include "engine/packet/header-transposition.h"
#include "ns3/ipv4-header.h"
#include "ns3/mac48-address.h"
#include "ns3/packet.h"
#include "ns3/tcp-header.h"
#include "nvgre-header.h"
#include "vxlan-header.h"

#include <array>
#include <string>

namespace ns3
{

class VfpPacketCodec
{
public:
    /// A packet taken apart.
    struct Decoded
    {
        vfp::HeaderStack stack;                                   //!< what the engine reads
        std::array<Ipv4Header, vfp::MAX_HEADER_GROUPS> ipHeaders; //!< per group, as received
        std::array<TcpHeader, vfp::MAX_HEADER_GROUPS> tcpHeaders; //!< per group, as received
        Ptr<Packet> payload;                                      //!< after the innermost header
    };

    /**
     * Takes apart a received frame.
     * @param packet the frame without its outer Ethernet header
     * @param src the outer Ethernet source
     * @param dst the outer Ethernet destination
     * @param etherType the outer EtherType (NetDevice receive callbacks call it protocol)
     * @param error set to the reason when the packet is refused
     * @return false when the packet is truncated or not representable
     */
    static bool Decode(Ptr<const Packet> packet,
                       Mac48Address src,
                       Mac48Address dst,
                       uint16_t etherType,
                       Decoded& decoded,
                       std::string& error);

    /**
     * Puts the packet together for @p result, the stack the engine's transposition @p ht
     * made of @p decoded's stack. A pushed outer IPv4 header takes @p outerIdentification,
     * the inner header's DF bit (RFC 2003 §3.1) and its ECN field; a header that a pop
     * exposed takes the popped header's CE mark if it is ECN-capable (RFC 6040).
     * @return the frame without its outermost Ethernet header (result[0].eth has its fields)
     */
    static Ptr<Packet> Encode(const Decoded& decoded,
                              const vfp::HeaderTransposition& ht,
                              const vfp::HeaderStack& result,
                              uint16_t outerIdentification = 0);

    static Mac48Address ToMac(uint64_t mac);
    static uint64_t FromMac(Mac48Address mac);
};

} // namespace ns3

#endif
