/*
 * Ordering and selection (semantics.md, "Ordering"): layer order per direction, group
 * skipping, terminating rules, last-group-wins, LPM, priority ties, default actions.
 */
#include "../test-support.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace test;

std::vector<std::string>
LayersVisited(const PipelineTrace& trace)
{
    std::vector<std::string> names;
    for (const LayerStep& step : trace.steps)
    {
        names.push_back(step.layer->GetName());
    }
    return names;
}

const Rule*
SelectedRule(Port& port,
             Direction direction,
             const HeaderStack& packet,
             const std::string& layer = "l")
{
    PipelineTrace trace;
    port.Simulate(direction, packet, 0, &trace);
    for (const LayerStep& step : trace.steps)
    {
        if (step.layer->GetName() == layer)
        {
            return step.outcome.rule;
        }
    }
    return nullptr;
}

TEST(LayerOrder, OutboundAscendingInboundDescending)
{
    auto open = [](const std::string& name, int32_t priority)
    { return MakeLayer(name, priority, DefaultAction::Allow, DefaultAction::Allow, {}); };
    // Created out of order on purpose: order comes from priority, not creation.
    Port port(MakePort({open("vnet", 40), open("metering", 10), open("acl", 20), open("slb", 30)}));
    PipelineTrace outbound;
    port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0, &outbound);
    EXPECT_EQ(LayersVisited(outbound),
              (std::vector<std::string>{"metering", "acl", "slb", "vnet"}));
    PipelineTrace inbound;
    port.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 0, &inbound);
    EXPECT_EQ(LayersVisited(inbound), (std::vector<std::string>{"vnet", "slb", "acl", "metering"}));
}

TEST(LayerOrder, ReversalMakesALayerAnAddressBoundary)
{
    // A NAT layer rewrites VIP -> DIP; an ACL above it (lower priority number, VM side)
    // allows only the DIP. Inbound, NAT runs first and the ACL sees the DIP: allowed.
    // If inbound ran in ascending order the ACL would see the VIP and block.
    Port port(MakePort({
        MakeLayer("acl",
                  10,
                  DefaultAction::Allow,
                  DefaultAction::Block,
                  {MakeGroup("in",
                             Direction::Inbound,
                             0,
                             {MakeRule("dip", 0, {Cond("dst_ip", {"10.0.0.1"})}, Allow())})}),
        MakeLayer(
            "nat",
            20,
            DefaultAction::Allow,
            DefaultAction::Allow,
            {MakeGroup(
                "in",
                Direction::Inbound,
                0,
                {MakeRule("vip", 0, {Cond("dst_ip", {"203.0.113.10"})}, NatDst("10.0.0.1"))})}),
    }));
    HeaderStack toVip =
        Packet().Eth(GW_MAC, VM_MAC).Ipv4("198.51.100.7", "203.0.113.10").Tcp(40000, 80, "S");
    ProcessResult result = port.Process(Direction::Inbound, toVip, 0);
    EXPECT_EQ(result.verdict, Verdict::Allow);
    EXPECT_EQ(result.packet[0].ip.dst, Ip("10.0.0.1"));
}

TEST(LayerOrder, EqualPrioritiesKeepCreationOrderAndMirrorInbound)
{
    auto open = [](const std::string& name)
    { return MakeLayer(name, 5, DefaultAction::Allow, DefaultAction::Allow, {}); };
    Port port(MakePort({open("first"), open("second")}));
    PipelineTrace outbound;
    port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0, &outbound);
    EXPECT_EQ(LayersVisited(outbound), (std::vector<std::string>{"first", "second"}));
    PipelineTrace inbound;
    port.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 0, &inbound);
    EXPECT_EQ(LayersVisited(inbound), (std::vector<std::string>{"second", "first"}));
}

TEST(Groups, OnlyGroupsOfThePacketsDirectionAreVisited)
{
    Port port(MakePort({MakeLayer(
        "l",
        0,
        DefaultAction::Allow,
        DefaultAction::Allow,
        {MakeGroup("out", Direction::Outbound, 0, {MakeRule("block-out", 0, {}, Block())}),
         MakeGroup("in", Direction::Inbound, 0, {MakeRule("allow-in", 0, {}, Allow())})})}));
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0).verdict, Verdict::Drop);
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.9"), 0).verdict, Verdict::Allow);
}

TEST(Groups, GroupWhoseConditionsFailIsSkipped)
{
    // Per-container groups: the group for 10.0.0.5 must not see traffic of 10.0.0.1.
    Port port(MakePort({MakeLayer("l",
                                  0,
                                  DefaultAction::Allow,
                                  DefaultAction::Allow,
                                  {MakeGroup("container-5",
                                             Direction::Outbound,
                                             0,
                                             {MakeRule("block-all", 0, {}, Block())},
                                             {Cond("src_ip", {"10.0.0.5"})})})}));
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0).verdict, Verdict::Allow);
    HeaderStack fromContainer = Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.5", "10.0.0.2").Tcp(1, 2);
    EXPECT_EQ(port.Process(Direction::Outbound, fromContainer, 0).verdict, Verdict::Drop);
}

