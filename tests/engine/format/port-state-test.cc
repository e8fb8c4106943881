/*
 * State save and restore: a round trip leaves every flow, connection, unified flow and
 * counter identical, and the restored port goes on exactly as the original would.
 */
#include "../test-support.h"
#include "engine/diagnostics/trace-runner.h"
#include "engine/format/policy-json.h"
#include "engine/format/port-state.h"

#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <sstream>

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

TEST(PortState, RestoresVersionOneDocuments)
{
    // Version 1 had seven UFT counters (no capacity_evicted): it restores with that one 0,
    // and the port then saves as the current version with everything else equal.
    auto vswitch = BusySwitch();
    const Json saved = PortState::Save(vswitch->GetPort("vm1"));
    Json v1 = saved;
    v1["version"] = 1;
    v1["uft"]["counters"].erase(v1["uft"]["counters"].size() - 1);
    const auto restored = PortState::Restore(v1);
    EXPECT_EQ(restored->GetUftCounters().capacityEvicted, 0u);
    EXPECT_EQ(PortState::Save(*restored), saved);
    Json wrongLength = v1;
    wrongLength["version"] = 2;
    EXPECT_THROW(PortState::Restore(wrongLength), PolicyError);
}

TEST(PortState, RefusesUnknownVersionsAndMalformedDocuments)
{
    auto vswitch = BusySwitch();
    Json saved = PortState::Save(vswitch->GetPort("vm1"));
    Json future = saved;
    future["version"] = PORT_STATE_VERSION + 1;
    try
    {
        PortState::Restore(future);
        FAIL();
    }
    catch (const PolicyError& error)
    {
        EXPECT_EQ(std::string(error.what()),
                  "version: this build restores port state versions 1 to 2, got 3");
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

TEST(PortState, CapsAndReservationsSurviveARoundTrip)
{
    // The busy Figure 4 port, its QoS set through the switch as a QoS controller would
    // (after its policy was loaded): both caps with bursts and queues of their own, a
    // reservation on a shared link and a weight. A restored port, on the host a VM migrated
    // to, must be shaped as before.
    auto vswitch = BusySwitch();
    vswitch->SetQosLink(10e9, 0.01, 0);
    PortQosSpec qos;
    qos.tx = RateLimitSpec{2.5e9, 40'000, 300'000};
    qos.rx = RateLimitSpec{1e9, 1514, 100'000};
    qos.txReservationBps = 1.5e9;
    qos.weight = 2.5;
    vswitch->SetPortQos("vm1", qos, 0.5);
    const Port& original = vswitch->GetPort("vm1");
    ASSERT_EQ(original.GetQos(), std::optional(qos));
    const Json saved = PortState::Save(original);
    std::unique_ptr<Port> restored = PortState::Restore(saved);
    EXPECT_EQ(restored->GetQos(), std::optional(qos));
    std::unique_ptr<Port> fromText = PortState::Restore(ParseJsonText(saved.dump(), "state"));
    EXPECT_EQ(fromText->GetQos(), std::optional(qos));
    EXPECT_EQ(PortState::Save(*restored), saved);

    // The new host's switch shapes the restored port's spec as the old one did.
    Switch target;
    target.SetQosLink(10e9, 0.01, 0);
    target.AddPort(restored->ToSpec());
    EXPECT_EQ(target.GetPort("vm1").GetQos(), std::optional(qos));
    EXPECT_TRUE(target.GetQos().IsShaped("vm1", Direction::Outbound));
    EXPECT_TRUE(target.GetQos().IsShaped("vm1", Direction::Inbound));

    // A cap cleared before the save stays cleared: no QoS comes back from nowhere.
    vswitch->SetPortQos("vm1", std::nullopt, 1);
    EXPECT_FALSE(PortState::Restore(PortState::Save(vswitch->GetPort("vm1")))->GetQos());
}

/// The port-state fuzz target's seed (tests/fuzz/) is this switch's saved state, so that
/// its mutations start from a document of today's format; VFP_REGENERATE=1 rewrites it.
TEST(PortState, FuzzSeedIsTheFigure4State)
{
    const std::string seed =
        std::string(VFP_TEST_DATA_DIR) + "/fuzz/corpus/port-state/figure4.json";
    const Json saved = PortState::Save(BusySwitch()->GetPort("vm1"));
    if (std::getenv("VFP_REGENERATE") != nullptr)
    {
        std::ofstream(seed) << saved.dump() << "\n";
    }
    std::ifstream in(seed);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(ParseJsonText(text.str(), seed), saved)
        << "the seed is stale: VFP_REGENERATE=1 build/bin/vfp-engine-tests rewrites it";
}

/// The message Restore refuses @p state with ("" when it restores it).
std::string
RefusalOf(const Json& state)
{
    try
    {
        PortState::Restore(state);
    }
    catch (const PolicyError& error)
    {
        return error.what();
    }
    return "";
}

/// The first entry of @p list for which @p wanted holds (the test needs it to exist).
Json&
First(Json& list, const std::function<bool(const Json&)>& wanted)
{
    for (Json& item : list)
    {
        if (wanted(item))
        {
            return item;
        }
    }
    ADD_FAILURE() << "no such entry in the saved state";
    static Json none;
    return none;
}

/// Findings of issue 12 (ASan and libFuzzer): each of these documents made the next
/// insert write out of bounds or was read past an array's end; each is now refused,
/// naming the field.
class PortStateRefuses : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_switch = BusySwitch();
        m_saved = PortState::Save(m_switch->GetPort("vm1"));
    }
    /// A layer that has live flows, and its first live slot.
    Json& BusyLayer()
    {
        return First(m_saved["layers"], [](const Json& l) { return !l["slots"].empty(); });
    }
    Json& LiveSlot(Json& slots)
    {
        return First(slots, [](const Json& s) { return s["live"].get<bool>(); });
    }
    void ExpectRefused(const Json& state, const std::string& part)
    {
        const std::string message = RefusalOf(state);
        EXPECT_NE(message.find(part), std::string::npos) << "message: \"" << message << "\"";
    }

    std::unique_ptr<Switch> m_switch;
    Json m_saved;
};

TEST_F(PortStateRefuses, AFreeSlotPastTheSlots)
{
    Json& layer = BusyLayer();
    layer["free"].push_back(layer["slots"].size() + 3);
    ExpectRefused(m_saved, "is past the");
    Json state = PortState::Save(m_switch->GetPort("vm1"));
    state["tracker"]["free"].push_back(state["tracker"]["slots"].size());
    ExpectRefused(state, "tracker: free[");
}

TEST_F(PortStateRefuses, ALiveSlotOrADuplicateOnTheFreeList)
{
    Json& layer = BusyLayer();
    for (size_t s = 0; s < layer["slots"].size(); ++s)
    {
        if (layer["slots"][s]["live"].get<bool>())
        {
            layer["free"].push_back(s);
            break;
        }
    }
    ExpectRefused(m_saved, "is live");
    Json state = PortState::Save(m_switch->GetPort("vm1"));
    Json& tracker = state["tracker"];
    tracker["slots"].push_back({{"version", 1}, {"live", false}});
    tracker["free"].push_back(tracker["slots"].size() - 1);
    tracker["free"].push_back(tracker["slots"].size() - 1);
    ExpectRefused(state, "is listed twice");
    tracker["free"].erase(tracker["free"].size() - 1);
    EXPECT_EQ(RefusalOf(state), "");
    tracker["free"].erase(tracker["free"].size() - 1);
    ExpectRefused(state, "is not live and not on the free list");
}

TEST_F(PortStateRefuses, ListsShorterThanDeclared)
{
    auto expectShortened = [this](const std::function<Json&(Json&)>& list, const std::string& part)
    {
        Json state = m_saved;
        Json& target = list(state);
        ASSERT_TRUE(target.is_array() && !target.empty()) << part;
        target.erase(target.size() - 1);
        ExpectRefused(state, part);
    };
    auto liveSlot = [this](Json& state) -> Json&
    {
        return LiveSlot(
            First(state["layers"], [](const Json& l) { return !l["slots"].empty(); })["slots"]);
    };
    expectShortened([&](Json& s) -> Json& { return liveSlot(s)["keys"]; },
                    ".keys: expected a list of 2");
    expectShortened([&](Json& s) -> Json& { return liveSlot(s)["hts"]; },
                    ".hts: expected a list of 2");
    expectShortened([&](Json& s) -> Json& { return liveSlot(s)["keys"][0][0]; },
                    ".keys[0][0]: expected a list of 10");
    expectShortened([](Json& s) -> Json& { return s["counters"]["received"]; },
                    "counters.received: expected a list of 2");
    auto flowWith = [](Json& state, const char* field) -> Json&
    { return First(state["uft"]["flows"], [field](const Json& f) { return !f[field].empty(); }); };
    expectShortened([&](Json& s) -> Json& { return flowWith(s, "meters")["meters"][0]; },
                    ".meters[0]: expected a list of 2");
    expectShortened([&](Json& s) -> Json& { return flowWith(s, "watches")["watches"][0]; },
                    ".watches[0]: expected a list of 2");
    expectShortened([&](Json& s) -> Json& { return flowWith(s, "layer_flows")["layer_flows"][0]; },
                    ".layer_flows[0]: expected a list of 2");
    auto connectionWithFlows = [](Json& state) -> Json&
    {
        return First(state["tracker"]["slots"],
                     [](const Json& c)
                     { return c["live"].get<bool>() && !c["layer_flows"].empty(); });
    };
    expectShortened([&](Json& s) -> Json& { return connectionWithFlows(s)["layer_flows"][0]; },
                    ".layer_flows[0]: expected a list of 2");
    auto snatSlot = [](Json& state) -> Json&
    {
        for (Json& layer : state["layers"])
        {
            for (Json& slot : layer["slots"])
            {
                if (slot["live"].get<bool>() && !slot["snat"].is_null())
                {
                    return slot;
                }
            }
        }
        ADD_FAILURE() << "no SNAT flow in the saved state";
        static Json none;
        return none;
    };
    expectShortened([&](Json& s) -> Json& { return snatSlot(s)["snat"]; },
                    ".snat: expected a list of 2");
}

TEST_F(PortStateRefuses, NumbersTooLargeForTheirFieldsAndUnknownFields)
{
    Json state = m_saved;
    LiveSlot(BusyLayer()["slots"])["keys"][0][0][2] = 1ull << 32; // a source IP
    ExpectRefused(m_saved, ".keys[0][0][2]: expected a whole number from 0 to 4294967295");
    state["tracker"]["counters"]["surprise"] = 1;
    ExpectRefused(state, "tracker.counters.surprise: unknown field");
}

} // namespace
} // namespace vfp
