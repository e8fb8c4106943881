/*
 * Helpers for the packet tests: a few literal header groups, a readable description of a
 * stack for failure messages, and a seeded generator of random valid header stacks and of
 * random header transpositions that fit a given stack (for the property tests).
 *
 * The generator draws values from small pools most of the time, so that two random stacks
 * often share addresses and structure (which exercises the alignment in Between and the
 * "field already has this value" paths), and from the whole range otherwise.
 */
#ifndef VFP_TEST_PACKET_STACK_GENERATOR_H
#define VFP_TEST_PACKET_STACK_GENERATOR_H

#include "engine/packet/header-stack.h"
#include "engine/packet/header-transposition.h"

#include <cstdint>
#include <random>
#include <sstream>
#include <string>

namespace vfp::packettest
{

constexpr uint16_t ETHER_TYPE_ARP = 0x0806;
constexpr uint16_t ETHER_TYPE_LLDP = 0x88cc;
constexpr uint8_t IP_PROTOCOL_ICMP = 1;

/// A plain [eth ipv4 tcp] group.
/// Addresses the packet tests share: a VM and its peer (CA), two hosts (PA).
constexpr uint32_t VM_IP = 0x0a000001;     // 10.0.0.1
constexpr uint32_t PEER_IP = 0x0a000102;   // 10.0.1.2
constexpr uint32_t HOST_IP = 0xac100001;   // 172.16.0.1
constexpr uint32_t REMOTE_IP = 0xac100002; // 172.16.0.2

inline HeaderGroup
TcpGroup(uint32_t srcIp, uint32_t dstIp, uint16_t srcPort, uint16_t dstPort)
{
    HeaderGroup group;
    group.hasEthernet = true;
    group.eth.src = 0x001dd8000001;
    group.eth.dst = 0x123456789abc;
    group.hasIpv4 = true;
    group.ip.src = srcIp;
    group.ip.dst = dstIp;
    group.ip.protocol = IP_PROTOCOL_TCP;
    group.ip.ttl = 57;
    group.l4 = L4Type::Tcp;
    group.transport.srcPort = srcPort;
    group.transport.dstPort = dstPort;
    group.transport.tcpFlags = TcpFlags::SYN | TcpFlags::ACK;
    group.transport.seq = 1000;
    group.transport.ack = 2000;
    return group;
}

/// A plain [eth ipv4 udp] group.
inline HeaderGroup
UdpGroup(uint32_t srcIp, uint32_t dstIp, uint16_t srcPort, uint16_t dstPort)
{
    HeaderGroup group = TcpGroup(srcIp, dstIp, srcPort, dstPort);
    group.ip.protocol = IP_PROTOCOL_UDP;
    group.l4 = L4Type::Udp;
    group.transport.tcpFlags = 0;
    group.transport.seq = 0;
    group.transport.ack = 0;
    return group;
}

/// An outer [eth ipv4 udp(4789) vxlan(vni)] group.
inline HeaderGroup
VxlanGroup(uint32_t srcIp, uint32_t dstIp, uint32_t vni, uint16_t srcPort = 50000)
{
    HeaderGroup group = UdpGroup(srcIp, dstIp, srcPort, VXLAN_UDP_PORT);
    group.eth.src = 0x0000000000aa;
    group.eth.dst = 0x0000000000bb;
    group.tunnel = TunnelType::Vxlan;
    group.tunnelKey = vni;
    return group;
}

/// An outer [eth ipv4(47) gre(vsid)] group.
inline HeaderGroup
NvgreGroup(uint32_t srcIp, uint32_t dstIp, uint32_t vsid)
{
    HeaderGroup group;
    group.hasEthernet = true;
    group.eth.src = 0x0000000000aa;
    group.eth.dst = 0x0000000000bb;
    group.hasIpv4 = true;
    group.ip.src = srcIp;
    group.ip.dst = dstIp;
    group.ip.protocol = IP_PROTOCOL_GRE;
    group.tunnel = TunnelType::Nvgre;
    group.tunnelKey = vsid;
    return group;
}

/// An outer [eth ipv4(4)] group carrying an IP-in-IP inner group.
inline HeaderGroup
IpInIpGroup(uint32_t srcIp, uint32_t dstIp)
{
    HeaderGroup group = NvgreGroup(srcIp, dstIp, 0);
    group.ip.protocol = IP_PROTOCOL_IPIP;
    group.tunnel = TunnelType::IpInIp;
    return group;
}

/// A non-IP (ARP) group: [eth(0x0806)].
inline HeaderGroup
ArpGroup(uint64_t srcMac, uint64_t dstMac)
{
    HeaderGroup group;
    group.hasEthernet = true;
    group.eth.src = srcMac;
    group.eth.dst = dstMac;
    group.eth.etherType = ETHER_TYPE_ARP;
    return group;
}

/// @p group without its Ethernet header (as carried by IP-in-IP).
inline HeaderGroup
WithoutEthernet(HeaderGroup group)
{
    group.hasEthernet = false;
    group.eth = EthernetHeader{};
    return group;
}

inline HeaderStack
MakeStack(std::initializer_list<HeaderGroup> groups, uint32_t payloadBytes = 100)
{
    HeaderStack stack;
    for (const HeaderGroup& group : groups)
    {
        stack.groups[stack.count++] = group;
    }
    stack.payloadBytes = payloadBytes;
    return stack;
}

inline const char*
TunnelName(TunnelType tunnel)
{
    switch (tunnel)
    {
        case TunnelType::None:
            return "none";
        case TunnelType::Vxlan:
            return "vxlan";
        case TunnelType::Nvgre:
            return "nvgre";
        case TunnelType::IpInIp:
            return "ipip";
    }
    return "?";
}

/// One line per group, for failure messages.
inline std::string
Describe(const HeaderStack& stack)
{
    std::ostringstream out;
    out << "{" << unsigned(stack.count) << " groups, payload " << stack.payloadBytes << "}";
    for (size_t i = 0; i < stack.count && i < MAX_HEADER_GROUPS; ++i)
    {
        const HeaderGroup& g = stack[i];
        out << "\n    [" << i << "]";
        if (g.hasEthernet)
        {
            out << " eth " << std::hex << g.eth.src << ">" << g.eth.dst << " type 0x"
                << g.eth.etherType << std::dec;
        }
        if (g.hasIpv4)
        {
            out << " | ipv4 " << std::hex << g.ip.src << ">" << g.ip.dst << std::dec << " proto "
                << unsigned(g.ip.protocol) << " ttl " << unsigned(g.ip.ttl);
        }
        if (g.l4 != L4Type::None)
        {
            out << (g.l4 == L4Type::Tcp ? " | tcp " : " | udp ") << g.transport.srcPort << ">"
                << g.transport.dstPort << " flags " << unsigned(g.transport.tcpFlags) << " seq "
                << g.transport.seq << " ack " << g.transport.ack;
        }
        if (g.tunnel != TunnelType::None)
        {
            out << " | " << TunnelName(g.tunnel) << " key " << g.tunnelKey;
        }
    }
    return out.str();
}

inline std::string
Describe(const HeaderTransposition& ht)
{
    std::ostringstream out;
    out << "HT pop " << unsigned(ht.popCount) << " push " << unsigned(ht.pushCount);
    for (size_t i = 0; i < MAX_HEADER_GROUPS; ++i)
    {
        const GroupEdit& e = ht.edits[i];
        if (e.IsIgnore())
        {
            continue;
        }
        out << "\n    edit[" << i << "] fields 0x" << std::hex << e.fields << " l2 " << std::dec
            << unsigned(static_cast<uint8_t>(e.l2));
    }
    HeaderStack pushed;
    pushed.groups = ht.pushed;
    pushed.count = ht.pushCount;
    return out.str() + "\n  pushed " + Describe(pushed);
}

/// Random valid header stacks and random HTs, all from one seeded std::mt19937.
class StackGenerator
{
public:
    explicit StackGenerator(uint32_t seed)
        : m_rng(seed)
    {
    }

