/*
 * The unified flow table (semantics.md, "Unified flow table"): cached fast path, meters
 * on every packet, lazy reconciliation by generation, pairing on the VM side, and layer
 * flows kept alive exactly as the slow path would.
 */
#include "../test-support.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace test;

LayerSpec
VnetLayer()
{
    ActionSpec encap = EncapVxlan(5001, "192.168.0.1", "map", true);
    return MakeLayer("vnet",
                     40,
                     DefaultAction::Block,
                     DefaultAction::Block,
                     {MakeGroup("out",
                                Direction::Outbound,
                                0,
                                {MakeRule("encap", 0, {Cond("dst_ip", {"10.0.0.0/8"})}, encap)}),
                      MakeGroup("in",
                                Direction::Inbound,
                                0,
                                {MakeRule("decap", 0, {Cond("tunnel_key", {"5001"})}, Decap())})});
}

LayerSpec
AclLayer()
{
    return MakeLayer(
        "acl",
        20,
        DefaultAction::Block,
        DefaultAction::Block,
        {MakeGroup("out",
                   Direction::Outbound,
                   0,
                   {Stateful(MakeRule("allow-out", 10, {Cond("protocol", {"6"})}, Allow()))})});
}

LayerSpec
MeterLayer()
{
    return MakeLayer(
        "metering",
        10,
        DefaultAction::Allow,
        DefaultAction::Allow,
        {MakeGroup("out", Direction::Outbound, 0, {MakeRule("m", 0, {}, Meter("out"))})});
}

Port
Figure4Port(bool uft = true)
{
    PortConfig config;
    config.uftEnabled = uft;
    return Port(MakePort({MeterLayer(), AclLayer(), VnetLayer()},
                         {MakeMapping("map", {{"10.0.0.2", "192.168.0.2"}})}),
                config);
}

HeaderStack
Data(const std::string& dst, uint32_t payload)
{
    HeaderStack packet = VmTcp(dst, 40000, 80, "A");
    packet.payloadBytes = payload;
    return packet;
}

TEST(UnifiedFlows, TheSecondPacketTakesTheFastPathWithTheSameResult)
{
    Port port = Figure4Port();
    PipelineTrace first;
    ProcessResult miss = port.Process(Direction::Outbound, Data("10.0.0.2", 100), 0, &first);
    EXPECT_EQ(miss.path, PathTaken::Slow);
    EXPECT_EQ(first.steps.size(), 3u);
    PipelineTrace second;
    ProcessResult hit = port.Process(Direction::Outbound, Data("10.0.0.2", 100), 1, &second);
    EXPECT_EQ(hit.path, PathTaken::Fast);
    EXPECT_TRUE(second.steps.empty()) << "a hit visits no layer";
    EXPECT_EQ(hit.packet, miss.packet);
    EXPECT_EQ(hit.ht, miss.ht);
    EXPECT_EQ(port.GetUftCounters().hits, 1u);
    EXPECT_EQ(port.GetUftCounters().misses, 1u);
    EXPECT_EQ(port.FindLayer("acl")->GetCounters().packets[0], 1u);
}

TEST(UnifiedFlows, MetersCountEveryPacketFastPathIncluded)
{
    Port port = Figure4Port();
    uint64_t bytes = 0;
    double now = 0;
    for (uint32_t payload : {100, 1400, 0, 7})
    {
        HeaderStack packet = Data("10.0.0.2", payload);
        bytes += packet.SizeBytes();
        port.Process(Direction::Outbound, packet, now++, nullptr);
    }
    EXPECT_EQ(port.GetMeters().at("out").packets, 4u);
    EXPECT_EQ(port.GetMeters().at("out").bytes, bytes)
        << "the meter sits before the encap: inner bytes";
    EXPECT_EQ(port.GetUftCounters().hits, 3u);
}

