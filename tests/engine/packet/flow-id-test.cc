/*
 * Tests of packet/flow-id.h: what is and is not part of a Unified FlowID, that a reply's
 * key is MakeUfid(ReverseStack(s)), and that UfidHash agrees with equality.
 */
#include "engine/packet/flow-id.h"
#include "stack-generator.h"

#include <gtest/gtest.h>
#include <set>

namespace vfp
{
namespace
{

using namespace packettest;

HeaderStack
Vxlan()
{
    return MakeStack(
        {VxlanGroup(HOST_IP, REMOTE_IP, 5000, 50123), TcpGroup(VM_IP, PEER_IP, 40000, 80)});
}

/// Expects @p change to leave the Ufid (and its hash) of @p stack as it is.
template<typename Change>
void
ExpectSameUfid(const HeaderStack& stack, Change change, const char* what)
{
    HeaderStack other = stack;
    change(other);
    EXPECT_TRUE(MakeUfid(stack) == MakeUfid(other)) << what;
    EXPECT_EQ(UfidHash{}(MakeUfid(stack)), UfidHash{}(MakeUfid(other))) << what;
}

/// Expects @p change to give another Ufid.
template<typename Change>
void
ExpectOtherUfid(const HeaderStack& stack, Change change, const char* what)
{
    HeaderStack other = stack;
    change(other);
    EXPECT_TRUE(MakeUfid(stack) != MakeUfid(other)) << what;
}

TEST(FlowIdTest, IpGroupKeepsFiveTupleTunnelAndEtherType)
{
    const Ufid ufid = MakeUfid(Vxlan());
    ASSERT_EQ(ufid.count, 2);
    const FlowId& outer = ufid.ids[0];
    EXPECT_EQ(outer.srcIp, HOST_IP);
    EXPECT_EQ(outer.dstIp, REMOTE_IP);
    EXPECT_EQ(outer.protocol, IP_PROTOCOL_UDP);
    EXPECT_EQ(outer.tunnel, TunnelType::Vxlan);
    EXPECT_EQ(outer.tunnelKey, 5000u);
    EXPECT_EQ(outer.etherType, ETHER_TYPE_IPV4);
    EXPECT_EQ(outer.srcPort, 0);
    EXPECT_EQ(outer.dstPort, 0);
    EXPECT_EQ(outer.srcMac, 0u);
    EXPECT_EQ(outer.dstMac, 0u);
    const FlowId& inner = ufid.ids[1];
    EXPECT_EQ(inner.srcIp, VM_IP);
    EXPECT_EQ(inner.dstIp, PEER_IP);
    EXPECT_EQ(inner.protocol, IP_PROTOCOL_TCP);
    EXPECT_EQ(inner.srcPort, 40000);
    EXPECT_EQ(inner.dstPort, 80);
    EXPECT_EQ(inner.tunnel, TunnelType::None);
    EXPECT_EQ(inner.tunnelKey, 0u);
    EXPECT_EQ(inner.srcMac, 0u);
    EXPECT_EQ(inner.dstMac, 0u);
}

TEST(FlowIdTest, MacsArePartOfTheIdOnlyForNonIpGroups)
{
    const HeaderStack arp = MakeStack({ArpGroup(0x111111111111, 0x222222222222)});
    const Ufid ufid = MakeUfid(arp);
    EXPECT_EQ(ufid.ids[0].srcMac, 0x111111111111u);
    EXPECT_EQ(ufid.ids[0].dstMac, 0x222222222222u);
    EXPECT_EQ(ufid.ids[0].etherType, ETHER_TYPE_ARP);
    ExpectOtherUfid(
        arp, [](HeaderStack& s) { s[0].eth.src = 0x333333333333; }, "arp src mac");
    ExpectOtherUfid(
        arp, [](HeaderStack& s) { s[0].eth.dst = 0x333333333333; }, "arp dst mac");
    ExpectOtherUfid(
        arp, [](HeaderStack& s) { s[0].eth.etherType = 0x88cc; }, "arp ether type");

    const HeaderStack tcp = Vxlan();
    ExpectSameUfid(
        tcp, [](HeaderStack& s) { s[0].eth.src = 0x333333333333; }, "outer src mac");
    ExpectSameUfid(
        tcp, [](HeaderStack& s) { s[1].eth.dst = 0x333333333333; }, "inner dst mac");
}

TEST(FlowIdTest, VxlanUdpPortsAreNotPartOfTheId)
{
    const HeaderStack stack = Vxlan();
    ExpectSameUfid(
        stack, [](HeaderStack& s) { s[0].transport.srcPort = 61000; }, "entropy port");
    // A plain UDP group keeps its ports.
    const HeaderStack udp = MakeStack({UdpGroup(VM_IP, PEER_IP, 5353, 53)});
    EXPECT_EQ(MakeUfid(udp).ids[0].srcPort, 5353);
    EXPECT_EQ(MakeUfid(udp).ids[0].dstPort, 53);
    ExpectOtherUfid(
        udp, [](HeaderStack& s) { s[0].transport.srcPort = 5354; }, "udp src port");
}

TEST(FlowIdTest, PerPacketFieldsAreNotPartOfTheId)
{
    const HeaderStack stack = Vxlan();
    ExpectSameUfid(
        stack, [](HeaderStack& s) { s[0].ip.ttl = 1; }, "outer ttl");
    ExpectSameUfid(
        stack, [](HeaderStack& s) { s[1].ip.ttl = 200; }, "inner ttl");
    ExpectSameUfid(
        stack,
        [](HeaderStack& s) { s[1].transport.tcpFlags = TcpFlags::FIN | TcpFlags::ACK; },
        "tcp flags");
    ExpectSameUfid(
        stack, [](HeaderStack& s) { s[1].transport.seq = 0xdeadbeef; }, "seq");
    ExpectSameUfid(
        stack, [](HeaderStack& s) { s[1].transport.ack = 0xfeedface; }, "ack");
    ExpectSameUfid(
        stack, [](HeaderStack& s) { s.payloadBytes = 1400; }, "payload");
}

TEST(FlowIdTest, EveryIdentityFieldChangesTheId)
{
    const HeaderStack stack = Vxlan();
    ExpectOtherUfid(
        stack, [](HeaderStack& s) { s[0].ip.src += 1; }, "outer src ip");
    ExpectOtherUfid(
        stack, [](HeaderStack& s) { s[0].ip.dst += 1; }, "outer dst ip");
    ExpectOtherUfid(
        stack, [](HeaderStack& s) { s[0].tunnelKey += 1; }, "vni");
    ExpectOtherUfid(
        stack, [](HeaderStack& s) { s[1].ip.src += 1; }, "inner src ip");
    ExpectOtherUfid(
        stack, [](HeaderStack& s) { s[1].ip.dst += 1; }, "inner dst ip");
    ExpectOtherUfid(
        stack, [](HeaderStack& s) { s[1].transport.srcPort += 1; }, "inner src port");
    ExpectOtherUfid(
        stack, [](HeaderStack& s) { s[1].transport.dstPort += 1; }, "inner dst port");
    ExpectOtherUfid(
        stack, [](HeaderStack& s) { s.count = 1; }, "group count");
    ExpectOtherUfid(
        stack,
        [](HeaderStack& s)
        {
            s[1].ip.protocol = IP_PROTOCOL_UDP;
            s[1].l4 = L4Type::Udp;
        },
        "inner protocol");
    const HeaderStack nvgre =
        MakeStack({NvgreGroup(HOST_IP, REMOTE_IP, 77), TcpGroup(VM_IP, PEER_IP, 40000, 80)});
    EXPECT_EQ(MakeUfid(nvgre).ids[0].tunnelKey, 77u);
    EXPECT_EQ(MakeUfid(nvgre).ids[0].tunnel, TunnelType::Nvgre);
    ExpectOtherUfid(
        nvgre, [](HeaderStack& s) { s[0].tunnelKey = 78; }, "vsid");
    // The same addresses through another tunnel type are another flow.
    HeaderStack asVxlan = nvgre;
    asVxlan[0] = VxlanGroup(HOST_IP, REMOTE_IP, 77);
    EXPECT_TRUE(MakeUfid(nvgre) != MakeUfid(asVxlan));
}

TEST(FlowIdTest, GroupWithoutL2HasZeroEtherType)
{
    const HeaderStack stack = MakeStack(
        {IpInIpGroup(HOST_IP, REMOTE_IP), WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 40000, 80))});
    const Ufid ufid = MakeUfid(stack);
    EXPECT_EQ(ufid.ids[0].tunnel, TunnelType::IpInIp);
    EXPECT_EQ(ufid.ids[0].protocol, IP_PROTOCOL_IPIP);
    EXPECT_EQ(ufid.ids[0].etherType, ETHER_TYPE_IPV4);
    EXPECT_EQ(ufid.ids[1].etherType, 0);
    EXPECT_EQ(ufid.ids[1].srcPort, 40000);
}

