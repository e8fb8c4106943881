#include "vfp-packet-codec.h"

#include "ns3/ethernet-header.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/udp-header.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VfpPacketCodec");

namespace
{

constexpr uint32_t ETHERNET_BYTES = 14;
constexpr uint32_t IPV4_BYTES = 20;
constexpr uint32_t UDP_BYTES = 8;
constexpr uint32_t TUNNEL_BYTES = 8; // VXLAN and NVGRE alike
constexpr uint32_t TCP_BYTES = 20;   // without options
constexpr uint32_t TCP_MAX_BYTES = 60;

// TCP option kinds (RFC 9293, RFC 7323, RFC 2018).
constexpr uint8_t TCP_OPTION_END = 0;
constexpr uint8_t TCP_OPTION_NOP = 1;
constexpr uint8_t TCP_OPTION_MSS = 2;
constexpr uint8_t TCP_OPTION_WINDOW_SCALE = 3;
constexpr uint8_t TCP_OPTION_SACK_PERMITTED = 4;
constexpr uint8_t TCP_OPTION_SACK = 5;
constexpr uint8_t TCP_OPTION_TIMESTAMP = 8;

/// The first @p count bytes of @p packet (count <= 64).
std::array<uint8_t, 64>
Peek(Ptr<const Packet> packet, uint32_t count)
{
    std::array<uint8_t, 64> bytes{};
    packet->CopyData(bytes.data(), count);
    return bytes;
}

bool
Refuse(std::string& error, const std::string& reason)
{
    error = reason;
    return false;
}

/**
 * Why the TCP options in @p options (@p length bytes, after the 20 fixed bytes) must not
 * reach ns-3's TcpHeader::Deserialize, or empty when they may. ns-3 3.37 trusts them: an
 * option of length 0 makes it loop forever, allocating; MSS, window scale, SACK-permitted
 * or timestamp options of another length than RFC 9293/7323/2018 give abort the program;
 * a SACK longer than the header is read past its end. So every option must fit the
 * header, with its kind's length (SACK: 2 + 8 per block), and an unknown kind a length of
 * 2 to 40 (ns-3's bounds for options it skips).
 */
std::string
CheckTcpOptions(const uint8_t* options, uint32_t length)
{
    for (uint32_t at = 0; at < length;)
    {
        const uint8_t kind = options[at];
        if (kind == TCP_OPTION_END)
        {
            return "";
        }
        if (kind == TCP_OPTION_NOP)
        {
            ++at;
            continue;
        }
        if (at + 2 > length)
        {
            return "truncated TCP option";
        }
        const uint8_t size = options[at + 1];
        if (size < 2)
        {
            return "TCP option shorter than 2 bytes";
        }
        if (size > length - at)
        {
            return "TCP option longer than its header";
        }
        const bool badSize = (kind == TCP_OPTION_MSS && size != 4) ||
                             (kind == TCP_OPTION_WINDOW_SCALE && size != 3) ||
                             (kind == TCP_OPTION_SACK_PERMITTED && size != 2) ||
                             (kind == TCP_OPTION_SACK && (size - 2) % 8 != 0) ||
                             (kind == TCP_OPTION_TIMESTAMP && size != 10);
        if (badSize)
        {
            return "TCP option with a wrong length for its kind";
        }
        at += size;
    }
    return "";
}

/// Removes an inner Ethernet header into @p group.
bool
TakeEthernet(Ptr<Packet> packet, vfp::HeaderGroup& group, std::string& error)
{
    if (packet->GetSize() < ETHERNET_BYTES)
    {
        return Refuse(error, "truncated inner Ethernet header");
    }
    EthernetHeader eth(false);
    packet->RemoveHeader(eth);
    group.hasEthernet = true;
    group.eth = vfp::EthernetHeader{VfpPacketCodec::FromMac(eth.GetSource()),
                                    VfpPacketCodec::FromMac(eth.GetDestination()),
                                    eth.GetLengthType()};
    return true;
}

} // namespace

Mac48Address
VfpPacketCodec::ToMac(uint64_t mac)
{
    uint8_t bytes[6];
    for (int i = 0; i < 6; ++i)
    {
        bytes[i] = static_cast<uint8_t>(mac >> (40 - 8 * i));
    }
    Mac48Address address;
    address.CopyFrom(bytes);
    return address;
}

uint64_t
VfpPacketCodec::FromMac(Mac48Address mac)
{
    uint8_t bytes[6];
    mac.CopyTo(bytes);
    uint64_t value = 0;
    for (uint8_t byte : bytes)
    {
        value = (value << 8) | byte;
    }
    return value;
}

