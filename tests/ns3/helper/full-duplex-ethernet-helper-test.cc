/*
 * FullDuplexEthernetHelper with ns-3's stacks on top: two IP nodes resolve each other by
 * ARP and echo UDP; a BridgeNetDevice forwards between two of these links (promiscuous
 * receive, SendFrom with other hosts' MACs); a queue disc above the device is flow
 * controlled, so a sender faster than the link is held in the queue disc, never dropped
 * by the device; pcap files are Ethernet (linktype 1) and ASCII traces are written.
 */
#include "full-duplex-ethernet-helper.h"
#include "ns3/applications-module.h"
#include "ns3/bridge-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/traffic-control-module.h"

#include <fstream>
#include <gtest/gtest.h>
#include <string>

namespace ns3
{
namespace
{

/// UDP echo from @p client to @p server (port 9): @p count requests; returns the replies.
/// The requests are 20 ms apart: ARP waits up to 10 ms (its RequestJitter) before asking,
/// and holds at most 3 packets meanwhile (its PendingQueueSize).
uint32_t
Echo(Ptr<Node> client, Ptr<Node> server, Ipv4Address serverAddress, uint32_t count)
{
    UdpEchoServerHelper echoServer(9);
    echoServer.Install(server).Start(Seconds(0));
    UdpEchoClientHelper echoClient(serverAddress, 9);
    echoClient.SetAttribute("MaxPackets", UintegerValue(count));
    echoClient.SetAttribute("Interval", TimeValue(MilliSeconds(20)));
    echoClient.SetAttribute("PacketSize", UintegerValue(200));
    echoClient.Install(client).Start(Seconds(0.001));
    uint32_t replies = 0;
    Config::ConnectWithoutContext(
        "/NodeList/" + std::to_string(client->GetId()) +
            "/ApplicationList/*/$ns3::UdpEchoClient/Rx",
        MakeCallback(+[](uint32_t* n, Ptr<const Packet>) { ++*n; }).Bind(&replies));
    Simulator::Stop(Seconds(0.5));
    Simulator::Run();
    return replies;
}

/// Two IP nodes, 10.1.1.1 and 10.1.1.2, on one full-duplex link.
struct TwoIpNodes
{
    TwoIpNodes()
    {
        nodes.Create(2);
        FullDuplexEthernetHelper link;
        link.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
        link.SetChannelAttribute("Delay", TimeValue(MicroSeconds(2)));
        devices = link.Install(nodes);
        InternetStackHelper().Install(nodes);
        interfaces = Ipv4AddressHelper("10.1.1.0", "255.255.255.0").Assign(devices);
        helper = link;
    }