TEST(FlowIdTest, ReverseStackGivesTheKeyOfTheReply)
{
    // Outbound: VM 10.0.0.1:40000 -> 10.0.1.2:80 in VXLAN 5000 from host to remote.
    const HeaderStack request = Vxlan();
    // The reply as it arrives: every group reversed, its own TTLs, flags, sequence numbers
    // and VXLAN entropy port, other MACs.
    HeaderGroup replyOuter = VxlanGroup(REMOTE_IP, HOST_IP, 5000, 65000);
    replyOuter.ip.ttl = 12;
    HeaderGroup replyInner = TcpGroup(PEER_IP, VM_IP, 80, 40000);
    replyInner.eth.src = 0x0000000000cc;
    replyInner.transport.tcpFlags = TcpFlags::SYN | TcpFlags::ACK;
    replyInner.transport.seq = 777;
    replyInner.transport.ack = 1001;
    const HeaderStack reply = MakeStack({replyOuter, replyInner}, 0);

    EXPECT_TRUE(MakeUfid(ReverseStack(request)) == MakeUfid(reply));
    EXPECT_EQ(UfidHash{}(MakeUfid(ReverseStack(request))), UfidHash{}(MakeUfid(reply)));
    // And the request itself is not the reply's key.
    EXPECT_TRUE(MakeUfid(request) != MakeUfid(reply));
}

