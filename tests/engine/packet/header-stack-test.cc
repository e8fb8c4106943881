/*
 * Tests of packet/header-stack.h: the validity rules of a header stack (one failing stack
 * per rule, with the message naming the group), wire sizes, the VXLAN entropy source port,
 * and the reply stack ReverseStack builds.
 */
#include "engine/packet/header-stack.h"
#include "stack-generator.h"

#include <gtest/gtest.h>
#include <set>

namespace vfp
{
namespace
{

using namespace packettest;

HeaderStack
PlainTcp()
{
    return MakeStack({TcpGroup(VM_IP, PEER_IP, 40000, 80)});
}

HeaderStack
Vxlan()
{
    return MakeStack({VxlanGroup(HOST_IP, REMOTE_IP, 5000), TcpGroup(VM_IP, PEER_IP, 40000, 80)});
}

/// Expects ValidateHeaderStack(@p stack) to be exactly @p message.
void
ExpectInvalid(const HeaderStack& stack, const std::string& message)
{
    EXPECT_EQ(ValidateHeaderStack(stack), message) << Describe(stack);
}

// ---- valid stacks ----------------------------------------------------------------------

TEST(HeaderStackTest, TheDocumentedExampleStacksAreValid)
{
    EXPECT_EQ(ValidateHeaderStack(PlainTcp()), "");
    EXPECT_EQ(ValidateHeaderStack(MakeStack({UdpGroup(VM_IP, PEER_IP, 5353, 53)})), "");
    EXPECT_EQ(ValidateHeaderStack(Vxlan()), "");
    EXPECT_EQ(ValidateHeaderStack(MakeStack(
                  {NvgreGroup(HOST_IP, REMOTE_IP, 77), TcpGroup(VM_IP, PEER_IP, 40000, 80)})),
              "");
    EXPECT_EQ(ValidateHeaderStack(MakeStack({IpInIpGroup(HOST_IP, REMOTE_IP),
                                             WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 1, 2))})),
              "");
    EXPECT_EQ(ValidateHeaderStack(MakeStack({ArpGroup(1, 2)})), "");
    // Three groups: VXLAN inside IP-in-IP.
    HeaderGroup innerVxlan = WithoutEthernet(VxlanGroup(0x0b000001, 0x0b000002, 9));
    EXPECT_EQ(
        ValidateHeaderStack(MakeStack(
            {IpInIpGroup(HOST_IP, REMOTE_IP), innerVxlan, TcpGroup(VM_IP, PEER_IP, 40000, 80)})),
        "");
}

TEST(HeaderStackTest, IcmpGroupWithoutTransportIsValid)
{
    HeaderGroup icmp = TcpGroup(VM_IP, PEER_IP, 0, 0);
    icmp.ip.protocol = IP_PROTOCOL_ICMP;
    icmp.l4 = L4Type::None;
    EXPECT_EQ(ValidateHeaderStack(MakeStack({icmp})), "");
}

TEST(HeaderStackTest, MaximumTunnelKeyIsValid)
{
    HeaderStack stack = Vxlan();
    stack[0].tunnelKey = MAX_TUNNEL_KEY;
    EXPECT_EQ(ValidateHeaderStack(stack), "");
}

TEST(HeaderStackTest, GeneratedRandomStacksAreValid)
{
    StackGenerator generator(1);
    for (int i = 0; i < 2000; ++i)
    {
        HeaderStack stack = generator.Stack();
        ASSERT_EQ(ValidateHeaderStack(stack), "") << Describe(stack);
    }
}

// ---- one failing stack per rule ---------------------------------------------------------

TEST(HeaderStackTest, EmptyStackIsInvalid)
{
    ExpectInvalid(HeaderStack{}, "the header stack is empty");
}

TEST(HeaderStackTest, MoreGroupsThanTheLimitIsInvalid)
{
    HeaderStack stack = PlainTcp();
    stack.count = MAX_HEADER_GROUPS + 1;
    ExpectInvalid(stack, "4 header groups exceed the limit of 3");
}

TEST(HeaderStackTest, OutermostGroupNeedsEthernet)
{
    ExpectInvalid(MakeStack({WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 1, 2))}),
                  "group 0: the outermost group needs an eth header");
}

