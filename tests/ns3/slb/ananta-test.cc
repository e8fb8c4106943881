/*
 * Ananta in the VL2 datacenter (issue 6): external clients reach VIPs through the Muxes,
 * the host's SLB layer NATs VIP to DIP, replies go straight back (Direct Server Return);
 * new connections spread over the DIPs and keep their DIP when the list changes; VMs
 * reach outside servers through SNAT port ranges that grow on exhaustion; the ACL and
 * VNET layers on the same ports behave as they do without the SLB layer.
 */
#include "../helper/datacenter-fixture.h"
#include "ns3/ethernet-header.h"
#include "request-response-client.h"
#include "request-response-server.h"

namespace ns3
{
namespace
{

/// The small datacenter with two Muxes, one VIP (203.0.113.1:80) in front of VMs of
/// tenant 0, two clients and one server outside.
class AnantaDatacenter : public DatacenterFixture
{
protected:
    void SetUp() override
    {
        DatacenterFixture::SetUp();
        options.muxes = 2;
        options.vips = 1;
        options.dipsPerVip = 2; // VMs 0 and 2
        options.clients = 2;
        options.servers = 1;
    }

    /// A request/response server on every DIP of VIP 0 (port 5000).
    std::vector<Ptr<RequestResponseServer>> ServeOnDips()
    {
        std::vector<Ptr<RequestResponseServer>> servers;
        for (uint32_t vm : dc.vips[0].dips)
        {
            Ptr<RequestResponseServer> server = CreateObject<RequestResponseServer>();
            dc.vms[vm].node->AddApplication(server);
            servers.push_back(server);
        }
        return servers;
    }

    /// A client on @p node opening @p flows connections to @p peer, @p gap apart.
    Ptr<RequestResponseClient> Client(Ptr<Node> node,
                                      const Address& peer,
                                      uint32_t responseBytes,
                                      Time gap,
                                      Time start,
                                      uint32_t flows)
    {
        Ptr<RequestResponseClient> client = CreateObject<RequestResponseClient>();
        client->SetAttribute("Interval",
                             StringValue("ns3::ConstantRandomVariable[Constant=" +
                                         std::to_string(gap.GetSeconds()) + "]"));
        client->SetAttribute("ResponseSize",
                             StringValue("ns3::ConstantRandomVariable[Constant=" +
                                         std::to_string(responseBytes) + "]"));
        client->SetAttribute("MaxFlows", UintegerValue(flows));
        client->AddPeer(peer);
        node->AddApplication(client);
        client->SetStartTime(start);
        return client;
    }

    uint64_t MuxReturnPackets() const
    {
        uint64_t total = 0;
        for (Ptr<SlbMux> mux : dc.muxes)
        {
            total += mux->GetReturnPackets();
        }
        return total;
    }

    uint64_t MuxBytes() const
    {
        uint64_t total = 0;
        for (Ptr<SlbMux> mux : dc.muxes)
        {
            total += mux->GetBytes();
        }
        return total;
    }

    /// New flows each DIP (by customer address) got from the Muxes.
    std::map<uint32_t, uint64_t> FlowsPerDip() const
    {
        std::map<uint32_t, uint64_t> flows;
        for (Ptr<SlbMux> mux : dc.muxes)
        {
            for (const auto& [key, count] : mux->GetFlowsPerDip())
            {
                flows[std::get<1>(key)] += count;
            }
        }
        return flows;
    }

