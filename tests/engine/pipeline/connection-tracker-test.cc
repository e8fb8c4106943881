/*
 * The TCP state machine on each connection (semantics.md, "Unified flow table"): every
 * transition, SYN flood protection, early expiry on FIN and RST, TIME_WAIT and SNAT port
 * reuse, the connection limit.
 */
#include "../test-support.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace test;

PortConfig
Config(double halfOpen = 5, double timeWait = 60, size_t maxConnections = 500000)
{
    PortConfig config;
    config.tracker.halfOpenTimeout = halfOpen;
    config.tracker.timeWait = timeWait;
    config.tracker.maxConnections = maxConnections;
    return config;
}

Port
OpenPort(const PortConfig& config = Config())
{
    return Port(MakePort({MakeLayer("acl", 0, DefaultAction::Allow, DefaultAction::Allow, {})}),
                config);
}

/// One side of a TCP conversation between the VM (10.0.0.1:40000) and 10.0.0.2:80.
struct Conversation
{
    Port& port;
    double now = 0;

    TcpState Out(const std::string& flags, uint32_t seq, uint32_t ack, uint32_t payload = 0)
    {
        HeaderStack packet = Packet()
                                 .Eth(VM_MAC, GW_MAC)
                                 .Ipv4("10.0.0.1", "10.0.0.2")
                                 .Tcp(40000, 80, flags, seq, ack)
                                 .Payload(payload);
        return Send(Direction::Outbound, packet);
    }
    TcpState In(const std::string& flags, uint32_t seq, uint32_t ack, uint32_t payload = 0)
    {
        HeaderStack packet = Packet()
                                 .Eth(GW_MAC, VM_MAC)
                                 .Ipv4("10.0.0.2", "10.0.0.1")
                                 .Tcp(80, 40000, flags, seq, ack)
                                 .Payload(payload);
        return Send(Direction::Inbound, packet);
    }
    TcpState Send(Direction direction, const HeaderStack& packet)
    {
        now += 0.01;
        ProcessResult result = port.Process(direction, packet, now);
        EXPECT_EQ(result.verdict, Verdict::Allow);
        return result.tcpState;
    }
    /// The three-way handshake with ISNs 100 (VM) and 500 (peer).
    void Handshake()
    {
        EXPECT_EQ(Out("S", 100, 0), TcpState::SynSent);
        EXPECT_EQ(In("SA", 500, 101), TcpState::SynReceived);
        EXPECT_EQ(Out("A", 101, 501), TcpState::Established);
    }
};

TEST(TcpStateMachine, ThreeWayHandshakeEstablishes)
{
    Port port = OpenPort();
    Conversation tcp{port};
    tcp.Handshake();
    EXPECT_EQ(port.GetTracker().GetCounters().established, 1u);
    EXPECT_EQ(tcp.Out("PA", 101, 501, 100), TcpState::Established);
}

TEST(TcpStateMachine, WrongNumbersDoNotEstablish)
{
    Port port = OpenPort();
    Conversation tcp{port};
    EXPECT_EQ(tcp.Out("S", 100, 0), TcpState::SynSent);
    EXPECT_EQ(tcp.In("SA", 500, 999), TcpState::SynSent) << "a SYN-ACK not acknowledging the ISN";
    EXPECT_EQ(tcp.In("SA", 500, 101), TcpState::SynReceived);
    EXPECT_EQ(tcp.Out("A", 101, 777), TcpState::SynReceived) << "a spoofed ACK";
    EXPECT_EQ(tcp.Out("A", 5000, 501), TcpState::SynReceived) << "an out-of-window ACK";
    EXPECT_EQ(tcp.In("A", 501, 101), TcpState::SynReceived) << "the responder cannot complete it";
    EXPECT_EQ(tcp.Out("A", 101, 501), TcpState::Established);
}

TEST(TcpStateMachine, AConnectionPickedUpMidStreamIsProbationary)
{
    Port port = OpenPort();
    Conversation tcp{port};
    EXPECT_EQ(tcp.Out("A", 7000, 9000, 10), TcpState::Probation);
    EXPECT_EQ(tcp.In("A", 9000, 7010), TcpState::Probation);
    port.ExpireFlows(tcp.now + 5);
    EXPECT_EQ(port.GetTracker().Size(), 0u) << "half-open time-out";
    EXPECT_EQ(
        port.GetTracker().GetCounters().ended[static_cast<size_t>(ConnectionEnd::HalfOpenTimeout)],
        1u);
}