TEST(HeaderStackTest, GroupCarriedByIpInIpHasNoEthernet)
{
    ExpectInvalid(MakeStack({IpInIpGroup(HOST_IP, REMOTE_IP), TcpGroup(VM_IP, PEER_IP, 1, 2)}),
                  "group 1: a group carried by IP-in-IP has no eth header");
}

TEST(HeaderStackTest, GroupCarriedByVxlanOrNvgreStartsWithEthernet)
{
    const std::string message =
        "group 1: a group carried by VXLAN or NVGRE starts with an eth header";
    ExpectInvalid(MakeStack({VxlanGroup(HOST_IP, REMOTE_IP, 1),
                             WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 1, 2))}),
                  message);
    ExpectInvalid(MakeStack({NvgreGroup(HOST_IP, REMOTE_IP, 1),
                             WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 1, 2))}),
                  message);
}

TEST(HeaderStackTest, EtherTypeMustAnnounceTheIpv4Header)
{
    HeaderStack stack = PlainTcp();
    stack[0].eth.etherType = 0x86dd;
    ExpectInvalid(stack, "group 0: eth type 0x86dd does not announce the ipv4 header after it");
}

TEST(HeaderStackTest, EtherTypeIpv4WithoutIpv4IsTruncated)
{
    HeaderStack stack = MakeStack({ArpGroup(1, 2)});
    stack[0].eth.etherType = ETHER_TYPE_IPV4;
    ExpectInvalid(
        stack, "group 0: eth type 0x0800 announces an ipv4 header, but none follows (truncated)");
}

TEST(HeaderStackTest, TransportOrTunnelNeedsIpv4)
{
    const std::string message =
        "group 0: a transport or tunnel header needs an ipv4 header before it";
    HeaderStack transport = MakeStack({ArpGroup(1, 2)});
    transport[0].l4 = L4Type::Udp;
    ExpectInvalid(transport, message);
    HeaderStack tunnel = MakeStack({ArpGroup(1, 2), TcpGroup(VM_IP, PEER_IP, 1, 2)});
    tunnel[0].tunnel = TunnelType::Vxlan;
    ExpectInvalid(tunnel, message);
}

TEST(HeaderStackTest, GroupWithoutIpv4CannotCarryAnotherGroup)
{
    ExpectInvalid(MakeStack({ArpGroup(1, 2), TcpGroup(VM_IP, PEER_IP, 1, 2)}),
                  "group 0: a group without ipv4 cannot carry a tunnel");
}

TEST(HeaderStackTest, TcpProtocolNeedsTcpHeader)
{
    HeaderStack stack = PlainTcp();
    stack[0].l4 = L4Type::None;
    ExpectInvalid(stack,
                  "group 0: ipv4 protocol 6 announces a tcp header, but none follows (truncated)");
    stack[0].l4 = L4Type::Udp;
    ExpectInvalid(stack,
                  "group 0: ipv4 protocol 6 announces a tcp header, but none follows (truncated)");
}

TEST(HeaderStackTest, UdpProtocolNeedsUdpHeader)
{
    HeaderStack stack = MakeStack({UdpGroup(VM_IP, PEER_IP, 1, 2)});
    stack[0].l4 = L4Type::Tcp;
    ExpectInvalid(stack,
                  "group 0: ipv4 protocol 17 announces a udp header, but none follows (truncated)");
}

TEST(HeaderStackTest, OtherProtocolsCarryNoTransportHeader)
{
    HeaderStack tcp = PlainTcp();
    tcp[0].ip.protocol = IP_PROTOCOL_ICMP;
    ExpectInvalid(tcp, "group 0: ipv4 protocol 1 does not match the tcp header after it");
    HeaderStack udp = MakeStack({UdpGroup(VM_IP, PEER_IP, 1, 2)});
    udp[0].ip.protocol = 132;
    ExpectInvalid(udp, "group 0: ipv4 protocol 132 does not match the udp header after it");
}

TEST(HeaderStackTest, UdpToVxlanPortMustCarryVxlan)
{
    ExpectInvalid(MakeStack({UdpGroup(VM_IP, PEER_IP, 1000, VXLAN_UDP_PORT)}),
                  "group 0: udp to port 4789 must carry a vxlan header (truncated)");
}

