/*
 * FabricRouting: longest prefix wins, equal-cost next hops are chosen per flow (a flow
 * always takes the same one, flows spread over all), on-link routes send to the
 * destination itself, a destination without a route gets no route, and Clear empties the
 * table for a refill.
 */
#include "ns3/core-module.h"
#include "ns3/fabric-routing.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/tcp-header.h"

#include <gtest/gtest.h>
#include <set>

namespace ns3
{
namespace
{

class FabricRoutingTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        node = CreateObject<Node>();
        InternetStackHelper().Install(node);
        Ptr<Ipv4> ip = node->GetObject<Ipv4>();
        for (uint32_t i = 0; i < 3; ++i)
        {
            Ptr<SimpleNetDevice> device = CreateObject<SimpleNetDevice>();
            device->SetAddress(Mac48Address::Allocate());
            device->SetChannel(CreateObject<SimpleChannel>());
            node->AddDevice(device);
            const uint32_t interface = ip->AddInterface(device);
            ip->AddAddress(
                interface,
                Ipv4InterfaceAddress(Ipv4Address(0x0A000001 + (i << 8)), Ipv4Mask("/24")));
            ip->SetUp(interface);
            interfaces.push_back(interface);
        }
        routing = CreateObject<FabricRouting>();
        routing->SetIpv4(ip);
    }

    void TearDown() override { Simulator::Destroy(); }

    /// The route for a TCP packet of the given 5-tuple.
    Ptr<Ipv4Route> Route(const char* destination, uint16_t srcPort = 1000, uint16_t dstPort = 80)
    {
        Ptr<Packet> packet = Create<Packet>(10);
        TcpHeader tcp;
        tcp.SetSourcePort(srcPort);
        tcp.SetDestinationPort(dstPort);
        packet->AddHeader(tcp);
        Ipv4Header header;
        header.SetSource(Ipv4Address("10.0.0.1"));
        header.SetDestination(Ipv4Address(destination));
        header.SetProtocol(6);
        Socket::SocketErrno error;
        return routing->RouteOutput(packet, header, nullptr, error);
    }

    Ptr<Node> node;
    std::vector<uint32_t> interfaces;
    Ptr<FabricRouting> routing;
};

TEST_F(FabricRoutingTest, TheLongestPrefixWins)
{
    routing->AddRoute(Ipv4Address("0.0.0.0"), 0, interfaces[0], Ipv4Address("10.0.0.2"));
    routing->AddRoute(Ipv4Address("100.64.0.0"), 24, interfaces[1], Ipv4Address("10.0.1.2"));
    routing->AddRoute(Ipv4Address("100.64.0.4"), 30, interfaces[2], Ipv4Address("0.0.0.0"));
    EXPECT_EQ(routing->GetNRoutes(), 3u);
    EXPECT_EQ(Route("100.64.0.6")->GetGateway(), Ipv4Address("0.0.0.0"))
        << "on link: to the destination itself";
    EXPECT_EQ(Route("100.64.0.6")->GetOutputDevice(),
              node->GetObject<Ipv4>()->GetNetDevice(interfaces[2]));
    EXPECT_EQ(Route("100.64.0.9")->GetGateway(), Ipv4Address("10.0.1.2"));
    EXPECT_EQ(Route("8.8.8.8")->GetGateway(), Ipv4Address("10.0.0.2"));
    EXPECT_EQ(Route("100.64.0.9")->GetSource(), Ipv4Address("10.0.1.1"))
        << "the outgoing interface's address";
}

TEST_F(FabricRoutingTest, NoRouteMeansNoRoute)
{
    routing->AddRoute(Ipv4Address("100.64.0.0"), 24, interfaces[1], Ipv4Address("10.0.1.2"));
    EXPECT_EQ(Route("8.8.8.8"), nullptr);
}

TEST_F(FabricRoutingTest, ClearForgetsEveryRoute)
{
    routing->AddRoute(Ipv4Address("0.0.0.0"), 0, interfaces[0], Ipv4Address("10.0.0.2"));
    routing->AddRoute(Ipv4Address("100.64.0.0"), 24, interfaces[1], Ipv4Address("10.0.1.2"));
    routing->Clear();
    EXPECT_EQ(routing->GetNRoutes(), 0u);
    EXPECT_EQ(Route("100.64.0.9"), nullptr);
    routing->AddRoute(Ipv4Address("100.64.0.0"), 24, interfaces[2], Ipv4Address("10.0.2.2"));
    EXPECT_EQ(Route("100.64.0.9")->GetGateway(), Ipv4Address("10.0.2.2")) << "refilled";
}

TEST_F(FabricRoutingTest, EqualCostNextHopsArePerFlow)
{
    routing->AddRoute(Ipv4Address("0.0.0.0"), 0, interfaces[0], Ipv4Address("10.0.0.2"));
    routing->AddRoute(Ipv4Address("0.0.0.0"), 0, interfaces[1], Ipv4Address("10.0.1.2"));
    std::map<uint32_t, uint32_t> perGateway;
    for (uint16_t port = 1000; port < 1200; ++port)
    {
        const Ipv4Address first = Route("100.64.9.9", port)->GetGateway();
        for (int again = 0; again < 3; ++again)
        {
            EXPECT_EQ(Route("100.64.9.9", port)->GetGateway(), first) << "one flow, one path";
        }
        ++perGateway[first.Get()];
    }
    ASSERT_EQ(perGateway.size(), 2u) << "flows spread over both next hops";
    for (const auto& [gateway, flows] : perGateway)
    {
        EXPECT_NEAR(flows, 100.0, 40.0) << "200 flows, two paths: binomial, sd 7";
    }
    routing->SetAttribute("PerFlowEcmp", BooleanValue(false));
    std::set<uint32_t> single;
    for (uint16_t port = 1000; port < 1050; ++port)
    {
        single.insert(Route("100.64.9.9", port)->GetGateway().Get());
    }
    EXPECT_EQ(single.size(), 1u) << "without ECMP every packet takes the first next hop";
}

} // namespace
} // namespace ns3