bool
VfpPacketCodec::Decode(Ptr<const Packet> frame,
                       Mac48Address src,
                       Mac48Address dst,
                       uint16_t etherType,
                       Decoded& decoded,
                       std::string& error)
{
    Ptr<Packet> packet = frame->Copy();
    vfp::HeaderStack& stack = decoded.stack;
    stack = vfp::HeaderStack{};
    stack.count = 1;
    stack[0].hasEthernet = true;
    stack[0].eth = vfp::EthernetHeader{FromMac(src), FromMac(dst), etherType};

    for (size_t g = 0;; ++g)
    {
        vfp::HeaderGroup& group = stack[g];
        if (group.hasEthernet && group.eth.etherType != vfp::ETHER_TYPE_IPV4)
        {
            break; // a non-IP frame: L2 only
        }
        if (packet->GetSize() < IPV4_BYTES)
        {
            return Refuse(error, "truncated IPv4 header");
        }
        const auto first = Peek(packet, 4);
        if ((first[0] >> 4) != 4 || (first[0] & 0x0f) != 5)
        {
            return Refuse(error,
                          (first[0] >> 4) != 4 ? "not an IPv4 header"
                                               : "IPv4 options are not supported");
        }
        if (static_cast<uint32_t>((first[2] << 8) | first[3]) < IPV4_BYTES)
        {
            return Refuse(error, "IPv4 total length shorter than its header");
        }
        Ipv4Header& ip = decoded.ipHeaders[g];
        packet->RemoveHeader(ip);
        if (packet->GetSize() < ip.GetPayloadSize())
        {
            return Refuse(error, "truncated IPv4 payload");
        }
        packet->RemoveAtEnd(packet->GetSize() - ip.GetPayloadSize()); // Ethernet padding
        if (ip.IsLastFragment() == false || ip.GetFragmentOffset() != 0)
        {
            return Refuse(error, "IPv4 fragments are not supported");
        }
        group.hasIpv4 = true;
        group.ip = vfp::Ipv4Header{
            ip.GetSource().Get(), ip.GetDestination().Get(), ip.GetProtocol(), ip.GetTtl()};

        const uint8_t protocol = ip.GetProtocol();
        if (protocol == vfp::IP_PROTOCOL_TCP)
        {
            if (packet->GetSize() < TCP_BYTES)
            {
                return Refuse(error, "truncated TCP header");
            }
            const uint32_t headerBytes = (Peek(packet, 13)[12] >> 4) * 4u;
            if (headerBytes < TCP_BYTES || headerBytes > packet->GetSize())
            {
                return Refuse(error, "truncated TCP header");
            }
            const auto header = Peek(packet, headerBytes);
            static_assert(TCP_MAX_BYTES <= header.size());
            const std::string badOptions =
                CheckTcpOptions(header.data() + TCP_BYTES, headerBytes - TCP_BYTES);
            if (!badOptions.empty())
            {
                return Refuse(error, badOptions);
            }
            TcpHeader& tcp = decoded.tcpHeaders[g];
            packet->RemoveHeader(tcp);
            group.l4 = vfp::L4Type::Tcp;
            group.transport = vfp::TransportHeader{tcp.GetSourcePort(),
                                                   tcp.GetDestinationPort(),
                                                   tcp.GetFlags(),
                                                   tcp.GetSequenceNumber().GetValue(),
                                                   tcp.GetAckNumber().GetValue()};
        }
        else if (protocol == vfp::IP_PROTOCOL_UDP)
        {
            if (packet->GetSize() < UDP_BYTES)
            {
                return Refuse(error, "truncated UDP header");
            }
            UdpHeader udp;
            packet->RemoveHeader(udp);
            group.l4 = vfp::L4Type::Udp;
            group.transport.srcPort = udp.GetSourcePort();
            group.transport.dstPort = udp.GetDestinationPort();
            if (udp.GetDestinationPort() == vfp::VXLAN_UDP_PORT)
            {
                if (packet->GetSize() < TUNNEL_BYTES)
                {
                    return Refuse(error, "truncated VXLAN header");
                }
                VxlanHeader vxlan;
                packet->RemoveHeader(vxlan);
                if (!vxlan.IsValid())
                {
                    return Refuse(error, "VXLAN header without a valid VNI");
                }
                group.tunnel = vfp::TunnelType::Vxlan;
                group.tunnelKey = vxlan.GetVni();
            }
        }
        else if (protocol == vfp::IP_PROTOCOL_GRE)
        {
            if (packet->GetSize() < TUNNEL_BYTES)
            {
                return Refuse(error, "truncated GRE header");
            }
            NvgreHeader gre;
            packet->RemoveHeader(gre);
            if (!gre.IsNvgre())
            {
                return Refuse(error,
                              "GRE other than NVGRE (key, Ethernet inside) is not supported");
            }
            group.tunnel = vfp::TunnelType::Nvgre;
            group.tunnelKey = gre.GetVsid();
        }
        else if (protocol == vfp::IP_PROTOCOL_IPIP)
        {
            group.tunnel = vfp::TunnelType::IpInIp;
        }
        if (group.tunnel == vfp::TunnelType::None)
        {
            break;
        }
        if (stack.count == vfp::MAX_HEADER_GROUPS)
        {
            return Refuse(error, "more tunnels than the engine's header groups");
        }
        vfp::HeaderGroup& inner = stack[stack.count++];
        if (group.tunnel != vfp::TunnelType::IpInIp && !TakeEthernet(packet, inner, error))
        {
            return false;
        }
    }
    stack.payloadBytes = packet->GetSize();
    decoded.payload = packet;
    const std::string invalid = vfp::ValidateHeaderStack(stack);
    return invalid.empty() || Refuse(error, invalid);
}