TEST(HeaderStackTest, VxlanNeedsUdpToVxlanPort)
{
    const std::string message = "group 0: a vxlan header needs udp to port 4789 before it";
    HeaderStack wrongPort = Vxlan();
    wrongPort[0].transport.dstPort = 4790;
    ExpectInvalid(wrongPort, message);
    HeaderStack tcp = Vxlan();
    tcp[0].ip.protocol = IP_PROTOCOL_TCP;
    tcp[0].l4 = L4Type::Tcp;
    ExpectInvalid(tcp, message);
}

TEST(HeaderStackTest, GreProtocolMustCarryNvgre)
{
    HeaderStack stack =
        MakeStack({NvgreGroup(HOST_IP, REMOTE_IP, 5), TcpGroup(VM_IP, PEER_IP, 1, 2)});
    stack[0].tunnel = TunnelType::None;
    // Still followed by a group, but the GRE rule is checked first.
    ExpectInvalid(stack,
                  "group 0: ipv4 protocol 47 announces a gre header, but none follows (truncated)");
}

TEST(HeaderStackTest, NvgreNeedsGreProtocol)
{
    HeaderStack stack =
        MakeStack({NvgreGroup(HOST_IP, REMOTE_IP, 5), TcpGroup(VM_IP, PEER_IP, 1, 2)});
    stack[0].ip.protocol = IP_PROTOCOL_IPIP;
    ExpectInvalid(stack, "group 0: a gre header needs ipv4 protocol 47 before it");
}

TEST(HeaderStackTest, IpInIpProtocolMustCarryAnInnerIpv4)
{
    HeaderStack stack = MakeStack(
        {IpInIpGroup(HOST_IP, REMOTE_IP), WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 1, 2))});
    stack[0].tunnel = TunnelType::None;
    ExpectInvalid(stack,
                  "group 0: ipv4 protocol 4 announces an inner ipv4 header, but none follows");
}

TEST(HeaderStackTest, IpInIpTunnelNeedsIpInIpProtocol)
{
    HeaderStack stack = MakeStack(
        {IpInIpGroup(HOST_IP, REMOTE_IP), WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 1, 2))});
    stack[0].ip.protocol = 41;
    ExpectInvalid(stack, "group 0: an inner ipv4 header needs ipv4 protocol 4 before it");
}

TEST(HeaderStackTest, TunnelKeyIsAtMost24Bits)
{
    HeaderStack stack = Vxlan();
    stack[0].tunnelKey = MAX_TUNNEL_KEY + 1;
    ExpectInvalid(stack, "group 0: tunnel key 16777216 exceeds 24 bits");
}

TEST(HeaderStackTest, InnermostGroupCannotCarryATunnel)
{
    HeaderStack stack = Vxlan();
    stack.count = 1;
    ExpectInvalid(stack, "group 0: the tunnel header carries no inner group (truncated)");
}

TEST(HeaderStackTest, MessageNamesTheInnerGroupAtFault)
{
    // VXLAN in IP-in-IP in ... : the fault is in the innermost of three groups.
    HeaderGroup middle = WithoutEthernet(VxlanGroup(0x0b000001, 0x0b000002, 9));
    HeaderStack stack =
        MakeStack({IpInIpGroup(HOST_IP, REMOTE_IP), middle, TcpGroup(VM_IP, PEER_IP, 40000, 80)});
    stack[2].ip.protocol = IP_PROTOCOL_UDP;
    ExpectInvalid(stack,
                  "group 2: ipv4 protocol 17 announces a udp header, but none follows (truncated)");
    stack =
        MakeStack({IpInIpGroup(HOST_IP, REMOTE_IP), middle, TcpGroup(VM_IP, PEER_IP, 40000, 80)});
    stack[1].tunnelKey = 0x1000000;
    ExpectInvalid(stack, "group 1: tunnel key 16777216 exceeds 24 bits");
}

TEST(HeaderStackTest, GroupWithoutTunnelCannotBeFollowedByAnotherGroup)
{
    // The header: "every tunnel carries exactly one more group and only the innermost
    // group has none".
    HeaderStack stack =
        MakeStack({TcpGroup(HOST_IP, REMOTE_IP, 1, 2), TcpGroup(VM_IP, PEER_IP, 3, 4)});
    const std::string error = ValidateHeaderStack(stack);
    EXPECT_NE(error, "");
    EXPECT_EQ(error.rfind("group 0: ", 0), 0u) << error;
}

