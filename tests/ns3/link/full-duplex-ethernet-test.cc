/*
 * The full-duplex Ethernet link in a simulation: two devices on one channel, driven with
 * real frames. Both directions carry their line rate at once; a frame arrives exactly its
 * wire time plus the propagation delay after it starts; SendFrom keeps the source MAC it is
 * given; promiscuous receive sees every frame; ECN marks above the threshold only; the link
 * goes down and up; and every drop cause is counted and traced.
 */
#include "ns3/core-module.h"
#include "ns3/ethernet-header.h"
#include "ns3/internet-module.h"
#include "ns3/link/full-duplex-ethernet-channel.h"
#include "ns3/link/full-duplex-ethernet-net-device.h"
#include "ns3/network-module.h"

#include <array>
#include <gtest/gtest.h>
#include <vector>

namespace ns3
{
namespace
{

/// An EtherType for raw test frames (IEEE 802 local experimental).
constexpr uint16_t TEST_ETHER_TYPE = 0x88B5;

/// Two nodes joined by one full-duplex link, built by hand (no helper).
class Link
{
public:
    Link(const std::string& rate, Time delay)
    {
        channel = CreateObjectWithAttributes<FullDuplexEthernetChannel>("Delay", TimeValue(delay));
        for (uint32_t i = 0; i < 2; ++i)
        {
            nodes[i] = CreateObject<Node>();
            devices[i] = CreateObjectWithAttributes<FullDuplexEthernetNetDevice>(
                "DataRate",
                StringValue(rate),
                "Address",
                Mac48AddressValue(Mac48Address::Allocate()));
            nodes[i]->AddDevice(devices[i]);
            devices[i]->Attach(channel);
            devices[i]->TraceConnectWithoutContext("MacRx",
                                                   MakeCallback(&Link::OnReceive, this).Bind(i));
        }
    }

    ~Link() { Simulator::Destroy(); }

    /// Sends a raw frame of @p payload bytes from device @p from to the other one.
    bool Send(uint32_t from, uint32_t payload)
    {
        return devices[from]->Send(
            Create<Packet>(payload), devices[1 - from]->GetAddress(), TEST_ETHER_TYPE);
    }

    /// Counts the frames device @p i drops for @p trace (a drop trace source's name).
    void CountDrops(uint32_t i, const std::string& trace, uint32_t* counter)
    {
        devices[i]->TraceConnectWithoutContext(
            trace, MakeCallback(+[](uint32_t* n, Ptr<const Packet>) { ++*n; }).Bind(counter));
    }

    /// Makes device @p i's queue hold @p packets.
    void SetQueueSize(uint32_t i, uint32_t packets)
    {
        devices[i]->GetQueue()->SetMaxSize(QueueSize(QueueSizeUnit::PACKETS, packets));
    }

    void OnReceive(uint32_t i, Ptr<const Packet> frame)
    {
        arrivals[i].push_back(Simulator::Now());
        frameBytes[i].push_back(frame->GetSize());
    }