TEST(Groups, LastGroupWinsByDefault)
{
    Port port(MakePort({MakeLayer(
        "l",
        0,
        DefaultAction::Block,
        DefaultAction::Block,
        {MakeGroup("g1", Direction::Outbound, 1, {MakeRule("block", 0, {}, Block())}),
         MakeGroup("g2", Direction::Outbound, 2, {MakeRule("allow", 0, {}, Allow())})})}));
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.0.0.2"))->spec.id, "allow");
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0).verdict, Verdict::Allow);
}

TEST(Groups, LaterGroupWithoutMatchDoesNotReplaceTheCandidate)
{
    Port port(MakePort(
        {MakeLayer("l",
                   0,
                   DefaultAction::Allow,
                   DefaultAction::Allow,
                   {MakeGroup("g1", Direction::Outbound, 1, {MakeRule("block", 0, {}, Block())}),
                    MakeGroup("g2",
                              Direction::Outbound,
                              2,
                              {MakeRule("web", 0, {Cond("dst_port", {"443"})}, Allow())})})}));
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.0.0.2", 1, 80))->spec.id, "block");
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.0.0.2", 1, 443))->spec.id, "web");
}

TEST(Groups, TerminatingRuleStopsTheWalk)
{
    // Infrastructure and customer ACL groups: a terminating block in the first wins even
    // though the customer group would allow.
    Port port(MakePort({MakeLayer(
        "l",
        0,
        DefaultAction::Block,
        DefaultAction::Block,
        {MakeGroup("infra",
                   Direction::Outbound,
                   1,
                   {Terminating(MakeRule(
                       "no-metadata", 0, {Cond("dst_ip", {"169.254.169.254"})}, Block()))}),
         MakeGroup(
             "customer", Direction::Outbound, 2, {MakeRule("allow-all", 0, {}, Allow())})})}));
    ProcessResult result = port.Process(Direction::Outbound, VmTcp("169.254.169.254"), 0);
    EXPECT_EQ(result.verdict, Verdict::Drop);
    EXPECT_EQ(result.reason, DropReason::RuleBlock);
    EXPECT_EQ(result.rule->spec.id, "no-metadata");
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0).verdict, Verdict::Allow);
}

TEST(Groups, NonTerminatingMatchInEarlierGroupIsOverridden)
{
    Port port(MakePort({MakeLayer(
        "l",
        0,
        DefaultAction::Block,
        DefaultAction::Block,
        {MakeGroup("infra",
                   Direction::Outbound,
                   1,
                   {MakeRule("block-metadata", 0, {Cond("dst_ip", {"169.254.169.254"})}, Block())}),
         MakeGroup(
             "customer", Direction::Outbound, 2, {MakeRule("allow-all", 0, {}, Allow())})})}));
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("169.254.169.254"), 0).verdict,
              Verdict::Allow);
}

TEST(Groups, GroupPriorityNotCreationOrderDecidesWhichIsLast)
{
    Port port(MakePort({MakeLayer(
        "l",
        0,
        DefaultAction::Block,
        DefaultAction::Block,
        {MakeGroup("late", Direction::Outbound, 9, {MakeRule("allow", 0, {}, Allow())}),
         MakeGroup("early", Direction::Outbound, 1, {MakeRule("block", 0, {}, Block())})})}));
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.0.0.2"))->spec.id, "allow");
}

TEST(Rules, LowestPriorityNumberWins)
{
    Port port(MakePort({MakeLayer(
        "l",
        0,
        DefaultAction::Block,
        DefaultAction::Block,
        {MakeGroup("g",
                   Direction::Outbound,
                   0,
                   {MakeRule("weak", 20, {}, Block()), MakeRule("strong", 10, {}, Allow())})})}));
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.0.0.2"))->spec.id, "strong");
}

TEST(Rules, PriorityTieGoesToTheEarlierAdded)
{
    Port port(MakePort({MakeLayer(
        "l",
        0,
        DefaultAction::Block,
        DefaultAction::Block,
        {MakeGroup("g",
                   Direction::Outbound,
                   0,
                   {MakeRule("first", 10, {}, Allow()), MakeRule("second", 10, {}, Block())})})}));
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.0.0.2"))->spec.id, "first");
    // A rule added later with the same priority still loses, and a stronger one wins.
    port.AddRule("l", "g", MakeRule("third", 10, {}, Block()));
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.0.0.2"))->spec.id, "first");
    port.AddRule("l", "g", MakeRule("fourth", 9, {}, Block()));
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.0.0.2"))->spec.id, "fourth");
}

