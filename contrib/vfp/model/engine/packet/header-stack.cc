#include "header-stack.h"

#include "hash-mix.h"

#include <fmt/format.h>

namespace vfp
{

bool
EthernetHeader::operator==(const EthernetHeader& other) const
{
    return src == other.src && dst == other.dst && etherType == other.etherType;
}

bool
Ipv4Header::operator==(const Ipv4Header& other) const
{
    return src == other.src && dst == other.dst && protocol == other.protocol && ttl == other.ttl;
}

bool
TransportHeader::operator==(const TransportHeader& other) const
{
    return srcPort == other.srcPort && dstPort == other.dstPort && tcpFlags == other.tcpFlags &&
           seq == other.seq && ack == other.ack;
}

uint32_t
HeaderGroup::SizeBytes() const
{
    uint32_t bytes = 0;
    bytes += hasEthernet ? 14 : 0;
    bytes += hasIpv4 ? 20 : 0;
    bytes += l4 == L4Type::Tcp ? 20 : (l4 == L4Type::Udp ? 8 : 0);
    bytes += (tunnel == TunnelType::Vxlan || tunnel == TunnelType::Nvgre) ? 8 : 0;
    return bytes;
}

bool
HeaderGroup::operator==(const HeaderGroup& other) const
{
    return hasEthernet == other.hasEthernet && hasIpv4 == other.hasIpv4 && l4 == other.l4 &&
           tunnel == other.tunnel && (!hasEthernet || eth == other.eth) &&
           (!hasIpv4 || ip == other.ip) && (l4 == L4Type::None || transport == other.transport) &&
           (tunnel == TunnelType::None || tunnel == TunnelType::IpInIp ||
            tunnelKey == other.tunnelKey);
}

uint32_t
HeaderStack::SizeBytes() const
{
    uint32_t bytes = payloadBytes;
    for (size_t i = 0; i < count; ++i)
    {
        bytes += groups[i].SizeBytes();
    }
    return bytes;
}

bool
HeaderStack::operator==(const HeaderStack& other) const
{
    if (count != other.count || payloadBytes != other.payloadBytes)
    {
        return false;
    }
    for (size_t i = 0; i < count; ++i)
    {
        if (groups[i] != other.groups[i])
        {
            return false;
        }
    }
    return true;
}

namespace
{

std::string
ValidateGroup(const HeaderGroup& group, size_t index, const HeaderGroup* outer, bool innermost)
{
    auto fail = [index](const std::string& what)
    { return fmt::format("group {}: {}", index, what); };

    if (outer == nullptr && !group.hasEthernet)
    {
        return fail("the outermost group needs an eth header");
    }
    if (outer != nullptr && outer->tunnel == TunnelType::IpInIp && group.hasEthernet)
    {
        return fail("a group carried by IP-in-IP has no eth header");
    }
    if (outer != nullptr && outer->tunnel != TunnelType::IpInIp && !group.hasEthernet)
    {
        return fail("a group carried by VXLAN or NVGRE starts with an eth header");
    }
    if (outer != nullptr && outer->tunnel == TunnelType::IpInIp && !group.hasIpv4)
    {
        return fail("a group carried by IP-in-IP starts with an ipv4 header");
    }
    if (group.hasEthernet && group.hasIpv4 && group.eth.etherType != ETHER_TYPE_IPV4)
    {
        return fail(fmt::format("eth type {:#06x} does not announce the ipv4 header after it",
                                group.eth.etherType));
    }
    if (group.hasEthernet && !group.hasIpv4 && group.eth.etherType == ETHER_TYPE_IPV4)
    {
        return fail("eth type 0x0800 announces an ipv4 header, but none follows (truncated)");
    }
    if (!group.hasIpv4)
    {
        if (group.l4 != L4Type::None || group.tunnel != TunnelType::None)
        {
            return fail("a transport or tunnel header needs an ipv4 header before it");
        }
        return innermost ? "" : fail("a group without ipv4 cannot carry a tunnel");
    }

    const uint8_t protocol = group.ip.protocol;
    const bool vxlanPort = group.l4 == L4Type::Udp && group.transport.dstPort == VXLAN_UDP_PORT;
    if (protocol == IP_PROTOCOL_TCP && group.l4 != L4Type::Tcp)
    {
        return fail("ipv4 protocol 6 announces a tcp header, but none follows (truncated)");
    }
    if (protocol == IP_PROTOCOL_UDP && group.l4 != L4Type::Udp)
    {
        return fail("ipv4 protocol 17 announces a udp header, but none follows (truncated)");
    }
    if (protocol != IP_PROTOCOL_TCP && protocol != IP_PROTOCOL_UDP && group.l4 != L4Type::None)
    {
        return fail(fmt::format("ipv4 protocol {} does not match the {} header after it",
                                protocol,
                                group.l4 == L4Type::Tcp ? "tcp" : "udp"));
    }
    if (vxlanPort != (group.tunnel == TunnelType::Vxlan))
    {
        return fail(vxlanPort ? "udp to port 4789 must carry a vxlan header (truncated)"
                              : "a vxlan header needs udp to port 4789 before it");
    }
    if ((protocol == IP_PROTOCOL_GRE) != (group.tunnel == TunnelType::Nvgre))
    {
        return fail(protocol == IP_PROTOCOL_GRE
                        ? "ipv4 protocol 47 announces a gre header, but none follows (truncated)"
                        : "a gre header needs ipv4 protocol 47 before it");
    }
    if ((protocol == IP_PROTOCOL_IPIP) != (group.tunnel == TunnelType::IpInIp))
    {
        return fail(protocol == IP_PROTOCOL_IPIP
                        ? "ipv4 protocol 4 announces an inner ipv4 header, but none follows"
                        : "an inner ipv4 header needs ipv4 protocol 4 before it");
    }
    if (group.tunnelKey > MAX_TUNNEL_KEY)
    {
        return fail(fmt::format("tunnel key {} exceeds 24 bits", group.tunnelKey));
    }
    if (innermost && group.tunnel != TunnelType::None)
    {
        return fail("the tunnel header carries no inner group (truncated)");
    }
    if (!innermost && group.tunnel == TunnelType::None)
    {
        return fail("the group carries no tunnel, yet another group follows it");
    }
    return "";
}

} // namespace

std::string
ValidateHeaderStack(const HeaderStack& stack)
{
    if (stack.count == 0)
    {
        return "the header stack is empty";
    }
    if (stack.count > MAX_HEADER_GROUPS)
    {
        return fmt::format(
            "{} header groups exceed the limit of {}", stack.count, MAX_HEADER_GROUPS);
    }
    for (size_t i = 0; i < stack.count; ++i)
    {
        std::string error =
            ValidateGroup(stack[i], i, i == 0 ? nullptr : &stack[i - 1], i + 1 == stack.count);
        if (!error.empty())
        {
            return error;
        }
    }
    return "";
}

uint16_t
TunnelEntropyPort(const HeaderGroup& inner)
{
    uint64_t hash = HashMix(0, inner.ip.src);
    hash = HashMix(hash, inner.ip.dst);
    hash = HashMix(hash, inner.ip.protocol);
    hash = HashMix(hash, (uint32_t(inner.transport.srcPort) << 16) | inner.transport.dstPort);
    return static_cast<uint16_t>(49152 + hash % 16384);
}

HeaderStack
ReverseStack(const HeaderStack& stack)
{
    HeaderStack reversed = stack;
    for (size_t i = stack.count; i-- > 0;)
    {
        HeaderGroup& group = reversed[i];
        std::swap(group.eth.src, group.eth.dst);
        std::swap(group.ip.src, group.ip.dst);
        group.ip.ttl = DEFAULT_IP_TTL;
        std::swap(group.transport.srcPort, group.transport.dstPort);
        group.transport.tcpFlags = 0;
        group.transport.seq = 0;
        group.transport.ack = 0;
        if (group.tunnel == TunnelType::Vxlan)
        {
            group.transport.srcPort = TunnelEntropyPort(reversed[i + 1]);
            group.transport.dstPort = VXLAN_UDP_PORT;
        }
    }
    return reversed;
}

} // namespace vfp