TEST(HeaderStackTest, IpInIpMustCarryAnIpv4Group)
{
    HeaderStack stack = MakeStack({IpInIpGroup(HOST_IP, REMOTE_IP), HeaderGroup{}});
    const std::string error = ValidateHeaderStack(stack);
    EXPECT_NE(error, "");
    EXPECT_EQ(error.rfind("group 1: ", 0), 0u) << error;
}

// ---- sizes ------------------------------------------------------------------------------

TEST(HeaderStackTest, GroupSizeCountsEachHeaderOnTheWire)
{
    EXPECT_EQ(TcpGroup(VM_IP, PEER_IP, 1, 2).SizeBytes(), 14u + 20u + 20u);
    EXPECT_EQ(UdpGroup(VM_IP, PEER_IP, 1, 2).SizeBytes(), 14u + 20u + 8u);
    EXPECT_EQ(VxlanGroup(HOST_IP, REMOTE_IP, 1).SizeBytes(), 14u + 20u + 8u + 8u);
    EXPECT_EQ(NvgreGroup(HOST_IP, REMOTE_IP, 1).SizeBytes(), 14u + 20u + 8u);
    EXPECT_EQ(IpInIpGroup(HOST_IP, REMOTE_IP).SizeBytes(), 14u + 20u);
    EXPECT_EQ(WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 1, 2)).SizeBytes(), 20u + 20u);
    EXPECT_EQ(ArpGroup(1, 2).SizeBytes(), 14u);
    EXPECT_EQ(HeaderGroup{}.SizeBytes(), 0u);
}

TEST(HeaderStackTest, StackSizeIsHeadersPlusPayload)
{
    EXPECT_EQ(MakeStack({TcpGroup(VM_IP, PEER_IP, 1, 2)}, 100).SizeBytes(), 154u);
    EXPECT_EQ(MakeStack({TcpGroup(VM_IP, PEER_IP, 1, 2)}, 0).SizeBytes(), 54u);
    EXPECT_EQ(Vxlan().SizeBytes(), 50u + 54u + 100u);
    EXPECT_EQ(
        MakeStack(
            {IpInIpGroup(HOST_IP, REMOTE_IP), WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 1, 2))}, 10)
            .SizeBytes(),
        34u + 40u + 10u);
    // Groups beyond count do not count.
    HeaderStack stack = Vxlan();
    stack.count = 1;
    EXPECT_EQ(stack.SizeBytes(), 50u + 100u);
}

// ---- equality ---------------------------------------------------------------------------

TEST(HeaderStackTest, EqualityIgnoresFieldsOfAbsentHeadersAndUnusedGroups)
{
    HeaderStack a = PlainTcp();
    HeaderStack b = a;
    b[1].ip.src = 99; // beyond count
    EXPECT_TRUE(a == b);
    b[0].tunnelKey = 7; // no VXLAN/NVGRE header in the group
    EXPECT_TRUE(a == b);
    HeaderStack c = MakeStack({ArpGroup(1, 2)});
    HeaderStack d = c;
    d[0].ip.src = 5; // no IPv4 header
    d[0].transport.srcPort = 5;
    EXPECT_TRUE(c == d);
}

TEST(HeaderStackTest, EqualityComparesEveryPresentField)
{
    const HeaderStack base = Vxlan();
    auto differs = [&base](auto change)
    {
        HeaderStack other = base;
        change(other);
        return base != other;
    };
    EXPECT_TRUE(differs([](HeaderStack& s) { s.payloadBytes += 1; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[0].eth.src += 1; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[1].eth.dst += 1; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[1].eth.etherType = 0x86dd; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[1].ip.src += 1; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[0].ip.dst += 1; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[1].ip.ttl -= 1; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[1].ip.protocol = IP_PROTOCOL_UDP; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[0].transport.srcPort += 1; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[1].transport.tcpFlags ^= TcpFlags::FIN; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[1].transport.seq += 1; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[1].transport.ack += 1; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[0].tunnelKey += 1; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s[1].hasEthernet = false; }));
    EXPECT_TRUE(differs([](HeaderStack& s) { s.count = 1; }));
}

