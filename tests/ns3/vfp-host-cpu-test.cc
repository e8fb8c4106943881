/*
 * The host CPU in simulation (VfpHostCpu, engine/host/packet-cost.h): per-core queues
 * steered like a NIC's, VMQ letting a hot VM saturate its own core only and RSS spreading
 * the same load, costs calibrated to the published figures, and VFP state that expires in
 * simulated time (the switch's ExpiryInterval sweep).
 */
#include "helper/datacenter-fixture.h"

namespace ns3
{
namespace
{

class HostCpu : public DatacenterFixture
{
protected:
    /// Slow cores (20 us a packet) so that a modest UDP rate saturates one.
    void SlowCores(const std::string& steering, uint32_t rssQueues)
    {
        VfpHelper& vfp = helper.GetVfpHelper();
        vfp.SetCpuAttribute("Cores", UintegerValue(2));
        vfp.SetCpuAttribute("Steering", StringValue(steering));
        vfp.SetCpuAttribute("RssQueues", UintegerValue(rssQueues));
        vfp.SetCpuAttribute("FastPathTime", TimeValue(MicroSeconds(20)));
        vfp.SetCpuAttribute("MaxQueueDelay", TimeValue(MicroSeconds(200)));
    }

    /// VM 0 (host 0) sends @p flows UDP streams (one socket, so one source port, each) to
    /// VM 2 (host 1) for 0.1 s, together @p load times what one core serves.
    void HotVm(uint32_t flows, double load)
    {
        const double perSecond = load * 50000; // a core serves 50k packets/s at 20 us
        const uint32_t packets = uint32_t(perSecond * 0.1 / flows);
        Sink(2, 5000, "ns3::UdpSocketFactory");
        for (uint32_t f = 0; f < flows; ++f)
        {
            Udp(0,
                2,
                5000,
                packets,
                100,
                Seconds(flows / perSecond),
                Seconds(0.1) + MicroSeconds(7 * f)); // not all in step
        }
    }