TEST(TcpStateMachine, FinHandshakeLeadsToTimeWaitThenTheConnectionEnds)
{
    Port port = OpenPort(Config(5, 60));
    Conversation tcp{port};
    tcp.Handshake();
    EXPECT_EQ(tcp.Out("FA", 101, 501), TcpState::Closing);
    EXPECT_EQ(tcp.In("A", 501, 102), TcpState::Closing) << "one FIN acknowledged";
    EXPECT_EQ(tcp.In("FA", 501, 102), TcpState::Closing);
    EXPECT_EQ(tcp.Out("A", 102, 502), TcpState::TimeWait);
    EXPECT_EQ(port.GetUft().Size(), 2u) << "TIME_WAIT keeps the flows";
    port.ExpireFlows(tcp.now + 59);
    EXPECT_EQ(port.GetTracker().Size(), 1u);
    port.ExpireFlows(tcp.now + 60.01);
    EXPECT_EQ(port.GetTracker().Size(), 0u);
    EXPECT_EQ(port.GetUft().Size(), 0u);
    EXPECT_EQ(
        port.GetTracker().GetCounters().ended[static_cast<size_t>(ConnectionEnd::TimeWaitDone)],
        1u);
}

TEST(TcpStateMachine, FinWithPayloadIsAcknowledgedPastThePayload)
{
    Port port = OpenPort();
    Conversation tcp{port};
    tcp.Handshake();
    EXPECT_EQ(tcp.Out("FPA", 101, 501, 50), TcpState::Closing); // the FIN is byte 151
    EXPECT_EQ(tcp.In("FA", 501, 151), TcpState::Closing) << "acknowledges the data, not the FIN";
    EXPECT_EQ(tcp.Out("A", 152, 502), TcpState::Closing)
        << "the peer's FIN is acknowledged, ours is not yet";
    EXPECT_EQ(tcp.In("A", 502, 152), TcpState::TimeWait);
}

TEST(TcpStateMachine, ResetEndsTheConnectionAtOnce)
{
    Port port = OpenPort();
    Conversation tcp{port};
    tcp.Handshake();
    EXPECT_EQ(tcp.In("R", 501, 0), TcpState::Closed);
    EXPECT_EQ(port.GetTracker().Size(), 0u);
    EXPECT_EQ(port.GetUft().Size(), 0u);
    EXPECT_EQ(port.GetTracker().GetCounters().ended[static_cast<size_t>(ConnectionEnd::Reset)], 1u);
    EXPECT_EQ(tcp.Out("S", 900, 0), TcpState::SynSent) << "a new connection on the same 5-tuple";
}

TEST(TcpStateMachine, ANewSynInTimeWaitReplacesTheOldConnection)
{
    Port port = OpenPort();
    Conversation tcp{port};
    tcp.Handshake();
    tcp.Out("FA", 101, 501);
    tcp.In("FA", 501, 102);
    EXPECT_EQ(tcp.Out("A", 102, 502), TcpState::TimeWait);
    EXPECT_EQ(tcp.Out("S", 5000, 0), TcpState::SynSent);
    EXPECT_EQ(port.GetTracker().GetCounters().ended[static_cast<size_t>(ConnectionEnd::Replaced)],
              1u);
}

TEST(TcpStateMachine, IdleTimeoutsByProtocol)
{
    PortConfig config = Config();
    config.tracker.establishedTimeout = 100;
    config.tracker.udpTimeout = 20;
    config.tracker.otherTimeout = 10;
    Port port = OpenPort(config);
    Conversation tcp{port};
    tcp.Handshake();
    port.Process(Direction::Outbound,
                 Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "10.0.0.3").Udp(5353, 53),
                 0);
    port.Process(
        Direction::Outbound, Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "10.0.0.4", 1), 0);
    EXPECT_EQ(port.GetTracker().Size(), 3u);
    port.ExpireFlows(10.5);
    EXPECT_EQ(port.GetTracker().Size(), 2u);
    port.ExpireFlows(20.5);
    EXPECT_EQ(port.GetTracker().Size(), 1u);
    port.ExpireFlows(100.5);
    EXPECT_EQ(port.GetTracker().Size(), 0u);
    EXPECT_EQ(
        port.GetTracker().GetCounters().ended[static_cast<size_t>(ConnectionEnd::IdleTimeout)], 3u);
}