Ptr<Packet>
VfpPacketCodec::Encode(const Decoded& decoded,
                       const vfp::HeaderTransposition& ht,
                       const vfp::HeaderStack& result,
                       uint16_t outerIdentification)
{
    const bool checksums = Node::ChecksumEnabled();
    Ptr<Packet> packet = decoded.payload->Copy();
    // RFC 6040 (normal mode): a pushed outer header copies the inner ECN field, and a
    // decapsulated inner header that is ECN-capable takes the outer header's CE mark.
    bool poppedCe = false;
    for (size_t k = 0; k < ht.popCount; ++k)
    {
        poppedCe |= decoded.stack[k].hasIpv4 && decoded.ipHeaders[k].GetEcn() == Ipv4Header::ECN_CE;
    }
    Ipv4Header::EcnType innerEcn = Ipv4Header::ECN_NotECT;
    bool innerDontFragment = true;
    for (size_t j = result.count; j-- > 0;)
    {
        const vfp::HeaderGroup& group = result[j];
        // A group that survived the transposition keeps its ns-3 headers.
        const bool survived = j >= ht.pushCount;
        const size_t source = ht.popCount + j - ht.pushCount;
        const Ipv4Address ipSrc(group.ip.src);
        const Ipv4Address ipDst(group.ip.dst);

        if (group.tunnel == vfp::TunnelType::Vxlan)
        {
            VxlanHeader vxlan;
            vxlan.SetVni(group.tunnelKey);
            packet->AddHeader(vxlan);
        }
        else if (group.tunnel == vfp::TunnelType::Nvgre)
        {
            NvgreHeader gre;
            gre.SetVsid(group.tunnelKey);
            packet->AddHeader(gre);
        }
        if (group.l4 == vfp::L4Type::Tcp)
        {
            TcpHeader tcp = survived ? decoded.tcpHeaders[source] : TcpHeader();
            tcp.SetSourcePort(group.transport.srcPort);
            tcp.SetDestinationPort(group.transport.dstPort);
            tcp.SetFlags(group.transport.tcpFlags);
            tcp.SetSequenceNumber(SequenceNumber32(group.transport.seq));
            tcp.SetAckNumber(SequenceNumber32(group.transport.ack));
            if (checksums)
            {
                tcp.EnableChecksums();
                tcp.InitializeChecksum(ipSrc, ipDst, vfp::IP_PROTOCOL_TCP);
            }
            packet->AddHeader(tcp);
        }
        else if (group.l4 == vfp::L4Type::Udp)
        {
            UdpHeader udp;
            udp.SetSourcePort(group.transport.srcPort);
            udp.SetDestinationPort(group.transport.dstPort);
            if (checksums)
            {
                udp.EnableChecksums();
                udp.InitializeChecksum(ipSrc, ipDst, vfp::IP_PROTOCOL_UDP);
            }
            packet->AddHeader(udp);
        }
        if (group.hasIpv4)
        {
            Ipv4Header ip = survived ? decoded.ipHeaders[source] : Ipv4Header();
            if (!survived)
            {
                // RFC 2003 §3.1: DF as the inner header has it; an identification of its own.
                innerDontFragment ? ip.SetDontFragment() : ip.SetMayFragment();
                ip.SetIdentification(outerIdentification);
                ip.SetEcn(innerEcn);
            }
            else if (j == ht.pushCount && poppedCe && ip.GetEcn() != Ipv4Header::ECN_NotECT)
            {
                ip.SetEcn(Ipv4Header::ECN_CE);
            }
            innerEcn = ip.GetEcn();
            innerDontFragment = ip.IsDontFragment();
            ip.SetSource(ipSrc);
            ip.SetDestination(ipDst);
            ip.SetProtocol(group.ip.protocol);
            ip.SetTtl(group.ip.ttl);
            ip.SetPayloadSize(packet->GetSize());
            if (checksums)
            {
                ip.EnableChecksum();
            }
            packet->AddHeader(ip);
        }
        if (group.hasEthernet && j > 0)
        {
            EthernetHeader eth(false);
            eth.SetSource(ToMac(group.eth.src));
            eth.SetDestination(ToMac(group.eth.dst));
            eth.SetLengthType(group.eth.etherType);
            packet->AddHeader(eth);
        }
    }
    return packet;
}

} // namespace ns3
