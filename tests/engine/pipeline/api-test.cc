/*
 * The programming API (VFPAPI): every change bumps the port's generation, a refused
 * change names what is wrong and changes nothing, and counters add up.
 */
#include "../test-support.h"
#include "engine/format/policy-json.h"

#include <functional>
#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace test;

Port
BasePort()
{
    return Port(MakePort(
        {MakeLayer("acl",
                   10,
                   DefaultAction::Allow,
                   DefaultAction::Allow,
                   {MakeGroup("g", Direction::Outbound, 0, {MakeRule("r1", 0, {}, Allow())})})},
        {MakeMapping("map", {{"10.0.0.2", "192.168.0.2"}}),
         MakeRangeList("ports", "203.0.113.10", {{1024, 1100}})}));
}

struct ApiCall
{
    std::string name;
    std::function<void(Port&)> call;
};

std::vector<ApiCall>
EveryApiChange()
{
    return {
        {"CreateLayer",
         [](Port& p)
         { p.CreateLayer(MakeLayer("new", 5, DefaultAction::Allow, DefaultAction::Allow, {})); }},
        {"DeleteLayer", [](Port& p) { p.DeleteLayer("acl"); }},
        {"CreateGroup",
         [](Port& p) { p.CreateGroup("acl", MakeGroup("g2", Direction::Inbound, 0, {})); }},
        {"DeleteGroup", [](Port& p) { p.DeleteGroup("acl", "g", false); }},
        {"AddRule", [](Port& p) { p.AddRule("acl", "g", MakeRule("r2", 0, {}, Block())); }},
        {"RemoveRule", [](Port& p) { p.RemoveRule("acl", "g", "r1", false); }},
        {"ReplaceGroup",
         [](Port& p) { p.ReplaceGroup("acl", MakeGroup("g", Direction::Outbound, 0, {}), false); }},
        {"CreateResource", [](Port& p) { p.CreateResource(MakeMapping("map2", {})); }},
        {"DeleteResource", [](Port& p) { p.DeleteResource("map"); }},
        {"SetMapping", [](Port& p) { p.SetMapping("map", Ip("10.0.0.3"), Ip("192.168.0.3")); }},
        {"RemoveMapping", [](Port& p) { p.RemoveMapping("map", Ip("10.0.0.2")); }},
        {"AddPortRange",
         [](Port& p) {
             p.AddPortRange("ports", {2000, 2100});
         }},
        {"RemovePortRange",
         [](Port& p) {
             p.RemovePortRange("ports", {1024, 1100});
         }},
    };
}

TEST(Generation, EveryPolicyChangeIncrementsIt)
{
    for (const ApiCall& change : EveryApiChange())
    {
        Port port = BasePort();
        const uint64_t before = port.GetGeneration();
        change.call(port);
        EXPECT_EQ(port.GetGeneration(), before + 1) << change.name;
    }
}

