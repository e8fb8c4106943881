#include "policy-json.h"

#include "../packet/addresses.h"
#include "qos-json.h"
#include "transposition-json.h"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace vfp
{

namespace
{

std::string
Indexed(const std::string& path, size_t index)
{
    return fmt::format("{}[{}]", path, index);
}

const Json&
RequireArray(ObjectReader& reader, const std::string& key)
{
    const Json& value = reader.Require(key);
    if (!value.is_array())
    {
        FailAt(reader.PathOf(key), fmt::format("expected a list, got {}", Describe(value)));
    }
    return value;
}

const Json*
FindArray(ObjectReader& reader, const std::string& key)
{
    const Json* value = reader.Find(key);
    if (value && !value->is_array())
    {
        FailAt(reader.PathOf(key), fmt::format("expected a list, got {}", Describe(*value)));
    }
    return value;
}

template<typename Enum>
Enum
ReadChoice(const Json& value,
           const std::string& path,
           std::initializer_list<std::pair<const char*, Enum>> choices)
{
    const std::string text = ReadString(value, path);
    std::string names;
    for (const auto& [name, choice] : choices)
    {
        if (text == name)
        {
            return choice;
        }
        names += names.empty() ? name : std::string(" or ") + name;
    }
    FailAt(path, fmt::format("expected {}, got \"{}\"", names, text));
}

DefaultAction
ReadDefault(const Json& value, const std::string& path)
{
    return ReadChoice<DefaultAction>(
        value, path, {{"allow", DefaultAction::Allow}, {"block", DefaultAction::Block}});
}

MissPolicy
ReadMissPolicy(const Json& value, const std::string& path)
{
    return ReadChoice<MissPolicy>(
        value, path, {{"drop", MissPolicy::Drop}, {"hold", MissPolicy::Hold}});
}

PortRange
ReadPortRange(const Json& value, const std::string& path)
{
    std::string error;
    auto parsed = ParseConditionValue(ConditionType::SrcPort, ReadScalarText(value, path), error);
    if (!parsed)
    {
        FailAt(path, error);
    }
    return PortRange{static_cast<uint16_t>(parsed->lo), static_cast<uint16_t>(parsed->hi)};
}

std::string
FormatPortRange(const PortRange& range)
{
    return fmt::format("{}-{}", range.lo, range.hi);
}

} // namespace

std::vector<Condition>
ReadConditions(const Json& value, const std::string& path)
{
    if (!value.is_array())
    {
        FailAt(path, fmt::format("expected a list of conditions, got {}", Describe(value)));
    }
    std::vector<Condition> conditions;
    for (size_t i = 0; i < value.size(); ++i)
    {
        ObjectReader reader(value[i], Indexed(path, i));
        Condition condition;
        const std::string typeName = ReadString(reader.Require("type"), reader.PathOf("type"));
        auto type = ParseConditionType(typeName);
        if (!type)
        {
            FailAt(reader.PathOf("type"),
                   fmt::format("unknown condition type \"{}\"; expected one of: {}",
                               typeName,
                               ConditionTypeNames()));
        }
        condition.type = *type;
        if (const Json* header = reader.Find("header"))
        {
            auto selector = ParseHeaderSelector(ReadString(*header, reader.PathOf("header")));
            if (!selector)
            {
                FailAt(
                    reader.PathOf("header"),
                    fmt::format("expected outer, inner or innermost, got {}", Describe(*header)));
            }
            condition.header = *selector;
        }
        const Json& values = RequireArray(reader, "values");
        if (values.empty())
        {
            FailAt(reader.PathOf("values"), "a condition needs at least one value");
        }
        for (size_t v = 0; v < values.size(); ++v)
        {
            const std::string valuePath = Indexed(reader.PathOf("values"), v);
            std::string error;
            auto parsed = ParseConditionValue(*type, ReadScalarText(values[v], valuePath), error);
            if (!parsed)
            {
                FailAt(valuePath, error);
            }
            condition.values.push_back(*parsed);
        }
        reader.RejectUnknown({"type", "header", "values"});
        conditions.push_back(std::move(condition));
    }
    return conditions;
}

Json
WriteConditions(const std::vector<Condition>& conditions)
{
    Json list = Json::array();
    for (const Condition& condition : conditions)
    {
        Json entry{{"type", ConditionTypeName(condition.type)}};
        if (condition.header != HeaderSelector::Outer)
        {
            entry["header"] = HeaderSelectorName(condition.header);
        }
        Json values = Json::array();
        for (const ConditionValue& value : condition.values)
        {
            values.push_back(FormatConditionValue(condition.type, value));
        }
        entry["values"] = values;
        list.push_back(entry);
    }
    return list;
}

ActionSpec
ReadAction(const Json& value, const std::string& path)
{
    ObjectReader reader(value, path);
    ActionSpec action;
    const std::string typeName = ReadString(reader.Require("type"), reader.PathOf("type"));
    auto type = ParseActionType(typeName);
    if (!type)
    {
        FailAt(reader.PathOf("type"),
               fmt::format("unknown action type \"{}\"; expected allow, block, nat, encap, decap, "
                           "meter or transposition",
                           typeName));
    }
    action.type = *type;
    auto ip = [&reader](const char* key) -> std::optional<uint32_t>
    {
        const Json* field = reader.Find(key);
        return field ? std::optional<uint32_t>(ReadIpv4(*field, reader.PathOf(key))) : std::nullopt;
    };
    auto mac = [&reader](const char* key) -> std::optional<uint64_t>
    {
        const Json* field = reader.Find(key);
        return field ? std::optional<uint64_t>(ReadMac(*field, reader.PathOf(key))) : std::nullopt;
    };
    auto port = [&reader](const char* key) -> std::optional<uint16_t>
    {
        const Json* field = reader.Find(key);
        return field ? std::optional<uint16_t>(
                           static_cast<uint16_t>(ReadUnsigned(*field, reader.PathOf(key), 0xffff)))
                     : std::nullopt;
    };
    auto text = [&reader](const char* key)
    {
        const Json* field = reader.Find(key);
        return field ? ReadString(*field, reader.PathOf(key)) : std::string();
    };
    switch (action.type)
    {
        case ActionType::Allow:
        case ActionType::Block:
        case ActionType::Decap:
            reader.RejectUnknown({"type"});
            break;
        case ActionType::Nat:
            action.srcIp = ip("src_ip");
            action.dstIp = ip("dst_ip");
            action.srcPort = port("src_port");
            action.dstPort = port("dst_port");
            action.snat = text("snat");
            if (const Json* header = reader.Find("header"))
            {
                auto selector = ParseHeaderSelector(ReadString(*header, reader.PathOf("header")));
                if (!selector)
                {
                    FailAt(reader.PathOf("header"),
                           fmt::format("expected outer, inner or innermost, got {}",
                                       Describe(*header)));
                }
                action.header = *selector;
            }
            reader.RejectUnknown(
                {"type", "src_ip", "dst_ip", "src_port", "dst_port", "snat", "header"});
            break;
        case ActionType::Encap:
            action.format = ReadChoice<TunnelType>(reader.Require("format"),
                                                   reader.PathOf("format"),
                                                   {{"vxlan", TunnelType::Vxlan},
                                                    {"nvgre", TunnelType::Nvgre},
                                                    {"ipip", TunnelType::IpInIp}});
            if (const Json* key = reader.Find("key"))
            {
                action.key =
                    static_cast<uint32_t>(ReadUnsigned(*key, reader.PathOf("key"), MAX_TUNNEL_KEY));
            }
            action.srcIp = ip("src_ip");
            action.dstIp = ip("dst_ip");
            action.mapping = text("mapping");
            action.srcMac = mac("src_mac");
            action.dstMac = mac("dst_mac");
            reader.RejectUnknown(
                {"type", "format", "key", "src_ip", "dst_ip", "mapping", "src_mac", "dst_mac"});
            break;
        case ActionType::Meter:
            action.meter = ReadString(reader.Require("counter"), reader.PathOf("counter"));
            reader.RejectUnknown({"type", "counter"});
            break;
        case ActionType::Transposition:
            action.transposition =
                ReadTranspositionGroups(reader.Require("groups"), reader.PathOf("groups"));
            reader.RejectUnknown({"type", "groups"});
            break;
    }
    return action;
}

Json
WriteAction(const ActionSpec& action)
{
    Json out{{"type", ActionTypeName(action.type)}};
    auto ip = [&out](const char* key, const std::optional<uint32_t>& value)
    {
        if (value)
        {
            out[key] = FormatIpv4(*value);
        }
    };
    switch (action.type)
    {
        case ActionType::Allow:
        case ActionType::Block:
        case ActionType::Decap:
            break;
        case ActionType::Nat:
            ip("src_ip", action.srcIp);
            ip("dst_ip", action.dstIp);
            if (action.srcPort)
            {
                out["src_port"] = *action.srcPort;
            }
            if (action.dstPort)
            {
                out["dst_port"] = *action.dstPort;
            }
            if (!action.snat.empty())
            {
                out["snat"] = action.snat;
            }
            if (action.header != HeaderSelector::Outer)
            {
                out["header"] = HeaderSelectorName(action.header);
            }
            break;
        case ActionType::Encap:
            out["format"] = action.format == TunnelType::Vxlan   ? "vxlan"
                            : action.format == TunnelType::Nvgre ? "nvgre"
                                                                 : "ipip";
            if (action.format != TunnelType::IpInIp)
            {
                out["key"] = action.key;
            }
            ip("src_ip", action.srcIp);
            ip("dst_ip", action.dstIp);
            if (!action.mapping.empty())
            {
                out["mapping"] = action.mapping;
            }
            if (action.srcMac)
            {
                out["src_mac"] = FormatMac(*action.srcMac);
            }
            if (action.dstMac)
            {
                out["dst_mac"] = FormatMac(*action.dstMac);
            }
            break;
        case ActionType::Meter:
            out["counter"] = action.meter;
            break;
        case ActionType::Transposition:
            out["groups"] = WriteTransposition(action.transposition)["groups"];
            break;
    }
    return out;
}

RuleSpec
ReadRule(const Json& value, const std::string& path)
{
    ObjectReader reader(value, path);
    RuleSpec rule;
    rule.id = ReadString(reader.Require("id"), reader.PathOf("id"));
    if (const Json* priority = reader.Find("priority"))
    {
        rule.priority = ReadInt(*priority, reader.PathOf("priority"));
    }
    if (const Json* terminating = reader.Find("terminating"))
    {
        rule.terminating = ReadBool(*terminating, reader.PathOf("terminating"));
    }
    if (const Json* stateful = reader.Find("stateful"))
    {
        rule.stateful = ReadBool(*stateful, reader.PathOf("stateful"));
    }
    if (const Json* ttl = reader.Find("ttl"))
    {
        rule.ttl = ReadNumber(*ttl, reader.PathOf("ttl"));
        if (!(rule.ttl > 0))
        {
            FailAt(reader.PathOf("ttl"),
                   fmt::format("expected a positive number of seconds, got {}", rule.ttl));
        }
    }
    if (const Json* conditions = reader.Find("conditions"))
    {
        rule.conditions = ReadConditions(*conditions, reader.PathOf("conditions"));
    }
    rule.action = ReadAction(reader.Require("action"), reader.PathOf("action"));
    reader.RejectUnknown(
        {"id", "priority", "terminating", "stateful", "ttl", "conditions", "action"});
    return rule;
}

Json
WriteRule(const RuleSpec& rule)
{
    Json out{{"id", rule.id},
             {"priority", rule.priority},
             {"terminating", rule.terminating},
             {"stateful", rule.stateful}};
    if (rule.stateful)
    {
        out["ttl"] = rule.ttl;
    }
    out["conditions"] = WriteConditions(rule.conditions);
    out["action"] = WriteAction(rule.action);
    return out;
}

GroupSpec
ReadGroup(const Json& value, const std::string& path)
{
    ObjectReader reader(value, path);
    GroupSpec group;
    group.name = ReadString(reader.Require("name"), reader.PathOf("name"));
    group.direction =
        ReadChoice<Direction>(reader.Require("direction"),
                              reader.PathOf("direction"),
                              {{"outbound", Direction::Outbound}, {"inbound", Direction::Inbound}});
    if (const Json* priority = reader.Find("priority"))
    {
        group.priority = ReadInt(*priority, reader.PathOf("priority"));
    }
    if (const Json* type = reader.Find("type"))
    {
        group.type =
            ReadChoice<GroupType>(*type,
                                  reader.PathOf("type"),
                                  {{"priority", GroupType::Priority}, {"lpm", GroupType::Lpm}});
    }
    if (const Json* lpmOn = reader.Find("lpm_on"))
    {
        const std::string name = ReadString(*lpmOn, reader.PathOf("lpm_on"));
        auto type = ParseConditionType(name);
        if (!type || group.type != GroupType::Lpm)
        {
            FailAt(reader.PathOf("lpm_on"),
                   type ? "lpm_on is only for groups of type lpm"
                        : fmt::format("unknown condition type \"{}\"", name));
        }
        group.lpmOn = *type;
    }
    if (const Json* conditions = reader.Find("conditions"))
    {
        group.conditions = ReadConditions(*conditions, reader.PathOf("conditions"));
    }
    if (const Json* rules = FindArray(reader, "rules"))
    {
        for (size_t i = 0; i < rules->size(); ++i)
        {
            group.rules.push_back(ReadRule((*rules)[i], Indexed(reader.PathOf("rules"), i)));
        }
    }
    reader.RejectUnknown(
        {"name", "direction", "priority", "type", "lpm_on", "conditions", "rules"});
    return group;
}

Json
WriteGroup(const GroupSpec& group)
{
    Json out{{"name", group.name},
             {"direction", DirectionName(group.direction)},
             {"priority", group.priority},
             {"type", group.type == GroupType::Lpm ? "lpm" : "priority"}};
    if (group.type == GroupType::Lpm)
    {
        out["lpm_on"] = ConditionTypeName(group.lpmOn);
    }
    out["conditions"] = WriteConditions(group.conditions);
    Json rules = Json::array();
    for (const RuleSpec& rule : group.rules)
    {
        rules.push_back(WriteRule(rule));
    }
    out["rules"] = rules;
    return out;
}

LayerSpec
ReadLayer(const Json& value, const std::string& path)
{
    ObjectReader reader(value, path);
    LayerSpec layer;
    layer.name = ReadString(reader.Require("name"), reader.PathOf("name"));
    if (const Json* priority = reader.Find("priority"))
    {
        layer.priority = ReadInt(*priority, reader.PathOf("priority"));
    }
    if (const Json* defaults = reader.Find("default"))
    {
        ObjectReader defaultReader(*defaults, reader.PathOf("default"));
        for (Direction direction : {Direction::Outbound, Direction::Inbound})
        {
            const std::string key(DirectionName(direction));
            if (const Json* action = defaultReader.Find(key))
            {
                layer.defaults[static_cast<size_t>(direction)] =
                    ReadDefault(*action, defaultReader.PathOf(key));
            }
        }
        defaultReader.RejectUnknown({"outbound", "inbound"});
    }
    if (const Json* groups = FindArray(reader, "groups"))
    {
        for (size_t i = 0; i < groups->size(); ++i)
        {
            layer.groups.push_back(ReadGroup((*groups)[i], Indexed(reader.PathOf("groups"), i)));
        }
    }
    reader.RejectUnknown({"name", "priority", "default", "groups"});
    return layer;
}

Json
WriteLayer(const LayerSpec& layer)
{
    auto name = [](DefaultAction action)
    { return action == DefaultAction::Allow ? "allow" : "block"; };
    Json groups = Json::array();
    for (const GroupSpec& group : layer.groups)
    {
        groups.push_back(WriteGroup(group));
    }
    return {{"name", layer.name},
            {"priority", layer.priority},
            {"default",
             {{"outbound", name(layer.defaults[static_cast<size_t>(Direction::Outbound)])},
              {"inbound", name(layer.defaults[static_cast<size_t>(Direction::Inbound)])}}},
            {"groups", groups}};
}

ResourceSpec
ReadResource(ObjectReader& reader, const std::string& name)
{
    ResourceSpec resource;
    resource.name = name;
    resource.type = ReadChoice<ResourceType>(
        reader.Require("type"),
        reader.PathOf("type"),
        {{"mapping", ResourceType::Mapping}, {"range_list", ResourceType::RangeList}});
    if (resource.type == ResourceType::Mapping)
    {
        if (const Json* onMiss = reader.Find("on_miss"))
        {
            resource.onMiss = ReadMissPolicy(*onMiss, reader.PathOf("on_miss"));
        }
        if (const Json* mappings = FindArray(reader, "mappings"))
        {
            for (size_t i = 0; i < mappings->size(); ++i)
            {
                ObjectReader entry((*mappings)[i], Indexed(reader.PathOf("mappings"), i));
                const uint32_t ca = ReadIpv4(entry.Require("ca"), entry.PathOf("ca"));
                const uint32_t pa = ReadIpv4(entry.Require("pa"), entry.PathOf("pa"));
                entry.RejectUnknown({"ca", "pa"});
                if (!resource.mappings.emplace(ca, pa).second)
                {
                    FailAt(entry.PathOf("ca"), fmt::format("{} is mapped twice", FormatIpv4(ca)));
                }
            }
        }
    }
    else
    {
        if (const Json* onExhausted = reader.Find("on_exhausted"))
        {
            resource.onMiss = ReadMissPolicy(*onExhausted, reader.PathOf("on_exhausted"));
        }
        resource.address = ReadIpv4(reader.Require("ip"), reader.PathOf("ip"));
        const Json& ranges = RequireArray(reader, "ranges");
        for (size_t i = 0; i < ranges.size(); ++i)
        {
            resource.ranges.push_back(
                ReadPortRange(ranges[i], Indexed(reader.PathOf("ranges"), i)));
        }
    }
    return resource;
}

Json
WriteResource(const ResourceSpec& resource)
{
    const char* policy = resource.onMiss == MissPolicy::Hold ? "hold" : "drop";
    if (resource.type == ResourceType::Mapping)
    {
        Json mappings = Json::array();
        for (const auto& [ca, pa] : resource.mappings)
        {
            mappings.push_back({{"ca", FormatIpv4(ca)}, {"pa", FormatIpv4(pa)}});
        }
        return {{"type", "mapping"}, {"on_miss", policy}, {"mappings", mappings}};
    }
    Json ranges = Json::array();
    for (const PortRange& range : resource.ranges)
    {
        ranges.push_back(FormatPortRange(range));
    }
    return {{"type", "range_list"},
            {"on_exhausted", policy},
            {"ip", FormatIpv4(resource.address)},
            {"ranges", ranges}};
}

PolicySpec
ReadPolicy(const Json& value)
{
    ObjectReader reader(value, "");
    PolicySpec policy;
    policy.version = ReadInt(reader.Require("version"), "version");
    if (policy.version != POLICY_FORMAT_VERSION)
    {
        FailAt("version",
               fmt::format("this build reads policy format version {}, got {}",
                           POLICY_FORMAT_VERSION,
                           policy.version));
    }
    const Json& ports = RequireArray(reader, "ports");
    for (size_t i = 0; i < ports.size(); ++i)
    {
        ObjectReader portReader(ports[i], Indexed("ports", i));
        PortSpec port;
        port.name = ReadString(portReader.Require("name"), portReader.PathOf("name"));
        port.mac = ReadMac(portReader.Require("mac"), portReader.PathOf("mac"));
        if (const Json* layers = FindArray(portReader, "layers"))
        {
            for (size_t l = 0; l < layers->size(); ++l)
            {
                port.layers.push_back(
                    ReadLayer((*layers)[l], Indexed(portReader.PathOf("layers"), l)));
            }
        }
        if (const Json* resources = portReader.Find("resources"))
        {
            ObjectReader resourcesReader(*resources, portReader.PathOf("resources"));
            for (const auto& item : resources->items())
            {
                resourcesReader.Find(item.key());
                ObjectReader resourceReader(item.value(), resourcesReader.PathOf(item.key()));
                port.resources.push_back(ReadResource(resourceReader, item.key()));
                resourceReader.RejectUnread();
            }
        }
        if (const Json* qos = portReader.Find("qos"))
        {
            port.qos = ReadPortQos(*qos, portReader.PathOf("qos"));
        }
        portReader.RejectUnknown({"name", "mac", "layers", "resources", "qos"});
        for (const PortSpec& earlier : policy.ports)
        {
            if (earlier.name == port.name)
            {
                FailAt(portReader.PathOf("name"),
                       fmt::format("port \"{}\" is defined twice", port.name));
            }
        }
        policy.ports.push_back(std::move(port));
    }

    // Top-level resources are installed on the ports they list, or on every port.
    if (const Json* resources = reader.Find("resources"))
    {
        ObjectReader resourcesReader(*resources, "resources");
        for (const auto& item : resources->items())
        {
            resourcesReader.Find(item.key());
            ObjectReader resourceReader(item.value(), resourcesReader.PathOf(item.key()));
            ResourceSpec resource = ReadResource(resourceReader, item.key());
            std::vector<std::string> targets;
            if (const Json* targetList = FindArray(resourceReader, "ports"))
            {
                for (size_t t = 0; t < targetList->size(); ++t)
                {
                    targets.push_back(
                        ReadString((*targetList)[t], Indexed(resourceReader.PathOf("ports"), t)));
                }
            }
            resourceReader.RejectUnread();
            for (size_t t = 0; t < targets.size(); ++t)
            {
                bool found = false;
                for (const PortSpec& port : policy.ports)
                {
                    found = found || port.name == targets[t];
                }
                if (!found)
                {
                    FailAt(Indexed(resourceReader.PathOf("ports"), t),
                           fmt::format("no port \"{}\" in this policy", targets[t]));
                }
            }
            for (PortSpec& port : policy.ports)
            {
                if (targets.empty() ||
                    std::find(targets.begin(), targets.end(), port.name) != targets.end())
                {
                    port.resources.push_back(resource);
                }
            }
        }
    }
    if (const Json* qos = reader.Find("qos"))
    {
        policy.qos = ReadSwitchQos(*qos, "qos");
        for (size_t g = 0; g < policy.qos.groups.size(); ++g)
        {
            const QosGroupSpec& group = policy.qos.groups[g];
            for (size_t p = 0; p < group.ports.size(); ++p)
            {
                const bool found =
                    std::any_of(policy.ports.begin(),
                                policy.ports.end(),
                                [&](const PortSpec& port) { return port.name == group.ports[p]; });
                if (!found)
                {
                    FailAt(Indexed(Indexed("qos.groups", g) + ".ports", p),
                           fmt::format("no port \"{}\" in this policy", group.ports[p]));
                }
            }
        }
    }
    reader.RejectUnknown({"version", "ports", "resources", "qos"});
    return policy;
}

Json
WritePolicy(const PolicySpec& policy)
{
    Json ports = Json::array();
    for (const PortSpec& port : policy.ports)
    {
        Json layers = Json::array();
        for (const LayerSpec& layer : port.layers)
        {
            layers.push_back(WriteLayer(layer));
        }
        Json resources = Json::object();
        for (const ResourceSpec& resource : port.resources)
        {
            resources[resource.name] = WriteResource(resource);
        }
        Json written{{"name", port.name},
                     {"mac", FormatMac(port.mac)},
                     {"layers", layers},
                     {"resources", resources}};
        if (port.qos)
        {
            written["qos"] = WritePortQos(*port.qos);
        }
        ports.push_back(std::move(written));
    }
    Json out{{"version", policy.version}, {"ports", ports}};
    if (!(policy.qos == SwitchQosSpec{}))
    {
        out["qos"] =
            WriteSwitchQos(policy.qos); // absent when default: older policies read back unchanged
    }
    return out;
}

Json
ParseJsonText(const std::string& text, const std::string& source)
{
    std::string lastKey; // the field being read, for errors in its value
    auto track = [&lastKey](int, Json::parse_event_t event, Json& parsed)
    {
        if (event == Json::parse_event_t::key)
        {
            lastKey = parsed.get<std::string>();
        }
        return true;
    };
    try
    {
        return Json::parse(text, track);
    }
    catch (const Json::parse_error& error)
    {
        throw PolicyError(
            fmt::format("{}: malformed JSON at byte {}: {}", source, error.byte, error.what()));
    }
    catch (const Json::exception& error)
    {
        // A number beyond a double (1e999) is nlohmann's out_of_range; no other error of
        // the parser escapes parse_error, but none may leave as anything but PolicyError.
        throw PolicyError(fmt::format("{}: {}malformed JSON: {}",
                                      source,
                                      lastKey.empty() ? "" : lastKey + ": ",
                                      error.what()));
    }
}

PolicySpec
LoadPolicyFile(const std::string& file)
{
    std::ifstream in(file);
    if (!in)
    {
        throw PolicyError(fmt::format("{}: cannot open the policy file", file));
    }
    std::stringstream text;
    text << in.rdbuf();
    Json value = ParseJsonText(text.str(), file);
    try
    {
        return ReadPolicy(value);
    }
    catch (const PolicyError& error)
    {
        throw PolicyError(fmt::format("{}: {}", file, error.what()));
    }
}

} // namespace vfp
