/*
 * Stateful rules and layer flows (semantics.md, "Stateful rules and layer flows"):
 * pairs with the inverse transposition, flows before rules in both directions, time to
 * live, removal without and with flush, and state committed only for allowed packets.
 */
#include "../test-support.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace test;

/// A stateful firewall: allow any outbound TCP statefully, block inbound by default.
Port
StatefulAcl(double ttl = 30)
{
    return Port(MakePort({MakeLayer(
        "acl",
        0,
        DefaultAction::Block,
        DefaultAction::Block,
        {MakeGroup(
            "out",
            Direction::Outbound,
            0,
            {Stateful(MakeRule("allow-out", 0, {Cond("protocol", {"6"})}, Allow()), ttl)})})}));
}

TEST(StatefulRules, ReturnTrafficPassesOnlyForAdmittedConnections)
{
    Port port = StatefulAcl();
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 0).verdict, Verdict::Drop);
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 1).verdict, Verdict::Allow);
    PipelineTrace trace;
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 2, &trace).verdict,
              Verdict::Allow);
    EXPECT_EQ(trace.steps[0].outcome.match, LayerOutcome::Match::Flow);
    EXPECT_EQ(trace.steps[0].outcome.flowRule, "allow-out");
    // Another peer, or another port of the same peer, is not part of the connection.
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.3"), 3).verdict, Verdict::Drop);
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2", 81), 3).verdict, Verdict::Drop);
    EXPECT_EQ(port.FindLayer("acl")->GetFlows().Size(), 1u);
    EXPECT_EQ(port.FindLayer("acl")->GetCounters().flowsCreated, 1u);
}

TEST(StatefulRules, FlowsTakePrecedenceOverRulesInBothDirections)
{
    Port port = StatefulAcl();
    port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    // A terminating block added later does not touch the admitted connection.
    GroupSpec block =
        MakeGroup("block", Direction::Outbound, -1, {Terminating(MakeRule("no", 0, {}, Block()))});
    port.CreateGroup("acl", block);
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 1).verdict, Verdict::Allow);
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 1).verdict, Verdict::Allow);
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.3"), 1).verdict, Verdict::Drop);
}

TEST(StatefulRules, NatReplyIsTranslatedBack)
{
    // Outbound A -> B leaves the layer as A' -> B; the inbound reply B -> A' must leave
    // the layer as B -> A.
    Port port(MakePort({MakeLayer(
        "nat",
        0,
        DefaultAction::Block,
        DefaultAction::Block,
        {MakeGroup("out",
                   Direction::Outbound,
                   0,
                   {Stateful(MakeRule("snat", 0, {}, NatSrc("203.0.113.10", 2000)))})})}));
    ProcessResult out = port.Process(Direction::Outbound, VmTcp("198.51.100.1", 40000, 443), 0);
    ASSERT_EQ(out.verdict, Verdict::Allow);
    EXPECT_EQ(out.packet[0].ip.src, Ip("203.0.113.10"));
    EXPECT_EQ(out.packet[0].transport.srcPort, 2000);

    HeaderStack reply =
        Packet().Eth(GW_MAC, VM_MAC).Ipv4("198.51.100.1", "203.0.113.10").Tcp(443, 2000, "SA");
    ProcessResult in = port.Process(Direction::Inbound, reply, 1);
    ASSERT_EQ(in.verdict, Verdict::Allow);
    EXPECT_EQ(in.packet[0].ip.src, Ip("198.51.100.1"));
    EXPECT_EQ(in.packet[0].ip.dst, Ip("10.0.0.1"));
    EXPECT_EQ(in.packet[0].transport.srcPort, 443);
    EXPECT_EQ(in.packet[0].transport.dstPort, 40000);
    EXPECT_EQ(in.packet[0].transport.tcpFlags, TcpFlags::SYN | TcpFlags::ACK);
}