// ---- tunnel entropy port ----------------------------------------------------------------

TEST(HeaderStackTest, TunnelEntropyPortIsInTheDynamicRange)
{
    StackGenerator generator(2);
    std::set<uint16_t> seen;
    for (int i = 0; i < 5000; ++i)
    {
        HeaderStack stack = generator.Stack();
        const uint16_t port = TunnelEntropyPort(stack[stack.count - 1]);
        EXPECT_GE(port, 49152);
        EXPECT_LE(port, 65535);
        seen.insert(port);
    }
    // Random inner flows spread over the range (ECMP needs it); with the value pools of
    // the generator there are well over a thousand distinct flows among 5000.
    EXPECT_GT(seen.size(), 1000u);
}

TEST(HeaderStackTest, TunnelEntropyPortIsDeterministicPerInnerFlow)
{
    const HeaderGroup inner = TcpGroup(VM_IP, PEER_IP, 40000, 80);
    const uint16_t port = TunnelEntropyPort(inner);
    EXPECT_EQ(TunnelEntropyPort(inner), port);

    // Per-packet fields and MACs are not part of the flow.
    HeaderGroup samePacketFlow = inner;
    samePacketFlow.ip.ttl = 3;
    samePacketFlow.transport.tcpFlags = TcpFlags::FIN;
    samePacketFlow.transport.seq = 123456;
    samePacketFlow.transport.ack = 654321;
    samePacketFlow.eth.src = 0x0a0b0c0d0e0f;
    EXPECT_EQ(TunnelEntropyPort(samePacketFlow), port);

    // Another 5-tuple gives (for these flows) another port.
    std::set<uint16_t> ports{port};
    ports.insert(TunnelEntropyPort(TcpGroup(VM_IP, PEER_IP, 40001, 80)));
    ports.insert(TunnelEntropyPort(TcpGroup(VM_IP, PEER_IP, 40000, 81)));
    ports.insert(TunnelEntropyPort(TcpGroup(VM_IP + 1, PEER_IP, 40000, 80)));
    ports.insert(TunnelEntropyPort(TcpGroup(VM_IP, PEER_IP + 1, 40000, 80)));
    ports.insert(TunnelEntropyPort(UdpGroup(VM_IP, PEER_IP, 40000, 80)));
    EXPECT_EQ(ports.size(), 6u);
}

// ---- reverse stack ----------------------------------------------------------------------

TEST(HeaderStackTest, ReverseSwapsAddressesAndPortsAndResetsPerPacketFields)
{
    const HeaderStack stack = PlainTcp();
    const HeaderStack reply = ReverseStack(stack);
    ASSERT_EQ(reply.count, 1);
    const HeaderGroup& g = reply[0];
    EXPECT_TRUE(g.hasEthernet);
    EXPECT_EQ(g.eth.src, stack[0].eth.dst);
    EXPECT_EQ(g.eth.dst, stack[0].eth.src);
    EXPECT_EQ(g.eth.etherType, ETHER_TYPE_IPV4);
    EXPECT_EQ(g.ip.src, PEER_IP);
    EXPECT_EQ(g.ip.dst, VM_IP);
    EXPECT_EQ(g.ip.protocol, IP_PROTOCOL_TCP);
    EXPECT_EQ(g.ip.ttl, DEFAULT_IP_TTL);
    EXPECT_EQ(g.l4, L4Type::Tcp);
    EXPECT_EQ(g.transport.srcPort, 80);
    EXPECT_EQ(g.transport.dstPort, 40000);
    EXPECT_EQ(g.transport.tcpFlags, 0);
    EXPECT_EQ(g.transport.seq, 0u);
    EXPECT_EQ(g.transport.ack, 0u);
}

