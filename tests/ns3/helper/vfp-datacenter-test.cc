/*
 * The VL2 datacenter in simulation: VMs of one tenant talk across hosts through VNET
 * encap/decap, tenants with the same customer addresses never reach each other, the
 * directory resolves mapping misses over the network, the ACL and metering layers do
 * their part on the same ports, and a saturated host CPU queues and then drops.
 */
#include "datacenter-fixture.h"

#include <fstream>

namespace ns3
{
namespace
{

using SmallDatacenter = DatacenterFixture;

TEST_F(SmallDatacenter, VmsOfOneTenantCompleteATcpTransferAcrossHosts)
{
    Build();
    ASSERT_EQ(dc.vms[0].address, dc.vms[1].address) << "the tenants' address spaces overlap";
    ASSERT_EQ(dc.vms[2].address, dc.vms[3].address);
    Ptr<PacketSink> same = Sink(2, 5000);
    Ptr<PacketSink> other = Sink(3, 5000);
    BulkSendHelper sender("ns3::TcpSocketFactory", InetSocketAddress(dc.vms[2].address, 5000));
    sender.SetAttribute("MaxBytes", UintegerValue(1000000));
    sender.Install(dc.vms[0].node).Start(Seconds(0.1));
    Simulator::Stop(Seconds(2));
    Simulator::Run();
    EXPECT_EQ(same->GetTotalRx(), 1000000u) << "every byte, with checksums checked";
    EXPECT_EQ(other->GetTotalRx(), 0u) << "the other tenant's VM with the same address";
    vfp::Port& port = dc.hosts[0].vswitch->GetEngine().GetPort(dc.vms[0].port);
    EXPECT_GT(port.GetUftCounters().hits, 100u) << "the transfer rides the fast path";
    EXPECT_EQ(dc.hosts[0].agent->GetLookups(), 1u) << "one directory lookup for the peer";
    EXPECT_TRUE(drops.empty());
}

TEST_F(SmallDatacenter, TenantsWithTheSameAddressesNeverReachEachOther)
{
    Build();
    Ptr<PacketSink> tenant0 = Sink(2, 5000, "ns3::UdpSocketFactory");
    Ptr<PacketSink> tenant1 = Sink(3, 5000, "ns3::UdpSocketFactory");
    Udp(0, 2, 5000, 20, 100, MilliSeconds(1)); // tenant 0 to 10.0.0.2
    Udp(1, 3, 5000, 30, 100, MilliSeconds(1)); // tenant 1 to 10.0.0.2
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(tenant0->GetTotalRx(), 20u * 100);
    EXPECT_EQ(tenant1->GetTotalRx(), 30u * 100);
    EXPECT_TRUE(drops.empty());
}

TEST_F(SmallDatacenter, APacketForAnotherVirtualNetworkIsBlockedAtDecap)
{
    Build();
    // A misprogrammed sender: VM 1 (tenant 1) tunnels with tenant 0's VNI. The receiving
    // port (VM 3, tenant 1) must refuse what is not its virtual network.
    Ptr<PacketSink> victim = Sink(3, 5000, "ns3::UdpSocketFactory");
    Simulator::Schedule(Seconds(0.05),
                        [this]()
                        {
                            vfp::Port& port =
                                dc.hosts[0].vswitch->GetEngine().GetPort(dc.vms[1].port);
                            vfp::LayerSpec spec = port.FindLayer("vnet")->ToSpec();
                            spec.groups[0].rules[0].action.key = VfpDatacenterHelper::VniOf(0);
                            port.DeleteLayer("vnet");
                            port.CreateLayer(spec);
                        });
    Udp(1, 3, 5000, 10, 100, MilliSeconds(1));
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(victim->GetTotalRx(), 0u);
    EXPECT_EQ(drops["default_block"], 10u) << "the receiving port's VNET layer knows no such VNI";
}

TEST_F(SmallDatacenter, ADirectoryMissDelaysTheFirstPacketAndLosesNothing)
{
    Build();
    Ptr<PacketSink> sink = Sink(2, 5000, "ns3::UdpSocketFactory");
    uint32_t held = 0;
    dc.hosts[0].vswitch->TraceConnectWithoutContext(
        "Hold", MakeCallback(+[](uint32_t* n, Ptr<const Packet>) { ++*n; }).Bind(&held));
    Time latency;
    dc.hosts[0].agent->TraceConnectWithoutContext(
        "Resolved",
        MakeCallback(+[](Time* out, uint32_t, Ipv4Address, Time t) { *out = t; }).Bind(&latency));
    Udp(0, 2, 5000, 5, 100, MicroSeconds(10)); // the next ones arrive before the answer
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(sink->GetTotalRx(), 5u * 100) << "held, then delivered";
    EXPECT_GE(held, 2u);
    EXPECT_GT(latency, MicroSeconds(20)) << "a round trip to the directory and its service time";
    EXPECT_EQ(dc.hosts[0].agent->GetLookups(), 1u) << "one lookup however many packets wait";
    EXPECT_EQ(dc.directory->GetLookups(), 1u);
    EXPECT_TRUE(drops.empty());
}

TEST_F(SmallDatacenter, TheHostAgentAnswersAnotherPortFromItsCache)
{
    options.tenants = 1; // VMs 0 and 1 on host 0, VMs 2 and 3 on host 1: one tenant
    Build();
    Ptr<PacketSink> sink = Sink(2, 5000, "ns3::UdpSocketFactory");
    Udp(0, 2, 5000, 5, 100, MilliSeconds(1));
    Udp(1, 2, 5000, 5, 100, MilliSeconds(1), Seconds(0.2));
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(sink->GetTotalRx(), 10u * 100);
    EXPECT_EQ(dc.hosts[0].agent->GetLookups(), 1u);
    EXPECT_EQ(dc.hosts[0].agent->GetCacheHits(), 1u)
        << "VM 1's port missed too, and the cache answered";
    EXPECT_EQ(dc.directory->GetLookups(), 1u);
}

TEST_F(SmallDatacenter, AnUnknownAddressTimesOutInTheHoldQueueWhichIsBounded)
{
    helper.GetVfpHelper().SetSwitchAttribute("HoldQueueLength", UintegerValue(3));
    Build();
    dc.directory->RemoveMapping(VfpDatacenterHelper::VniOf(0),
                                dc.vms[2].address); // the directory forgets VM 2
    Ptr<PacketSink> sink = Sink(2, 5000, "ns3::UdpSocketFactory");
    Udp(0, 2, 5000, 5, 100, MicroSeconds(10));
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(sink->GetTotalRx(), 0u);
    EXPECT_EQ(drops["hold_overflow"], 2u) << "room for 3 of the 5";
    EXPECT_EQ(drops["hold_timeout"], 3u) << "the directory knew no answer: they waited HoldTimeout";
    EXPECT_GE(dc.hosts[0].agent->GetFailures(), 1u) << "the directory answered: unknown";
}

TEST_F(SmallDatacenter, TheSwitchAnswersArpOnlyForItsVirtualNetwork)
{
    Build();
    // VM 0 sends to an address of its prefix that no VM has: nobody answers its ARP.
    Ptr<PacketSink> sink = Sink(2, 5000, "ns3::UdpSocketFactory");
    UdpClientHelper client(Ipv4Address("10.0.9.9"), 5000);
    client.SetAttribute("MaxPackets", UintegerValue(1));
    client.Install(dc.vms[0].node).Start(Seconds(0.1));
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_GE(drops["arp_unanswered"], 1u);
    EXPECT_EQ(sink->GetTotalRx(), 0u);
}

TEST_F(SmallDatacenter, PcapRecordsEveryPortAndUplink)
{
    Build();
    const std::string prefix = testing::TempDir() + "vfp-pcap-test";
    VfpHelper::EnablePcap(prefix, dc.hosts[0].vswitch);
    Ptr<PacketSink> sink = Sink(2, 5000, "ns3::UdpSocketFactory");
    Udp(0, 2, 5000, 3, 100, MilliSeconds(1));
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    std::vector<std::string> files;
    for (Ptr<NetDevice> device :
         {dc.hosts[0].vswitch->GetPortDevice(dc.vms[0].port), dc.hosts[0].nic})
    {
        files.push_back(prefix + "-" + std::to_string(device->GetNode()->GetId()) + "-" +
                        std::to_string(device->GetIfIndex()) + ".pcap");
    }
    Simulator::Destroy();
    dc = VfpDatacenterHelper::Datacenter(); // the last references to the devices: their pcap files
                                            // close
    for (const std::string& file : files)
    {
        std::ifstream pcap(file, std::ios::binary | std::ios::ate);
        ASSERT_TRUE(pcap.good()) << file;
        EXPECT_GT(pcap.tellg(), 24 + 3 * 100)
            << file << ": the header and at least the three datagrams";
    }
}

TEST_F(SmallDatacenter, WithoutHoldingAMissDropsAndCountsTheFirstPackets)
{
    Config::SetDefault("ns3::VnetController::HoldOnMiss", BooleanValue(false));
    Build();
    Config::SetDefault("ns3::VnetController::HoldOnMiss", BooleanValue(true));
    Ptr<PacketSink> sink = Sink(2, 5000, "ns3::UdpSocketFactory");
    Udp(0, 2, 5000, 10, 100, MilliSeconds(1));
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(drops["mapping_miss"], 1u) << "only the packet before the answer";
    EXPECT_EQ(sink->GetTotalRx(), 9u * 100);
}

TEST_F(SmallDatacenter, TheAclBlocksListedTrafficAndLetsRepliesBackIn)
{
    Build();
    ExpectAclBehaviour();
}

TEST_F(SmallDatacenter, MeteringCountsWhatTheSinksReceive)
{
    Build();
    Ptr<PacketSink> sink = Sink(2, 5000, "ns3::UdpSocketFactory");
    const uint32_t packets = 40;
    const uint32_t size = 300;
    Udp(0, 2, 5000, packets, size, MilliSeconds(1));
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    ASSERT_EQ(sink->GetTotalRx(), packets * size);
    const auto& meters = dc.hosts[1].vswitch->GetEngine().GetPort(dc.vms[2].port).GetMeters();
    const vfp::PacketByteCounter& in = meters.at("in:10.0.0.0/26");
    EXPECT_EQ(in.packets, packets);
    EXPECT_EQ(in.bytes, packets * (size + 8 + 20 + 14)) << "payload + UDP + IPv4 + Ethernet";
    const auto& sent = dc.hosts[0].vswitch->GetEngine().GetPort(dc.vms[0].port).GetMeters();
    EXPECT_EQ(sent.at("out:10.0.0.0/26").bytes, in.bytes);
}

TEST_F(SmallDatacenter, ASaturatedHostCpuQueuesAndThenDrops)
{
    helper.GetVfpHelper().SetCpuAttribute("Cores", UintegerValue(1));
    helper.GetVfpHelper().SetCpuAttribute("FastPathTime", TimeValue(MicroSeconds(50)));
    helper.GetVfpHelper().SetCpuAttribute("MaxQueueDelay", TimeValue(MicroSeconds(500)));
    Build();
    Ptr<PacketSink> sink = Sink(2, 5000, "ns3::UdpSocketFactory");
    Time longest;
    dc.hosts[0].vswitch->GetCpu()->TraceConnectWithoutContext(
        "QueueDelay",
        MakeCallback(+[](Time* out, Time t, uint32_t) { *out = Max(*out, t); }).Bind(&longest));
    Udp(0, 2, 5000, 2000, 100, MicroSeconds(10)); // 100k packets/s against 20k/s of CPU
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_GT(longest, MicroSeconds(400)) << "the queue builds up to its bound";
    EXPECT_GT(drops["cpu_overload"], 1000u);
    EXPECT_EQ(sink->GetTotalRx() / 100 + drops["cpu_overload"], 2000u)
        << "every packet delivered or counted";
}

} // namespace
} // namespace ns3