    /// Uniform integer in [lo, hi].
    uint64_t Uniform(uint64_t lo, uint64_t hi)
    {
        return std::uniform_int_distribution<uint64_t>(lo, hi)(m_rng);
    }

    /// True with probability @p numerator / @p denominator.
    bool Chance(uint32_t numerator, uint32_t denominator)
    {
        return Uniform(1, denominator) <= numerator;
    }

    uint64_t Mac()
    {
        return Chance(3, 4) ? 0x020000000000 + Uniform(1, 4) : Uniform(0, (uint64_t(1) << 48) - 1);
    }

    uint32_t Ip()
    {
        return Chance(3, 4) ? static_cast<uint32_t>(0x0a000000 + Uniform(1, 4))
                            : static_cast<uint32_t>(Uniform(0, 0xffffffff));
    }

    /// Any port but 4789 (a UDP group to 4789 must carry VXLAN).
    uint16_t Port()
    {
        uint16_t port = Chance(3, 4) ? static_cast<uint16_t>(79 + Uniform(1, 4))
                                     : static_cast<uint16_t>(Uniform(0, 0xffff));
        return port == VXLAN_UDP_PORT ? port + 1 : port;
    }

    uint32_t TunnelKey()
    {
        return Chance(3, 4) ? static_cast<uint32_t>(Uniform(1, 4))
                            : static_cast<uint32_t>(Uniform(0, MAX_TUNNEL_KEY));
    }