TEST(StatefulRules, InboundNatPairsWithTheOutboundReply)
{
    // Ananta: inbound VIP -> DIP, and the outbound reply DIP -> VIP (Direct Server Return).
    Port port(MakePort({MakeLayer(
        "slb",
        0,
        DefaultAction::Allow,
        DefaultAction::Allow,
        {MakeGroup("in",
                   Direction::Inbound,
                   0,
                   {Stateful(MakeRule(
                       "vip", 0, {Cond("dst_ip", {"203.0.113.10"})}, NatDst("10.0.0.1")))})})}));
    HeaderStack toVip =
        Packet().Eth(GW_MAC, VM_MAC).Ipv4("198.51.100.7", "203.0.113.10").Tcp(40000, 80, "S");
    ASSERT_EQ(port.Process(Direction::Inbound, toVip, 0).packet[0].ip.dst, Ip("10.0.0.1"));
    HeaderStack reply =
        Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "198.51.100.7").Tcp(80, 40000, "SA");
    ProcessResult out = port.Process(Direction::Outbound, reply, 1);
    EXPECT_EQ(out.packet[0].ip.src, Ip("203.0.113.10"));
    EXPECT_EQ(out.packet[0].ip.dst, Ip("198.51.100.7"));
}

TEST(StatefulRules, EncapPairDecapsTheReply)
{
    Port port(MakePort({MakeLayer(
        "vnet",
        0,
        DefaultAction::Block,
        DefaultAction::Block,
        {MakeGroup("out",
                   Direction::Outbound,
                   0,
                   {Stateful(MakeRule(
                       "encap", 0, {}, EncapVxlan(5001, "192.168.0.1", "192.168.0.2")))})})}));
    ASSERT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0).verdict, Verdict::Allow);
    // The peer's reply, with its own VXLAN entropy port.
    HeaderStack reply = Packet()
                            .Eth(GW_MAC, VM_MAC)
                            .Ipv4("192.168.0.2", "192.168.0.1")
                            .Udp(61234, VXLAN_UDP_PORT)
                            .Vxlan(5001)
                            .Eth(GW_MAC, VM_MAC)
                            .Ipv4("10.0.0.2", "10.0.0.1")
                            .Tcp(80, 40000, "SA");
    ProcessResult in = port.Process(Direction::Inbound, reply, 1);
    ASSERT_EQ(in.verdict, Verdict::Allow);
    EXPECT_EQ(in.packet, ReplyTcp("10.0.0.2"));
}

TEST(StatefulRules, FlowsExpireAfterTheirTimeToLiveSinceTheLastPacket)
{
    Port port = StatefulAcl(10);
    port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 9.5).verdict, Verdict::Allow);
    // The reply refreshed the pair: still alive 10 s after the first packet.
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 19).verdict, Verdict::Allow);
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 29).verdict, Verdict::Drop);
    EXPECT_EQ(port.FindLayer("acl")->GetFlows().Size(), 0u);
    EXPECT_EQ(port.FindLayer("acl")->GetCounters().flowsExpired, 1u);
}

TEST(StatefulRules, ExpireFlowsSweepsIdlePairs)
{
    Port port = StatefulAcl(10);
    port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    port.Process(Direction::Outbound, VmTcp("10.0.0.3"), 5);
    EXPECT_EQ(port.ExpireFlows(9.9), 0u);
    EXPECT_EQ(port.ExpireFlows(10), 1u);
    EXPECT_EQ(port.FindLayer("acl")->GetFlows().Size(), 1u);
    EXPECT_EQ(port.ExpireFlows(15), 1u);
    EXPECT_EQ(port.FindLayer("acl")->GetCounters().flowsExpired, 2u);
}

