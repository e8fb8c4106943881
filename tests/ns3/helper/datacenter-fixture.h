/*
 * A small VL2 datacenter for simulation tests: two hosts in two racks, two VMs each,
 * two tenants, checksums on (a corrupted rewrite would show), drops counted by reason.
 */
#ifndef VFP_TEST_DATACENTER_FIXTURE_H
#define VFP_TEST_DATACENTER_FIXTURE_H

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "vfp-datacenter-helper.h"

#include <gtest/gtest.h>

namespace ns3
{

/// Two hosts in two racks, two VMs each, two tenants: VMs 0 and 2 are tenant 0
/// (10.0.0.1, 10.0.0.2), VMs 1 and 3 tenant 1 with the same two addresses.
class DatacenterFixture : public ::testing::Test
{
protected:
    void SetUp() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true)); // corruption would show
        RngSeedManager::SetSeed(1);
        options.hosts = 2;
        options.hostsPerRack = 1;
        options.aggregations = 2;
        options.intermediates = 1;
        options.vmsPerHost = 2;
        options.tenants = 2;
    }

    void TearDown() override
    {
        Simulator::Destroy();
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(false));
    }

    void Build()
    {
        dc = helper.Build(options);
        for (const auto& host : dc.hosts)
        {
            host.vswitch->TraceConnectWithoutContext(
                "Drop", MakeCallback(&DatacenterFixture::OnDrop, this));
        }
    }

    void OnDrop(Ptr<const Packet>, const std::string& reason) { ++drops[reason]; }

    Ptr<PacketSink> Sink(uint32_t vm,
                         uint16_t port,
                         const std::string& protocol = "ns3::TcpSocketFactory")
    {
        PacketSinkHelper sink(protocol, InetSocketAddress(Ipv4Address::GetAny(), port));
        ApplicationContainer apps = sink.Install(dc.vms[vm].node);
        return DynamicCast<PacketSink>(apps.Get(0));
    }

    void Udp(uint32_t from,
             uint32_t to,
             uint16_t port,
             uint32_t packets,
             uint32_t size,
             Time interval,
             Time start = Seconds(0.1))
    {
        UdpClientHelper client(dc.vms[to].address, port);
        client.SetAttribute("MaxPackets", UintegerValue(packets));
        client.SetAttribute("PacketSize", UintegerValue(size));
        client.SetAttribute("Interval", TimeValue(interval));
        client.Install(dc.vms[from].node).Start(start);
    }

    /**
     * VM 0 connects to VM 2 (the same tenant, another host) on port 25 (blocked by the
     * infrastructure), 7000 (not listed for inbound) and 5001 (listed): only the last one
     * gets through, and its replies come back through the stateful outbound rule.
     */
    void ExpectAclBehaviour()
    {
        Ptr<PacketSink> smtp = Sink(2, 25);
        Ptr<PacketSink> unlisted = Sink(2, 7000);
        Ptr<PacketSink> listed = Sink(2, 5001);
        for (uint16_t port : {25, 7000, 5001})
        {
            BulkSendHelper sender("ns3::TcpSocketFactory",
                                  InetSocketAddress(dc.vms[2].address, port));
            sender.SetAttribute("MaxBytes", UintegerValue(10000));
            sender.Install(dc.vms[0].node).Start(Seconds(0.1));
        }
        Simulator::Stop(Seconds(2));
        Simulator::Run();
        EXPECT_EQ(smtp->GetTotalRx(), 0u) << "the infrastructure blocks port 25";
        EXPECT_EQ(unlisted->GetTotalRx(), 0u) << "inbound only to listed ports";
        EXPECT_EQ(listed->GetTotalRx(), 10000u)
            << "and the replies came back through the stateful rule";
        EXPECT_GT(drops["rule_block"] + drops["default_block"], 0u);
    }

    VfpDatacenterHelper helper;
    VfpDatacenterHelper::Options options;
    VfpDatacenterHelper::Datacenter dc;
    std::map<std::string, uint32_t> drops;
};

} // namespace ns3

#endif