    Ptr<FullDuplexEthernetChannel> channel;
    std::array<Ptr<Node>, 2> nodes;
    std::array<Ptr<FullDuplexEthernetNetDevice>, 2> devices;
    std::array<std::vector<Time>, 2> arrivals;       //!< by receiving device
    std::array<std::vector<uint32_t>, 2> frameBytes; //!< by receiving device
};

TEST(FullDuplexEthernet, BothDirectionsCarryTheLineRateAtOnce)
{
    // Both ends keep their queue full for 1 ms at 10 Gb/s with 1500-byte payloads. Each
    // direction must deliver rate x 1500 / 1538 of payload. The count is quantized to
    // whole frames, and the frames still propagating at the end (Delay 1 us, under one
    // frame time of 1.23 us) are missing: at most two frames (0.25%) off.
    const uint32_t payload = 1500;
    const double rate = 10e9;
    const Time duration = MilliSeconds(1);
    Link link("10Gbps", MicroSeconds(1));
    const uint32_t frames = 1000; // more than 1 ms can carry
    for (uint32_t i = 0; i < 2; ++i)
    {
        link.SetQueueSize(i, frames);
        for (uint32_t n = 0; n < frames; ++n)
        {
            ASSERT_TRUE(link.Send(i, payload));
        }
    }
    Simulator::Stop(duration);
    Simulator::Run();
    const double expected = rate * duration.GetSeconds() / 8 * payload / (payload + 38);
    for (uint32_t i = 0; i < 2; ++i)
    {
        const double received = double(link.arrivals[i].size()) * payload;
        EXPECT_NEAR(received, expected, 2.0 * payload) << "direction towards device " << i;
    }
}

TEST(FullDuplexEthernet, FrameArrivesAfterItsWireTimePlusTheDelay)
{
    // 1 Gb/s, 3 us of cable. A 10-byte payload is padded to 46: a 64-byte frame, 72 bytes
    // with the preamble, 576 ns. A 1500-byte payload: 1526 bytes with preamble, 12208 ns,
    // and it starts after the first frame's 12-byte gap (96 ns).
    Link link("1Gbps", MicroSeconds(3));
    ASSERT_TRUE(link.Send(0, 10));
    ASSERT_TRUE(link.Send(0, 1500));
    Simulator::Run();
    ASSERT_EQ(link.arrivals[1].size(), 2u);
    EXPECT_EQ(link.frameBytes[1][0], 64u);
    EXPECT_EQ(link.arrivals[1][0], NanoSeconds(3000 + 576));
    EXPECT_EQ(link.frameBytes[1][1], 1518u);
    EXPECT_EQ(link.arrivals[1][1], NanoSeconds(576 + 96 + 3000 + 12208));
}

/// What a receive callback was given.
struct Received
{
    Mac48Address source;
    Mac48Address destination;
    NetDevice::PacketType type;
    uint16_t protocol;
};

/// Device 1's promiscuous callback: records every frame.
bool
RecordPromisc(std::vector<Received>* log,
              Ptr<NetDevice>,
              Ptr<const Packet>,
              uint16_t protocol,
              const Address& source,
              const Address& destination,
              NetDevice::PacketType type)
{
    log->push_back({Mac48Address::ConvertFrom(source),
                    Mac48Address::ConvertFrom(destination),
                    type,
                    protocol});
    return true;
}

TEST(FullDuplexEthernet, SendFromKeepsTheSourceAndPromiscuousReceiveSeesEveryFrame)
{
    Link link("1Gbps", Seconds(0));
    std::vector<Received> promisc;
    link.devices[1]->SetPromiscReceiveCallback(MakeBoundCallback(&RecordPromisc, &promisc));
    const Mac48Address vm("02:00:00:00:00:07");
    const Mac48Address elsewhere("02:00:00:00:00:09");
    const Mac48Address own = Mac48Address::ConvertFrom(link.devices[1]->GetAddress());
    const Address group = link.devices[1]->GetMulticast(Ipv4Address("224.0.0.251"));
    link.devices[0]->SendFrom(Create<Packet>(100), vm, own, TEST_ETHER_TYPE);
    link.devices[0]->SendFrom(Create<Packet>(100), vm, elsewhere, TEST_ETHER_TYPE);
    link.devices[0]->Send(Create<Packet>(100), link.devices[1]->GetBroadcast(), 0x0806);
    link.devices[0]->Send(Create<Packet>(100), group, TEST_ETHER_TYPE);
    Simulator::Run();

    ASSERT_EQ(promisc.size(), 4u);
    EXPECT_EQ(promisc[0].source, vm);
    EXPECT_EQ(promisc[0].type, NetDevice::PACKET_HOST);
    EXPECT_EQ(promisc[1].source, vm);
    EXPECT_EQ(promisc[1].destination, elsewhere);
    EXPECT_EQ(promisc[1].type, NetDevice::PACKET_OTHERHOST);
    EXPECT_EQ(promisc[2].type, NetDevice::PACKET_BROADCAST);
    EXPECT_EQ(promisc[2].protocol, 0x0806);
    EXPECT_EQ(promisc[2].source, Mac48Address::ConvertFrom(link.devices[0]->GetAddress()));
    EXPECT_EQ(promisc[3].type, NetDevice::PACKET_MULTICAST);
    EXPECT_EQ(promisc[3].destination, Mac48Address("01:00:5e:00:00:fb"));
    // The stack (MacRx) gets all but the frame for another host.
    EXPECT_EQ(link.arrivals[1].size(), 3u);
    EXPECT_EQ(link.devices[1]->GetRxFrames(), 4u);
    EXPECT_TRUE(link.devices[0]->SupportsSendFrom());
    EXPECT_TRUE(link.devices[0]->NeedsArp());
    EXPECT_FALSE(link.devices[0]->IsPointToPoint());
    EXPECT_FALSE(link.devices[0]->IsBridge());
}

TEST(FullDuplexEthernet, PacketOverTheMtuIsDroppedCountedAndTraced)
{
    Link link("1Gbps", Seconds(0));
    uint32_t mtuDrops = 0;
    uint32_t txDrops = 0;
    link.CountDrops(0, "MtuDrop", &mtuDrops);
    link.CountDrops(0, "MacTxDrop", &txDrops);
    EXPECT_EQ(link.devices[0]->GetMtu(), 1500);
    EXPECT_TRUE(link.Send(0, 1500));
    EXPECT_FALSE(link.Send(0, 1501));
    Simulator::Run();
    EXPECT_EQ(link.arrivals[1].size(), 1u);
    EXPECT_EQ(link.devices[0]->GetDropCount(FullDuplexEthernetNetDevice::DROP_MTU), 1u);
    EXPECT_EQ(mtuDrops, 1u);
    EXPECT_EQ(txDrops, 1u);
    // Out of bounds (68 to 9216): refused, unchanged.
    EXPECT_FALSE(link.devices[0]->SetMtu(9217));
    EXPECT_FALSE(link.devices[0]->SetAttributeFailSafe("Mtu", UintegerValue(67)));
    EXPECT_EQ(link.devices[0]->GetMtu(), 1500);
}

TEST(FullDuplexEthernet, QueueOverflowIsDroppedCountedAndTraced)
{
    // Ten frames at once into a 5-packet queue: one starts at once, five wait, four drop.
    Link link("1Gbps", Seconds(0));
    link.SetQueueSize(0, 5);
    uint32_t overflows = 0;
    link.CountDrops(0, "QueueOverflowDrop", &overflows);
    uint32_t refused = 0;
    for (uint32_t n = 0; n < 10; ++n)
    {
        refused += link.Send(0, 1000) ? 0 : 1;
    }
    Simulator::Run();
    EXPECT_EQ(refused, 4u);
    EXPECT_EQ(overflows, 4u);
    EXPECT_EQ(link.devices[0]->GetDropCount(FullDuplexEthernetNetDevice::DROP_QUEUE_OVERFLOW), 4u);
    EXPECT_EQ(link.arrivals[1].size(), 6u);
    EXPECT_EQ(link.devices[0]->GetTxFrames(), 6u);
}

/// Turns IPv4 checksums on for one test (it is a global value) and back off.
class ChecksumsOn
{
public:
    ChecksumsOn() { GlobalValue::Bind("ChecksumEnabled", BooleanValue(true)); }
    ~ChecksumsOn() { GlobalValue::Bind("ChecksumEnabled", BooleanValue(false)); }
};

/// An IPv4 packet with the ECN field @p ecn and a 100-byte payload.
Ptr<Packet>
Ipv4Packet(Ipv4Header::EcnType ecn)
{
    Ptr<Packet> packet = Create<Packet>(100);
    Ipv4Header ip;
    ip.SetSource(Ipv4Address("10.0.0.1"));
    ip.SetDestination(Ipv4Address("10.0.0.2"));
    ip.SetProtocol(17);
    ip.SetPayloadSize(packet->GetSize());
    ip.SetTtl(64);
    ip.SetEcn(ecn);
    ip.EnableChecksum();
    packet->AddHeader(ip);
    return packet;
}

/// The IPv4 header of a received frame, its checksum verified.
Ipv4Header
Ipv4Of(Ptr<const Packet> frame)
{
    Ptr<Packet> copy = frame->Copy();
    EthernetHeader eth;
    copy->RemoveHeader(eth);
    Ipv4Header ip;
    ip.EnableChecksum();
    copy->PeekHeader(ip);
    return ip;
}

TEST(FullDuplexEthernet, EcnMarksCeAboveTheThresholdOnlyAndKeepsTheChecksumRight)
{
    // K = 3 packets. Ten ECT(0) packets at once: the first leaves at once, the next ones
    // find 0, 1, 2, 3 ... packets queued, so packets 5 to 10 are marked. Then a Not-ECT
    // packet and a CE one, both above K: neither is (re)marked.
    ChecksumsOn checksums;
    Link link("1Gbps", Seconds(0));
    link.devices[0]->SetAttribute("EcnThreshold", QueueSizeValue(QueueSize("3p")));
    std::vector<Ptr<const Packet>> frames;
    link.devices[1]->TraceConnectWithoutContext(
        "MacRx", MakeCallback(+[](std::vector<Ptr<const Packet>>* log, Ptr<const Packet> frame) {
                     log->push_back(frame);
                 }).Bind(&frames));
    std::vector<uint32_t> backlogs;
    link.devices[0]->TraceConnectWithoutContext(
        "EcnMark",
        MakeCallback(+[](std::vector<uint32_t>* log, Ptr<const Packet>, uint32_t backlog) {
            log->push_back(backlog);
        }).Bind(&backlogs));
    const Address peer = link.devices[1]->GetAddress();
    for (uint32_t n = 0; n < 10; ++n)
    {
        link.devices[0]->Send(Ipv4Packet(Ipv4Header::ECN_ECT0), peer, 0x0800);
    }
    link.devices[0]->Send(Ipv4Packet(Ipv4Header::ECN_NotECT), peer, 0x0800);
    link.devices[0]->Send(Ipv4Packet(Ipv4Header::ECN_ECT1), peer, 0x0800);
    Simulator::Run();

    ASSERT_EQ(frames.size(), 12u);
    for (uint32_t n = 0; n < 10; ++n)
    {
        const Ipv4Header ip = Ipv4Of(frames[n]);
        EXPECT_EQ(ip.GetEcn(), n < 4 ? Ipv4Header::ECN_ECT0 : Ipv4Header::ECN_CE) << n;
        EXPECT_TRUE(ip.IsChecksumOk()) << n;
    }
    EXPECT_EQ(Ipv4Of(frames[10]).GetEcn(), Ipv4Header::ECN_NotECT);
    EXPECT_EQ(Ipv4Of(frames[11]).GetEcn(), Ipv4Header::ECN_CE); // ECT(1) above K
    EXPECT_TRUE(Ipv4Of(frames[11]).IsChecksumOk());
    EXPECT_EQ(link.devices[0]->GetEcnMarkCount(), 7u);
    EXPECT_EQ(backlogs, (std::vector<uint32_t>{3, 4, 5, 6, 7, 8, 10}));
}

TEST(FullDuplexEthernet, EcnThresholdInBytesCountsTheQueuedBytes)
{
    // K = 300 bytes; each queued frame is 14 + 120 + 4 = 138 bytes: the third packet finds
    // one frame (138 B) queued, the fourth 276 B, the fifth 414 B: only the fifth is marked.
    Link link("1Gbps", Seconds(0));
    link.devices[0]->SetAttribute("EcnThreshold", QueueSizeValue(QueueSize("300B")));
    for (uint32_t n = 0; n < 5; ++n)
    {
        link.devices[0]->Send(
            Ipv4Packet(Ipv4Header::ECN_ECT0), link.devices[1]->GetAddress(), 0x0800);
    }
    Simulator::Run();
    EXPECT_EQ(link.devices[0]->GetEcnMarkCount(), 1u);
}

TEST(FullDuplexEthernet, LinkDownDropsAndCountsAndLinkUpResumes)
{
    // 10 us of cable. A frame sent at 0 is still on the cable when the link goes down at
    // 5 us: lost. A frame sent while down is refused. After the link is up again at 20 us,
    // frames go through.
    Link link("1Gbps", MicroSeconds(10));
    std::array<uint32_t, 2> changes{};
    for (uint32_t i = 0; i < 2; ++i)
    {
        link.devices[i]->AddLinkChangeCallback(
            MakeCallback(+[](uint32_t* n) { ++*n; }).Bind(&changes[i]));
    }
    uint32_t linkDownDrops = 0;
    link.CountDrops(0, "LinkDownDrop", &linkDownDrops);
    EXPECT_TRUE(link.devices[0]->IsLinkUp());
    link.Send(0, 100);
    bool refusedWhileDown = false;
    Simulator::Schedule(MicroSeconds(5), [&link]() { link.channel->SetLinkUp(false); });
    Simulator::Schedule(MicroSeconds(15),
                        [&link, &refusedWhileDown]()
                        { refusedWhileDown = !link.devices[1]->IsLinkUp() && !link.Send(0, 100); });
    Simulator::Schedule(MicroSeconds(20), [&link]() { link.channel->SetLinkUp(true); });
    Simulator::Schedule(MicroSeconds(25), [&link]() { link.Send(0, 100); });
    Simulator::Run();

    EXPECT_TRUE(refusedWhileDown);
    EXPECT_EQ(linkDownDrops, 2u);
    EXPECT_EQ(link.devices[0]->GetDropCount(FullDuplexEthernetNetDevice::DROP_LINK_DOWN), 2u);
    ASSERT_EQ(link.arrivals[1].size(), 1u);
    EXPECT_GT(link.arrivals[1][0], MicroSeconds(25));
    EXPECT_EQ(changes[0], 2u); // down, up
    EXPECT_EQ(changes[1], 2u);
}

TEST(FullDuplexEthernet, ReceiveErrorModelDropsCountsAndTraces)
{
    Link link("1Gbps", Seconds(0));
    Ptr<RateErrorModel> errors = CreateObject<RateErrorModel>();
    errors->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
    errors->SetRate(1.0);
    link.devices[1]->SetAttribute("ReceiveErrorModel", PointerValue(errors));
    uint32_t errorDrops = 0;
    link.CountDrops(1, "ReceiveErrorDrop", &errorDrops);
    link.Send(0, 100);
    Simulator::Run();
    EXPECT_TRUE(link.arrivals[1].empty());
    EXPECT_EQ(errorDrops, 1u);
    EXPECT_EQ(link.devices[1]->GetDropCount(FullDuplexEthernetNetDevice::DROP_RECEIVE_ERROR), 1u);
}

TEST(FullDuplexEthernetDeathTest, ThirdDeviceOnAChannelIsFatal)
{
    Link link("1Gbps", Seconds(0));
    Ptr<FullDuplexEthernetNetDevice> third = CreateObject<FullDuplexEthernetNetDevice>();
    EXPECT_DEATH(third->Attach(link.channel), "exactly two");
    // The death happened in a child: here the objects live on and must be disposed (the
    // device and its queue interface refer to each other), or LeakSanitizer reports them.
    third->Dispose();
    Simulator::Destroy();
}

TEST(FullDuplexEthernetDeathTest, ZeroDataRateIsFatal)
{
    Ptr<FullDuplexEthernetNetDevice> device = CreateObject<FullDuplexEthernetNetDevice>();
    EXPECT_DEATH(device->SetAttribute("DataRate", StringValue("0bps")), "DataRate must be above 0");
    device->Dispose(); // the death was the child's; see ThirdDeviceOnAChannelIsFatal
}

} // namespace
} // namespace ns3
