/*
 * The JSON policy format: save(load(x)) loads to an equal policy, and behaves the same;
 * bad input is refused with a message that names where and what was expected.
 */
#include "engine/diagnostics/trace-runner.h"
#include "engine/format/policy-json.h"

#include <fstream>
#include <gtest/gtest.h>

namespace vfp
{
namespace
{

/// A policy that uses every object, condition kind and action the format has.
const char* FULL_POLICY = R"({
  "version": 1,
  "ports": [{
    "name": "vm1", "mac": "00:1d:d8:00:00:01",
    "layers": [
      {"name": "metering", "priority": 10, "default": {"outbound": "allow", "inbound": "allow"},
       "groups": [{"name": "m", "direction": "outbound", "priority": 0, "rules": [
         {"id": "meter", "action": {"type": "meter", "counter": "all"}}]}]},
      {"name": "acl", "priority": 20, "default": {"outbound": "block"},
       "groups": [
         {"name": "infra", "direction": "outbound", "priority": 1,
          "conditions": [{"type": "ether_type", "values": ["0x0800"]}],
          "rules": [{"id": "no-md", "priority": 1, "terminating": true,
                     "conditions": [{"type": "dst_ip", "values": ["169.254.169.254"]}], "action": {"type": "block"}}]},
         {"name": "customer", "direction": "outbound", "priority": 2, "rules": [
           {"id": "web", "priority": 5, "stateful": true, "ttl": 30,
            "conditions": [{"type": "protocol", "values": [6]},
                           {"type": "dst_port", "values": [80, "443", "8000-8080"]},
                           {"type": "src_mac", "values": ["00:1d:d8:00:00:00/24"]},
                           {"type": "tcp_flags", "values": ["S/SA", "A"]},
                           {"type": "src_port", "values": ["1024-65535"]}],
            "action": {"type": "allow"}}]},
         {"name": "in", "direction": "inbound", "priority": 3, "rules": [
           {"id": "vnet-in", "conditions": [{"type": "tunnel_key", "values": [5001]},
                                             {"type": "dst_mac", "values": ["00:1d:d8:00:00:01"]},
                                             {"type": "src_ip", "header": "inner", "values": ["10.0.0.0/8", "10.1.1.1-10.1.1.9"]}],
            "action": {"type": "allow"}}]}]},
      {"name": "slb", "priority": 30, "default": {"outbound": "allow", "inbound": "allow"},
       "groups": [
         {"name": "vip", "direction": "inbound", "priority": 0, "rules": [
           {"id": "vip", "stateful": true, "conditions": [{"type": "dst_ip", "values": ["203.0.113.10"]}],
            "action": {"type": "nat", "dst_ip": "10.1.0.1", "dst_port": 8080}},
           {"id": "inner-nat", "action": {"type": "nat", "header": "innermost", "src_ip": "10.1.0.9", "src_port": 9}}]},
         {"name": "snat", "direction": "outbound", "priority": 0, "rules": [
           {"id": "snat", "stateful": true, "ttl": 60, "action": {"type": "nat", "snat": "ports"}}]}]},
      {"name": "vnet", "priority": 40, "default": {"outbound": "allow", "inbound": "allow"},
       "groups": [
         {"name": "routes", "direction": "outbound", "priority": 0, "type": "lpm", "lpm_on": "dst_ip", "rules": [
           {"id": "vxlan", "conditions": [{"type": "dst_ip", "values": ["10.1.0.0/16"]}],
            "action": {"type": "encap", "format": "vxlan", "key": 5001, "src_ip": "192.168.0.1", "mapping": "vnet",
                       "src_mac": "00:1d:d8:aa:00:01", "dst_mac": "00:1d:d8:ff:00:01"}},
           {"id": "nvgre", "conditions": [{"type": "dst_ip", "values": ["10.2.0.0/16"]}],
            "action": {"type": "encap", "format": "nvgre", "key": 77, "src_ip": "192.168.0.1", "dst_ip": "192.168.0.77"}},
           {"id": "ipip", "conditions": [{"type": "dst_ip", "values": ["10.3.0.0/16"]}],
            "action": {"type": "encap", "format": "ipip", "src_ip": "192.168.0.1", "dst_ip": "192.168.0.3"}},
           {"id": "custom", "conditions": [{"type": "dst_ip", "values": ["10.4.0.0/16"]}],
            "action": {"type": "transposition", "groups": [
              {"op": "push", "headers": [{"eth": {"src": "00:00:00:00:00:01", "dst": "00:00:00:00:00:02"}},
                                         {"ipv4": {"src": "192.168.0.1", "dst": "192.168.0.4", "proto": 4}}]},
              {"op": "modify", "strip_eth": true, "dst_port": 99}]}}]},
         {"name": "decap", "direction": "inbound", "priority": 0, "rules": [
           {"id": "decap", "conditions": [{"type": "protocol", "values": [4, 17, 47]}], "action": {"type": "decap"}}]}]}],
    "resources": {"ports": {"type": "range_list", "ip": "203.0.113.10", "ranges": ["1024-2047", 4000], "on_exhausted": "hold"}}
  }, {
    "name": "vm2", "mac": "00:1d:d8:00:00:02"
  }],
  "resources": {"vnet": {"type": "mapping", "on_miss": "hold", "ports": ["vm1"],
                         "mappings": [{"ca": "10.1.0.5", "pa": "192.168.0.5"}]}}
})";

