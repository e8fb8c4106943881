/*
 * Actions (semantics.md, "Actions"): every built-in action's transposition, and that the
 * layers' transpositions composed into one give the packet the layers gave the metadata.
 */
#include "../test-support.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace test;

/// A port with one layer whose only outbound and inbound rule has @p action.
Port
OneRulePort(ActionSpec action, std::vector<ResourceSpec> resources = {}, bool stateful = false)
{
    RuleSpec rule = MakeRule("r", 0, {}, action);
    rule.stateful = stateful;
    return Port(MakePort({MakeLayer("l",
                                    0,
                                    DefaultAction::Block,
                                    DefaultAction::Block,
                                    {MakeGroup("out", Direction::Outbound, 0, {rule}),
                                     MakeGroup("in",
                                               Direction::Inbound,
                                               0,
                                               {[&]
                                                {
                                                    RuleSpec in = rule;
                                                    in.id = "r-in";
                                                    return in;
                                                }()})})},
                         resources));
}

/// Checks the composition law on one processed packet: the composed HT applied to the
/// input equals the metadata that left the last layer.
void
ExpectComposedEqualsStepwise(Port& port, Direction direction, const HeaderStack& packet)
{
    PipelineTrace trace;
    ProcessResult result = port.Simulate(direction, packet, 0, &trace);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    ASSERT_FALSE(trace.steps.empty());
    EXPECT_EQ(result.packet, trace.steps.back().after);
    HeaderStack byHand = packet;
    ASSERT_TRUE(result.ht.Apply(byHand));
    EXPECT_EQ(byHand, result.packet);
}

TEST(Actions, AllowIgnoresEveryHeader)
{
    Port port = OneRulePort(Allow());
    ProcessResult result = port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    EXPECT_EQ(result.verdict, Verdict::Allow);
    EXPECT_TRUE(result.ht.IsIdentity());
    EXPECT_EQ(result.packet, VmTcp("10.0.0.2"));
}

TEST(Actions, BlockDropsAndNamesLayerAndRule)
{
    Port port = OneRulePort(Block());
    ProcessResult result = port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    EXPECT_EQ(result.verdict, Verdict::Drop);
    EXPECT_EQ(result.reason, DropReason::RuleBlock);
    EXPECT_EQ(result.layer->GetName(), "l");
    EXPECT_EQ(result.rule->spec.id, "r");
}

TEST(Actions, NatRewritesAnyOfAddressesAndPorts)
{
    ActionSpec nat;
    nat.type = ActionType::Nat;
    nat.srcIp = Ip("203.0.113.1");
    nat.dstIp = Ip("203.0.113.2");
    nat.srcPort = 1111;
    nat.dstPort = 2222;
    Port port = OneRulePort(nat);
    ProcessResult result = port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    const HeaderGroup& group = result.packet[0];
    EXPECT_EQ(group.ip.src, Ip("203.0.113.1"));
    EXPECT_EQ(group.ip.dst, Ip("203.0.113.2"));
    EXPECT_EQ(group.transport.srcPort, 1111);
    EXPECT_EQ(group.transport.dstPort, 2222);
    EXPECT_EQ(group.eth, VmTcp("10.0.0.2")[0].eth);
    EXPECT_EQ(group.transport.tcpFlags, TcpFlags::SYN);
}

TEST(Actions, NatOnlyChangesWhatItNames)
{
    Port port = OneRulePort(NatDst("10.9.9.9"));
    ProcessResult result = port.Process(Direction::Outbound, VmTcp("10.0.0.2", 1234, 80), 0);
    HeaderStack expected = VmTcp("10.9.9.9", 1234, 80);
    EXPECT_EQ(result.packet, expected);
}

TEST(Actions, NatOfAPacketWithoutPortsRewritesOnlyTheAddress)
{
    Port port = OneRulePort(NatDst("10.9.9.9", 8080));
    HeaderStack icmp = Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "10.0.0.2", 1);
    ProcessResult result = port.Process(Direction::Outbound, icmp, 0);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    EXPECT_EQ(result.packet[0].ip.dst, Ip("10.9.9.9"));
    EXPECT_EQ(result.packet[0].l4, L4Type::None);
}