TEST(UnifiedFlows, NoPolicyChangeMeansNoReSimulation)
{
    Port port = Figure4Port();
    for (int i = 0; i < 50; ++i)
    {
        port.Process(Direction::Outbound, Data("10.0.0.2", 10), i * 0.1);
    }
    EXPECT_EQ(port.GetUftCounters().reconciled, 0u);
    EXPECT_EQ(port.GetUftCounters().hits, 49u);
}

TEST(Reconciliation, AMappingChangeReroutesTheNextPacket)
{
    Port port = Figure4Port();
    ASSERT_EQ(port.Process(Direction::Outbound, Data("10.0.0.2", 10), 0).packet[0].ip.dst,
              Ip("192.168.0.2"));
    port.Process(Direction::Outbound, Data("10.0.0.2", 10), 1);
    port.SetMapping("map", Ip("10.0.0.2"), Ip("192.168.0.99")); // the VM migrated
    ProcessResult next = port.Process(Direction::Outbound, Data("10.0.0.2", 10), 2);
    EXPECT_EQ(next.path, PathTaken::Reconciled);
    EXPECT_EQ(next.packet[0].ip.dst, Ip("192.168.0.99"));
    EXPECT_EQ(port.GetUftCounters().reconcileUpdated, 1u);
    ProcessResult after = port.Process(Direction::Outbound, Data("10.0.0.2", 10), 3);
    EXPECT_EQ(after.path, PathTaken::Fast);
    EXPECT_EQ(after.packet[0].ip.dst, Ip("192.168.0.99"));
}

TEST(Reconciliation, AnAclChangeThatBlocksAStatelessFlowDropsItsNextPacket)
{
    Port port(MakePort({MakeLayer(
        "acl",
        0,
        DefaultAction::Block,
        DefaultAction::Block,
        {MakeGroup("out", Direction::Outbound, 0, {MakeRule("allow", 10, {}, Allow())})})}));
    port.Process(Direction::Outbound, Data("10.0.0.2", 10), 0);
    port.Process(Direction::Outbound, Data("10.0.0.2", 10), 1);
    port.AddRule("acl", "out", MakeRule("deny", 1, {Cond("dst_ip", {"10.0.0.2"})}, Block()));
    ProcessResult next = port.Process(Direction::Outbound, Data("10.0.0.2", 10), 2);
    EXPECT_EQ(next.verdict, Verdict::Drop);
    EXPECT_EQ(next.path, PathTaken::Reconciled);
    EXPECT_EQ(port.GetUftCounters().reconcileRemoved, 1u);
    EXPECT_EQ(port.GetUft().Size(), 0u);
    EXPECT_EQ(port.Process(Direction::Outbound, Data("10.0.0.2", 10), 3).path, PathTaken::Slow);
}

TEST(Reconciliation, AnUnrelatedChangeReconcilesWithoutChangingTheFlow)
{
    Port port = Figure4Port();
    port.Process(Direction::Outbound, Data("10.0.0.2", 10), 0);
    port.SetMapping("map", Ip("10.0.0.3"), Ip("192.168.0.3"));
    ProcessResult next = port.Process(Direction::Outbound, Data("10.0.0.2", 10), 1);
    EXPECT_EQ(next.path, PathTaken::Reconciled);
    EXPECT_EQ(port.GetUftCounters().reconcileUpdated, 0u);
}

TEST(Reconciliation, StatefulLayerFlowsSurviveReSimulation)
{
    Port port = Figure4Port();
    port.Process(Direction::Outbound, Data("10.0.0.2", 10), 0);
    port.RemoveRule("acl", "out", "allow-out", false); // an admitted connection stays
    ProcessResult next = port.Process(Direction::Outbound, Data("10.0.0.2", 10), 1);
    EXPECT_EQ(next.verdict, Verdict::Allow);
    EXPECT_EQ(next.path, PathTaken::Reconciled);
    EXPECT_EQ(port.Process(Direction::Outbound, Data("10.0.0.3", 10), 1).verdict, Verdict::Drop);
}