TEST(SynFlood, HalfOpenConnectionsExpireAndNeverBecomeEstablished)
{
    Port port = OpenPort(Config(5));
    for (uint16_t i = 0; i < 1000; ++i)
    {
        HeaderStack syn = Packet()
                              .Eth(GW_MAC, VM_MAC)
                              .Ipv4("198.51.100.9", "10.0.0.1")
                              .Tcp(static_cast<uint16_t>(1000 + i), 80, "S", i);
        port.Process(Direction::Inbound, syn, i * 0.001);
    }
    EXPECT_EQ(port.GetTracker().CountByState()[static_cast<size_t>(TcpState::SynSent)], 1000u);
    EXPECT_EQ(port.GetTracker().CountByState()[static_cast<size_t>(TcpState::Established)], 0u);
    port.ExpireFlows(7);
    EXPECT_EQ(port.GetTracker().Size(), 0u);
    EXPECT_EQ(port.GetUft().Size(), 0u);
    EXPECT_EQ(port.GetTracker().GetCounters().established, 0u);
    EXPECT_EQ(
        port.GetTracker().GetCounters().ended[static_cast<size_t>(ConnectionEnd::HalfOpenTimeout)],
        1000u);
}

TEST(ConnectionLimit, NewConnectionsBeyondTheLimitAreDroppedAndCounted)
{
    Port port = OpenPort(Config(5, 60, 2));
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2", 1), 0).verdict, Verdict::Allow);
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2", 2), 0).verdict, Verdict::Allow);
    ProcessResult third = port.Process(Direction::Outbound, VmTcp("10.0.0.2", 3), 0);
    EXPECT_EQ(third.verdict, Verdict::Drop);
    EXPECT_EQ(third.reason, DropReason::ConnectionLimit);
    EXPECT_EQ(port.GetTracker().GetCounters().refused, 1u);
    EXPECT_EQ(port.Process(Direction::Outbound, VmTcp("10.0.0.2", 1, 80, "A"), 1).verdict,
              Verdict::Allow)
        << "existing connections go on";
}

TEST(TimeWait, ASnatPortIsNotReusedBeforeTimeWaitEnds)
{
    // One SNAT port, a short rule ttl (5 s) and a long TIME_WAIT (60 s).
    for (bool uft : {true, false})
    {
        PortConfig config = Config(5, 60);
        config.uftEnabled = uft;
        Port port(MakePort({MakeLayer(
                               "slb",
                               0,
                               DefaultAction::Allow,
                               DefaultAction::Allow,
                               {MakeGroup("out",
                                          Direction::Outbound,
                                          0,
                                          {Stateful(MakeRule("snat", 0, {}, Snat("ports")), 5)})})},
                           {MakeRangeList("ports", "203.0.113.10", {{1024, 1024}})}),
                  config);
        auto out =
            [&](uint16_t srcPort, const std::string& flags, uint32_t seq, uint32_t ack, double t)
        {
            return port.Process(Direction::Outbound,
                                Packet()
                                    .Eth(VM_MAC, GW_MAC)
                                    .Ipv4("10.0.0.1", "198.51.100.1")
                                    .Tcp(srcPort, 443, flags, seq, ack),
                                t);
        };
        auto in = [&](const std::string& flags, uint32_t seq, uint32_t ack, double t)
        {
            return port.Process(Direction::Inbound,
                                Packet()
                                    .Eth(GW_MAC, VM_MAC)
                                    .Ipv4("198.51.100.1", "203.0.113.10")
                                    .Tcp(443, 1024, flags, seq, ack),
                                t);
        };
        ASSERT_EQ(out(40000, "S", 100, 0, 0).packet[0].transport.srcPort, 1024);
        in("SA", 500, 101, 0.1);
        out(40000, "A", 101, 501, 0.2);
        out(40000, "FA", 101, 501, 0.3);
        in("FA", 501, 102, 0.4);
        EXPECT_EQ(out(40000, "A", 102, 502, 0.5).tcpState, TcpState::TimeWait);
        // Well past the rule's ttl, still inside TIME_WAIT: the port is not free.
        port.ExpireFlows(30);
        EXPECT_EQ(out(40001, "S", 7, 0, 30).reason, DropReason::PortsExhausted) << "uft " << uft;
        // TIME_WAIT over: the connection ends, its layer flow goes, the port is free again.
        port.ExpireFlows(61);
        ProcessResult fresh = out(40001, "S", 7, 0, 61);
        ASSERT_EQ(fresh.verdict, Verdict::Allow) << "uft " << uft;
        EXPECT_EQ(fresh.packet[0].transport.srcPort, 1024);
    }
}