TEST(Actions, NatOfTheInnerGroup)
{
    ActionSpec nat = NatDst("10.9.9.9");
    nat.header = HeaderSelector::Inner;
    Port port = OneRulePort(nat);
    HeaderStack tunnelled = Packet()
                                .Eth(GW_MAC, VM_MAC)
                                .Ipv4("192.168.0.2", "192.168.0.1")
                                .Udp(50000, VXLAN_UDP_PORT)
                                .Vxlan(7)
                                .Eth(GW_MAC, VM_MAC)
                                .Ipv4("10.0.0.2", "10.0.0.1")
                                .Tcp(80, 40000);
    ProcessResult result = port.Process(Direction::Inbound, tunnelled, 0);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    EXPECT_EQ(result.packet[0].ip.dst, Ip("192.168.0.1"));
    EXPECT_EQ(result.packet[1].ip.dst, Ip("10.9.9.9"));
}

TEST(Actions, EncapVxlanPushesAFullOuterGroup)
{
    ActionSpec encap = EncapVxlan(5001, "192.168.0.1", "192.168.0.2");
    encap.srcMac = Mac("00:00:00:aa:00:01");
    encap.dstMac = Mac("00:00:00:ff:00:01");
    Port port = OneRulePort(encap);
    HeaderStack packet = VmTcp("10.0.0.2");
    ProcessResult result = port.Process(Direction::Outbound, packet, 0);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    ASSERT_EQ(result.packet.count, 2);
    const HeaderGroup& outer = result.packet[0];
    EXPECT_EQ(outer.eth.src, Mac("00:00:00:aa:00:01"));
    EXPECT_EQ(outer.eth.dst, Mac("00:00:00:ff:00:01"));
    EXPECT_EQ(outer.ip.src, Ip("192.168.0.1"));
    EXPECT_EQ(outer.ip.dst, Ip("192.168.0.2"));
    EXPECT_EQ(outer.ip.protocol, IP_PROTOCOL_UDP);
    EXPECT_EQ(outer.transport.dstPort, VXLAN_UDP_PORT);
    EXPECT_EQ(outer.transport.srcPort, TunnelEntropyPort(packet[0]));
    EXPECT_EQ(outer.tunnel, TunnelType::Vxlan);
    EXPECT_EQ(outer.tunnelKey, 5001u);
    EXPECT_EQ(result.packet[1], packet[0]);
    EXPECT_EQ(ValidateHeaderStack(result.packet), "");
    EXPECT_EQ(result.packet.SizeBytes(), packet.SizeBytes() + 50);
}

TEST(Actions, EncapWithoutMacsKeepsThoseOfThePacket)
{
    Port port = OneRulePort(EncapVxlan(1, "192.168.0.1", "192.168.0.2"));
    ProcessResult result = port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    EXPECT_EQ(result.packet[0].eth.src, Mac(VM_MAC));
    EXPECT_EQ(result.packet[0].eth.dst, Mac(GW_MAC));
}

TEST(Actions, EncapNvgreUsesGreWithTheKey)
{
    ActionSpec encap = EncapVxlan(4242, "192.168.0.1", "192.168.0.2");
    encap.format = TunnelType::Nvgre;
    Port port = OneRulePort(encap);
    ProcessResult result = port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    const HeaderGroup& outer = result.packet[0];
    EXPECT_EQ(outer.ip.protocol, IP_PROTOCOL_GRE);
    EXPECT_EQ(outer.l4, L4Type::None);
    EXPECT_EQ(outer.tunnel, TunnelType::Nvgre);
    EXPECT_EQ(outer.tunnelKey, 4242u);
    EXPECT_EQ(ValidateHeaderStack(result.packet), "");
}

TEST(Actions, EncapIpInIpMovesTheFrameHeaderOutward)
{
    ActionSpec encap = EncapVxlan(0, "192.168.100.1", "192.168.0.1");
    encap.format = TunnelType::IpInIp;
    Port port = OneRulePort(encap);
    ProcessResult result = port.Process(Direction::Outbound, VmTcp("203.0.113.10"), 0);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    ASSERT_EQ(result.packet.count, 2);
    EXPECT_TRUE(result.packet[0].hasEthernet);
    EXPECT_EQ(result.packet[0].ip.protocol, IP_PROTOCOL_IPIP);
    EXPECT_FALSE(result.packet[1].hasEthernet);
    EXPECT_EQ(result.packet[1].ip.dst, Ip("203.0.113.10"));
    EXPECT_EQ(ValidateHeaderStack(result.packet), "");
}

TEST(Actions, EncapLooksTheOuterDestinationUpInTheMapping)
{
    Port port = OneRulePort(EncapVxlan(5001, "192.168.0.1", "vnet", true),
                            {MakeMapping("vnet", {{"10.0.0.2", "192.168.0.22"}})});
    ProcessResult result = port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    EXPECT_EQ(result.packet[0].ip.dst, Ip("192.168.0.22"));
}