    NodeContainer nodes;
    NetDeviceContainer devices;
    Ipv4InterfaceContainer interfaces;
    FullDuplexEthernetHelper helper;
};

TEST(FullDuplexEthernetHelper, IpNodesResolveEachOtherByArpAndEchoUdp)
{
    {
        TwoIpNodes net;
        uint32_t arpFrames = 0;
        net.devices.Get(1)->TraceConnectWithoutContext(
            "MacRx",
            MakeCallback(+[](uint32_t* n, Ptr<const Packet> frame)
                         {
                             EthernetHeader eth;
                             frame->PeekHeader(eth);
                             *n += eth.GetLengthType() == 0x0806 ? 1 : 0;
                         })
                .Bind(&arpFrames));
        EXPECT_EQ(Echo(net.nodes.Get(0), net.nodes.Get(1), net.interfaces.GetAddress(1), 5), 5u);
        EXPECT_GE(arpFrames, 1u) << "the request was broadcast, no static ARP entry";
    }
    Simulator::Destroy();
}

TEST(FullDuplexEthernetHelper, PcapIsEthernetAndAsciiTracesAreWritten)
{
    const std::string pcapName = testing::TempDir() + "full-duplex-ethernet.pcap";
    const std::string asciiName = testing::TempDir() + "full-duplex-ethernet.tr";
    {
        TwoIpNodes net;
        net.helper.EnablePcap(pcapName, net.devices.Get(0), false, true);
        net.helper.EnableAscii(asciiName, net.devices.Get(0), true);
        ASSERT_EQ(Echo(net.nodes.Get(0), net.nodes.Get(1), net.interfaces.GetAddress(1), 3), 3u);
        Simulator::Destroy();
    } // the devices go, and with them the trace files (closed)

    PcapFile pcap;
    pcap.Open(pcapName, std::ios::in);
    ASSERT_FALSE(pcap.Fail()) << pcapName;
    EXPECT_EQ(pcap.GetDataLinkType(), 1u) << "DLT_EN10MB";
    uint32_t arp = 0;
    uint32_t ipv4 = 0;
    for (;;)
    {
        uint8_t data[2000];
        uint32_t sec, usec, inclLen, origLen, readLen;
        pcap.Read(data, sizeof(data), sec, usec, inclLen, origLen, readLen);
        if (pcap.Eof())
        {
            break;
        }
        ASSERT_GE(readLen, 64u) << "every frame has at least the minimum size";
        Ptr<Packet> frame = Create<Packet>(data, readLen);
        EthernetHeader eth;
        frame->RemoveHeader(eth);
        arp += eth.GetLengthType() == 0x0806 ? 1 : 0;
        ipv4 += eth.GetLengthType() == 0x0800 ? 1 : 0;
    }
    // Each side asks for the other (ns-3's ARP does not learn from a request it answers).
    EXPECT_EQ(arp, 4u) << "two requests, two replies";
    EXPECT_EQ(ipv4, 6u) << "three echo requests, three replies";

    std::ifstream ascii(asciiName);
    std::string line;
    std::map<char, uint32_t> events;
    while (std::getline(ascii, line))
    {
        ++events[line.empty() ? '?' : line[0]];
    }
    EXPECT_EQ(events['+'], 5u) << "enqueued: ARP request and reply, 3 echo requests";
    EXPECT_EQ(events['-'], 5u);
    EXPECT_EQ(events['r'], 5u) << "received: ARP reply and request, 3 echo replies";
}

TEST(FullDuplexEthernetHelper, BridgeForwardsBetweenTwoLinks)
{
    // a --link-- bridge --link-- b: a and b share a subnet; the bridge learns and forwards.
    {
        NodeContainer nodes;
        nodes.Create(3);
        FullDuplexEthernetHelper link;
        NetDeviceContainer left = link.Install(nodes.Get(0), nodes.Get(1));
        NetDeviceContainer right = link.Install(nodes.Get(1), nodes.Get(2));
        BridgeHelper().Install(nodes.Get(1), NetDeviceContainer(left.Get(1), right.Get(0)));
        NodeContainer hosts(nodes.Get(0), nodes.Get(2));
        InternetStackHelper().Install(hosts);
        Ipv4InterfaceContainer interfaces =
            Ipv4AddressHelper("10.1.1.0", "255.255.255.0")
                .Assign(NetDeviceContainer(left.Get(0), right.Get(1)));
        EXPECT_EQ(Echo(nodes.Get(0), nodes.Get(2), interfaces.GetAddress(1), 5), 5u);
    }
    Simulator::Destroy();
}

TEST(FullDuplexEthernetHelper, QueueDiscAboveTheDeviceIsFlowControlled)
{
    // UDP at 2 Gb/s into a 1 Gb/s link with a 10-packet device queue and a FIFO queue disc
    // of 1000 packets: flow control stops the queue disc whenever the device queue is full,
    // so the excess is dropped by the queue disc, never by the device, and the link runs
    // at its line rate: 1000-byte payloads, 1066 bytes on the wire with IP, UDP and Ethernet.
    {
        NodeContainer nodes;
        nodes.Create(2);
        FullDuplexEthernetHelper link;
        link.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
        link.SetQueue("ns3::DropTailQueue", "MaxSize", StringValue("10p"));
        NetDeviceContainer devices = link.Install(nodes);
        InternetStackHelper().Install(nodes);
        TrafficControlHelper tc;
        tc.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", StringValue("1000p"));
        QueueDiscContainer qdiscs = tc.Install(devices);
        Ipv4InterfaceContainer interfaces =
            Ipv4AddressHelper("10.1.1.0", "255.255.255.0").Assign(devices);

        OnOffHelper source("ns3::UdpSocketFactory",
                           InetSocketAddress(interfaces.GetAddress(1), 5000));
        source.SetConstantRate(DataRate("2Gbps"), 1000);
        source.Install(nodes.Get(0)).Start(Seconds(0.001));
        PacketSinkHelper sinkHelper("ns3::UdpSocketFactory",
                                    InetSocketAddress(Ipv4Address::GetAny(), 5000));
        Ptr<PacketSink> sink = DynamicCast<PacketSink>(sinkHelper.Install(nodes.Get(1)).Get(0));
        // Measured over 20 ms once ARP has answered (its request waits up to 10 ms).
        uint64_t rxAtStart = 0;
        Simulator::Schedule(Seconds(0.012), [&]() { rxAtStart = sink->GetTotalRx(); });
        Simulator::Stop(Seconds(0.032));
        Simulator::Run();

        Ptr<FullDuplexEthernetNetDevice> sender =
            DynamicCast<FullDuplexEthernetNetDevice>(devices.Get(0));
        EXPECT_EQ(sender->GetDropCount(FullDuplexEthernetNetDevice::DROP_QUEUE_OVERFLOW), 0u);
        EXPECT_GT(qdiscs.Get(0)->GetStats().nTotalDroppedPackets, 0u);
        const double lineRatePayload = 1e9 * 0.020 / 8 * 1000 / 1066;
        EXPECT_NEAR(
            double(sink->GetTotalRx() - rxAtStart), lineRatePayload, 0.01 * lineRatePayload);
    }
    Simulator::Destroy();
}

TEST(FullDuplexEthernetHelperDeathTest, InstallOnOtherThanTwoNodesIsFatal)
{
    NodeContainer three;
    three.Create(3);
    EXPECT_DEATH(FullDuplexEthernetHelper().Install(three), "exactly 2 nodes, got 3");
    Simulator::Destroy();
}

} // namespace
} // namespace ns3