    double CoreShare(uint32_t host, uint32_t core)
    {
        Ptr<VfpHostCpu> cpu = dc.hosts[host].vswitch->GetCpu();
        return cpu->GetCoreBusyTime(core).GetSeconds() / cpu->GetBusyTime().GetSeconds();
    }
};

TEST_F(HostCpu, UnderVmqAHotVmSaturatesItsCoreAndAnotherVmOnTheHostIsUnaffected)
{
    SlowCores("vmq", 1);
    Build();
    HotVm(1, 1.5);
    // VM 1, on host 0's other core (its second port), sends lightly to VM 3.
    Ptr<PacketSink> quiet = Sink(3, 5001, "ns3::UdpSocketFactory");
    Udp(1, 3, 5001, 100, 100, MicroSeconds(500));
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_GT(drops["cpu_overload"], 1000u) << "the hot VM's core cannot keep up";
    EXPECT_EQ(quiet->GetTotalRx(), 100u * 100) << "the other VM loses nothing";
    EXPECT_GT(CoreShare(0, 0), 0.9) << "the hot VM's packets all ran on core 0";
}

TEST_F(HostCpu, RssSpreadsTheSameLoadOverTheCoresSoNothingIsDropped)
{
    SlowCores("rss", 2);
    Build();
    HotVm(16, 1.3);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_GT(CoreShare(0, 0), 0.25) << CoreShare(0, 0);
    EXPECT_GT(CoreShare(0, 1), 0.25) << CoreShare(0, 1);
    EXPECT_EQ(drops["cpu_overload"], 0u) << "two cores carry what overloads one";
}

TEST_F(HostCpu, VmqDropsTheSameManyFlowLoadThatRssCarries)
{
    SlowCores("vmq", 2);
    Build();
    HotVm(16, 1.3);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_GT(drops["cpu_overload"], 1000u) << "VMQ keeps all sixteen flows on one core";
}

TEST_F(HostCpu, TheDefaultFastPathCostsAboutOnePointFiveMegapacketsPerCore)
{
    // A 64-byte VM frame, VXLAN-encapsulated on the fast path (Triton, SIGCOMM'24).
    Ptr<VfpHostCpu> cpu = CreateObject<VfpHostCpu>();
    vfp::PacketWork work;
    work.fastPath = true;
    work.bytes = 64;
    work.tunnelChanges = 1;
    const double mpps = 1e-6 / cpu->ServiceTime(work).GetSeconds();
    EXPECT_NEAR(mpps, 1.5, 0.1);
    vfp::PacketWork first; // a new connection's first packet through three classifying layers
    first.layersVisited = 3;
    first.layersClassified = 3;
    first.bytes = 64;
    first.tunnelChanges = 1;
    EXPECT_GT(cpu->ServiceTime(first), cpu->ServiceTime(work) * 5)
        << "the slow path costs far more than a hit (paper §6, Figure 9)";
}

TEST_F(HostCpu, IdleStateExpiresInSimulatedTimeAndTheSweepStopsWhenNoneIsLeft)
{
    helper.GetVfpHelper().SetSwitchAttribute("UdpTimeout", TimeValue(Seconds(1)));
    helper.GetVfpHelper().SetSwitchAttribute("ExpiryInterval", TimeValue(MilliSeconds(250)));
    Build();
    Ptr<PacketSink> sink = Sink(2, 5000, "ns3::UdpSocketFactory");
    Udp(0, 2, 5000, 10, 100, MilliSeconds(1));
    uint32_t peak = 0;
    dc.hosts[0].vswitch->TraceConnectWithoutContext(
        "Connections", MakeCallback(+[](uint32_t* out, uint32_t, uint32_t now) {
                           *out = std::max(*out, now);
                       }).Bind(&peak));
    auto total = [this](auto measure)
    {
        size_t sum = 0;
        for (const auto& host : dc.hosts)
        {
            for (const auto& [name, port] : host.vswitch->GetEngine().GetPorts())
            {
                sum += measure(*port);
            }
        }
        return sum;
    };
    auto connections = [](vfp::Port& port) { return port.GetTracker().Size(); };
    auto unified = [](vfp::Port& port) { return port.GetUft().Size(); };
    auto layerFlows = [](vfp::Port& port) { return port.GetLayerFlowCount(); };
    size_t at2s[3] = {};
    Simulator::Schedule(Seconds(2),
                        [&]()
                        {
                            at2s[0] = total(connections);
                            at2s[1] = total(unified);
                            at2s[2] = total(layerFlows);
                        });
    Simulator::Run(); // no stop time: the sweep must not keep the simulation alive
    EXPECT_EQ(sink->GetTotalRx(), 10u * 100);
    EXPECT_EQ(peak, 1u);
    EXPECT_EQ(at2s[0], 0u) << "UdpTimeout (1 s) ended the flow's connections by the sweep";
    EXPECT_EQ(at2s[1], 0u) << "and their unified flows with them";
    EXPECT_GT(at2s[2], 0u) << "the stateful ACL's layer flows keep their own ttl (240 s)";
    EXPECT_EQ(total(connections) + total(unified) + total(layerFlows), 0u);
    EXPECT_LT(Simulator::Now(), Seconds(241)) << "the sweeps stopped once nothing was left";
}

TEST_F(HostCpu, WithoutTheSweepIdleStateStays)
{
    helper.GetVfpHelper().SetSwitchAttribute("UdpTimeout", TimeValue(Seconds(1)));
    helper.GetVfpHelper().SetSwitchAttribute("ExpiryInterval", TimeValue(Seconds(0)));
    Build();
    Sink(2, 5000, "ns3::UdpSocketFactory");
    Udp(0, 2, 5000, 10, 100, MilliSeconds(1));
    Simulator::Stop(Seconds(3));
    Simulator::Run();
    const vfp::Port& port = dc.hosts[0].vswitch->GetEngine().GetPort(dc.vms[0].port);
    EXPECT_EQ(const_cast<vfp::Port&>(port).GetTracker().Size(), 1u);
}

} // namespace
} // namespace ns3