TEST(Actions, DecapPopsTheOuterGroup)
{
    Port port = OneRulePort(Decap());
    HeaderStack inner = ReplyTcp("10.0.0.2");
    for (TunnelType tunnel : {TunnelType::Vxlan, TunnelType::Nvgre})
    {
        Packet outer;
        outer.Eth("00:00:00:ff:00:01", "00:00:00:aa:00:01").Ipv4("192.168.0.2", "192.168.0.1");
        if (tunnel == TunnelType::Vxlan)
        {
            outer.Udp(50000, VXLAN_UDP_PORT).Vxlan(9);
        }
        else
        {
            outer.Nvgre(9);
        }
        outer.Eth(GW_MAC, VM_MAC).Ipv4("10.0.0.2", "10.0.0.1").Tcp(80, 40000, "SA");
        ProcessResult result = port.Process(Direction::Inbound, outer, 0);
        ASSERT_EQ(result.verdict, Verdict::Allow);
        EXPECT_EQ(result.packet, inner);
    }
}

TEST(Actions, DecapIpInIpKeepsTheFrameHeader)
{
    Port port = OneRulePort(Decap());
    HeaderStack fromMux = Packet()
                              .Eth("00:00:00:ff:00:01", "00:00:00:aa:00:01")
                              .Ipv4("192.168.100.1", "192.168.0.1")
                              .Ipv4("198.51.100.7", "203.0.113.10")
                              .Tcp(40000, 80, "S");
    ProcessResult result = port.Process(Direction::Inbound, fromMux, 0);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    ASSERT_EQ(result.packet.count, 1);
    EXPECT_TRUE(result.packet[0].hasEthernet);
    EXPECT_EQ(result.packet[0].eth.src, Mac("00:00:00:ff:00:01"));
    EXPECT_EQ(result.packet[0].ip.dst, Ip("203.0.113.10"));
    EXPECT_EQ(ValidateHeaderStack(result.packet), "");
}

TEST(Actions, DecapOfAPlainPacketIsADropWithItsOwnReason)
{
    Port port = OneRulePort(Decap());
    ProcessResult result = port.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 0);
    EXPECT_EQ(result.verdict, Verdict::Drop);
    EXPECT_EQ(result.reason, DropReason::DecapWithoutTunnel);
    EXPECT_EQ(port.GetCounters().drops[1][static_cast<size_t>(DropReason::DecapWithoutTunnel)], 1u);
}

TEST(Actions, MeterCountsEveryPacketAndLeavesItAlone)
{
    Port port = OneRulePort(Meter("billing"));
    HeaderStack packet =
        Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "10.0.0.2").Tcp(1, 2).Payload(946);
    for (int i = 0; i < 3; ++i)
    {
        ProcessResult result = port.Process(Direction::Outbound, packet, 0);
        EXPECT_EQ(result.packet, packet);
    }
    const PacketByteCounter& meter = port.GetMeters().at("billing");
    EXPECT_EQ(meter.packets, 3u);
    EXPECT_EQ(meter.bytes, 3u * 1000);
}

TEST(Actions, MeterCountsTheBytesSeenAtItsLayer)
{
    // Metering sits next to the VM: outbound it sees the packet before encapsulation.
    Port port(MakePort(
        {MakeLayer("metering",
                   10,
                   DefaultAction::Allow,
                   DefaultAction::Allow,
                   {MakeGroup("g", Direction::Outbound, 0, {MakeRule("m", 0, {}, Meter("out"))})}),
         MakeLayer(
             "vnet",
             20,
             DefaultAction::Allow,
             DefaultAction::Allow,
             {MakeGroup("g",
                        Direction::Outbound,
                        0,
                        {MakeRule("e", 0, {}, EncapVxlan(1, "192.168.0.1", "192.168.0.2"))})})}));
    HeaderStack packet = VmTcp("10.0.0.2");
    port.Process(Direction::Outbound, packet, 0);
    EXPECT_EQ(port.GetMeters().at("out").bytes, packet.SizeBytes());
}

TEST(Actions, UserTranspositionAppliesAndMustFit)
{
    ActionSpec action;
    action.type = ActionType::Transposition;
    action.transposition.edits[0].fields = EditField::DST_PORT | EditField::SRC_MAC;
    action.transposition.edits[0].dstPort = 8080;
    action.transposition.edits[0].srcMac = Mac("02:00:00:00:00:01");
    Port port = OneRulePort(action);
    ProcessResult result = port.Process(Direction::Outbound, VmTcp("10.0.0.2", 1, 80), 0);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    EXPECT_EQ(result.packet[0].transport.dstPort, 8080);
    EXPECT_EQ(result.packet[0].eth.src, Mac("02:00:00:00:00:01"));

    HeaderStack icmp = Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "10.0.0.2", 1);
    ProcessResult mismatch = port.Process(Direction::Outbound, icmp, 0);
    EXPECT_EQ(mismatch.verdict, Verdict::Drop);
    EXPECT_EQ(mismatch.reason, DropReason::ActionMismatch);
}

