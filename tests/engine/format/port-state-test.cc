/*
 * State save and restore: a round trip leaves every flow, connection, unified flow and
 * counter identical, and the restored port goes on exactly as the original would.
 */
#include "../test-support.h"
#include "engine/diagnostics/trace-runner.h"
#include "engine/format/policy-json.h"
#include "engine/format/port-state.h"

#include <fstream>
#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace test;

/// The Figure 4 example's switch after its whole event stream (flows, SNAT ports held,
/// connections in several TCP states, meters).
std::unique_ptr<Switch>
BusySwitch()
{
    const std::string dir = std::string(VFP_TEST_DATA_DIR) + "/policy/figure4-example/";
    auto vswitch = std::make_unique<Switch>(LoadPolicyFile(dir + "policy.json"));
    TraceRunner runner(*vswitch);
    std::ifstream events(dir + "events.jsonl");
    std::string line;
    size_t number = 0;
    while (std::getline(events, line))
    {
        runner.Run(ParseJsonText(line, "events"), ++number);
    }
    return vswitch;
}

std::vector<std::pair<Direction, HeaderStack>>
MorePackets()
{
    const char* GW = "12:34:56:78:9a:bc";
    const char* VM1 = "00:1d:d8:00:00:01";
    return {
        {Direction::Outbound,
         Packet().Eth(VM1, GW).Ipv4("10.1.0.1", "10.1.0.5").Tcp(49152, 22, "A", 1001, 5001)},
        {Direction::Outbound,
         Packet().Eth(VM1, GW).Ipv4("10.1.0.1", "198.51.100.53").Udp(5353, 53)},
        {Direction::Outbound,
         Packet().Eth(VM1, GW).Ipv4("10.1.0.1", "198.51.100.54").Udp(5353, 53)},
        {Direction::Outbound,
         Packet().Eth(VM1, GW).Ipv4("10.1.0.1", "198.51.100.55").Udp(5353, 53)},
        {Direction::Outbound,
         Packet().Eth(VM1, GW).Ipv4("10.1.0.1", "198.51.100.7").Tcp(80, 40000, "A", 901, 2)},
    };
}

TEST(PortState, ARoundTripIsExact)
{
    auto vswitch = BusySwitch();
    Port& original = vswitch->GetPort("vm1");
    ASSERT_GT(original.GetUft().Size(), 0u);
    ASSERT_GT(original.GetTracker().Size(), 0u);
    const Json saved = PortState::Save(original);
    std::unique_ptr<Port> restored = PortState::Restore(saved);
    EXPECT_EQ(PortState::Save(*restored), saved);
    EXPECT_EQ(restored->GetGeneration(), original.GetGeneration());
    // And through text, as a live migration would carry it.
    std::unique_ptr<Port> fromText = PortState::Restore(ParseJsonText(saved.dump(), "state"));
    EXPECT_EQ(PortState::Save(*fromText), saved);
}

TEST(PortState, TheRestoredPortGoesOnExactlyAsTheOriginal)
{
    auto vswitch = BusySwitch();
    Port& original = vswitch->GetPort("vm1");
    std::unique_ptr<Port> restored = PortState::Restore(PortState::Save(original));
    double now = 1.0;
    for (const auto& [direction, packet] : MorePackets())
    {
        ProcessResult a = original.Process(direction, packet, now);
        ProcessResult b = restored->Process(direction, packet, now);
        EXPECT_EQ(a.verdict, b.verdict);
        EXPECT_EQ(a.reason, b.reason);
        EXPECT_EQ(a.path, b.path);
        EXPECT_EQ(a.packet, b.packet);
        EXPECT_EQ(a.tcpState, b.tcpState);
        now += 0.5;
    }
    EXPECT_EQ(original.ExpireFlows(1000), restored->ExpireFlows(1000));
    EXPECT_EQ(PortState::Save(original), PortState::Save(*restored));
}

TEST(PortState, RefusesUnknownVersionsAndMalformedDocuments)
{
    auto vswitch = BusySwitch();
    Json saved = PortState::Save(vswitch->GetPort("vm1"));
    Json future = saved;
    future["version"] = 2;
    try
    {
        PortState::Restore(future);
        FAIL();
    }
    catch (const PolicyError& error)
    {
        EXPECT_EQ(std::string(error.what()),
                  "version: this build restores port state version 1, got 2");
    }
    Json broken = saved;
    broken["layers"][0].erase("slots");
    EXPECT_THROW(PortState::Restore(broken), PolicyError);
    Json wrongLayer = saved;
    wrongLayer["layers"][0]["name"] = "nope";
    try
    {
        PortState::Restore(wrongLayer);
        FAIL();
    }
    catch (const PolicyError& error)
    {
        EXPECT_NE(std::string(error.what()).find("layers[0].name: no layer \"nope\""),
                  std::string::npos)
            << error.what();
    }
    EXPECT_THROW(PortState::Restore(Json::parse(R"({"format":"something-else","version":1})")),
                 PolicyError);
}

} // namespace
} // namespace vfp
