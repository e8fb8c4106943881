#include "vfp-mtu.h"

#include "ns3/ipv4-header.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-option-rfc793.h"

#include <algorithm>
#include <array>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VfpMtu");

namespace
{

constexpr uint16_t IPV4_BYTES = 20;
constexpr uint16_t TCP_BYTES = 20;
constexpr uint16_t MAX_TCP_BYTES = 60;
constexpr uint32_t MAX_DATAGRAM_BYTES = 65535;
constexpr uint8_t TCP_SYN = 0x02;
constexpr uint8_t MAX_WINDOW_SCALE = 14; // RFC 7323 §2.3; ns-3 asserts it

uint16_t
ReadU16(const uint8_t* bytes)
{
    return static_cast<uint16_t>(bytes[0] << 8 | bytes[1]);
}

/// Whether ns-3's TcpOption for @p kind reads an option of @p length bytes (and value
/// @p first, its first data byte) back as it was: the exact lengths of RFC 793, 2018, 7323.
bool
Ns3ReadsBack(uint8_t kind, uint8_t length, uint8_t first)
{
    switch (kind)
    {
        case TcpOption::MSS:
            return length == 4;
        case TcpOption::WINSCALE:
            return length == 3 && first <= MAX_WINDOW_SCALE;
        case TcpOption::SACKPERMITTED:
            return length == 2;
        case TcpOption::SACK:
            return length >= 10 && (length - 2) % 8 == 0;
        case TcpOption::TS:
            return length == 10;
        default:
            return true; // TcpOptionUnknown keeps kind, length and content
    }
}

/**
 * Walks a TCP option list. True when an MSS option is above @p maxMss and ns-3's TcpHeader
 * writes the whole list back byte for byte: every option has the length its kind requires,
 * and what follows an End option is only the padding to the next 4-byte boundary (ns-3 drops
 * the rest and pads with End bytes).
 */
bool
MssAboveInOptions(const uint8_t* options, uint32_t length, uint16_t maxMss)
{
    bool above = false;
    uint32_t kept = length;
    for (uint32_t i = 0; i < length;)
    {
        const uint8_t kind = options[i];
        if (kind == TcpOption::END)
        {
            kept = i + 1;
            break;
        }
        if (kind == TcpOption::NOP)
        {
            ++i;
            continue;
        }
        if (i + 2 > length)
        {
            return false;
        }
        const uint8_t optionLength = options[i + 1];
        if (optionLength < 2 || i + optionLength > length ||
            !Ns3ReadsBack(kind, optionLength, optionLength > 2 ? options[i + 2] : 0))
        {
            return false;
        }
        above = above || (kind == TcpOption::MSS && ReadU16(options + i + 2) > maxMss);
        i += optionLength;
    }
    return above && (kept + 3) / 4 * 4 == length;
}

/// Whether @p packet (IPv4 fields @p ip) is a SYN whose MSS option ClampMss should lower.
bool
NeedsClamp(Ptr<const Packet> packet, const VfpMtu::Ipv4Fields& ip, uint16_t maxMss)
{
    if (ip.protocol != 6 || ip.fragmentOffset != 0 || ip.moreFragments ||
        ip.totalLength < IPV4_BYTES + TCP_BYTES)
    {
        return false;
    }
    std::array<uint8_t, IPV4_BYTES + MAX_TCP_BYTES> bytes{};
    const uint32_t count = std::min<uint32_t>(ip.totalLength, bytes.size());
    packet->CopyData(bytes.data(), count);
    const uint8_t* tcp = bytes.data() + IPV4_BYTES;
    const uint32_t tcpLength = (tcp[12] >> 4) * 4u;
    if (tcpLength < TCP_BYTES || IPV4_BYTES + tcpLength > count || (tcp[13] & TCP_SYN) == 0)
    {
        return false;
    }
    return MssAboveInOptions(tcp + TCP_BYTES, tcpLength - TCP_BYTES, maxMss);
}

} // namespace

bool
VfpMtu::PeekIpv4(Ptr<const Packet> packet, Ipv4Fields& fields)
{
    if (packet->GetSize() < IPV4_BYTES)
    {
        return false;
    }
    std::array<uint8_t, IPV4_BYTES> bytes{};
    packet->CopyData(bytes.data(), bytes.size());
    if (bytes[0] != 0x45)
    {
        return false;
    }
    fields.totalLength = ReadU16(&bytes[2]);
    fields.complete = fields.totalLength >= IPV4_BYTES && fields.totalLength <= packet->GetSize();
    fields.identification = ReadU16(&bytes[4]);
    fields.dontFragment = (bytes[6] & 0x40) != 0;
    fields.moreFragments = (bytes[6] & 0x20) != 0;
    fields.fragmentOffset = static_cast<uint16_t>((ReadU16(&bytes[6]) & 0x1fff) * 8);
    fields.protocol = bytes[9];
    fields.source = uint32_t(ReadU16(&bytes[12])) << 16 | ReadU16(&bytes[14]);
    fields.destination = uint32_t(ReadU16(&bytes[16])) << 16 | ReadU16(&bytes[18]);
    return true;
}

