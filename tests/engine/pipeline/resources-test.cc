/*
 * Resources and events (semantics.md, "Resources and events"): mapping misses and port
 * exhaustion raise events to the registered handler; the packet is dropped or held as
 * the resource says, and counted.
 */
#include "../test-support.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace test;

Port
VnetPort(MissPolicy onMiss)
{
    return Port(MakePort(
        {MakeLayer(
            "vnet",
            0,
            DefaultAction::Block,
            DefaultAction::Block,
            {MakeGroup("out",
                       Direction::Outbound,
                       0,
                       {MakeRule("encap", 0, {}, EncapVxlan(5001, "192.168.0.1", "map", true))})})},
        {MakeMapping("map", {{"10.0.0.2", "192.168.0.2"}}, onMiss)}));
}

Port
SnatPort(MissPolicy onExhausted, std::vector<PortRange> ranges = {{1024, 1025}})
{
    return Port(
        MakePort({MakeLayer("slb",
                            0,
                            DefaultAction::Block,
                            DefaultAction::Block,
                            {MakeGroup("out",
                                       Direction::Outbound,
                                       0,
                                       {Stateful(MakeRule("snat", 0, {}, Snat("ports")), 60)})})},
                 {MakeRangeList("ports", "203.0.113.10", ranges, onExhausted)}));
}

TEST(MappingResource, MissRaisesAnEventAndDropsByDefault)
{
    Port port = VnetPort(MissPolicy::Drop);
    std::vector<ResourceEvent> events;
    port.RegisterEventHandler("map",
                              [&events](const ResourceEvent& event) { events.push_back(event); });
    ProcessResult result = port.Process(Direction::Outbound, VmTcp("10.0.0.9"), 2.5);
    EXPECT_EQ(result.verdict, Verdict::Drop);
    EXPECT_EQ(result.reason, DropReason::MappingMiss);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, ResourceEvent::Type::MappingMiss);
    EXPECT_EQ(events[0].port, "vm");
    EXPECT_EQ(events[0].resource, "map");
    EXPECT_EQ(events[0].key, Ip("10.0.0.9"));
    EXPECT_EQ(events[0].time, 2.5);
    EXPECT_EQ(port.GetCounters().drops[0][static_cast<size_t>(DropReason::MappingMiss)], 1u);
    EXPECT_EQ(port.GetCounters().eventsRaised, 1u);
    // A hit raises nothing.
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 3).verdict, Verdict::Allow);
    EXPECT_EQ(events.size(), 1u);
}

TEST(MappingResource, HoldPolicyHandsThePacketBackAndTheControllerAnswers)
{
    Port port = VnetPort(MissPolicy::Hold);
    // The handler plays the VNET agent: it asks the directory and programs the mapping.
    port.RegisterEventHandler("map",
                              [&port](const ResourceEvent& event)
                              { port.SetMapping(event.resource, event.key, Ip("192.168.0.9")); });
    ProcessResult held = port.Process(Direction::Outbound, VmTcp("10.0.0.9"), 0);
    EXPECT_EQ(held.verdict, Verdict::Hold);
    EXPECT_EQ(port.GetCounters().held[0].packets, 1u);
    ProcessResult retried = port.Process(Direction::Outbound, VmTcp("10.0.0.9"), 0.001);
    ASSERT_EQ(retried.verdict, Verdict::Allow);
    EXPECT_EQ(retried.packet[0].ip.dst, Ip("192.168.0.9"));
}

TEST(MappingResource, AHeldPacketIsMeteredOnceWhenItGoesThrough)
{
    // A metering layer next to the VM, VNET (holding on a miss) outside it.
    Port port(MakePort(
        {MakeLayer("metering",
                   0,
                   DefaultAction::Allow,
                   DefaultAction::Allow,
                   {MakeGroup(
                       "out", Direction::Outbound, 0, {MakeRule("bill", 0, {}, Meter("billed"))})}),
         MakeLayer("vnet",
                   1,
                   DefaultAction::Block,
                   DefaultAction::Block,
                   {MakeGroup(
                       "out",
                       Direction::Outbound,
                       0,
                       {MakeRule("encap", 0, {}, EncapVxlan(5001, "192.168.0.1", "map", true))})})},
        {MakeMapping("map", {}, MissPolicy::Hold)}));
    const HeaderStack packet = VmTcp("10.0.0.9");
    EXPECT_EQ(port.Process(Direction::Outbound, packet, 0).verdict, Verdict::Hold);
    EXPECT_EQ(port.GetMeters().at("billed").packets, 0u) << "not yet: the packet will come back";
    port.SetMapping("map", Ip("10.0.0.9"), Ip("192.168.0.9"));
    EXPECT_EQ(port.Process(Direction::Outbound, packet, 0.001).verdict, Verdict::Allow);
    EXPECT_EQ(port.GetMeters().at("billed").packets, 1u);
    EXPECT_EQ(port.GetMeters().at("billed").bytes, packet.SizeBytes());
}

TEST(MappingResource, SimulatedMissDeliversNoEvent)
{
    Port port = VnetPort(MissPolicy::Drop);
    int delivered = 0;
    port.RegisterEventHandler("map", [&delivered](const ResourceEvent&) { ++delivered; });
    PipelineTrace trace;
    port.Simulate(Direction::Outbound, VmTcp("10.0.0.9"), 0, &trace);
    EXPECT_EQ(delivered, 0);
    EXPECT_EQ(trace.events.size(), 1u);
    EXPECT_EQ(port.GetCounters().eventsRaised, 0u);
}

