#include "trace-runner.h"

#include "../format/headers-json.h"
#include "../format/policy-json.h"
#include "../format/transposition-json.h"
#include "../packet/addresses.h"

#include <fmt/format.h>
#include <set>

namespace vfp
{

namespace
{

Json
CounterJson(const PacketByteCounter& counter)
{
    return {{"packets", counter.packets}, {"bytes", counter.bytes}};
}

Json
EventJson(const ResourceEvent& event)
{
    return {{"type", ResourceEventTypeName(event.type)},
            {"resource", event.resource},
            {"key", FormatIpv4(event.key)}};
}

} // namespace

TraceRunner::TraceRunner(Switch& vswitch)
    : m_switch(vswitch)
{
}

void
TraceRunner::ReadTime(ObjectReader& event)
{
    const Json* time = event.Find("time");
    if (time == nullptr)
    {
        return;
    }
    const double now = ReadNumber(*time, "time");
    if (now < m_now)
    {
        FailAt("time", fmt::format("events must not go back in time: {} after {}", now, m_now));
    }
    m_now = now;
}

Port&
TraceRunner::ReadPort(ObjectReader& event)
{
    const std::string name = ReadString(event.Require("port"), "port");
    Port* port = m_switch.FindPort(name);
    if (port == nullptr)
    {
        FailAt("port", fmt::format("no port \"{}\" in the policy", name));
    }
    return *port;
}

std::vector<Json>
TraceRunner::Run(const Json& value, size_t line)
{
    ObjectReader event(value, "");
    std::vector<Json> output;
    if (const Json* op = event.Find("op"))
    {
        const std::string name = ReadString(*op, "op");
        output.push_back(RunOperation(event, name, line));
        if (output.front().contains("port"))
        {
            RetryHeld(output.front()["port"].get<std::string>(), output);
        }
        else
        {
            for (const auto& [portName, port] : m_switch.GetPorts())
            {
                RetryHeld(portName, output);
            }
        }
        return output;
    }
    output.push_back(RunPacket(event, line));
    return output;
}

Json
TraceRunner::RunPacket(ObjectReader& event, size_t line)
{
    Port& port = ReadPort(event);
    const std::string dirName = ReadString(event.Require("dir"), "dir");
    auto direction = ParseDirection(dirName);
    if (!direction)
    {
        FailAt("dir", fmt::format("expected outbound or inbound, got \"{}\"", dirName));
    }
    ReadTime(event);
    uint32_t payload = 0;
    if (const Json* bytes = event.Find("payload"))
    {
        payload = static_cast<uint32_t>(ReadUnsigned(*bytes, "payload", 65535));
    }
    bool simulate = false;
    if (const Json* flag = event.Find("simulate"))
    {
        simulate = ReadBool(*flag, "simulate");
    }
    HeaderStack packet = ReadHeaderStack(event.Require("headers"), "headers", payload);
    event.RejectUnknown({"port", "dir", "time", "payload", "simulate", "headers"});
    return Process(port, *direction, packet, simulate, line);
}

Json
TraceRunner::Process(
    Port& port, Direction direction, const HeaderStack& packet, bool simulate, size_t line)
{
    const auto metersBefore = port.GetMeters();
    PipelineTrace trace;
    ProcessResult result = simulate ? port.Simulate(direction, packet, m_now, &trace)
                                    : port.Process(direction, packet, m_now, &trace);

    Json out{{"line", line},
             {"port", port.GetName()},
             {"dir", DirectionName(direction)},
             {"time", m_now}};
    if (simulate)
    {
        out["simulate"] = true;
    }
    else
    {
        out["uft"] = port.GetConfig().uftEnabled ? PathName(result.path) : "off";
    }
    out["verdict"] = VerdictName(result.verdict);
    if (result.verdict == Verdict::Allow && result.tcpState != TcpState::None)
    {
        out["tcp"] = TcpStateName(result.tcpState);
    }
    if (result.verdict != Verdict::Allow)
    {
        Json drop{{"reason", DropReasonName(result.reason)}, {"layer", result.layer->GetName()}};
        if (result.rule)
        {
            drop["rule"] = result.rule->spec.id;
        }
        out[result.verdict == Verdict::Drop ? "drop" : "hold"] = drop;
    }

    const size_t d = static_cast<size_t>(direction);
    Json layers = Json::array();
    Json layerCounters = Json::object();
    Json ruleCounters = Json::object();
    for (const LayerStep& step : trace.steps)
    {
        const LayerOutcome& outcome = step.outcome;
        Json entry{{"layer", step.layer->GetName()}, {"match", MatchName(outcome.match)}};
        if (outcome.match == LayerOutcome::Match::Rule)
        {
            entry["group"] = outcome.group->GetName();
            entry["rule"] = outcome.rule->spec.id;
            ruleCounters[step.layer->GetName() + "/" + outcome.rule->spec.id] =
                CounterJson(outcome.rule->counter);
        }
        else if (outcome.match == LayerOutcome::Match::Flow)
        {
            entry["rule"] = outcome.flowRule;
        }
        if (outcome.flowCreated)
        {
            entry["flow_created"] = true;
        }
        entry["verdict"] = VerdictName(outcome.verdict);
        layers.push_back(entry);
        const LayerCounters& counters = step.layer->GetCounters();
        layerCounters[step.layer->GetName()] = {{"packets", counters.packets[d]},
                                                {"flow_hits", counters.flowHits[d]},
                                                {"rule_matches", counters.ruleMatches[d]},
                                                {"default_hits", counters.defaultHits[d]},
                                                {"drops", counters.drops[d]},
                                                {"flows", step.layer->GetFlows().Size()}};
    }
    out["layers"] = layers;

    if (result.verdict == Verdict::Allow)
    {
        out["ht"] = WriteTransposition(result.ht);
        out["headers"] = WriteHeaderStack(result.packet);
        out["bytes"] = result.packet.SizeBytes();
        if (direction == Direction::Outbound)
        {
            Port* egress = m_switch.Forward(result.packet);
            out["egress"] = egress ? egress->GetName() : "uplink";
        }
        else
        {
            out["egress"] = port.GetName();
        }
    }
    if (!trace.events.empty())
    {
        Json events = Json::array();
        for (const ResourceEvent& event : trace.events)
        {
            events.push_back(EventJson(event));
        }
        out["events"] = events;
    }
    if (result.verdict == Verdict::Hold && !simulate)
    {
        m_held.push_back(HeldPacket{line, port.GetName(), direction, packet});
    }
    if (simulate)
    {
        return out;
    }

    const PortCounters& portCounters = port.GetCounters();
    uint64_t dropped = 0;
    for (uint64_t count : portCounters.drops[d])
    {
        dropped += count;
    }
    Json counters{{"port",
                   {{"received", CounterJson(portCounters.received[d])},
                    {"allowed", CounterJson(portCounters.allowed[d])},
                    {"held", CounterJson(portCounters.held[d])},
                    {"dropped", dropped}}}};
    counters["layers"] = layerCounters;
    const UftCounters& uft = port.GetUftCounters();
    counters["uft"] = {{"hits", uft.hits},
                       {"misses", uft.misses},
                       {"reconciled", uft.reconciled},
                       {"flows", port.GetUft().Size()},
                       {"connections", port.GetTracker().Size()}};
    if (!ruleCounters.empty())
    {
        counters["rules"] = ruleCounters;
    }
    Json meters = Json::object();
    for (const auto& [name, meter] : port.GetMeters())
    {
        auto before = metersBefore.find(name);
        if (before == metersBefore.end() || before->second.packets != meter.packets)
        {
            meters[name] = CounterJson(meter);
        }
    }
    if (!meters.empty())
    {
        counters["meters"] = meters;
    }
    out["counters"] = counters;
    return out;
}

void
TraceRunner::RetryHeld(const std::string& portName, std::vector<Json>& output)
{
    std::vector<HeldPacket> waiting;
    waiting.swap(m_held);
    for (HeldPacket& held : waiting)
    {
        Port* port = held.port == portName ? m_switch.FindPort(held.port) : nullptr;
        if (port == nullptr)
        {
            m_held.push_back(std::move(held));
            continue;
        }
        Json retried = Process(*port, held.direction, held.packet, false, held.line);
        retried["retry_of"] = held.line;
        output.push_back(std::move(retried));
    }
}

Json
TraceRunner::RunOperation(ObjectReader& event, const std::string& op, size_t line)
{
    static const std::set<std::string> OPERATIONS = {"add_layer",
                                                     "remove_layer",
                                                     "add_group",
                                                     "remove_group",
                                                     "replace_group",
                                                     "add_rule",
                                                     "remove_rule",
                                                     "add_resource",
                                                     "remove_resource",
                                                     "set_mapping",
                                                     "remove_mapping",
                                                     "add_range",
                                                     "remove_range",
                                                     "expire"};
    if (OPERATIONS.count(op) == 0)
    {
        FailAt("op",
               fmt::format("unknown operation \"{}\"; expected one of: {}",
                           op,
                           fmt::join(OPERATIONS, ", ")));
    }
    ReadTime(event);
    Json out{{"line", line}, {"op", op}, {"time", m_now}};
    auto text = [&event](const char* key) { return ReadString(event.Require(key), key); };
    auto flush = [&event]()
    {
        const Json* value = event.Find("flush");
        return value ? ReadBool(*value, "flush") : false;
    };

    if (op == "expire")
    {
        size_t expired = 0;
        for (const auto& [name, port] : m_switch.GetPorts())
        {
            expired += port->ExpireFlows(m_now);
        }
        event.RejectUnknown({"op", "time"});
        out["expired"] = expired;
        return out;
    }

    Port& port = ReadPort(event);
    out["port"] = port.GetName();
    if (op == "add_layer")
    {
        port.CreateLayer(ReadLayer(event.Require("layer"), "layer"));
        event.RejectUnknown({"op", "time", "port", "layer"});
    }
    else if (op == "remove_layer")
    {
        port.DeleteLayer(text("layer"));
        event.RejectUnknown({"op", "time", "port", "layer"});
    }
    else if (op == "add_group")
    {
        port.CreateGroup(text("layer"), ReadGroup(event.Require("group"), "group"));
        event.RejectUnknown({"op", "time", "port", "layer", "group"});
    }
    else if (op == "remove_group")
    {
        port.DeleteGroup(text("layer"), text("group"), flush());
        event.RejectUnknown({"op", "time", "port", "layer", "group", "flush"});
    }
    else if (op == "replace_group")
    {
        port.ReplaceGroup(text("layer"), ReadGroup(event.Require("group"), "group"), flush());
        event.RejectUnknown({"op", "time", "port", "layer", "group", "flush"});
    }
    else if (op == "add_rule")
    {
        port.AddRule(text("layer"), text("group"), ReadRule(event.Require("rule"), "rule"));
        event.RejectUnknown({"op", "time", "port", "layer", "group", "rule"});
    }
    else if (op == "remove_rule")
    {
        port.RemoveRule(text("layer"), text("group"), text("id"), flush());
        event.RejectUnknown({"op", "time", "port", "layer", "group", "id", "flush"});
    }
    else if (op == "add_resource")
    {
        ObjectReader resource(event.Require("resource"), "resource");
        ResourceSpec spec = ReadResource(resource, text("name"));
        resource.RejectUnread();
        port.CreateResource(spec);
        event.RejectUnknown({"op", "time", "port", "name", "resource"});
    }
    else if (op == "remove_resource")
    {
        port.DeleteResource(text("name"));
        event.RejectUnknown({"op", "time", "port", "name"});
    }
    else if (op == "set_mapping" || op == "remove_mapping")
    {
        const uint32_t ca = ReadIpv4(event.Require("ca"), "ca");
        if (op == "set_mapping")
        {
            port.SetMapping(text("resource"), ca, ReadIpv4(event.Require("pa"), "pa"));
        }
        else
        {
            port.RemoveMapping(text("resource"), ca);
        }
        event.RejectUnknown({"op", "time", "port", "resource", "ca", "pa"});
    }
    else if (op == "add_range" || op == "remove_range")
    {
        std::string error;
        const std::string rangeText = ReadScalarText(event.Require("range"), "range");
        auto range = ParseConditionValue(ConditionType::SrcPort, rangeText, error);
        if (!range)
        {
            FailAt("range", error);
        }
        const PortRange ports{static_cast<uint16_t>(range->lo), static_cast<uint16_t>(range->hi)};
        if (op == "add_range")
        {
            port.AddPortRange(text("resource"), ports);
        }
        else
        {
            port.RemovePortRange(text("resource"), ports);
        }
        event.RejectUnknown({"op", "time", "port", "resource", "range"});
    }
    out["generation"] = port.GetGeneration();
    return out;
}

size_t
RunEventStream(TraceRunner& runner,
               std::istream& events,
               const std::string& source,
               const std::function<void(const Json&)>& sink)
{
    std::string text;
    size_t line = 0;
    while (std::getline(events, text))
    {
        ++line;
        if (text.find_first_not_of(" \t\r") == std::string::npos)
        {
            continue; // blank lines separate nothing and mean nothing
        }
        const std::string where = fmt::format("{}:{}", source, line);
        try
        {
            for (const Json& result : runner.Run(ParseJsonText(text, where), line))
            {
                sink(result);
            }
        }
        catch (const PolicyError& error)
        {
            const std::string message = error.what();
            // JSON syntax errors already name the file and line.
            if (message.rfind(where + ":", 0) == 0)
            {
                throw;
            }
            throw PolicyError(fmt::format("{}: {}", where, message));
        }
    }
    return line;
}

} // namespace vfp