    /// A valid stack of 1..MAX_HEADER_GROUPS groups.
    HeaderStack Stack() { return Stack(static_cast<size_t>(Uniform(1, MAX_HEADER_GROUPS))); }

    /// A valid stack of exactly @p count groups: count - 1 random tunnels, then a VM group.
    HeaderStack Stack(size_t count)
    {
        HeaderStack stack;
        stack.count = static_cast<uint8_t>(count);
        stack.payloadBytes = static_cast<uint32_t>(Uniform(0, 1400));
        bool withEthernet = true; // the outermost group always has L2
        for (size_t i = 0; i + 1 < count; ++i)
        {
            const TunnelType tunnel = static_cast<TunnelType>(Uniform(1, 3));
            stack[i] = TunnelCarrier(tunnel, withEthernet);
            withEthernet = tunnel != TunnelType::IpInIp;
        }
        stack[count - 1] = Innermost(withEthernet);
        return stack;
    }

    /// A random GroupEdit that fits @p group, in canonical form (under L2 Set the MACs are
    /// in l2Header, never in fields, as the JSON reader and Between produce them).
    GroupEdit EditFitting(const HeaderGroup& group)
    {
        GroupEdit edit;
        const uint64_t l2 = Uniform(0, 9);
        if (l2 < 2)
        {
            edit.l2 = L2Action::Set;
            edit.l2Header.src = Mac();
            edit.l2Header.dst = Mac();
            edit.l2Header.etherType = Chance(4, 5) ? ETHER_TYPE_IPV4 : ETHER_TYPE_ARP;
        }
        else if (l2 < 3)
        {
            edit.l2 = L2Action::Strip;
        }
        if (edit.l2 == L2Action::Keep && group.hasEthernet)
        {
            Maybe(edit, EditField::SRC_MAC, edit.srcMac, Mac());
            Maybe(edit, EditField::DST_MAC, edit.dstMac, Mac());
        }
        if (group.hasIpv4)
        {
            Maybe(edit, EditField::SRC_IP, edit.srcIp, Ip());
            Maybe(edit, EditField::DST_IP, edit.dstIp, Ip());
        }
        if (group.l4 != L4Type::None)
        {
            Maybe(edit, EditField::SRC_PORT, edit.srcPort, Port());
            Maybe(edit, EditField::DST_PORT, edit.dstPort, Port());
        }
        if (group.tunnel == TunnelType::Vxlan || group.tunnel == TunnelType::Nvgre)
        {
            Maybe(edit, EditField::TUNNEL_KEY, edit.tunnelKey, TunnelKey());
        }
        return edit;
    }