TEST(HeaderStackTest, ReverseOfVxlanUsesEntropyPortOfTheReversedInnerGroup)
{
    const HeaderStack stack = Vxlan();
    const HeaderStack reply = ReverseStack(stack);
    ASSERT_EQ(reply.count, 2);
    const HeaderGroup& outer = reply[0];
    EXPECT_EQ(outer.ip.src, REMOTE_IP);
    EXPECT_EQ(outer.ip.dst, HOST_IP);
    EXPECT_EQ(outer.tunnel, TunnelType::Vxlan);
    EXPECT_EQ(outer.tunnelKey, 5000u);
    // Not the swapped ports (which would make 4789 the source port).
    EXPECT_EQ(outer.transport.dstPort, VXLAN_UDP_PORT);
    EXPECT_EQ(outer.transport.srcPort, TunnelEntropyPort(reply[1]));
    // The reversed inner flow, not the original one.
    EXPECT_EQ(outer.transport.srcPort, TunnelEntropyPort(ReverseStack(MakeStack({stack[1]}))[0]));
    EXPECT_NE(outer.transport.srcPort, TunnelEntropyPort(stack[1]));
    EXPECT_EQ(reply[1].ip.src, PEER_IP);
    EXPECT_EQ(reply[1].transport.srcPort, 80);
    EXPECT_EQ(ValidateHeaderStack(reply), "");
}

TEST(HeaderStackTest, ReverseOfNvgreAndIpInIpKeepsTunnelAndSwapsEveryGroup)
{
    const HeaderStack nvgre =
        MakeStack({NvgreGroup(HOST_IP, REMOTE_IP, 77), TcpGroup(VM_IP, PEER_IP, 40000, 80)});
    const HeaderStack nvgreReply = ReverseStack(nvgre);
    EXPECT_EQ(nvgreReply[0].tunnel, TunnelType::Nvgre);
    EXPECT_EQ(nvgreReply[0].tunnelKey, 77u);
    EXPECT_EQ(nvgreReply[0].ip.src, REMOTE_IP);
    EXPECT_EQ(nvgreReply[1].ip.dst, VM_IP);
    EXPECT_EQ(nvgreReply[1].transport.dstPort, 40000);
    EXPECT_EQ(ValidateHeaderStack(nvgreReply), "");

    const HeaderStack ipip = MakeStack(
        {IpInIpGroup(HOST_IP, REMOTE_IP), WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 40000, 80))});
    const HeaderStack ipipReply = ReverseStack(ipip);
    EXPECT_FALSE(ipipReply[1].hasEthernet);
    EXPECT_EQ(ipipReply[0].ip.dst, HOST_IP);
    EXPECT_EQ(ipipReply[1].ip.src, PEER_IP);
    EXPECT_EQ(ipipReply[1].transport.srcPort, 80);
    EXPECT_EQ(ValidateHeaderStack(ipipReply), "");
}

TEST(HeaderStackTest, ReverseOfArpSwapsMacs)
{
    const HeaderStack reply = ReverseStack(MakeStack({ArpGroup(0x111111111111, 0x222222222222)}));
    EXPECT_EQ(reply[0].eth.src, 0x222222222222u);
    EXPECT_EQ(reply[0].eth.dst, 0x111111111111u);
    EXPECT_EQ(reply[0].eth.etherType, ETHER_TYPE_ARP);
}

TEST(HeaderStackTest, PropertyReverseOfAValidStackIsValidAndReversesBack)
{
    StackGenerator generator(3);
    for (int i = 0; i < 3000; ++i)
    {
        const HeaderStack stack = generator.Stack();
        const HeaderStack reply = ReverseStack(stack);
        ASSERT_EQ(ValidateHeaderStack(reply), "") << Describe(stack);
        ASSERT_EQ(reply.count, stack.count);
        // Reversing twice restores the stack up to per-packet fields and VXLAN source ports.
        HeaderStack twice = ReverseStack(reply);
        HeaderStack expected = stack;
        for (size_t g = 0; g < stack.count; ++g)
        {
            expected[g].ip.ttl = DEFAULT_IP_TTL;
            expected[g].transport.tcpFlags = 0;
            expected[g].transport.seq = 0;
            expected[g].transport.ack = 0;
            if (stack[g].tunnel == TunnelType::Vxlan)
            {
                expected[g].transport.srcPort = TunnelEntropyPort(twice[g + 1]);
            }
        }
        EXPECT_TRUE(twice == expected)
            << "stack " << Describe(stack) << "\n twice " << Describe(twice);
    }
}

} // namespace
} // namespace vfp