    Address Vip() const { return InetSocketAddress(dc.vips[0].address, dc.vips[0].port); }
};

TEST_F(AnantaDatacenter, AClientReachesTheVipAndRepliesBypassTheMuxes)
{
    Build();
    ServeOnDips();
    Ptr<RequestResponseClient> client =
        Client(dc.clients.Get(0), Vip(), 200000, MilliSeconds(10), Seconds(0.1), 5);
    uint64_t received = 0;
    client->TraceConnectWithoutContext(
        "Completed",
        MakeCallback(+[](uint64_t* total, uint64_t, const Address&, uint32_t bytes, Time) {
            *total += bytes;
        }).Bind(&received));
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(client->GetCompleted(), 5u);
    EXPECT_EQ(received, 5u * 200000) << "every response byte, checksums checked";
    EXPECT_EQ(MuxReturnPackets(), 0u) << "Direct Server Return: no reply crossed a Mux";
    EXPECT_GT(MuxBytes(), 0u);
    EXPECT_LT(MuxBytes() * 10, received) << "the Muxes carried the small half: requests and ACKs";
    EXPECT_TRUE(drops.empty());
}

TEST_F(AnantaDatacenter, AMuxForgetsFlowsAfterTheirIdleTimeout)
{
    Config::SetDefault("ns3::SlbMux::FlowIdleTimeout", TimeValue(MilliSeconds(200)));
    Build();
    Config::SetDefault("ns3::SlbMux::FlowIdleTimeout", TimeValue(Seconds(240)));
    ServeOnDips();
    Client(dc.clients.Get(0), Vip(), 1000, MilliSeconds(1), Seconds(0.1), 10);
    size_t during = 0;
    size_t after = 0;
    auto count = [this](size_t* into)
    {
        for (Ptr<SlbMux> mux : dc.muxes)
        {
            *into += mux->GetFlowCount();
        }
    };
    Simulator::Schedule(Seconds(0.15), [&]() { count(&during); });
    Simulator::Schedule(Seconds(0.9), [&]() { count(&after); });
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(during, 10u) << "one remembered DIP per connection";
    EXPECT_EQ(after, 0u) << "idle for two time-outs: forgotten";
}

TEST_F(AnantaDatacenter, ConnectionsSpreadOverTheDips)
{
    options.dipsPerVip = 4; // VMs 0, 2 (host 0 and 1) and, with 4 VMs per host, more
    options.vmsPerHost = 4;
    Build();
    ServeOnDips();
    // 400 connections from two clients. Rendezvous hashing gives each DIP a binomial
    // share: mean 100, standard deviation sqrt(400 * 1/4 * 3/4) = 8.7; +-40 is over 4.5
    // deviations, so a fair hash essentially never fails and a skewed one does.
    for (uint32_t c = 0; c < 2; ++c)
    {
        Client(dc.clients.Get(c), Vip(), 1000, MicroSeconds(500), Seconds(0.1), 200);
    }
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    std::map<uint32_t, uint64_t> flows = FlowsPerDip();
    ASSERT_EQ(flows.size(), 4u);
    uint64_t total = 0;
    for (const auto& [dip, count] : flows)
    {
        total += count;
        EXPECT_NEAR(double(count), 100.0, 40.0) << "DIP " << Ipv4Address(dip);
    }
    EXPECT_EQ(total, 400u);
}

TEST_F(AnantaDatacenter, RemovingADipKeepsExistingConnections)
{
    Build();
    ServeOnDips();
    // Long responses (2 MB) that are still running when DIP 0 leaves the VIP at 0.12 s.
    // They share the client's link, so TCP may lose and retransmit (ns-3's minimum RTO is
    // 1 s): the run is long enough for every one to finish.
    Ptr<RequestResponseClient> client =
        Client(dc.clients.Get(0), Vip(), 2000000, MilliSeconds(2), Seconds(0.1), 4);
    const VfpDatacenterHelper::Vm& leaving = dc.vms[dc.vips[0].dips[0]];
    const VfpDatacenterHelper::Host& host = dc.hosts[leaving.host];
    const SlbDip where{host.provider,
                       VfpDatacenterHelper::VniOf(leaving.tenant),
                       Mac48Address::ConvertFrom(leaving.nic->GetAddress()),
                       leaving.address};
    Simulator::Schedule(
        Seconds(0.12), &SlbController::RemoveDip, dc.slb, dc.vips[0].address, where);
    // New connections after the change all go to the remaining DIP.
    Ptr<RequestResponseClient> later =
        Client(dc.clients.Get(1), Vip(), 1000, MilliSeconds(1), Seconds(0.2), 20);
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    EXPECT_EQ(client->GetCompleted(), client->GetStarted()) << "no connection broke";
    EXPECT_EQ(client->GetFailed(), 0u);
    EXPECT_EQ(later->GetCompleted(), later->GetStarted());
    std::map<uint32_t, uint64_t> flows = FlowsPerDip();
    const uint32_t remaining = dc.vms[dc.vips[0].dips[1]].address.Get();
    EXPECT_EQ(flows[leaving.address.Get()] + flows[remaining],
              client->GetStarted() + later->GetStarted());
    EXPECT_LE(flows[leaving.address.Get()], client->GetStarted())
        << "the removed DIP got flows only before it left";
    EXPECT_GE(flows[remaining], later->GetStarted())
        << "every later flow went to the remaining DIP";
}

TEST_F(AnantaDatacenter, ADipAddedWhileTrafficRunsTakesNewFlowsAndItsPortReconciles)
{
    options.vmsPerHost = 4; // tenant 0: VMs 0 and 2 are DIPs; VMs 4 and 6 are not
    Build();
    ServeOnDips();
    const uint32_t joining = 4;
    Ptr<RequestResponseServer> joiningServer = CreateObject<RequestResponseServer>();
    dc.vms[joining].node->AddApplication(joiningServer);
    // Traffic inside the tenant keeps the joining VM's port busy across the change.
    Ptr<PacketSink> sink = Sink(joining, 5001, "ns3::UdpSocketFactory");
    Udp(6, joining, 5001, 300, 200, MilliSeconds(1));
    Simulator::Schedule(
        Seconds(0.2),
        [this]() { dc.slb->AddDip(dc.vips[0].address, VfpDatacenterHelper::MakeDip(dc, 4)); });
    Ptr<RequestResponseClient> before =
        Client(dc.clients.Get(0), Vip(), 1000, MilliSeconds(1), Seconds(0.1), 50);
    Ptr<RequestResponseClient> after =
        Client(dc.clients.Get(1), Vip(), 1000, MilliSeconds(1), Seconds(0.3), 90);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(before->GetCompleted(), 50u);
    EXPECT_EQ(after->GetCompleted(), 90u);
    EXPECT_EQ(sink->GetTotalRx(), 300u * 200)
        << "the port's own traffic went on through the change";
    const vfp::Port& port =
        dc.hosts[dc.vms[joining].host].vswitch->GetEngine().GetPort(dc.vms[joining].port);
    EXPECT_NE(port.FindLayer("slb"), nullptr);
    EXPECT_GT(port.GetUftCounters().reconciled, 0u)
        << "its unified flows were re-checked against the new layer";
    EXPECT_GT(joiningServer->GetServed(), 0u) << "new flows reach the new DIP";
    EXPECT_LT(joiningServer->GetServed(), 90u) << "and the old DIPs still take their share";
}

TEST_F(AnantaDatacenter, SnatExhaustionGetsANewRangeAndEveryConnectionCompletes)
{
    Config::SetDefault("ns3::SlbController::SnatRangeSize", UintegerValue(8));
    Build();
    Config::SetDefault("ns3::SlbController::SnatRangeSize", UintegerValue(64));
    Ptr<RequestResponseServer> outside = CreateObject<RequestResponseServer>();
    outside->SetAttribute("Port", UintegerValue(80));
    dc.servers.Get(0)->AddApplication(outside);
    // 20 connections at once from DIP VM 0: its first range has 8 ports.
    Ptr<RequestResponseClient> vm = Client(dc.vms[0].node,
                                           InetSocketAddress(dc.serverAddresses[0], 80),
                                           50000,
                                           MicroSeconds(20),
                                           Seconds(0.1),
                                           20);
    Simulator::Stop(Seconds(2));
    Simulator::Run();
    EXPECT_EQ(vm->GetStarted(), 20u);
    EXPECT_EQ(vm->GetCompleted(), 20u);
    const Ptr<SlbHostAgent> agent = dc.hosts[dc.vms[0].host].slbAgent;
    EXPECT_GE(agent->GetGrants(), 2u)
        << "8 ports, then more: at least two more ranges for 20 connections";
    EXPECT_EQ(agent->GetRefusals(), 0u);
    EXPECT_EQ(drops["hold_timeout"] + drops["hold_overflow"] + drops["ports_exhausted"], 0u);
}

TEST_F(AnantaDatacenter, WithoutHoldingExhaustionDropsAndCountsThenTcpRetries)
{
    Config::SetDefault("ns3::SlbController::SnatRangeSize", UintegerValue(4));
    Config::SetDefault("ns3::SlbController::HoldOnExhaustion", BooleanValue(false));
    Build();
    Config::SetDefault("ns3::SlbController::SnatRangeSize", UintegerValue(64));
    Config::SetDefault("ns3::SlbController::HoldOnExhaustion", BooleanValue(true));
    Ptr<RequestResponseServer> outside = CreateObject<RequestResponseServer>();
    outside->SetAttribute("Port", UintegerValue(80));
    dc.servers.Get(0)->AddApplication(outside);
    Ptr<RequestResponseClient> vm = Client(dc.vms[0].node,
                                           InetSocketAddress(dc.serverAddresses[0], 80),
                                           1000,
                                           MicroSeconds(20),
                                           Seconds(0.1),
                                           10);
    // ns-3 resends a SYN every ConnTimeout (3 s): a dropped connection comes back at
    // 3.1 s, and one dropped again then at 6.1 s.
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    EXPECT_GE(drops["ports_exhausted"], 1u)
        << "the connections beyond 4 ports were dropped, and counted";
    EXPECT_EQ(vm->GetCompleted(), 10u) << "their SYNs came again after the new range arrived";
}

TEST_F(AnantaDatacenter, ASnatPortIsNotReusedBeforeTimeWaitEnds)
{
    Config::SetDefault("ns3::SlbController::SnatRangeSize", UintegerValue(4));
    Build();
    Config::SetDefault("ns3::SlbController::SnatRangeSize", UintegerValue(64));
    Ptr<RequestResponseServer> outside = CreateObject<RequestResponseServer>();
    outside->SetAttribute("Port", UintegerValue(80));
    dc.servers.Get(0)->AddApplication(outside);
    // Six connections one after another, each closed before the next: their ports sit in
    // TIME_WAIT (240 s by default), so the fifth needs a new range.
    std::set<uint16_t> ports;
    uint32_t syns = 0;
    dc.servers.Get(0)->GetDevice(1)->TraceConnectWithoutContext(
        "MacRx",
        MakeCallback(+[](std::set<uint16_t>* seen, uint32_t* count, Ptr<const Packet> frame)
                     {
                         Ptr<Packet> copy = frame->Copy();
                         EthernetHeader ethernet;
                         Ipv4Header ip;
                         TcpHeader tcp;
                         copy->RemoveHeader(ethernet);
                         copy->RemoveHeader(ip);
                         if (ip.GetProtocol() == 6 && copy->PeekHeader(tcp) &&
                             tcp.GetFlags() == TcpHeader::SYN)
                         {
                             seen->insert(tcp.GetSourcePort());
                             ++*count;
                         }
                     })
            .Bind(&ports, &syns));
    Ptr<RequestResponseClient> vm = Client(dc.vms[0].node,
                                           InetSocketAddress(dc.serverAddresses[0], 80),
                                           1000,
                                           MilliSeconds(20),
                                           Seconds(0.1),
                                           6);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(vm->GetCompleted(), 6u);
    EXPECT_EQ(syns, 6u);
    EXPECT_EQ(ports.size(), 6u) << "six connections, six SNAT ports: none reused in TIME_WAIT";
    EXPECT_GE(dc.hosts[dc.vms[0].host].slbAgent->GetGrants(), 1u);
}

TEST_F(AnantaDatacenter, AclAndVnetBehaveAsWithoutTheSlbLayer)
{
    Build();
    ExpectAclBehaviour(); // the same expectations as the datacenter without Ananta
    for (uint32_t vm : {0, 2})
    {
        const vfp::Port& port =
            dc.hosts[dc.vms[vm].host].vswitch->GetEngine().GetPort(dc.vms[vm].port);
        EXPECT_NE(port.FindLayer("slb"), nullptr) << "both ends are DIPs, with the SLB layer";
    }
}

} // namespace
} // namespace ns3