TEST(Composition, NatThenEncapIsOneTransposition)
{
    // Ananta SNAT-like rewrite in one layer, VL2 encap in the next (Table 3's Encap+NAT).
    Port port(MakePort(
        {MakeLayer("slb",
                   10,
                   DefaultAction::Allow,
                   DefaultAction::Allow,
                   {MakeGroup("g",
                              Direction::Outbound,
                              0,
                              {MakeRule("nat", 0, {}, NatSrc("203.0.113.10", 5555))})}),
         MakeLayer(
             "vnet",
             20,
             DefaultAction::Allow,
             DefaultAction::Allow,
             {MakeGroup(
                 "g",
                 Direction::Outbound,
                 0,
                 {MakeRule("encap", 0, {}, EncapVxlan(7, "192.168.0.1", "192.168.0.2"))})})}));
    HeaderStack packet = VmTcp("10.0.0.2");
    ProcessResult result = port.Process(Direction::Outbound, packet, 0);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    EXPECT_EQ(result.ht.pushCount, 1);
    EXPECT_EQ(result.ht.popCount, 0);
    EXPECT_EQ(result.packet[1].ip.src, Ip("203.0.113.10"));
    EXPECT_EQ(result.packet[1].transport.srcPort, 5555);
    // The VXLAN source port hashes the inner flow as the VNET layer saw it: after NAT.
    HeaderGroup natted = packet[0];
    natted.ip.src = Ip("203.0.113.10");
    natted.transport.srcPort = 5555;
    EXPECT_EQ(result.packet[0].transport.srcPort, TunnelEntropyPort(natted));
    ExpectComposedEqualsStepwise(port, Direction::Outbound, packet);
}

TEST(Composition, DecapThenNatIsOneTransposition)
{
    Port port(MakePort(
        {MakeLayer(
             "slb",
             10,
             DefaultAction::Allow,
             DefaultAction::Allow,
             {MakeGroup("g", Direction::Inbound, 0, {MakeRule("vip", 0, {}, NatDst("10.0.0.1"))})}),
         MakeLayer("vnet",
                   20,
                   DefaultAction::Allow,
                   DefaultAction::Allow,
                   {MakeGroup("g", Direction::Inbound, 0, {MakeRule("decap", 0, {}, Decap())})})}));
    HeaderStack fromMux = Packet()
                              .Eth("00:00:00:ff:00:01", VM_MAC)
                              .Ipv4("192.168.100.1", "192.168.0.1")
                              .Ipv4("198.51.100.7", "203.0.113.10")
                              .Tcp(40000, 80, "S");
    ProcessResult result = port.Process(Direction::Inbound, fromMux, 0);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    EXPECT_EQ(result.ht.popCount, 1);
    ASSERT_EQ(result.packet.count, 1);
    EXPECT_EQ(result.packet[0].ip.src, Ip("198.51.100.7"));
    EXPECT_EQ(result.packet[0].ip.dst, Ip("10.0.0.1"));
    ExpectComposedEqualsStepwise(port, Direction::Inbound, fromMux);
}

TEST(Composition, EncapThenDecapCancelsOut)
{
    Port port(MakePort(
        {MakeLayer(
             "a",
             10,
             DefaultAction::Allow,
             DefaultAction::Allow,
             {MakeGroup("g",
                        Direction::Outbound,
                        0,
                        {MakeRule("encap", 0, {}, EncapVxlan(7, "192.168.0.1", "192.168.0.2"))})}),
         MakeLayer(
             "b",
             20,
             DefaultAction::Allow,
             DefaultAction::Allow,
             {MakeGroup("g", Direction::Outbound, 0, {MakeRule("decap", 0, {}, Decap())})})}));
    HeaderStack packet = VmTcp("10.0.0.2");
    ProcessResult result = port.Process(Direction::Outbound, packet, 0);
    ASSERT_EQ(result.verdict, Verdict::Allow);
    EXPECT_EQ(result.packet, packet);
    ExpectComposedEqualsStepwise(port, Direction::Outbound, packet);
}

} // namespace
} // namespace vfp
