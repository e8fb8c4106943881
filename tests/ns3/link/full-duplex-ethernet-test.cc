/*
 * The full-duplex Ethernet link in a simulation: two devices on one channel, driven with
 * real frames. Both directions carry their line rate at once; a frame arrives exactly its
 * wire time plus the propagation delay after it starts; and every drop cause is counted
 * and traced.
 */
#include "ns3/core-module.h"
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

} // namespace
} // namespace ns3