Json
Saved(const Json& policy)
{
    return WritePolicy(Switch(ReadPolicy(policy)).ToSpec());
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

TEST(PolicyJson, SaveOfLoadLoadsToAnEqualPolicy)
{
    const Json saved = Saved(ParseJsonText(FULL_POLICY, "full"));
    EXPECT_EQ(Saved(saved), saved);
    // Spot checks that nothing was lost on the way.
    const Json& vm1 = saved["ports"][0];
    EXPECT_EQ(vm1["resources"]["vnet"]["mappings"][0]["pa"], "192.168.0.5");
    EXPECT_EQ(vm1["resources"]["ports"]["ranges"], Json::array({"1024-2047", "4000-4000"}));
    EXPECT_EQ(vm1["resources"]["ports"]["on_exhausted"], "hold");
    EXPECT_FALSE(saved["ports"][1]["resources"].contains("vnet")) << "the mapping was only for vm1";
    EXPECT_EQ(vm1["layers"][1]["default"]["inbound"], "block") << "block when not given";
    const Json& web = vm1["layers"][1]["groups"][1]["rules"][0];
    EXPECT_EQ(web["ttl"], 30.0);
    EXPECT_EQ(web["conditions"][1]["values"], Json::array({"80", "443", "8000-8080"}));
    EXPECT_EQ(web["conditions"][3]["values"], Json::array({"S/SA", "A"}));
    EXPECT_EQ(vm1["layers"][1]["groups"][2]["rules"][0]["conditions"][2]["header"], "inner");
    EXPECT_EQ(vm1["layers"][3]["groups"][0]["type"], "lpm");
    EXPECT_EQ(vm1["layers"][3]["groups"][0]["rules"][3]["action"]["groups"][1]["strip_eth"], true);
}

TEST(PolicyJson, ARoundTrippedPolicyBehavesTheSame)
{
    const std::string dir = std::string(VFP_TEST_DATA_DIR) + "/policy/figure4-example/";
    std::ifstream policyFile(dir + "policy.json");
    std::stringstream policyText;
    policyText << policyFile.rdbuf();
    const Json original = ParseJsonText(policyText.str(), "policy.json");

    Switch first(ReadPolicy(original));
    Switch second(ReadPolicy(Saved(original)));
    TraceRunner firstRunner(first);
    TraceRunner secondRunner(second);
    std::ifstream events(dir + "events.jsonl");
    std::string line;
    size_t number = 0;
    size_t packets = 0;
    while (std::getline(events, line))
    {
        const Json event = ParseJsonText(line, "events.jsonl");
        auto a = firstRunner.Run(event, ++number);
        auto b = secondRunner.Run(event, number);
        EXPECT_EQ(a, b) << "event line " << number;
        packets += a.size();
    }
    EXPECT_GT(packets, 10u);
}

TEST(PolicyJson, MalformedJsonNamesTheByte)
{
    EXPECT_NE(LoadError(R"({"version": 1, "ports": [)").find("policy.json: malformed JSON at byte"),
              std::string::npos);
}

struct BadInput
{
    const char* what;
    std::string policy;
    const char* expected;
};

std::string
WithRule(const std::string& rule, const std::string& resources = "{}")
{
    return R"({"version":1,"ports":[{"name":"vm","mac":"00:00:00:00:00:01","resources":)" +
           resources +
           R"(,"layers":[{"name":"l","groups":[{"name":"g","direction":"outbound","rules":[)" +
           rule + "]}]}]}]}";
}

TEST(PolicyJson, BadInputIsRefusedWithWhereAndWhat)
{
    const std::vector<BadInput> cases = {
        {"unknown action",
         WithRule(R"({"id":"r","action":{"type":"teleport"}})"),
         R"(ports[0].layers[0].groups[0].rules[0].action.type: unknown action type "teleport")"},
        {"unknown condition",
         WithRule(
             R"({"id":"r","conditions":[{"type":"dscp","values":[1]}],"action":{"type":"allow"}})"),
         R"(rules[0].conditions[0].type: unknown condition type "dscp"; expected one of: src_mac)"},
        {"prefix over 32",
         WithRule(
             R"({"id":"r","conditions":[{"type":"dst_ip","values":["10.0.0.0/33"]}],"action":{"type":"allow"}})"),
         "conditions[0].values[0]: \"10.0.0.0/33\" is not a valid dst_ip value: prefix length 33 "
         "exceeds 32"},
        {"inverted range",
         WithRule(
             R"({"id":"r","conditions":[{"type":"dst_port","values":["90-80"]}],"action":{"type":"allow"}})"),
         "values[0]: \"90-80\" is not a valid dst_port value: the range is inverted"},
        {"inverted ip range",
         WithRule(
             R"({"id":"r","conditions":[{"type":"src_ip","values":["10.0.0.9-10.0.0.1"]}],"action":{"type":"allow"}})"),
         "the range is inverted"},
        {"missing resource",
         WithRule(
             R"({"id":"r","action":{"type":"encap","format":"vxlan","key":1,"src_ip":"1.1.1.1","mapping":"vnet"}})"),
         "port 'vm' layer 'l' group 'g' rule 'r' references mapping resource 'vnet', which does "
         "not exist"},
        {"unknown field",
         WithRule(R"({"id":"r","prority":3,"action":{"type":"allow"}})"),
         "rules[0].prority: unknown field; expected one of: id, priority"},
        {"unknown action field",
         WithRule(R"({"id":"r","action":{"type":"nat","dst_ip":"1.1.1.1","dts_port":1}})"),
         "action.dts_port: unknown field"},
        {"bad address",
         WithRule(R"({"id":"r","action":{"type":"nat","dst_ip":"10.0.0"}})"),
         R"(action.dst_ip: expected an IPv4 address like "10.0.0.1", got "10.0.0")"},
        {"missing id",
         WithRule(R"({"action":{"type":"allow"}})"),
         R"(rules[0]: the required field "id" is missing)"},
        {"bad direction",
         R"({"version":1,"ports":[{"name":"vm","mac":"00:00:00:00:00:01","layers":[{"name":"l","groups":[{"name":"g","direction":"sideways"}]}]}]})",
         R"(groups[0].direction: expected outbound or inbound, got "sideways")"},
        {"bad default",
         R"({"version":1,"ports":[{"name":"vm","mac":"00:00:00:00:00:01","layers":[{"name":"l","default":{"outbound":"maybe"}}]}]})",
         R"(layers[0].default.outbound: expected allow or block, got "maybe")"},
        {"wrong version",
         R"({"version":2,"ports":[]})",
         "version: this build reads policy format version 1, got 2"},
        {"bad mac",
         R"({"version":1,"ports":[{"name":"vm","mac":"00:00:00:00:00"}]})",
         "ports[0].mac: expected a MAC address"},
        {"duplicate port",
         R"({"version":1,"ports":[{"name":"vm","mac":"00:00:00:00:00:01"},{"name":"vm","mac":"00:00:00:00:00:02"}]})",
         R"(ports[1].name: port "vm" is defined twice)"},
        {"resource for a missing port",
         R"({"version":1,"ports":[],"resources":{"m":{"type":"mapping","ports":["vm9"]}}})",
         R"(resources.m.ports[0]: no port "vm9" in this policy)"},
        {"bad range list",
         WithRule(R"({"id":"r","action":{"type":"allow"}})",
                  R"({"p":{"type":"range_list","ip":"1.1.1.1","ranges":["9-1"]}})"),
         "resources.p.ranges[0]: \"9-1\" is not a valid"},
        {"port out of range",
         WithRule(R"({"id":"r","action":{"type":"nat","dst_port":70000}})"),
         "action.dst_port: expected a whole number from 0 to 65535, got 70000"},
        {"key over 24 bits",
         WithRule(
             R"({"id":"r","action":{"type":"encap","format":"vxlan","key":16777216,"src_ip":"1.1.1.1","dst_ip":"2.2.2.2"}})"),
         "action.key: expected a whole number from 0 to 16777215"},
        {"encap without destination",
         WithRule(
             R"({"id":"r","action":{"type":"encap","format":"vxlan","key":1,"src_ip":"1.1.1.1"}})"),
         "give exactly one of dst_ip (a fixed outer destination) or mapping"},
        {"negative ttl",
         WithRule(R"({"id":"r","stateful":true,"ttl":-1,"action":{"type":"allow"}})"),
         "rules[0].ttl: expected a positive number of seconds"},
        {"empty values",
         WithRule(
             R"({"id":"r","conditions":[{"type":"dst_ip","values":[]}],"action":{"type":"allow"}})"),
         "conditions[0].values: a condition needs at least one value"},
        {"transposition out of order",
         WithRule(
             R"({"id":"r","action":{"type":"transposition","groups":[{"op":"pop"},{"op":"push","headers":[]}]}})"),
         "action.groups[1]: push after pop or modify"},
    };
    for (const BadInput& bad : cases)
    {
        const std::string error = LoadError(bad.policy);
        EXPECT_NE(error.find(bad.expected), std::string::npos)
            << bad.what << "\n  error:    " << error << "\n  expected: " << bad.expected;
    }
}

TEST(PolicyJson, LoadPolicyFileNamesTheFile)
{
    const std::string file = testing::TempDir() + "policy-json-test-bad-policy.json";
    std::ofstream(file) << R"({"version":1,"ports":[{"name":"vm"}]})";
    try
    {
        LoadPolicyFile(file);
        FAIL() << "expected an error";
    }
    catch (const PolicyError& error)
    {
        EXPECT_EQ(std::string(error.what()),
                  file + R"(: ports[0]: the required field "mac" is missing)");
    }
    EXPECT_THROW(LoadPolicyFile(file + ".absent"), PolicyError);
}

} // namespace
} // namespace vfp