uint16_t
VfpMtu::TunnelOverhead(vfp::TunnelType tunnel)
{
    switch (tunnel)
    {
        case vfp::TunnelType::Vxlan:
            return VXLAN_OVERHEAD;
        case vfp::TunnelType::Nvgre:
            return NVGRE_OVERHEAD;
        case vfp::TunnelType::IpInIp:
            return IPIP_OVERHEAD;
        case vfp::TunnelType::None:
            break;
    }
    return 0;
}

uint16_t
VfpMtu::MssFor(uint16_t fabricMtu, uint16_t tunnelOverhead, uint16_t dataOptionBytes)
{
    const int mss = int(fabricMtu) - tunnelOverhead - IPV4_BYTES - TCP_BYTES - dataOptionBytes;
    return static_cast<uint16_t>(std::max(mss, 0));
}

bool
VfpMtu::ClampMss(Ptr<Packet> packet, uint16_t maxMss)
{
    Ipv4Fields fields;
    if (!PeekIpv4(packet, fields) || !fields.complete || !NeedsClamp(packet, fields, maxMss))
    {
        return false;
    }
    const bool checksums = Node::ChecksumEnabled();
    Ipv4Header ip;
    packet->RemoveHeader(ip);
    packet->RemoveAtEnd(packet->GetSize() - ip.GetPayloadSize()); // link-layer padding
    TcpHeader tcp;
    packet->RemoveHeader(tcp);
    // The options are objects this header's Deserialize just created and nothing else holds,
    // so rewriting them in place is safe, and keeps options of unknown kinds (which
    // TcpHeader::AppendOption would refuse if the list were rebuilt).
    for (const Ptr<const TcpOption>& option : tcp.GetOptionList())
    {
        if (option->GetKind() == TcpOption::MSS)
        {
            auto* mss =
                const_cast<TcpOptionMSS*>(PeekPointer(DynamicCast<const TcpOptionMSS>(option)));
            mss->SetMSS(std::min(mss->GetMSS(), maxMss));
        }
    }
    if (checksums)
    {
        tcp.EnableChecksums();
        tcp.InitializeChecksum(ip.GetSource(), ip.GetDestination(), 6);
        ip.EnableChecksum();
    }
    packet->AddHeader(tcp);
    packet->AddHeader(ip);
    NS_LOG_LOGIC("MSS clamped to " << maxMss);
    return true;
}

VfpMtu::FragmentResult
VfpMtu::Fragment(Ptr<Packet> packet, uint16_t mtu, std::vector<Ptr<Packet>>& out)
{
    out.clear();
    Ipv4Fields fields;
    const bool ipv4 = PeekIpv4(packet, fields) && fields.complete;
    if ((ipv4 ? fields.totalLength : packet->GetSize()) <= mtu)
    {
        out.push_back(packet);
        return FragmentResult::Fits;
    }
    if (ipv4 && fields.dontFragment)
    {
        return FragmentResult::DontFragment;
    }
    if (!ipv4 || mtu < IPV4_BYTES + 8 ||
        fields.fragmentOffset + uint32_t(fields.totalLength) - IPV4_BYTES > MAX_DATAGRAM_BYTES)
    {
        return FragmentResult::Unfragmentable;
    }
    const bool checksums = Node::ChecksumEnabled();
    Ptr<Packet> payload = packet->Copy();
    Ipv4Header ip;
    payload->RemoveHeader(ip);
    payload->RemoveAtEnd(payload->GetSize() - ip.GetPayloadSize()); // link-layer padding
    const uint32_t size = payload->GetSize();
    const uint32_t step = (mtu - IPV4_BYTES) / 8 * 8;
    for (uint32_t start = 0; start < size; start += step)
    {
        const uint32_t length = std::min(step, size - start);
        Ptr<Packet> fragment = payload->CreateFragment(start, length);
        Ipv4Header header = ip;
        header.SetFragmentOffset(static_cast<uint16_t>(ip.GetFragmentOffset() + start));
        if (start + length < size || !ip.IsLastFragment())
        {
            header.SetMoreFragments();
        }
        header.SetPayloadSize(static_cast<uint16_t>(length));
        if (checksums)
        {
            header.EnableChecksum();
        }
        fragment->AddHeader(header);
        if (start > 0)
        {
            fragment->RemoveAllPacketTags(); // one fate per original packet
        }
        out.push_back(fragment);
    }
    NS_LOG_LOGIC("fragmented " << fields.totalLength << " bytes into " << out.size());
    return FragmentResult::Fragmented;
}

} // namespace ns3