TEST(Rules, AllConditionsMustMatchAndAnyValueOfOne)
{
    Port port(
        MakePort({MakeLayer("l",
                            0,
                            DefaultAction::Block,
                            DefaultAction::Block,
                            {MakeGroup("g",
                                       Direction::Outbound,
                                       0,
                                       {MakeRule("web",
                                                 0,
                                                 {Cond("protocol", {"6"}),
                                                  Cond("dst_port", {"80", "443", "8000-8080"})},
                                                 Allow())})})}));
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2", 1, 443), 0).verdict,
              Verdict::Allow);
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2", 1, 8042), 0).verdict,
              Verdict::Allow);
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2", 1, 22), 0).verdict,
              Verdict::Drop);
    HeaderStack udp = Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "10.0.0.2").Udp(1, 443);
    EXPECT_EQ(port.Process(Direction::Outbound, udp, 0).verdict, Verdict::Drop);
}

TEST(Lpm, LongestPrefixWinsRegardlessOfPriority)
{
    GroupSpec routes =
        MakeGroup("routes",
                  Direction::Outbound,
                  0,
                  {MakeRule("default", 1, {}, NatDst("192.0.2.1")),
                   MakeRule("ten", 2, {Cond("dst_ip", {"10.0.0.0/8"})}, NatDst("192.0.2.8")),
                   MakeRule("ten-one", 3, {Cond("dst_ip", {"10.1.0.0/16"})}, NatDst("192.0.2.16")),
                   MakeRule("host", 4, {Cond("dst_ip", {"10.1.2.3"})}, NatDst("192.0.2.32"))});
    routes.type = GroupType::Lpm;
    Port port(MakePort({MakeLayer("l", 0, DefaultAction::Block, DefaultAction::Block, {routes})}));
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.1.2.3"))->spec.id, "host");
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.1.2.4"))->spec.id, "ten-one");
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.2.0.1"))->spec.id, "ten");
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("8.8.8.8"))->spec.id, "default");
}

TEST(Lpm, EqualLengthsFallBackToPriorityThenOrder)
{
    GroupSpec routes = MakeGroup(
        "routes",
        Direction::Outbound,
        0,
        {MakeRule("b", 5, {Cond("dst_ip", {"10.0.0.0/8"})}, Allow()),
         MakeRule("a", 1, {Cond("dst_ip", {"10.0.0.0/8"}), Cond("protocol", {"6"})}, Allow()),
         MakeRule("c", 5, {Cond("dst_ip", {"10.0.0.0/8"})}, Block())});
    routes.type = GroupType::Lpm;
    Port port(MakePort({MakeLayer("l", 0, DefaultAction::Block, DefaultAction::Block, {routes})}));
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.9.9.9"))->spec.id, "a");
    HeaderStack udp = Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "10.9.9.9").Udp(1, 2);
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, udp)->spec.id, "b");
}

TEST(Lpm, OtherConditionsStillFilter)
{
    GroupSpec routes =
        MakeGroup("routes",
                  Direction::Outbound,
                  0,
                  {MakeRule("wide", 0, {Cond("dst_ip", {"10.0.0.0/8"})}, Allow()),
                   MakeRule("narrow-udp",
                            0,
                            {Cond("dst_ip", {"10.1.0.0/16"}), Cond("protocol", {"17"})},
                            Block())});
    routes.type = GroupType::Lpm;
    Port port(MakePort({MakeLayer("l", 0, DefaultAction::Block, DefaultAction::Block, {routes})}));
    EXPECT_EQ(SelectedRule(port, Direction::Outbound, VmTcp("10.1.0.7"))->spec.id, "wide");
}

TEST(Defaults, PerDirectionAndBlockWhenNotGiven)
{
    LayerSpec layer;
    layer.name = "l";
    EXPECT_EQ(layer.defaults[0], DefaultAction::Block);
    EXPECT_EQ(layer.defaults[1], DefaultAction::Block);
    Port blocking(MakePort({layer}));
    ProcessResult dropped = blocking.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    EXPECT_EQ(dropped.verdict, Verdict::Drop);
    EXPECT_EQ(dropped.reason, DropReason::DefaultBlock);
    EXPECT_EQ(dropped.rule, nullptr);
    EXPECT_EQ(dropped.layer->GetName(), "l");

    Port oneWay(MakePort({MakeLayer("l", 0, DefaultAction::Allow, DefaultAction::Block, {})}));
    EXPECT_EQ(oneWay.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0).verdict, Verdict::Allow);
    EXPECT_EQ(oneWay.Process(Direction::Inbound, ReplyTcp("10.0.0.9"), 0).verdict, Verdict::Drop);
}

TEST(Defaults, NoLayersMeansEverythingPasses)
{
    Port port(MakePort({}));
    ProcessResult result = port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    EXPECT_EQ(result.verdict, Verdict::Allow);
    EXPECT_TRUE(result.ht.IsIdentity());
    EXPECT_EQ(result.packet, VmTcp("10.0.0.2"));
}

} // namespace
} // namespace vfp
