/*
 * QoS in the JSON policy format (qos-json.h): port and switch QoS write and read back
 * equal, alone and through a whole policy and a switch; a policy without QoS writes as it
 * did before QoS existed; bad QoS is refused with a message that names where and what was
 * expected, by the reader or, for what needs the whole switch, by the Switch.
 */
#include "engine/format/policy-json.h"
#include "engine/format/qos-json.h"
#include "engine/pipeline/switch.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

PortQosSpec
FullPortQos()
{
    PortQosSpec qos;
    qos.tx = RateLimitSpec{2.5e9, 40'000, 300'000};
    qos.rx = RateLimitSpec{1e9, 1514, 1514};
    qos.txReservationBps = 1.25e9;
    qos.weight = 2.5;
    return qos;
}

TEST(QosJson, PortQosWritesAndReadsBackEqual)
{
    const PortQosSpec full = FullPortQos();
    EXPECT_EQ(ReadPortQos(WritePortQos(full), "qos"), full);
    PortQosSpec rxOnly;
    rxOnly.rx = RateLimitSpec{3e8, 2000, 100'000};
    EXPECT_EQ(ReadPortQos(WritePortQos(rxOnly), "qos"), rxOnly);
    EXPECT_FALSE(WritePortQos(rxOnly).contains("tx"));
    PortQosSpec weightOnly;
    weightOnly.weight = 3;
    EXPECT_EQ(ReadPortQos(WritePortQos(weightOnly), "qos"), weightOnly);
}

TEST(QosJson, SwitchQosWritesAndReadsBackEqual)
{
    SwitchQosSpec qos;
    qos.linkBps = 25e9;
    qos.shareInterval = 0.005;
    qos.groups.push_back({"in", Direction::Inbound, {"vm1"}, RateLimitSpec{5e9, 100'000, 20'000}});
    qos.groups.push_back(
        {"out", Direction::Outbound, {"vm1", "vm2"}, RateLimitSpec{4e9, 1514, 1'000'000}});
    EXPECT_EQ(ReadSwitchQos(WriteSwitchQos(qos), "qos"), qos);
    EXPECT_EQ(ReadSwitchQos(WriteSwitchQos(SwitchQosSpec{}), "qos"), SwitchQosSpec{});
}

TEST(QosJson, ABurstDefaultsToAMillisecondOfTheRate)
{
    const PortQosSpec qos = ReadPortQos(ParseJsonText(R"({"tx":{"rate_bps":8e9}})", "t"), "qos");
    ASSERT_TRUE(qos.tx);
    EXPECT_EQ(qos.tx->burstBytes, 1'000'000u);
    EXPECT_EQ(qos.tx->queueBytes, DEFAULT_QOS_QUEUE_BYTES);
    const PortQosSpec slow = ReadPortQos(ParseJsonText(R"({"tx":{"rate_bps":1e6}})", "t"), "qos");
    EXPECT_EQ(slow.tx->burstBytes, QOS_MIN_BURST_BYTES) << "at least one frame";
}

const char* QOS_POLICY = R"({
  "version": 1,
  "ports": [
    {"name": "vm1", "mac": "00:1d:d8:00:00:01",
     "qos": {"tx": {"rate_bps": 4e9, "burst_bytes": 50000, "queue_bytes": 200000},
             "rx": {"rate_bps": 2e9}, "reservation_bps": 3e9, "weight": 2}},
    {"name": "vm2", "mac": "00:1d:d8:00:00:02", "qos": {"reservation_bps": 5e9}},
    {"name": "vm3", "mac": "00:1d:d8:00:00:03"}
  ],
  "qos": {"link_bps": 10e9, "share_interval": 0.02,
          "groups": [{"name": "a-tenant", "direction": "outbound", "ports": ["vm1", "vm2"],
                      "cap": {"rate_bps": 6e9}},
                     {"name": "b-in", "direction": "inbound", "ports": ["vm3"],
                      "cap": {"rate_bps": 1e9, "burst_bytes": 3000}}]}
})";

Json
Saved(const Json& policy)
{
    return WritePolicy(Switch(ReadPolicy(policy)).ToSpec());
}

