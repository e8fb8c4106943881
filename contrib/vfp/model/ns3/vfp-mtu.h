/*
 * VfpMtu: what VFP does when encapsulation makes a packet bigger than the fabric's MTU.
 *
 * The paper's lesson (NSDI 2017, Experiences: "MTU is not a major issue"): VFP supports "either
 * making use of larger MTU on the physical network to support encapsulation (this was our choice
 * for Azure), or using a combination of TCP Maximum Segment Size clamping and fragmentation of
 * large non-TCP frames (for deployments without large MTU)". The first mode needs nothing
 * here but the arithmetic (TunnelOverhead); the second needs the three operations below, on
 * ns-3 packets as the switch sees them (an IPv4 packet, its Ethernet header already removed):
 *
 *   ClampMss   lowers the MSS option of a TCP SYN (or SYN-ACK) to MssFor(fabric MTU, tunnel),
 *              so that neither end sends segments the tunnel cannot carry.
 *   Fragment   splits the outermost IPv4 packet (the encapsulated one) into RFC 791 fragments
 *              that fit; the host that decapsulates reassembles them (VfpReassembler).
 *
 * What "MSS" means here. RFC 879/6691 define the MSS option as the MTU minus the fixed IPv4
 * and TCP headers (40 bytes), and make the sender subtract the options it carries. ns-3's
 * TcpSocketBase does not: it sends SegmentSize bytes of data and puts its options (a 12-byte
 * timestamp option by default, Timestamp=true) on top. MssFor therefore also subtracts the
 * options a data segment carries, so that a clamped segment fits whichever way its sender
 * counts (an RFC 6691 sender loses those bytes twice: conservative, never too big). Note that
 * ns-3 3.37's TCP neither sends nor honours an MSS option: to clamp ns-3 VMs, set their
 * TcpSocket::SegmentSize to MssFor(...); ClampMss acts on stacks that do (and on pcaps).
 *
 * Not modelled: ICMP "fragmentation needed" (RFC 1191 path MTU discovery): a packet with DF
 * set that does not fit is refused (FragmentResult::DontFragment) for the caller to drop with
 * a counted reason; IPv4 options (refused, as the packet codec refuses them); IPv6.
 */
#ifndef VFP_MTU_H
#define VFP_MTU_H

#include "engine/packet/header-stack.h"
#include "ns3/packet.h"

#include <cstdint>
#include <vector>

namespace ns3
{

class VfpMtu
{
public:
    /// Bytes a tunnel adds inside the fabric's IP MTU: outer IPv4 20 + UDP 8 + VXLAN 8 +
    /// the inner Ethernet header 14 (RFC 7348 §5; "50 bytes", counting the outer Ethernet
    /// header instead of the inner one, which is the same number).
    static constexpr uint16_t VXLAN_OVERHEAD = 50;
    /// Outer IPv4 20 + GRE with key 8 + the inner Ethernet header 14 (RFC 7637).
    static constexpr uint16_t NVGRE_OVERHEAD = 42;
    /// Outer IPv4 20 (RFC 2003).
    static constexpr uint16_t IPIP_OVERHEAD = 20;
    /// What ns-3's TcpSocketBase puts on every data segment by default: the timestamp option
    /// (10 bytes, RFC 7323) padded to a 4-byte boundary.
    static constexpr uint16_t NS3_DATA_OPTION_BYTES = 12;

    /// The outermost IPv4 header's fields, read without taking the packet apart.
    struct Ipv4Fields
    {
        uint16_t totalLength = 0;    //!< header and payload, bytes
        uint16_t identification = 0; //!< RFC 791 Identification
        uint16_t fragmentOffset = 0; //!< bytes (the header counts 8-byte units)
        bool dontFragment = false;   //!< DF
        bool moreFragments = false;  //!< MF
        uint8_t protocol = 0;        //!< the payload's IP protocol
        uint32_t source = 0;         //!< source address
        uint32_t destination = 0;    //!< destination address
        bool complete = false;       //!< the total length is at least 20 and the packet holds it
    };

    /**
     * Reads the IPv4 header at the start of @p packet.
     * @return false unless the packet starts with 20 bytes of an IPv4 header without options
     *         (then fields.complete says whether its total length is consistent)
     */
    static bool PeekIpv4(Ptr<const Packet> packet, Ipv4Fields& fields);

    /// The bytes @p tunnel adds (0 for TunnelType::None).
    static uint16_t TunnelOverhead(vfp::TunnelType tunnel);

    /**
     * The MSS to clamp to: the TCP payload per segment that fits in @p fabricMtu after
     * @p tunnelOverhead, 20 bytes of IPv4, 20 of TCP and @p dataOptionBytes of TCP options on
     * data segments (see the file comment for why options count).
     * @return 0 when nothing fits (a configuration to refuse)
     */
    static uint16_t MssFor(uint16_t fabricMtu,
                           uint16_t tunnelOverhead,
                           uint16_t dataOptionBytes = NS3_DATA_OPTION_BYTES);

    /**
     * Lowers the MSS option of a TCP segment with SYN set to @p maxMss when it is above.
     * Every other field and option is kept, as are the packet's tags (the headers come off
     * and go back on the same Packet); the TCP checksum is recomputed when ns-3 checksums are
     * enabled (GlobalValue ChecksumEnabled), as the packet codec does, and left zero
     * otherwise, as ns-3 writes it. Link-layer padding after the IPv4 packet is removed.
     * Packets it cannot parse (not IPv4, IPv4 options, fragments, a truncated header, an
     * option list ns-3's TcpHeader would not write back byte for byte) are left untouched.
     * @param ipPacket an IPv4 packet, without its Ethernet header
     * @return whether the packet changed
     */
    static bool ClampMss(Ptr<Packet> ipPacket, uint16_t maxMss);

    /// What Fragment did.
    enum class FragmentResult
    {
        Fits,           //!< no bigger than the MTU: out holds the packet itself
        Fragmented,     //!< out holds the fragments, in offset order
        DontFragment,   //!< too big with DF set: the caller drops it (no ICMP is modelled)
        Unfragmentable, //!< too big and not an IPv4 packet this can split (truncated, IPv4
                        //!< options, or an MTU below 28 bytes): the caller drops it
    };

    /**
     * RFC 791 fragmentation of the outermost IPv4 packet into fragments of at most @p mtu
     * bytes (IPv4 header included): every fragment's data but the last's is a multiple of
     * 8 bytes, offsets count from the original's (so a fragment can be fragmented again),
     * MF is set on all but the last (which keeps the original's MF), and Identification,
     * TOS, TTL, protocol and addresses are copied. The header checksum is computed when ns-3
     * checksums are enabled. The first fragment keeps the packet's tags; the others carry
     * none, so that a per-packet audit following tags sees one fate per original packet.
     * @param ipPacket an IPv4 packet, without its Ethernet header (not modified)
     * @param out cleared, then filled as the result says
     */
    static FragmentResult Fragment(Ptr<Packet> ipPacket,
                                   uint16_t mtu,
                                   std::vector<Ptr<Packet>>& out);
};

} // namespace ns3

#endif
