/*
 * QoS through real simulated VMs (paper §7.3): a greedy TCP sender reaches its tx cap and
 * never passes it over any window, checked on the frames themselves as they leave the
 * switch; a UDP sender at twice its cap loses the excess at the cap, counted; two
 * reservations share the host's uplink in their ratio, and one left idle leaves the link
 * to the other; a group cap binds its members' sum, not each member.
 */
#include "qos-fixture.h"

#include <algorithm>

namespace ns3
{
namespace
{

using QosShaping = QosFixture;

/// Slack of the window check, in bytes, at @p rateBps. The frames are recorded at the
/// uplink's MacTx, which the switch calls from Depart at once: a frame that conformed on
/// arrival is recorded at its charge time, a queued one on the nanosecond at or after its
/// release time (VfpSwitchNetDevice::ScheduleQosRelease). Recorded windows are thus up to
/// 1 ns shorter than charged ones, worth rate x 1 ns of tokens; one byte more for the
/// rounding of seconds in doubles. Far less than a frame: the check is the bucket's bound.
double
WindowSlack(double rateBps)
{
    return rateBps * 1e-9 / 8 + 1;
}

/// The frames of several VMs, merged in time order.
std::vector<QosFrame>
Merged(const std::vector<QosFrame>& a, const std::vector<QosFrame>& b)
{
    std::vector<QosFrame> all;
    std::merge(a.begin(),
               a.end(),
               b.begin(),
               b.end(),
               std::back_inserter(all),
               [](const QosFrame& x, const QosFrame& y) { return x.time < y.time; });
    return all;
}

uint64_t
TotalBytes(const std::vector<QosFrame>& frames)
{
    return BytesBetween(frames, 0, 1e9);
}

TEST_F(QosShaping, AGreedyTcpSenderReachesItsCapAndNeverPassesItOverAnyWindow)
{
    // VM 0 capped at 1 Gbps on its 10 Gbps host link sends to VM 2 for 0.4 s.
    const double cap = 1e9;
    BuildAndRecord();
    SetQos(0, TxCap(cap));
    Ptr<PacketSink> sink = Greedy(0, 2, 5001, Seconds(0.1), Seconds(0.5));
    uint64_t rxFrom = 0;
    uint64_t rxTo = 0;
    RxAt(sink, Seconds(0.2), &rxFrom);
    RxAt(sink, Seconds(0.5), &rxTo);
    Simulator::Stop(Seconds(0.5));
    Simulator::Run();

    // Goodput over the last 0.3 s: the cap times a full segment's share of its frame
    // (1448 bytes of TCP payload in a 1514-byte frame).
    const double goodput = double(rxTo - rxFrom) * 8 / 0.3;
    EXPECT_NEAR(goodput, cap * 1448 / 1514, 0.03 * cap * 1448 / 1514);
    const std::vector<QosFrame>& sent = frames[0];
    ASSERT_GT(sent.size(), 10'000u);
    EXPECT_NEAR(double(BytesBetween(sent, 0.2, 0.5)) * 8 / 0.3, cap, 0.02 * cap);

    // The frames recorded are exactly those the shaper passed (bytes as it counts them).
    const vfp::QosShaper::Counters& counters = TxCounters(0);
    EXPECT_EQ(TotalBytes(sent), counters.conforming.bytes + counters.queued.bytes);
    EXPECT_GT(counters.queued.packets, 1000u) << "the cap held TCP back";

    // Over every window, no more than the bucket: its burst plus the cap's rate.
    const double burst = double(vfp::DefaultQosBurst(cap));
    const double worst = WorstExcessBytes(sent, cap);
    EXPECT_LE(worst, burst + WindowSlack(cap));
    EXPECT_GT(worst, 0.5 * burst) << "a greedy sender uses its burst";
    EXPECT_GT(WorstExcessBytes(sent, 0.98 * cap), burst + WindowSlack(cap))
        << "a bound 2% tighter is broken: the check can fail";
}

TEST_F(QosShaping, AUdpSenderAtTwiceItsCapLosesTheExcessAtTheCap)
{
    // VM 0 capped at 500 Mbps sends VM 2 1500-byte frames (1458-byte datagrams) every
    // 12 us, 1 Gbps, for 0.2 s; the run goes on until its queue has drained.
    const double cap = 500e6;
    const uint32_t frameBytes = 1500;
    const uint32_t datagrams = 16'667;
    BuildAndRecord();
    SetQos(0, TxCap(cap));
    uint64_t overflowTrace = 0;
    SwitchOf(0)->TraceConnectWithoutContext(
        "QosOverflowDrop",
        Callback<void, Ptr<const Packet>>([&overflowTrace](Ptr<const Packet>)
                                          { ++overflowTrace; }));
    Ptr<PacketSink> sink = Sink(2, 5001, "ns3::UdpSocketFactory");
    uint64_t rxFrom = 0;
    uint64_t rxTo = 0;
    RxAt(sink, Seconds(0.15), &rxFrom);
    RxAt(sink, Seconds(0.3), &rxTo);
    Udp(0, 2, 5001, datagrams, frameBytes - 42, MicroSeconds(12));
    Simulator::Stop(Seconds(0.4));
    Simulator::Run();

    const double rate = double(rxTo - rxFrom) / (frameBytes - 42) * frameBytes * 8 / 0.15;
    EXPECT_NEAR(rate, cap, 0.01 * cap) << "received at the cap";
    const vfp::QosShaper::Counters& counters = TxCounters(0);
    const uint64_t passed = counters.conforming.packets + counters.queued.packets;
    EXPECT_EQ(passed + counters.dropped.packets, datagrams) << "each sent, queued or dropped";
    EXPECT_EQ(sink->GetTotalRx(), passed * (frameBytes - 42)) << "every one passed arrived";
    EXPECT_EQ(overflowTrace, counters.dropped.packets);
    EXPECT_EQ(drops["qos_overflow"], counters.dropped.packets);
    EXPECT_EQ(counters.dropped.bytes, counters.dropped.packets * frameBytes);
    // The excess is what was offered above the cap while it sent, less what the bucket's
    // burst and the full queue still passed.
    const double excess = double(datagrams) * frameBytes - cap / 8 * 0.2;
    const double slackBytes = double(vfp::DefaultQosBurst(cap) + vfp::DEFAULT_QOS_QUEUE_BYTES);
    EXPECT_NEAR(double(counters.dropped.bytes), excess, slackBytes + 2 * frameBytes);
    EXPECT_LE(WorstExcessBytes(frames[0], cap),
              double(vfp::DefaultQosBurst(cap)) + WindowSlack(cap));
}

/// Host 0's uplink of 10 Gbps is shared by VM 0 and VM 1, reserved 7:3. The controller
/// shares LinkShare (0.95) of it, what it carries of full-size VXLAN frames, so the
/// reservations are 70% and 30% of 9.5 Gbps (7 and 3 Gbps would add up to more).
class QosReservations : public QosFixture
{
protected:
    void SetUp() override
    {
        QosFixture::SetUp();
        BuildAndRecord();
        SetQos(0, TxReservation(0.7 * SHARED));
        SetQos(1, TxReservation(0.3 * SHARED));
    }

    /// VM @p vm's frame rate in [FROM, TO), bits per second.
    double Rate(uint32_t vm)
    {
        return double(BytesBetween(frames[vm], FROM, TO)) * 8 / (TO - FROM);
    }

    static constexpr double SHARED = 9.5e9; //!< 10 Gbps times QosController::LinkShare
    static constexpr double FROM = 0.13;    //!< after slow start and a few share intervals
    static constexpr double TO = 0.2;
};

TEST_F(QosReservations, TwoGreedySendersShareTheLinkInTheirReservationsRatio)
{
    Greedy(0, 2, 5001, Seconds(0.1), Seconds(TO));
    Greedy(1, 3, 5001, Seconds(0.1), Seconds(TO));
    Simulator::Stop(Seconds(TO));
    Simulator::Run();
    EXPECT_EQ(SwitchOf(0)->GetEngine().GetQos().ToSpec().linkBps, SHARED)
        << "the controller gave the switch its uplink to share";
    const double seven = Rate(0);
    const double three = Rate(1);
    EXPECT_NEAR(seven / three, 7.0 / 3.0, 0.1 * 7.0 / 3.0) << seven << " vs " << three;
    EXPECT_GT(seven + three, 0.85 * SHARED) << "and together they use the link";
}

TEST_F(QosReservations, AnIdleReservationLeavesTheLinkToTheOther)
{
    Greedy(0, 2, 5001, Seconds(0.1), Seconds(TO));
    Simulator::Stop(Seconds(TO));
    Simulator::Run();
    EXPECT_GT(Rate(0), 0.9 * SHARED) << "VM 1 sends nothing: VM 0 is not held to its 70%";
    EXPECT_EQ(TotalBytes(frames[1]), 0u);
}

TEST_F(QosShaping, AGroupCapBindsTheSumOfItsMembersNotEachMember)
{
    // VMs 0 and 1 of host 0 under one 1 Gbps tx cap: VM 0 alone from 0.1 s, both from 0.3 s.
    const double cap = 1e9;
    BuildAndRecord();
    vfp::QosGroupSpec group;
    group.name = "host0-pair";
    group.direction = vfp::Direction::Outbound;
    group.ports = {dc.vms[0].port, dc.vms[1].port};
    group.cap = TxCap(cap).tx.value();
    dc.qos->SetGroup(SwitchOf(0), group);
    Greedy(0, 2, 5001, Seconds(0.1), Seconds(0.5));
    Greedy(1, 3, 5001, Seconds(0.3), Seconds(0.5));
    Simulator::Stop(Seconds(0.5));
    Simulator::Run();

    auto rate = [this](uint32_t vm, double from, double to)
    { return double(BytesBetween(frames[vm], from, to)) * 8 / (to - from); };
    EXPECT_NEAR(rate(0, 0.15, 0.3), cap, 0.02 * cap) << "one member alone reaches the cap";
    const double a = rate(0, 0.35, 0.5);
    const double b = rate(1, 0.35, 0.5);
    EXPECT_NEAR(a + b, cap, 0.02 * cap) << "two members together reach it, no more";
    EXPECT_GT(a, 0.25 * cap) << "neither is starved";
    EXPECT_GT(b, 0.25 * cap) << "neither is starved";
    EXPECT_LE(WorstExcessBytes(Merged(frames[0], frames[1]), cap),
              double(group.cap.burstBytes) + WindowSlack(cap));
}

} // namespace
} // namespace ns3