TEST(RangeListResource, SnatAllocatesLowestFreePortPerConnection)
{
    Port port = SnatPort(MissPolicy::Drop, {{1024, 1030}});
    ProcessResult first = port.Process(Direction::Outbound, VmTcp("198.51.100.1", 40000), 0);
    ProcessResult second = port.Process(Direction::Outbound, VmTcp("198.51.100.1", 40001), 0);
    ProcessResult again = port.Process(Direction::Outbound, VmTcp("198.51.100.1", 40000), 1);
    EXPECT_EQ(first.packet[0].ip.src, Ip("203.0.113.10"));
    EXPECT_EQ(first.packet[0].transport.srcPort, 1024);
    EXPECT_EQ(second.packet[0].transport.srcPort, 1025);
    EXPECT_EQ(again.packet[0].transport.srcPort, 1024) << "a connection keeps its port";
    HeaderStack reply =
        Packet().Eth(GW_MAC, VM_MAC).Ipv4("198.51.100.1", "203.0.113.10").Tcp(80, 1025, "SA");
    ProcessResult in = port.Process(Direction::Inbound, reply, 1);
    ASSERT_EQ(in.verdict, Verdict::Allow);
    EXPECT_EQ(in.packet[0].ip.dst, Ip("10.0.0.1"));
    EXPECT_EQ(in.packet[0].transport.dstPort, 40001);
}

TEST(RangeListResource, ExhaustionRaisesAnEventAndDropsOrHolds)
{
    for (MissPolicy policy : {MissPolicy::Drop, MissPolicy::Hold})
    {
        Port port = SnatPort(policy);
        std::vector<ResourceEvent> events;
        port.RegisterEventHandler(
            "ports", [&events](const ResourceEvent& event) { events.push_back(event); });
        EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("198.51.100.1", 1), 0).verdict,
                  Verdict::Allow);
        EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("198.51.100.1", 2), 0).verdict,
                  Verdict::Allow);
        ProcessResult third = port.Process(Direction::Outbound, VmTcp("198.51.100.1", 3), 0);
        EXPECT_EQ(third.verdict, policy == MissPolicy::Drop ? Verdict::Drop : Verdict::Hold);
        EXPECT_EQ(third.reason, DropReason::PortsExhausted);
        ASSERT_EQ(events.size(), 1u);
        EXPECT_EQ(events[0].type, ResourceEvent::Type::PortsExhausted);
        EXPECT_EQ(events[0].key, Ip("203.0.113.10"));
        // The manager hands out another range: the connection goes through.
        port.AddPortRange("ports", {2000, 2000});
        ProcessResult retried = port.Process(Direction::Outbound, VmTcp("198.51.100.1", 3), 1);
        ASSERT_EQ(retried.verdict, Verdict::Allow);
        EXPECT_EQ(retried.packet[0].transport.srcPort, 2000);
    }
}

TEST(RangeListResource, PortsReturnWhenTheirConnectionExpires)
{
    Port port = SnatPort(MissPolicy::Drop);
    port.Process(Direction::Outbound, VmTcp("198.51.100.1", 1), 0);
    port.Process(Direction::Outbound, VmTcp("198.51.100.1", 2), 30);
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("198.51.100.1", 3), 31).verdict,
              Verdict::Drop);
    port.ExpireFlows(60); // the first connection (idle since 0, ttl 60) ends
    ProcessResult reused = port.Process(Direction::Outbound, VmTcp("198.51.100.1", 3), 61);
    ASSERT_EQ(reused.verdict, Verdict::Allow);
    EXPECT_EQ(reused.packet[0].transport.srcPort, 1024);
}

TEST(RangeListResource, APortTakenForADroppedPacketIsGivenBack)
{
    Port port(MakePort({MakeLayer("slb",
                                  10,
                                  DefaultAction::Block,
                                  DefaultAction::Block,
                                  {MakeGroup("out",
                                             Direction::Outbound,
                                             0,
                                             {Stateful(MakeRule("snat", 0, {}, Snat("ports")))})}),
                        MakeLayer("deny", 20, DefaultAction::Block, DefaultAction::Block, {})},
                       {MakeRangeList("ports", "203.0.113.10", {{1024, 1024}})}));
    for (int i = 0; i < 3; ++i)
    {
        EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("198.51.100.1", 40000 + i), i).reason,
                  DropReason::DefaultBlock);
    }
    EXPECT_EQ(port.GetResources().FindRangeList("ports")->FreeCount(), 1u);
}

TEST(RangeList, RangesMustNotOverlapAndRemovalKeepsPortsInUse)
{
    RangeList list(MakeRangeList("p", "203.0.113.10", {{100, 101}}));
    EXPECT_THROW(list.AddRange({101, 105}), PolicyError);
    EXPECT_THROW(list.AddRange({7, 3}), PolicyError);
    EXPECT_EQ(list.Allocate(), 100);
    list.RemoveRange({100, 101});
    EXPECT_EQ(list.Allocate(), std::nullopt);
    list.Release(100); // outside every range now: not free again
    EXPECT_EQ(list.FreeCount(), 0u);
    EXPECT_THROW(list.RemoveRange({100, 101}), PolicyError);
}

} // namespace
} // namespace vfp