TEST(ResetEndsLayerFlowsEarly, ASnatPortReturnsRightAfterAReset)
{
    Port port(
        MakePort({MakeLayer("slb",
                            0,
                            DefaultAction::Allow,
                            DefaultAction::Allow,
                            {MakeGroup("out",
                                       Direction::Outbound,
                                       0,
                                       {Stateful(MakeRule("snat", 0, {}, Snat("ports")), 300)})})},
                 {MakeRangeList("ports", "203.0.113.10", {{1024, 1024}})}),
        Config());
    port.Process(
        Direction::Outbound,
        Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "198.51.100.1").Tcp(40000, 443, "S", 1),
        0);
    port.Process(
        Direction::Outbound,
        Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "198.51.100.1").Tcp(40000, 443, "R", 2),
        1);
    ProcessResult next = port.Process(
        Direction::Outbound,
        Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "198.51.100.1").Tcp(40001, 443, "S", 1),
        2);
    ASSERT_EQ(next.verdict, Verdict::Allow);
    EXPECT_EQ(next.packet[0].transport.srcPort, 1024);
}

Port
StatefulAclPort(const PortConfig& config)
{
    return Port(
        MakePort({MakeLayer("acl",
                            0,
                            DefaultAction::Allow,
                            DefaultAction::Block,
                            {MakeGroup("out",
                                       Direction::Outbound,
                                       0,
                                       {Stateful(MakeRule("allow-out", 0, {}, Allow()), 300)})})}),
        config);
}

TEST(SynFlood, AHandshakeThatNeverCompletesLeavesNoLayerFlows)
{
    PortConfig config;
    config.tracker.halfOpenTimeout = 5;
    Port port = StatefulAclPort(config);
    for (uint16_t i = 0; i < 50; ++i)
    {
        port.Process(Direction::Outbound,
                     VmTcp("198.51.100.9", static_cast<uint16_t>(1000 + i), 80, "S"),
                     0);
    }
    EXPECT_EQ(port.FindLayer("acl")->GetFlows().Size(), 50u);
    EXPECT_EQ(port.ExpireFlows(6), 50u) << "the half-open connections' ACL flows go with them";
    EXPECT_EQ(port.FindLayer("acl")->GetFlows().Size(), 0u);
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("198.51.100.9", 80, 1000, "SA"), 7).verdict,
              Verdict::Drop);
}

TEST(SynFlood, AConnectionPickedUpMidStreamKeepsItsLayerFlowsWhenIdle)
{
    PortConfig config;
    config.tracker.halfOpenTimeout = 5;
    Port port = StatefulAclPort(config);
    port.Process(Direction::Outbound, VmTcp("198.51.100.9", 1000, 80, "A"), 0);
    EXPECT_EQ(port.ExpireFlows(6), 0u)
        << "probation may be a live connection: its flows follow their ttl";
    EXPECT_EQ(port.Process(Direction::Inbound, ReplyTcp("198.51.100.9", 80, 1000, "A"), 7).verdict,
              Verdict::Allow);
}

TEST(TimeWait, ExpireCountsTheLayerFlowsAClosedConnectionEnds)
{
    PortConfig config;
    config.tracker.timeWait = 10;
    Port port = StatefulAclPort(config);
    Conversation tcp{port};
    tcp.Handshake();
    tcp.Out("FA", 101, 501);
    tcp.In("FA", 501, 102);
    EXPECT_EQ(tcp.Out("A", 102, 502), TcpState::TimeWait);
    EXPECT_EQ(port.ExpireFlows(tcp.now + 11), 1u);
    EXPECT_EQ(port.FindLayer("acl")->GetFlows().Size(), 0u);
}

TEST(TimeWait, ARetransmittedFinStartsTimeWaitAgain)
{
    PortConfig config;
    config.tracker.timeWait = 10;
    Port port = OpenPort(config);
    Conversation tcp{port};
    tcp.Handshake();
    tcp.Out("FA", 101, 501);
    tcp.In("FA", 501, 102);
    EXPECT_EQ(tcp.Out("A", 102, 502), TcpState::TimeWait);
    tcp.now += 8;
    EXPECT_EQ(tcp.In("FA", 501, 102), TcpState::TimeWait) << "our last ACK was lost";
    port.ExpireFlows(tcp.now + 9);
    EXPECT_EQ(port.GetTracker().Size(), 1u) << "2 MSL counts from the retransmission";
    port.ExpireFlows(tcp.now + 10.01);
    EXPECT_EQ(port.GetTracker().Size(), 0u);
}

} // namespace
} // namespace vfp