TEST(UnifiedFlows, HitsKeepLayerFlowsAliveAndAnExpiredOneSendsThePacketBackToTheLayers)
{
    for (bool uft : {true, false})
    {
        Port port(MakePort({MakeLayer(
                      "acl",
                      0,
                      DefaultAction::Block,
                      DefaultAction::Block,
                      {MakeGroup("out",
                                 Direction::Outbound,
                                 0,
                                 {Stateful(MakeRule("allow-out", 0, {}, Allow()), 10)})})}),
                  PortConfig{uft, {}});
        port.Process(Direction::Outbound, Data("10.0.0.2", 10), 0);
        for (double t = 5; t <= 50; t += 5)
        {
            // Outbound hits every 5 s keep the pair (ttl 10 s) alive for the replies.
            port.Process(Direction::Outbound, Data("10.0.0.2", 10), t);
            EXPECT_EQ(
                port.Process(Direction::Inbound, ReplyTcp("10.0.0.2", 80, 40000, "A"), t).verdict,
                Verdict::Allow)
                << "uft " << uft << " t " << t;
        }
        // 10 s of silence: the layer flow expires; so does the replies' permission.
        EXPECT_EQ(
            port.Process(Direction::Inbound, ReplyTcp("10.0.0.2", 80, 40000, "A"), 60).verdict,
            Verdict::Drop)
            << "uft " << uft;
    }
}

TEST(Pairing, AsymmetricDirectServerReturnFlowsShareOneConnection)
{
    // Inbound arrives IP-in-IP from a Mux to the VIP; the reply leaves untunnelled from it.
    Port port(MakePort(
        {MakeLayer(
             "slb",
             30,
             DefaultAction::Allow,
             DefaultAction::Allow,
             {MakeGroup("in",
                        Direction::Inbound,
                        0,
                        {Stateful(MakeRule(
                            "vip", 0, {Cond("dst_ip", {"203.0.113.10"})}, NatDst("10.0.0.1")))})}),
         MakeLayer("vnet",
                   40,
                   DefaultAction::Allow,
                   DefaultAction::Allow,
                   {MakeGroup("in",
                              Direction::Inbound,
                              0,
                              {MakeRule("mux", 0, {Cond("protocol", {"4"})}, Decap())})})}));
    HeaderStack fromMux = Packet()
                              .Eth("00:00:00:ff:00:01", VM_MAC)
                              .Ipv4("192.168.100.1", "192.168.0.1")
                              .Ipv4("198.51.100.7", "203.0.113.10")
                              .Tcp(40000, 80, "S", 100);
    ProcessResult in = port.Process(Direction::Inbound, fromMux, 0);
    ASSERT_EQ(in.verdict, Verdict::Allow);
    EXPECT_EQ(in.tcpState, TcpState::SynSent);
    HeaderStack reply = Packet()
                            .Eth(VM_MAC, GW_MAC)
                            .Ipv4("10.0.0.1", "198.51.100.7")
                            .Tcp(80, 40000, "SA", 500, 101);
    ProcessResult out = port.Process(Direction::Outbound, reply, 0.1);
    ASSERT_EQ(out.verdict, Verdict::Allow);
    EXPECT_EQ(out.packet[0].ip.src, Ip("203.0.113.10")) << "DSR: the reply leaves from the VIP";
    EXPECT_EQ(out.tcpState, TcpState::SynReceived) << "both directions feed one connection";
    EXPECT_EQ(port.GetTracker().Size(), 1u);
    EXPECT_EQ(port.GetUft().Size(), 2u);
    fromMux[1].transport = TransportHeader{40000, 80, TcpFlags::ACK, 101, 501};
    ProcessResult ack = port.Process(Direction::Inbound, fromMux, 0.2);
    EXPECT_EQ(ack.path, PathTaken::Fast);
    EXPECT_EQ(ack.tcpState, TcpState::Established);
}

