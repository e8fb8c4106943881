/*
 * vfp-tutorial: the smallest complete scenario (docs/tutorial.md walks through it).
 *
 *   vm0 --- host0 [VFP] --- ToR --- aggregation/intermediate --- ToR --- host1 [VFP] --- vm2
 *
 * Two VMs of one tenant on two hosts; the VNET, ACL and metering controllers program
 * their ports; vm0 sends vm2 100 kB over TCP. Exits 0 when every byte arrived.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "vfp-datacenter-helper.h"

#include <iostream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    CommandLine cmd(__FILE__);
    cmd.Parse(argc, argv);

    VfpDatacenterHelper::Options options; // two racks of one host, two VMs each, two tenants
    options.hosts = 2;
    options.hostsPerRack = 1;
    options.vmsPerHost = 2;
    options.tenants = 2; // VM i is in tenant i % 2: vm0 and vm2 share tenant 0
    VfpDatacenterHelper helper;
    VfpDatacenterHelper::Datacenter dc = helper.Build(options);

    const uint16_t port = 5000; // one the ACL controller lets in
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    Ptr<PacketSink> received = DynamicCast<PacketSink>(sink.Install(dc.vms[2].node).Get(0));
    BulkSendHelper sender("ns3::TcpSocketFactory", InetSocketAddress(dc.vms[2].address, port));
    sender.SetAttribute("MaxBytes", UintegerValue(100000));
    sender.Install(dc.vms[0].node).Start(Seconds(0.01));

    Simulator::Stop(Seconds(1));
    Simulator::Run();
    const vfp::Port& vm0 = dc.hosts[0].vswitch->GetEngine().GetPort(dc.vms[0].port);
    std::cout << "vm2 received " << received->GetTotalRx() << " bytes; vm0's port has "
              << vm0.GetLayers().size() << " layers and took the fast path "
              << vm0.GetUftCounters().hits << " times\n";
    const bool delivered = received->GetTotalRx() == 100000;
    Simulator::Destroy();
    return delivered ? 0 : 1;
}