TEST(StatefulRules, RemovingARuleKeepsItsConnectionsUnlessFlushed)
{
    Port port = StatefulAcl();
    port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    port.Process(Direction::Outbound, VmTcp("10.0.0.3"), 0);
    port.RemoveRule("acl", "out", "allow-out", false);
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 1).verdict, Verdict::Allow);
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.9"), 1).verdict, Verdict::Drop);

    Port flushed = StatefulAcl();
    flushed.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    flushed.RemoveRule("acl", "out", "allow-out", true);
    EXPECT_EQ(flushed.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 1).verdict, Verdict::Drop);
    EXPECT_EQ(flushed.FindLayer("acl")->GetCounters().flowsFlushed, 1u);
}

TEST(StatefulRules, ReplaceGroupWithFlushCutsOnlyConnectionsOfRulesThatWentAway)
{
    Port port(MakePort({MakeLayer(
        "acl",
        0,
        DefaultAction::Block,
        DefaultAction::Block,
        {MakeGroup("out",
                   Direction::Outbound,
                   0,
                   {Stateful(MakeRule("web", 0, {Cond("dst_port", {"80"})}, Allow())),
                    Stateful(MakeRule("ssh", 0, {Cond("dst_port", {"22"})}, Allow()))})})}));
    port.Process(Direction::Outbound, VmTcp("10.0.0.2", 40000, 80), 0);
    port.Process(Direction::Outbound, VmTcp("10.0.0.2", 40001, 22), 0);
    port.ReplaceGroup(
        "acl",
        MakeGroup("out",
                  Direction::Outbound,
                  0,
                  {Stateful(MakeRule("web", 0, {Cond("dst_port", {"80"})}, Allow()))}),
        true);
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2", 80, 40000), 1).verdict,
              Verdict::Allow);
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2", 22, 40001), 1).verdict,
              Verdict::Drop);
}

TEST(StatefulRules, APacketDroppedFurtherOnLeavesNoFlow)
{
    // SYN flood protection starts here: a SYN the next layer blocks creates no ACL state.
    Port port(MakePort({MakeLayer("acl",
                                  10,
                                  DefaultAction::Block,
                                  DefaultAction::Block,
                                  {MakeGroup("out",
                                             Direction::Outbound,
                                             0,
                                             {Stateful(MakeRule("allow-out", 0, {}, Allow()))})}),
                        MakeLayer("deny", 20, DefaultAction::Block, DefaultAction::Block, {})}));
    PipelineTrace trace;
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0, &trace).verdict,
              Verdict::Drop);
    EXPECT_FALSE(trace.steps[0].outcome.flowCreated);
    EXPECT_EQ(port.FindLayer("acl")->GetFlows().Size(), 0u);
    EXPECT_EQ(port.FindLayer("acl")->GetCounters().flowsCreated, 0u);
}

TEST(StatefulRules, StatefulBlockCreatesNoFlow)
{
    Port port(MakePort({MakeLayer(
        "acl",
        0,
        DefaultAction::Allow,
        DefaultAction::Allow,
        {MakeGroup("out", Direction::Outbound, 0, {Stateful(MakeRule("no", 0, {}, Block()))})})}));
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0).verdict, Verdict::Drop);
    EXPECT_EQ(port.FindLayer("acl")->GetFlows().Size(), 0u);
}

TEST(Diagnostics, SimulateChangesNothing)
{
    Port port = StatefulAcl();
    PipelineTrace trace;
    ProcessResult simulated = port.Simulate(Direction::Outbound, VmTcp("10.0.0.2"), 0, &trace);
    EXPECT_EQ(simulated.verdict, Verdict::Allow);
    EXPECT_TRUE(trace.steps[0].outcome.flowCreated);
    EXPECT_EQ(port.FindLayer("acl")->GetFlows().Size(), 0u);
    EXPECT_EQ(port.GetCounters().received[0].packets, 0u);
    EXPECT_EQ(port.FindLayer("acl")->GetCounters().packets[0], 0u);
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 1).verdict, Verdict::Drop);
}

} // namespace
} // namespace vfp