TEST(UnifiedFlows, TcpFlagConditionsKeyFlowsByFlagsSoCachingStaysExact)
{
    // Allow new connections only from the VM side: inbound SYNs are refused, ACKs pass.
    Port port(MakePort({MakeLayer(
        "acl",
        0,
        DefaultAction::Allow,
        DefaultAction::Allow,
        {MakeGroup("in",
                   Direction::Inbound,
                   0,
                   {MakeRule("no-syn-in", 0, {Cond("tcp_flags", {"S/SA"})}, Block())})})}));
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2", 80, 40000, "A"), 0).verdict,
              Verdict::Allow);
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2", 80, 40000, "S"), 1).verdict,
              Verdict::Drop)
        << "a SYN of the same 5-tuple must not ride the ACK's unified flow";
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("10.0.0.2", 80, 40000, "A"), 2).path,
              PathTaken::Fast);
}

TEST(UnifiedFlowLimit, AFullTableEvictsTheLeastRecentlyUsedSixteenthAndCountsIt)
{
    PortConfig config;
    config.maxUnifiedFlows = 32;
    Port port(MakePort({AclLayer()}, {}), config);
    auto flow = [](uint16_t sport) { return VmTcp("10.0.0.2", sport, 80, "A"); };
    for (uint16_t i = 0; i < 32; ++i)
    {
        port.Process(Direction::Outbound, flow(1000 + i), i * 0.01);
    }
    for (uint16_t i = 0; i < 4; ++i)
    {
        // Used again: the oldest four are now flows 4 and up.
        EXPECT_EQ(port.Process(Direction::Outbound, flow(1000 + i), 1.0).path, PathTaken::Fast);
    }
    ASSERT_EQ(port.GetUft().Size(), 32u);

    port.Process(Direction::Outbound, flow(2000), 1.01); // the 33rd: evicts 32 / 16 = 2
    EXPECT_EQ(port.GetUftCounters().capacityEvicted, 2u);
    EXPECT_EQ(port.GetUft().Size(), 31u);
    EXPECT_EQ(port.GetTracker().Size(), 33u) << "eviction keeps the connections";
    for (uint16_t i = 0; i < 4; ++i)
    {
        EXPECT_EQ(port.Process(Direction::Outbound, flow(1000 + i), 1.02).path, PathTaken::Fast);
    }
    // Flows 4 and 5 were the least recently used: back through the layers, cached again.
    EXPECT_EQ(port.Process(Direction::Outbound, flow(1004), 1.03).path, PathTaken::Slow);
    EXPECT_EQ(port.Process(Direction::Outbound, flow(1004), 1.04).path, PathTaken::Fast);
    EXPECT_EQ(port.Process(Direction::Outbound, flow(1006), 1.05).path, PathTaken::Fast);
    EXPECT_EQ(port.GetUft().Size(), 32u);
}

TEST(UnifiedFlowLimit, StateEstimateFollowsTheTables)
{
    Port port(MakePort({AclLayer()}, {}), {});
    EXPECT_EQ(port.EstimateStateBytes(), 0u);
    port.Process(Direction::Outbound, VmTcp("10.0.0.2", 1000, 80, "S"), 0);
    EXPECT_EQ(port.GetLayerFlowCount(), 1u);
    const size_t one = port.EstimateStateBytes();
    EXPECT_GT(one, sizeof(UnifiedFlow) + sizeof(Connection));
    port.Process(Direction::Outbound, VmTcp("10.0.0.2", 1001, 80, "S"), 0);
    EXPECT_EQ(port.EstimateStateBytes(), 2 * one);
    port.ExpireFlows(1e6);
    EXPECT_EQ(port.EstimateStateBytes(), 0u) << "expiry frees what the estimate counts";
}

} // namespace
} // namespace vfp
