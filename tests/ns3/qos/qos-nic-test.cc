/*
 * QoS with the programmable NIC (docs/nic.md, paper §9): with QosOffload on, packets the
 * NIC forwards in hardware are shaped too (the cap holds on every window) and the host
 * CPU is never charged QosTime; with it off, the shaped port's packets are never offered
 * to the NIC (software shapes them, at QosTime each), while an unshaped neighbour's still
 * are. VM 0 (tx cap 500 Mbps) sends VM 2 UDP at twice its cap; VM 1, unshaped, on the same
 * host, sends VM 3 a slower UDP stream.
 */
#include "qos-fixture.h"
#include "vfp-programmable-nic.h"

namespace ns3
{
namespace
{

constexpr double CAP = 500e6;
constexpr uint32_t SHAPED_DATAGRAMS = 8'334; //!< 1458 bytes (1500-byte frames) every 12 us
constexpr uint32_t NEIGHBOUR_DATAGRAMS = 1'000;

/// What one run saw on host 0.
struct NicRun
{
    Time cpuBusy;                      //!< host 0's CPU
    uint64_t shapedOffered = 0;        //!< VM 0's packets offered to host 0's NIC
    uint64_t shapedHardware = 0;       //!< of those, forwarded in hardware
    uint64_t neighbourOffered = 0;     //!< likewise, VM 1's
    uint64_t neighbourHardware = 0;    //!< likewise, VM 1's
    uint64_t shapedRx = 0;             //!< VM 2's bytes
    uint64_t neighbourRx = 0;          //!< VM 3's bytes
    vfp::QosShaper::Counters counters; //!< VM 0's tx queue
    double worstExcess = 0;            //!< over every window of VM 0's frames, at CAP
};

class QosNic : public QosFixture
{
protected:
    /// One run with a NIC whose QosOffload is @p qosOffload, and a host CPU whose QosTime
    /// is @p qosTime.
    NicRun Run(bool qosOffload, Time qosTime)
    {
        Config::SetDefault("ns3::VfpProgrammableNic::QosOffload", BooleanValue(qosOffload));
        Config::SetDefault("ns3::VfpHostCpu::QosTime", TimeValue(qosTime));
        options.nic = true;
        BuildAndRecord();
        SetQos(0, TxCap(CAP));
        // The NIC's traces see a packet as the VM sent it: VM 0's are 1486 bytes (IPv4),
        // VM 1's 986, so their size tells whose they are. A packet held for the directory's
        // answer is offered again when it runs again.
        NicRun run;
        Ptr<VfpProgrammableNic> nic = SwitchOf(0)->GetNic();
        auto count = [](uint64_t* shaped, uint64_t* neighbour, Ptr<const Packet> packet)
        { ++*(packet->GetSize() >= 1486 ? shaped : neighbour); };
        nic->TraceConnectWithoutContext(
            "Hardware",
            Callback<void, Ptr<const Packet>>(
                [&run, count](Ptr<const Packet> packet)
                {
                    count(&run.shapedHardware, &run.neighbourHardware, packet);
                    count(&run.shapedOffered, &run.neighbourOffered, packet);
                }));
        nic->TraceConnectWithoutContext(
            "Exception",
            Callback<void, Ptr<const Packet>, const std::string&>(
                [&run, count](Ptr<const Packet> packet, const std::string&)
                { count(&run.shapedOffered, &run.neighbourOffered, packet); }));
        Ptr<PacketSink> shaped = Sink(2, 5001, "ns3::UdpSocketFactory");
        Ptr<PacketSink> neighbour = Sink(3, 5001, "ns3::UdpSocketFactory");
        Udp(0, 2, 5001, SHAPED_DATAGRAMS, 1458, MicroSeconds(12));
        Udp(1, 3, 5001, NEIGHBOUR_DATAGRAMS, 958, MicroSeconds(20));
        Simulator::Stop(Seconds(0.3));
        Simulator::Run();
        EXPECT_EQ(run.shapedHardware + run.neighbourHardware, nic->GetHardwarePackets());
        run.cpuBusy = SwitchOf(0)->GetCpu()->GetBusyTime();
        run.shapedRx = shaped->GetTotalRx();
        run.neighbourRx = neighbour->GetTotalRx();
        run.counters = TxCounters(0);
        run.worstExcess = WorstExcessBytes(frames[0], CAP);
        // Ready for the next run of the same test.
        TearDown();
        SetUp();
        drops.clear();
        frames.clear();
        return run;
    }

    /// What a cap of CAP passes of 0.1 s of 1 Gbps: 0.1 s at the cap, its burst, and its
    /// queue, which drains after the sender stops.
    static void ExpectCapHeld(const NicRun& run)
    {
        const uint64_t passed = run.counters.conforming.packets + run.counters.queued.packets;
        EXPECT_EQ(passed + run.counters.dropped.packets, SHAPED_DATAGRAMS);
        EXPECT_EQ(run.shapedRx, passed * 1458);
        const double most = CAP / 8 * 0.1 + double(vfp::DefaultQosBurst(CAP)) +
                            double(vfp::DEFAULT_QOS_QUEUE_BYTES);
        EXPECT_LE(double(passed) * 1500, most);
        EXPECT_GE(double(passed) * 1500, CAP / 8 * 0.1);
        EXPECT_LE(run.worstExcess, double(vfp::DefaultQosBurst(CAP)) + CAP * 1e-9 / 8 + 1)
            << "no window passes the bucket (qos-shaping-test.cc explains the slack)";
        EXPECT_EQ(run.neighbourRx, NEIGHBOUR_DATAGRAMS * 958u) << "the neighbour is not shaped";
    }

    DefaultsGuard nicGuard{{"ns3::VfpProgrammableNic", "ns3::VfpHostCpu"}};
};

TEST_F(QosNic, WithQosOffloadHardwarePacketsAreShapedAndTheHostPaysNoQosTime)
{
    const NicRun noCost = Run(true, Seconds(0));
    const NicRun withCost = Run(true, MicroSeconds(1));
    for (const NicRun* run : {&noCost, &withCost})
    {
        ExpectCapHeld(*run);
        EXPECT_GE(run->shapedOffered, SHAPED_DATAGRAMS) << "the shaped port's packets are offered";
        EXPECT_GE(run->shapedHardware, SHAPED_DATAGRAMS - 10) << "all but the first few";
        EXPECT_GE(run->neighbourHardware, NEIGHBOUR_DATAGRAMS - 10);
    }
    EXPECT_EQ(withCost.cpuBusy, noCost.cpuBusy) << "the NIC shapes: QosTime is never charged";
}

TEST_F(QosNic, WithoutQosOffloadTheShapedPortStaysInSoftwareAndPaysQosTime)
{
    const NicRun noCost = Run(false, Seconds(0));
    const NicRun withCost = Run(false, MicroSeconds(1));
    for (const NicRun* run : {&noCost, &withCost})
    {
        ExpectCapHeld(*run);
        EXPECT_EQ(run->shapedOffered, 0u) << "the shaped port's packets are never offered";
        EXPECT_EQ(run->shapedHardware, 0u);
        EXPECT_GE(run->neighbourOffered, NEIGHBOUR_DATAGRAMS) << "the neighbour's still are";
        EXPECT_GE(run->neighbourHardware, NEIGHBOUR_DATAGRAMS - 10) << "and are offloaded";
    }
    // Every packet of the shaped port the pipeline allowed paid one QoS check in software.
    EXPECT_EQ(withCost.cpuBusy - noCost.cpuBusy, MicroSeconds(1) * SHAPED_DATAGRAMS);
}

} // namespace
} // namespace ns3