TEST(Generation, PacketsDoNotChangeIt)
{
    Port port = BasePort();
    const uint64_t before = port.GetGeneration();
    port.Process(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    port.Simulate(Direction::Outbound, VmTcp("10.0.0.2"), 0);
    port.ExpireFlows(1000);
    EXPECT_EQ(port.GetGeneration(), before);
}

/// A refused change throws a PolicyError whose message contains @p expected, and leaves
/// the policy and generation as they were.
void
ExpectRefused(const std::function<void(Port&)>& call, const std::string& expected)
{
    Port port = BasePort();
    const uint64_t generation = port.GetGeneration();
    const std::string before = [&port]
    {
        PortSpec spec = port.ToSpec();
        return std::to_string(spec.layers.size()) + "/" +
               std::to_string(spec.layers[0].groups.size()) + "/" +
               std::to_string(spec.layers[0].groups[0].rules.size()) + "/" +
               std::to_string(spec.resources.size());
    }();
    try
    {
        call(port);
        ADD_FAILURE() << "expected a PolicyError containing: " << expected;
    }
    catch (const PolicyError& error)
    {
        EXPECT_NE(std::string(error.what()).find(expected), std::string::npos)
            << "message: " << error.what() << "\nexpected to contain: " << expected;
    }
    EXPECT_EQ(port.GetGeneration(), generation);
    PortSpec spec = port.ToSpec();
    EXPECT_EQ(std::to_string(spec.layers.size()) + "/" +
                  std::to_string(spec.layers[0].groups.size()) + "/" +
                  std::to_string(spec.layers[0].groups[0].rules.size()) + "/" +
                  std::to_string(spec.resources.size()),
              before);
}

TEST(Validation, RefusedChangesNameTheProblemAndChangeNothing)
{
    ExpectRefused(
        [](Port& p)
        { p.CreateLayer(MakeLayer("acl", 1, DefaultAction::Allow, DefaultAction::Allow, {})); },
        "layer 'acl' already exists");
    ExpectRefused([](Port& p) { p.DeleteLayer("nope"); }, "no layer 'nope'");
    ExpectRefused([](Port& p) { p.CreateGroup("acl", MakeGroup("g", Direction::Outbound, 0, {})); },
                  "already has a group of that name");
    ExpectRefused([](Port& p) { p.AddRule("acl", "g", MakeRule("r1", 0, {}, Allow())); },
                  "rule ids must be unique within a layer");
    ExpectRefused([](Port& p) { p.AddRule("acl", "nope", MakeRule("r9", 0, {}, Allow())); },
                  "no such group");
    ExpectRefused([](Port& p) { p.RemoveRule("acl", "g", "nope", false); },
                  "no rule 'nope' to remove");
    ExpectRefused(
        [](Port& p) {
            p.AddRule(
                "acl", "g", MakeRule("r9", 0, {}, EncapVxlan(1, "192.168.0.1", "missing", true)));
        },
        "references mapping resource 'missing', which does not exist");
    ExpectRefused(
        [](Port& p) {
            p.AddRule(
                "acl", "g", MakeRule("r9", 0, {}, EncapVxlan(1, "192.168.0.1", "ports", true)));
        },
        "which is a range_list");
    ExpectRefused([](Port& p)
                  { p.AddRule("acl", "g", Stateful(MakeRule("r9", 0, {}, Snat("map")))); },
                  "which is a mapping");
    ExpectRefused([](Port& p) { p.AddRule("acl", "g", MakeRule("r9", 0, {}, Snat("ports"))); },
                  "must be stateful");
    ExpectRefused(
        [](Port& p)
        {
            p.AddRule("acl",
                      "g",
                      MakeRule("r9", 0, {}, EncapVxlan(1 << 24, "192.168.0.1", "192.168.0.2")));
        },
        "exceeds 24 bits");
    ExpectRefused([](Port& p) { p.AddRule("acl", "g", MakeRule("r9", 0, {}, Meter(""))); },
                  "meter (the counter's name) is required");
    ExpectRefused(
        [](Port& p)
        {
            ActionSpec nat;
            nat.type = ActionType::Nat;
            p.AddRule("acl", "g", MakeRule("r9", 0, {}, nat));
        },
        "give at least one of");
    ExpectRefused([](Port& p) { p.AddRule("acl", "g", MakeRule("", 0, {}, Allow())); },
                  "a rule needs an id");
    ExpectRefused(
        [](Port& p)
        {
            Condition empty;
            empty.type = ConditionType::DstIp;
            p.AddRule("acl", "g", MakeRule("r9", 0, {empty}, Allow()));
        },
        "has no values");
    ExpectRefused(
        [](Port& p)
        {
            // A transactional replace that fails half-way leaves the old group in place.
            p.ReplaceGroup("acl",
                           MakeGroup("g",
                                     Direction::Outbound,
                                     0,
                                     {MakeRule("ok", 0, {}, Allow()),
                                      Stateful(MakeRule("bad", 0, {}, Snat("missing")))}),
                           false);
        },
        "'missing'");
    ExpectRefused([](Port& p) { p.DeleteResource("nope"); }, "no resource 'nope'");
    ExpectRefused([](Port& p) { p.CreateResource(MakeMapping("map", {})); }, "already exists");
    ExpectRefused([](Port& p) { p.RemoveMapping("map", Ip("10.9.9.9")); },
                  "no mapping for 10.9.9.9");
    ExpectRefused([](Port& p) { p.AddPortRange("ports", {1100, 1200}); }, "overlaps");
    ExpectRefused([](Port& p) { p.RemovePortRange("ports", {1, 2}); }, "no port range 1-2");
    ExpectRefused([](Port& p) { p.SetMapping("ports", 1, 2); }, "which is a range_list");
}

TEST(Validation, LpmGroupsTakePrefixesOnTheirConditionType)
{
    Port port = BasePort();
    GroupSpec lpm = MakeGroup("routes",
                              Direction::Outbound,
                              0,
                              {MakeRule("r", 0, {Cond("dst_ip", {"10.0.0.1-10.0.0.9"})}, Allow())});
    lpm.type = GroupType::Lpm;
    EXPECT_THROW(port.CreateGroup("acl", lpm), PolicyError);
    lpm.rules[0].conditions = {Cond("dst_ip", {"10.0.0.0/8"}), Cond("dst_ip", {"10.1.0.0/16"})};
    EXPECT_THROW(port.CreateGroup("acl", lpm), PolicyError);
    lpm.rules[0].conditions = {Cond("dst_ip", {"10.0.0.0/8"})};
    lpm.lpmOn = ConditionType::DstPort;
    EXPECT_THROW(port.CreateGroup("acl", lpm), PolicyError);
    lpm.lpmOn = ConditionType::DstIp;
    EXPECT_NO_THROW(port.CreateGroup("acl", lpm));
}

TEST(Validation, AResourceInUseCannotBeDeleted)
{
    Port port(MakePort(
        {MakeLayer(
            "slb",
            0,
            DefaultAction::Allow,
            DefaultAction::Allow,
            {MakeGroup(
                "g", Direction::Outbound, 0, {Stateful(MakeRule("snat", 0, {}, Snat("ports")))})})},
        {MakeRangeList("ports", "203.0.113.10", {{1024, 1100}})}));
    EXPECT_THROW(port.DeleteResource("ports"), PolicyError);
    port.Process(Direction::Outbound, VmTcp("198.51.100.1"), 0);
    port.RemoveRule("slb", "g", "snat", false);
    // The rule is gone but its connection still holds a port of the list.
    EXPECT_THROW(port.DeleteResource("ports"), PolicyError);
    port.ExpireFlows(1e6);
    EXPECT_NO_THROW(port.DeleteResource("ports"));
}

TEST(Readback, AProgrammedLayerReadsBackAsItsSpecInEngineOrder)
{
    const LayerSpec spec =
        MakeLayer("acl",
                  10,
                  DefaultAction::Allow,
                  DefaultAction::Block,
                  {MakeGroup("late", Direction::Outbound, 20, {MakeRule("b", 5, {}, Block())}),
                   MakeGroup("early",
                             Direction::Outbound,
                             10,
                             {MakeRule("z", 9, {}, Allow()),
                              MakeRule("a", 1, {}, Block()),
                              MakeRule("tie", 9, {}, Block())})});
    Port port(MakePort({spec}, {}));
    const Json programmed = WriteLayer(port.FindLayer("acl")->ToSpec());
    EXPECT_NE(programmed, WriteLayer(spec)) << "the spec's own order is not the engine's";
    EXPECT_EQ(programmed, WriteLayer(Layer::InEngineOrder(spec)));
    const LayerSpec ordered = Layer::InEngineOrder(spec);
    EXPECT_EQ(ordered.groups[0].name, "early");
    EXPECT_EQ(ordered.groups[0].rules[1].id, "z") << "equal priorities keep the spec's order";
}

TEST(Counters, PortLayerAndRuleCountersAddUp)
{
    // With the unified flow table off, so that every packet meets the layer (a fast-path
    // hit visits no layer: unified-flow-test.cc).
    PortConfig slowPathOnly;
    slowPathOnly.uftEnabled = false;
    Port port(MakePort({MakeLayer(
                  "acl",
                  0,
                  DefaultAction::Block,
                  DefaultAction::Block,
                  {MakeGroup("out",
                             Direction::Outbound,
                             0,
                             {Stateful(MakeRule("web", 0, {Cond("dst_port", {"80"})}, Allow())),
                              MakeRule("no-ssh", 0, {Cond("dst_port", {"22"})}, Block())})})}),
              slowPathOnly);
    HeaderStack web = VmTcp("10.0.0.2", 40000, 80);
    port.Process(Direction::Outbound, web, 0);                          // rule, flow created
    port.Process(Direction::Outbound, web, 1);                          // flow hit
    port.Process(Direction::Inbound, ReplyTcp("10.0.0.2"), 1);          // flow hit (reply)
    port.Process(Direction::Outbound, VmTcp("10.0.0.2", 40001, 22), 2); // rule block
    port.Process(Direction::Outbound, VmTcp("10.0.0.2", 40002, 25), 2); // default block
    port.Process(Direction::Inbound, ReplyTcp("10.0.0.3"), 3);          // default block

    const PortCounters& counters = port.GetCounters();
    EXPECT_EQ(counters.received[0].packets, 4u);
    EXPECT_EQ(counters.received[0].bytes, 4u * web.SizeBytes());
    EXPECT_EQ(counters.allowed[0].packets, 2u);
    EXPECT_EQ(counters.received[1].packets, 2u);
    EXPECT_EQ(counters.allowed[1].packets, 1u);
    EXPECT_EQ(counters.drops[0][static_cast<size_t>(DropReason::RuleBlock)], 1u);
    EXPECT_EQ(counters.drops[0][static_cast<size_t>(DropReason::DefaultBlock)], 1u);
    EXPECT_EQ(counters.drops[1][static_cast<size_t>(DropReason::DefaultBlock)], 1u);

    const LayerCounters& layer = port.FindLayer("acl")->GetCounters();
    EXPECT_EQ(layer.packets[0], 4u);
    EXPECT_EQ(layer.flowHits[0], 1u);
    EXPECT_EQ(layer.flowHits[1], 1u);
    EXPECT_EQ(layer.ruleMatches[0], 2u);
    EXPECT_EQ(layer.defaultHits[0], 1u);
    EXPECT_EQ(layer.defaultHits[1], 1u);
    EXPECT_EQ(layer.drops[0], 2u);
    EXPECT_EQ(layer.drops[1], 1u);
    EXPECT_EQ(layer.flowsCreated, 1u);

    const auto& rules = port.FindLayer("acl")->GetGroups()[0]->GetRules();
    for (const auto& rule : rules)
    {
        EXPECT_EQ(rule->counter.packets, 1u) << rule->spec.id;
        EXPECT_EQ(rule->counter.bytes, web.SizeBytes()) << rule->spec.id;
    }
}

TEST(SwitchForwarding, ByOuterMacThenInnerMacElseUplink)
{
    PolicySpec policy;
    policy.ports = {MakePort({}), MakePort({})};
    policy.ports[1].name = "vm2";
    policy.ports[1].mac = Mac("00:1d:d8:00:00:02");
    Switch vswitch(policy);
    EXPECT_EQ(
        vswitch
            .Forward(Packet().Eth(GW_MAC, "00:1d:d8:00:00:02").Ipv4("1.1.1.1", "2.2.2.2").Tcp(1, 2))
            ->GetName(),
        "vm2");
    HeaderStack tunnelled = Packet()
                                .Eth("00:00:00:ff:00:01", "00:00:00:aa:00:01")
                                .Ipv4("192.168.0.2", "192.168.0.1")
                                .Udp(50000, VXLAN_UDP_PORT)
                                .Vxlan(5)
                                .Eth(GW_MAC, VM_MAC)
                                .Ipv4("10.0.0.2", "10.0.0.1")
                                .Tcp(1, 2);
    EXPECT_EQ(vswitch.Forward(tunnelled)->GetName(), "vm");
    EXPECT_EQ(vswitch.Forward(VmTcp("10.0.0.2")), nullptr);

    PortSpec clash = MakePort({});
    clash.name = "vm3";
    EXPECT_THROW(vswitch.AddPort(clash), PolicyError);
    EXPECT_THROW(vswitch.AddPort(policy.ports[1]), PolicyError);
}

} // namespace
} // namespace vfp