    /**
     * A random HT that fits @p stack: Between(stack, random), Between(random, random)
     * when that happens to fit, or random pops, pushes and edits; edits of the surviving
     * groups are sometimes replaced by random ones. The result of applying it need not be
     * a valid stack (Apply and Then do not require one).
     */
    HeaderTransposition HtFitting(const HeaderStack& stack)
    {
        HeaderTransposition ht;
        const uint64_t mode = Uniform(0, 2);
        bool found = false;
        if (mode == 1)
        {
            for (int attempt = 0; attempt < 8 && !found; ++attempt)
            {
                ht = HeaderTransposition::Between(Stack(), Stack());
                HeaderStack copy = stack;
                found = ht.Apply(copy);
            }
        }
        if (mode == 2)
        {
            ht = HeaderTransposition{};
            ht.popCount = static_cast<uint8_t>(Uniform(0, stack.count));
            const size_t surviving = stack.count - ht.popCount;
            ht.pushCount = static_cast<uint8_t>(
                Uniform(surviving == 0 ? 1 : 0, MAX_HEADER_GROUPS - surviving));
            if (ht.pushCount > 0)
            {
                HeaderStack source = Stack(ht.pushCount);
                for (size_t i = 0; i < ht.pushCount; ++i)
                {
                    ht.pushed[i] = source[i];
                }
            }
            for (size_t i = 0; i < surviving; ++i)
            {
                ht.edits[i] = EditFitting(stack[ht.popCount + i]);
            }
            found = true;
        }
        if (!found)
        {
            ht = HeaderTransposition::Between(stack, Stack());
        }
        if (Chance(1, 3))
        {
            for (size_t i = 0; i + ht.popCount < stack.count; ++i)
            {
                ht.edits[i] = EditFitting(stack[ht.popCount + i]);
            }
        }
        return ht;
    }

private:
    template<typename T>
    void Maybe(GroupEdit& edit, uint16_t bit, T& field, T value)
    {
        if (Chance(1, 2))
        {
            edit.fields |= bit;
            field = value;
        }
    }

    void RandomEthernet(HeaderGroup& group)
    {
        group.hasEthernet = true;
        group.eth.src = Mac();
        group.eth.dst = Mac();
        group.eth.etherType = ETHER_TYPE_IPV4;
    }

    void RandomIpv4(HeaderGroup& group, uint8_t protocol)
    {
        group.hasIpv4 = true;
        group.ip.src = Ip();
        group.ip.dst = Ip();
        group.ip.protocol = protocol;
        group.ip.ttl = static_cast<uint8_t>(Uniform(1, 255));
    }

    /// A group carrying the next one through @p tunnel.
    HeaderGroup TunnelCarrier(TunnelType tunnel, bool withEthernet)
    {
        HeaderGroup group;
        if (withEthernet)
        {
            RandomEthernet(group);
        }
        group.tunnel = tunnel;
        switch (tunnel)
        {
            case TunnelType::Vxlan:
                RandomIpv4(group, IP_PROTOCOL_UDP);
                group.l4 = L4Type::Udp;
                group.transport.srcPort = static_cast<uint16_t>(Uniform(49152, 65535));
                group.transport.dstPort = VXLAN_UDP_PORT;
                group.tunnelKey = TunnelKey();
                break;
            case TunnelType::Nvgre:
                RandomIpv4(group, IP_PROTOCOL_GRE);
                group.tunnelKey = TunnelKey();
                break;
            case TunnelType::IpInIp:
            case TunnelType::None:
                RandomIpv4(group, IP_PROTOCOL_IPIP);
                break;
        }
        return group;
    }

    /// The VM's own group: TCP, UDP, ICMP, or (when it has L2) ARP or LLDP.
    HeaderGroup Innermost(bool withEthernet)
    {
        HeaderGroup group;
        if (withEthernet)
        {
            RandomEthernet(group);
        }
        const uint64_t kind = Uniform(0, withEthernet ? 9 : 7);
        if (kind < 4)
        {
            RandomIpv4(group, IP_PROTOCOL_TCP);
            group.l4 = L4Type::Tcp;
            group.transport.srcPort = Port();
            group.transport.dstPort = Port();
            group.transport.tcpFlags = static_cast<uint8_t>(Uniform(0, 255));
            group.transport.seq = static_cast<uint32_t>(Uniform(0, 0xffffffff));
            group.transport.ack = static_cast<uint32_t>(Uniform(0, 0xffffffff));
        }
        else if (kind < 7)
        {
            RandomIpv4(group, IP_PROTOCOL_UDP);
            group.l4 = L4Type::Udp;
            group.transport.srcPort = Port();
            group.transport.dstPort = Port();
        }
        else if (kind < 8)
        {
            RandomIpv4(group, IP_PROTOCOL_ICMP);
        }
        else
        {
            group.eth.etherType = Chance(1, 2) ? ETHER_TYPE_ARP : ETHER_TYPE_LLDP;
        }
        return group;
    }

    std::mt19937 m_rng;
};

} // namespace vfp::packettest

#endif