TEST(QosJson, APolicyWithQosRoundTripsThroughTheSwitch)
{
    const Json original = ParseJsonText(QOS_POLICY, "policy.json");
    const PolicySpec spec = ReadPolicy(original);
    EXPECT_EQ(ReadPolicy(WritePolicy(spec)).qos, spec.qos);
    const Json saved = Saved(original);
    EXPECT_EQ(Saved(saved), saved);
    const PolicySpec back = ReadPolicy(saved);
    EXPECT_EQ(back.qos, spec.qos) << saved.dump();
    ASSERT_EQ(back.ports.size(), 3u);
    for (size_t i = 0; i < 3; ++i)
    {
        EXPECT_EQ(back.ports[i].qos, spec.ports[i].qos) << back.ports[i].name;
    }
    EXPECT_EQ(saved["ports"][0]["qos"]["rx"]["burst_bytes"], 250'000) << "1 ms of 2 Gbps";
    EXPECT_EQ(saved["ports"][1]["qos"]["reservation_bps"], 5e9);
    EXPECT_FALSE(saved["ports"][2].contains("qos"));
    EXPECT_EQ(saved["qos"]["groups"][1]["cap"]["burst_bytes"], 3000);
    // The switch shapes what the policy says: the uplink shared, the reservations kept.
    Switch vswitch(spec);
    EXPECT_GE(vswitch.GetQos().GetShareRate("vm2"), 5e9);
    EXPECT_EQ(vswitch.GetQos().ToSpec(), spec.qos);
}

TEST(QosJson, APolicyWithoutQosWritesAsBefore)
{
    const char* policy =
        R"({"version":1,"ports":[{"name":"vm","mac":"00:1d:d8:00:00:01","layers":[{"name":"acl",)"
        R"("priority":10,"default":{"outbound":"allow","inbound":"block"},"groups":[]}],)"
        R"("resources":{}}]})";
    // The canonical form has not changed: the same bytes, no "qos" anywhere.
    const std::string saved = Saved(ParseJsonText(policy, "policy.json")).dump();
    EXPECT_EQ(saved, policy);
    EXPECT_EQ(saved.find("qos"), std::string::npos);
    // Nor when qos is there with nothing but its defaults.
    EXPECT_EQ(
        Saved(
            ParseJsonText(
                R"({"version":1,"ports":[{"name":"vm","mac":"00:1d:d8:00:00:01","layers":[{"name":"acl",)"
                R"("priority":10,"default":{"outbound":"allow"}}]}],"qos":{"link_bps":0}})",
                "policy.json"))
            .dump(),
        policy);
}

std::string
LoadError(const std::string& text)
{
    try
    {
        Switch vswitch(ReadPolicy(ParseJsonText(text, "policy.json")));
    }
    catch (const PolicyError& error)
    {
        return error.what();
    }
    return "";
}

/// Two ports, vm (with @p portQos, unless empty) and vm2, and the switch's @p switchQos.
std::string
Policy(const std::string& portQos, const std::string& switchQos = "")
{
    return R"({"version":1,"ports":[{"name":"vm","mac":"00:00:00:00:00:01")" +
           (portQos.empty() ? "" : R"(,"qos":)" + portQos) +
           R"(},{"name":"vm2","mac":"00:00:00:00:00:02"}])" +
           (switchQos.empty() ? "" : R"(,"qos":)" + switchQos) + "}";
}

/// A switch qos with one group of @p fields.
std::string
Group(const std::string& fields)
{
    return R"({"groups":[{)" + fields + "}]}";
}

struct BadQos
{
    const char* what;
    std::string policy;
    const char* expected;
};

TEST(QosJson, BadQosIsRefusedWithWhereAndWhat)
{
    const std::string cap = R"("cap":{"rate_bps":1e9})";
    const std::vector<BadQos> cases = {
        {"rate 0",
         Policy(R"({"tx":{"rate_bps":0}})"),
         "ports[0].qos.tx: rate_bps 0 must be above zero"},
        {"rate -1",
         Policy(R"({"tx":{"rate_bps":-1}})"),
         "ports[0].qos.tx: rate_bps -1 must be above zero"},
        {"rate too large for a default burst (a fuzz finding: 1e29 overflowed it)",
         Policy(R"({"rx":{"rate_bps":1e29}})"),
         "ports[0].qos.rx: rate_bps 1e+29 must be above zero and at most"},
        {"rate missing",
         Policy(R"({"rx":{"burst_bytes":3000}})"),
         R"(ports[0].qos.rx: the required field "rate_bps" is missing)"},
        {"rate not a number",
         Policy(R"({"tx":{"rate_bps":"fast"}})"),
         R"(ports[0].qos.tx.rate_bps: expected a number, got "fast")"},
        {"burst below a frame",
         Policy(R"({"tx":{"rate_bps":1e9,"burst_bytes":1000}})"),
         "ports[0].qos.tx: burst_bytes 1000 is below one frame (1514 bytes)"},
        {"queue below a frame",
         Policy(R"({"tx":{"rate_bps":1e9,"queue_bytes":100}})"),
         "ports[0].qos.tx: queue_bytes 100 is below one frame (1514 bytes)"},
        {"burst not whole",
         Policy(R"({"tx":{"rate_bps":1e9,"burst_bytes":2000.5}})"),
         "ports[0].qos.tx.burst_bytes: expected a whole number"},
        {"unknown qos key",
         Policy(R"({"weight":1,"priority":3})"),
         "ports[0].qos.priority: unknown field; expected one of: "},
        {"unknown tx key",
         Policy(R"({"tx":{"rate_bps":1e9,"burst":3000}})"),
         "ports[0].qos.tx.burst: unknown field; expected one of: "},
        {"qos not an object", Policy("[]"), "ports[0].qos: expected an object"},
        {"reservation above own cap",
         Policy(R"({"tx":{"rate_bps":1e9},"reservation_bps":2e9})", R"({"link_bps":1e10})"),
         "ports[0].qos: reservation_bps 2000000000 is above the port's own tx cap 1000000000"},
        {"negative reservation",
         Policy(R"({"reservation_bps":-1})", R"({"link_bps":1e10})"),
         "ports[0].qos: reservation_bps -1 must be finite and not negative"},
        {"weight 0", Policy(R"({"weight":0})"), "ports[0].qos: weight 0 must be above zero"},
        {"unknown switch qos key",
         Policy("", R"({"link":1e9})"),
         "qos.link: unknown field; expected one of: "},
        {"groups not an array",
         Policy("", R"({"groups":{}})"),
         "qos.groups: expected an array of groups"},
        {"unknown group key",
         Policy("", Group(R"("name":"g","direction":"outbound","ports":["vm"],"colour":1,)" + cap)),
         "qos.groups[0].colour: unknown field; expected one of: "},
        {"group with an unknown port",
         Policy("", Group(R"("name":"g","direction":"outbound","ports":["vm","vm9"],)" + cap)),
         R"(qos.groups[0].ports[1]: no port "vm9" in this policy)"},
        {"group direction",
         Policy("", Group(R"("name":"g","direction":"up","ports":["vm"],)" + cap)),
         R"(qos.groups[0].direction: expected "outbound" or "inbound", got "up")"},
        {"group without ports",
         Policy("", Group(R"("name":"g","direction":"inbound","ports":[],)" + cap)),
         "qos.groups[0].ports: expected a non-empty array of port names"},
        {"group without cap",
         Policy("", Group(R"("name":"g","direction":"inbound","ports":["vm"])")),
         R"(qos.groups[0]: the required field "cap" is missing)"},
        {"group cap rate 0",
         Policy("",
                Group(R"("name":"g","direction":"inbound","ports":["vm"],"cap":{"rate_bps":0})")),
         "qos.groups[0].cap: rate_bps 0 must be above zero"},
        {"duplicate group",
         Policy("",
                R"({"groups":[{"name":"g","direction":"outbound","ports":["vm"],)" + cap +
                    R"(},{"name":"g","direction":"inbound","ports":["vm2"],)" + cap + "}]}"),
         R"(qos.groups[1].name: group "g" is defined twice)"},
        // What needs the whole switch: refused by the Switch, naming the port or group.
        {"reservations above the link",
         R"({"version":1,"ports":[{"name":"vm","mac":"00:00:00:00:00:01","qos":{"reservation_bps":6e8}},)"
         R"({"name":"vm2","mac":"00:00:00:00:00:02","qos":{"reservation_bps":6e8}}],"qos":{"link_bps":1e9}})",
         "port 'vm2' qos: reservations add up to 1200000000 bps, above the link's 1000000000 bps"},
        {"reservation without a link",
         Policy(R"({"reservation_bps":1e9})"),
         "port 'vm' qos: a reservation needs the switch's qos.link_bps"},
        {"negative link",
         Policy("", R"({"link_bps":-1})"),
         "qos.link_bps: expected a rate in bits per second, 0 or above"},
        {"share interval 0",
         Policy("", R"({"share_interval":0})"),
         "qos.share_interval: expected seconds above zero"},
        {"port twice in a group",
         Policy("", Group(R"("name":"g","direction":"outbound","ports":["vm","vm"],)" + cap)),
         "qos group 'g': port 'vm' is listed twice"},
        {"port in two groups one way",
         Policy("",
                R"({"groups":[{"name":"g","direction":"outbound","ports":["vm"],)" + cap +
                    R"(},{"name":"h","direction":"outbound","ports":["vm2","vm"],)" + cap + "}]}"),
         "qos group 'h': port 'vm' is already in group 'g' outbound"},
    };
    for (const BadQos& bad : cases)
    {
        const std::string error = LoadError(bad.policy);
        EXPECT_NE(error.find(bad.expected), std::string::npos)
            << bad.what << "\n  error:    " << error << "\n  expected: " << bad.expected;
    }
}

TEST(QosJson, TheReaderLeavesTheLinkCheckToTheSwitch)
{
    const Json policy = ParseJsonText(
        R"({"version":1,"ports":[{"name":"vm","mac":"00:00:00:00:00:01","qos":{"reservation_bps":2e9}}],)"
        R"("qos":{"link_bps":1e9}})",
        "policy.json");
    const PolicySpec spec = ReadPolicy(policy); // each field is fine on its own
    EXPECT_THROW(Switch{spec}, PolicyError);
}

} // namespace
} // namespace vfp
