#include "test-support.h"

#include <gtest/gtest.h>

namespace vfp::test
{

Condition
Cond(const std::string& type, std::initializer_list<std::string> values, HeaderSelector header)
{
    Condition condition;
    condition.type = *ParseConditionType(type);
    condition.header = header;
    for (const std::string& text : values)
    {
        std::string error;
        auto value = ParseConditionValue(condition.type, text, error);
        EXPECT_TRUE(value) << error;
        condition.values.push_back(*value);
    }
    return condition;
}

RuleSpec
MakeRule(const std::string& id,
         int32_t priority,
         std::vector<Condition> conditions,
         ActionSpec action)
{
    RuleSpec rule;
    rule.id = id;
    rule.priority = priority;
    rule.conditions = std::move(conditions);
    rule.action = std::move(action);
    return rule;
}

RuleSpec
Stateful(RuleSpec rule, double ttl)
{
    rule.stateful = true;
    rule.ttl = ttl;
    return rule;
}

RuleSpec
Terminating(RuleSpec rule)
{
    rule.terminating = true;
    return rule;
}

ActionSpec
Allow()
{
    return ActionSpec{};
}

ActionSpec
Block()
{
    ActionSpec action;
    action.type = ActionType::Block;
    return action;
}

ActionSpec
NatDst(const std::string& ip, std::optional<uint16_t> port)
{
    ActionSpec action;
    action.type = ActionType::Nat;
    action.dstIp = Ip(ip);
    action.dstPort = port;
    return action;
}

ActionSpec
NatSrc(const std::string& ip, std::optional<uint16_t> port)
{
    ActionSpec action;
    action.type = ActionType::Nat;
    action.srcIp = Ip(ip);
    action.srcPort = port;
    return action;
}

ActionSpec
Snat(const std::string& rangeList)
{
    ActionSpec action;
    action.type = ActionType::Nat;
    action.snat = rangeList;
    return action;
}

ActionSpec
EncapVxlan(uint32_t vni, const std::string& srcIp, const std::string& dstIpOrMapping, bool mapping)
{
    ActionSpec action;
    action.type = ActionType::Encap;
    action.format = TunnelType::Vxlan;
    action.key = vni;
    action.srcIp = Ip(srcIp);
    if (mapping)
    {
        action.mapping = dstIpOrMapping;
    }
    else
    {
        action.dstIp = Ip(dstIpOrMapping);
    }
    return action;
}

ActionSpec
Decap()
{
    ActionSpec action;
    action.type = ActionType::Decap;
    return action;
}

ActionSpec
Meter(const std::string& name)
{
    ActionSpec action;
    action.type = ActionType::Meter;
    action.meter = name;
    return action;
}

GroupSpec
MakeGroup(const std::string& name,
          Direction direction,
          int32_t priority,
          std::vector<RuleSpec> rules,
          std::vector<Condition> conditions)
{
    GroupSpec group;
    group.name = name;
    group.direction = direction;
    group.priority = priority;
    group.rules = std::move(rules);
    group.conditions = std::move(conditions);
    return group;
}

LayerSpec
MakeLayer(const std::string& name,
          int32_t priority,
          DefaultAction outbound,
          DefaultAction inbound,
          std::vector<GroupSpec> groups)
{
    LayerSpec layer;
    layer.name = name;
    layer.priority = priority;
    layer.defaults = {outbound, inbound};
    layer.groups = std::move(groups);
    return layer;
}

PortSpec
MakePort(std::vector<LayerSpec> layers, std::vector<ResourceSpec> resources)
{
    PortSpec port;
    port.name = "vm";
    port.mac = Mac(VM_MAC);
    port.layers = std::move(layers);
    port.resources = std::move(resources);
    return port;
}

ResourceSpec
MakeMapping(const std::string& name, std::map<std::string, std::string> entries, MissPolicy onMiss)
{
    ResourceSpec resource;
    resource.name = name;
    resource.type = ResourceType::Mapping;
    resource.onMiss = onMiss;
    for (const auto& [ca, pa] : entries)
    {
        resource.mappings[Ip(ca)] = Ip(pa);
    }
    return resource;
}

ResourceSpec
MakeRangeList(const std::string& name,
              const std::string& ip,
              std::vector<PortRange> ranges,
              MissPolicy onExhausted)
{
    ResourceSpec resource;
    resource.name = name;
    resource.type = ResourceType::RangeList;
    resource.onMiss = onExhausted;
    resource.address = Ip(ip);
    resource.ranges = std::move(ranges);
    return resource;
}

HeaderStack
VmTcp(const std::string& dst, uint16_t srcPort, uint16_t dstPort, const std::string& flags)
{
    return Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", dst).Tcp(srcPort, dstPort, flags);
}

HeaderStack
ReplyTcp(const std::string& src, uint16_t srcPort, uint16_t dstPort, const std::string& flags)
{
    return Packet().Eth(GW_MAC, VM_MAC).Ipv4(src, "10.0.0.1").Tcp(srcPort, dstPort, flags);
}

} // namespace vfp::test
