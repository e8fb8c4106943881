/*
 * The parsed form of a packet, as the VFP metadata pipeline sees it (paper §6.1.1).
 *
 * A packet is a stack of header groups, outermost first. A header group is one each of
 * an L2 (Ethernet), L3 (IPv4) and L4 (TCP or UDP) header, plus the tunnel header that
 * carries the next group (VXLAN, NVGRE or IP-in-IP). Examples:
 *
 *   plain TCP     [eth ipv4 tcp]
 *   VXLAN         [eth ipv4 udp(4789) vxlan] [eth ipv4 tcp]
 *   NVGRE         [eth ipv4(47) gre(key)]    [eth ipv4 tcp]
 *   IP-in-IP      [eth ipv4(4)]              [ipv4 tcp]        (inner group has no L2)
 *
 * Rules read and header transpositions write this structure only; the real packet is
 * rewritten once, at the end of the pipeline. The structure is fixed-size (no heap) so
 * that copying it on the fast path is a memcpy.
 */
#ifndef VFP_ENGINE_HEADER_STACK_H
#define VFP_ENGINE_HEADER_STACK_H

#include <array>
#include <cstdint>
#include <string>

namespace vfp
{

constexpr uint16_t ETHER_TYPE_IPV4 = 0x0800;
constexpr uint8_t IP_PROTOCOL_IPIP = 4;
constexpr uint8_t IP_PROTOCOL_TCP = 6;
constexpr uint8_t IP_PROTOCOL_UDP = 17;
constexpr uint8_t IP_PROTOCOL_GRE = 47;
constexpr uint16_t VXLAN_UDP_PORT = 4789;
constexpr uint8_t DEFAULT_IP_TTL = 64;
constexpr uint32_t MAX_TUNNEL_KEY = 0xffffff; //!< VXLAN VNI and NVGRE VSID are 24 bits

/// The most header groups a packet may carry: an outer tunnel, a tunnel inside it, the VM's.
constexpr size_t MAX_HEADER_GROUPS = 3;

/// TCP flag bits as they sit in the TCP header.
namespace TcpFlags
{
constexpr uint8_t FIN = 0x01;
constexpr uint8_t SYN = 0x02;
constexpr uint8_t RST = 0x04;
constexpr uint8_t PSH = 0x08;
constexpr uint8_t ACK = 0x10;
constexpr uint8_t URG = 0x20;
constexpr uint8_t ECE = 0x40;
constexpr uint8_t CWR = 0x80;
} // namespace TcpFlags

enum class L4Type : uint8_t
{
    None,
    Tcp,
    Udp,
};

/// The encapsulation a group uses to carry the next (inner) group.
enum class TunnelType : uint8_t
{
    None,
    Vxlan,  //!< UDP to port 4789, VXLAN header with a 24-bit VNI; inner group has L2
    Nvgre,  //!< GRE (protocol 47) with a 24-bit VSID key; inner group has L2
    IpInIp, //!< IPv4 protocol 4; inner group has no L2
};

struct EthernetHeader
{
    uint64_t src = 0;                     //!< source MAC, low 48 bits
    uint64_t dst = 0;                     //!< destination MAC, low 48 bits
    uint16_t etherType = ETHER_TYPE_IPV4; //!< EtherType of the payload
    bool operator==(const EthernetHeader& other) const;
};

struct Ipv4Header
{
    uint32_t src = 0;             //!< source address, host order
    uint32_t dst = 0;             //!< destination address, host order
    uint8_t protocol = 0;         //!< IP protocol number
    uint8_t ttl = DEFAULT_IP_TTL; //!< time to live
    bool operator==(const Ipv4Header& other) const;
};

/// TCP or UDP header; the TCP-only fields stay zero for UDP.
struct TransportHeader
{
    uint16_t srcPort = 0; //!< source port
    uint16_t dstPort = 0; //!< destination port
    uint8_t tcpFlags = 0; //!< TCP flags (TcpFlags bits)
    uint32_t seq = 0;     //!< TCP sequence number
    uint32_t ack = 0;     //!< TCP acknowledgement number
    bool operator==(const TransportHeader& other) const;
};

struct HeaderGroup
{
    bool hasEthernet = false;             //!< an L2 header is present
    bool hasIpv4 = false;                 //!< an IPv4 header is present
    L4Type l4 = L4Type::None;             //!< which transport header is present
    TunnelType tunnel = TunnelType::None; //!< how the next group is carried, if any
    EthernetHeader eth;                   //!< valid when hasEthernet
    Ipv4Header ip;                        //!< valid when hasIpv4
    TransportHeader transport;            //!< valid when l4 != None
    uint32_t tunnelKey = 0;               //!< VXLAN VNI or NVGRE VSID

    /// Bytes this group's headers take on the wire (Ethernet 14, IPv4 20, TCP 20, UDP 8,
    /// VXLAN 8, GRE with key 8).
    uint32_t SizeBytes() const;
    bool operator==(const HeaderGroup& other) const;
    bool operator!=(const HeaderGroup& other) const { return !(*this == other); }
};

struct HeaderStack
{
    std::array<HeaderGroup, MAX_HEADER_GROUPS> groups{}; //!< groups[0] is the outermost
    uint8_t count = 0;                                   //!< groups in use
    uint32_t payloadBytes = 0;                           //!< bytes after the innermost header

    HeaderGroup& operator[](size_t index) { return groups[index]; }
    const HeaderGroup& operator[](size_t index) const { return groups[index]; }
    /// Frame length: every group's headers plus the payload.
    uint32_t SizeBytes() const;
    bool operator==(const HeaderStack& other) const;
    bool operator!=(const HeaderStack& other) const { return !(*this == other); }
};

/**
 * Checks that the stack is one a wire parser could have produced: the outermost group
 * has L2; EtherType, IP protocol, transport and tunnel headers agree with each other;
 * every tunnel carries exactly one more group and only the innermost group has none.
 * @return an empty string when consistent, else what is wrong, naming the group.
 */
std::string ValidateHeaderStack(const HeaderStack& stack);

/// The UDP source port a VXLAN encapsulation uses for @p inner (RFC 7348 §5: a hash of
/// the inner flow, in the dynamic range 49152..65535), so that ECMP spreads tunnels.
uint16_t TunnelEntropyPort(const HeaderGroup& inner);

/**
 * The header stack of a reply to @p stack: in every group the MACs, IP addresses and
 * ports are swapped; a VXLAN group gets the entropy source port of its reversed inner
 * group and destination port 4789; IP TTLs are reset to DEFAULT_IP_TTL and TCP flags,
 * sequence and acknowledgement numbers to zero (they are not part of a flow's identity).
 */
HeaderStack ReverseStack(const HeaderStack& stack);

} // namespace vfp

#endif