TEST(FlowIdTest, UfidEqualityAndHashIgnoreUnusedIds)
{
    Ufid a = MakeUfid(Vxlan());
    Ufid b = a;
    b.ids[2].srcIp = 12345;
    b.ids[2].srcPort = 99;
    EXPECT_TRUE(a == b);
    EXPECT_EQ(UfidHash{}(a), UfidHash{}(b));
    b.count = 3;
    EXPECT_TRUE(a != b);
}

TEST(FlowIdTest, HashTellsApartDistinctFlows)
{
    // Not a guarantee of a hash, but these neighbouring flows must not collide in practice.
    std::set<size_t> hashes;
    for (uint16_t port = 40000; port < 41000; ++port)
    {
        hashes.insert(UfidHash{}(MakeUfid(MakeStack({TcpGroup(VM_IP, PEER_IP, port, 80)}))));
    }
    EXPECT_EQ(hashes.size(), 1000u);
    // Swapped direction is another flow and another hash.
    EXPECT_NE(UfidHash{}(MakeUfid(MakeStack({TcpGroup(VM_IP, PEER_IP, 40000, 80)}))),
              UfidHash{}(MakeUfid(MakeStack({TcpGroup(PEER_IP, VM_IP, 80, 40000)}))));
}

TEST(FlowIdTest, PropertyDoubleReverseKeepsTheUfid)
{
    StackGenerator generator(4);
    for (int i = 0; i < 3000; ++i)
    {
        const HeaderStack stack = generator.Stack();
        const Ufid ufid = MakeUfid(stack);
        const Ufid twice = MakeUfid(ReverseStack(ReverseStack(stack)));
        ASSERT_TRUE(twice == ufid) << Describe(stack);
        ASSERT_EQ(UfidHash{}(twice), UfidHash{}(ufid)) << Describe(stack);
        // The reply's key differs from the request's unless the flow is its own reverse.
        const HeaderStack reply = ReverseStack(stack);
        bool symmetric = true;
        for (size_t g = 0; g < stack.count; ++g)
        {
            const HeaderGroup& group = stack[g];
            symmetric = symmetric &&
                        (group.hasIpv4
                             ? group.ip.src == group.ip.dst &&
                                   (group.l4 == L4Type::None || group.tunnel != TunnelType::None ||
                                    group.transport.srcPort == group.transport.dstPort)
                             : group.eth.src == group.eth.dst);
        }
        EXPECT_EQ(MakeUfid(reply) == ufid, symmetric) << Describe(stack);
    }
}

TEST(FlowIdTest, PropertyEqualUfidsHaveEqualHashes)
{
    StackGenerator generator(5);
    for (int i = 0; i < 3000; ++i)
    {
        const HeaderStack stack = generator.Stack();
        // Change what the Ufid leaves out: per-packet fields, VXLAN source ports, IP groups' MACs.
        HeaderStack other = stack;
        other.payloadBytes += 1;
        for (size_t g = 0; g < stack.count; ++g)
        {
            HeaderGroup& group = other[g];
            group.ip.ttl = static_cast<uint8_t>(group.ip.ttl + 1);
            group.transport.tcpFlags ^= 0x5a;
            group.transport.seq += 17;
            group.transport.ack += 42;
            if (group.hasIpv4 && group.hasEthernet)
            {
                group.eth.src ^= 0x1;
                group.eth.dst ^= 0x100;
            }
            if (group.tunnel == TunnelType::Vxlan)
            {
                group.transport.srcPort = static_cast<uint16_t>(group.transport.srcPort ^ 0x3);
            }
        }
        const Ufid a = MakeUfid(stack);
        const Ufid b = MakeUfid(other);
        ASSERT_TRUE(a == b) << Describe(stack);
        EXPECT_EQ(UfidHash{}(a), UfidHash{}(b)) << Describe(stack);
    }
}

} // namespace
} // namespace vfp
