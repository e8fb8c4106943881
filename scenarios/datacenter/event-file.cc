#include "event-file.h"

#include "option-values.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace ns3
{

namespace
{

/// Where a line is, for its errors.
struct Place
{
    const std::string& name;
    uint32_t line;

    [[noreturn]] void Fail(const std::string& field, const std::string& expected) const
    {
        throw std::invalid_argument(fmt::format("{}:{}: {}: {}", name, line, field, expected));
    }
};

/// What an op's parser reads from.
struct Line
{
    const nlohmann::json& object;
    const EventBounds& bounds;
    const Place& place;

    /// A whole number from 0 to @p count - 1 at @p field (@p what names the things).
    uint32_t Index(const std::string& field, uint32_t count, const std::string& what) const
    {
        const nlohmann::json& value = object.at(field);
        if (!value.is_number_unsigned() || value.get<uint64_t>() >= count)
        {
            place.Fail(field,
                       fmt::format("expected a {} from 0 to {}, got {}",
                                   what,
                                   count == 0 ? 0 : count - 1,
                                   value.dump()));
        }
        return uint32_t(value.get<uint64_t>());
    }
    /// A number from @p lo to @p hi at @p field (@p what says what it counts).
    double Number(const std::string& field, double lo, double hi, const std::string& what) const
    {
        const nlohmann::json& value = object.at(field);
        if (!value.is_number() || !(value.get<double>() >= lo && value.get<double>() <= hi))
        {
            place.Fail(
                field,
                fmt::format("expected {} from {} to {}, got {}", what, lo, hi, value.dump()));
        }
        return value.get<double>();
    }
    /// "duration": seconds above zero that end before the traffic does.
    double Duration(const ScenarioEvent& event) const
    {
        return Number("duration", 1e-6, bounds.duration - event.time, "seconds");
    }
    /// A non-empty string at @p field.
    std::string Text(const std::string& field) const
    {
        const nlohmann::json& value = object.at(field);
        if (!value.is_string() || value.get<std::string>().empty())
        {
            place.Fail(field, "expected a non-empty string, got " + value.dump());
        }
        return value.get<std::string>();
    }
    /// "vm" or "tenant", exactly one of them.
    void Target(ScenarioEvent& event) const
    {
        if (object.contains("vm") == object.contains("tenant"))
        {
            place.Fail("vm", "expected either \"vm\" or \"tenant\" (one of them)");
        }
        if (object.contains("vm"))
        {
            event.vm = Index("vm", bounds.vms, "VM");
        }
        else
        {
            event.tenant = Index("tenant", bounds.tenants, "tenant");
        }
    }
};

/// An op: its fields besides "time" and "op" (required ones first), and its parser.
struct Op
{
    std::vector<std::string> required;
    std::vector<std::string> optional;
    std::function<void(const Line&, ScenarioEvent&)> parse;
};

void
ParseSetPolicy(const Line& line, ScenarioEvent& event)
{
    line.Target(event);
    std::filesystem::path file = line.Text("policy");
    if (file.is_relative())
    {
        file = std::filesystem::path(line.bounds.policyDirectory) / file;
    }
    event.policyFile = file.string();
    try
    {
        event.policy = UserPolicy::LoadLayers(event.policyFile);
    }
    catch (const vfp::PolicyError& error)
    {
        line.place.Fail("policy", error.what());
    }
}

void
ParseRemoveLayer(const Line& line, ScenarioEvent& event)
{
    line.Target(event);
    event.layer = line.Text("layer");
}

void
ParseLink(const Line& line, ScenarioEvent& event)
{
    event.link = line.Text("link");
    if (line.bounds.links.count(event.link) == 0)
    {
        line.place.Fail("link",
                        fmt::format("no link \"{}\" (expected hostH, torR-aggA or aggA-intI of "
                                    "this datacenter, docs/datacenter.md \"Events\")",
                                    event.link));
    }
}

void
ParseTor(const Line& line, ScenarioEvent& event)
{
    event.tor = line.Index("tor", line.bounds.tors, "ToR");
}

void
ParseMux(const Line& line, ScenarioEvent& event)
{
    if (line.bounds.muxes == 0)
    {
        line.place.Fail("mux", "this datacenter has no Muxes (--muxes)");
    }
    event.mux = line.Index("mux", line.bounds.muxes, "Mux");
}

void
ParseNic(const Line& line, ScenarioEvent& event)
{
    if (!line.bounds.nic)
    {
        line.place.Fail("host", "this datacenter has no programmable NIC (--nic offload)");
    }
    event.host = line.Index("host", line.bounds.hosts, "host");
}

void
ParseController(const Line& line, ScenarioEvent& event)
{
    event.controller = line.Text("controller");
    if (line.bounds.controllers.count(event.controller) == 0)
    {
        line.place.Fail("controller",
                        fmt::format("expected one of {}, got \"{}\"",
                                    fmt::join(line.bounds.controllers, ", "),
                                    event.controller));
    }
}

void
ParseSynFlood(const Line& line, ScenarioEvent& event)
{
    const EventBounds& bounds = line.bounds;
    event.vm = line.Index("vm", bounds.vms, "VM");
    ScenarioEvent::Flood flood;
    flood.dst = line.Index("dst", bounds.vms, "VM");
    if (flood.dst == *event.vm || flood.dst % bounds.tenants != *event.vm % bounds.tenants)
    {
        line.place.Fail("dst",
                        fmt::format("expected another VM of VM {}'s tenant {}, got VM {}",
                                    *event.vm,
                                    *event.vm % bounds.tenants,
                                    flood.dst));
    }
    flood.rate = line.Number("rate", 1, 1e7, "SYNs a second");
    flood.seconds = line.Duration(event);
    if (line.object.contains("port"))
    {
        flood.port = uint16_t(line.Index("port", 65536, "port"));
        if (flood.port == 0)
        {
            line.place.Fail("port", "expected a port from 1 to 65535, got 0");
        }
    }
    event.flood = flood;
}

void
ParseSnatStorm(const Line& line, ScenarioEvent& event)
{
    event.vm = line.Index("vm", line.bounds.vms, "VM");
    if (line.bounds.servers == 0 || line.bounds.dips.count(*event.vm) == 0)
    {
        line.place.Fail("vm",
                        fmt::format("expected a DIP of a VIP with outside servers to reach "
                                    "(--muxes, --vips, --servers), got VM {}",
                                    *event.vm));
    }
    ScenarioEvent::Storm storm;
    storm.rate = line.Number("rate", 1, 1e6, "connections a second");
    storm.seconds = line.Duration(event);
    event.storm = storm;
}

/// A cap or reservation field of set_qos: a rate ("2Gbps"), or absent.
std::optional<double>
RateField(const Line& line, const std::string& field)
{
    if (!line.object.contains(field))
    {
        return std::nullopt;
    }
    const nlohmann::json& value = line.object.at(field);
    if (!value.is_string())
    {
        line.place.Fail(field,
                        fmt::format("expected a rate such as \"2Gbps\", got {}", value.dump()));
    }
    try
    {
        return double(ParseRate(field, value.get<std::string>()).GetBitRate());
    }
    catch (const std::invalid_argument& error)
    {
        // ParseRate names a command-line option ("--tx_cap: "); a line names its field.
        const std::string what = error.what();
        const std::string option = "--" + field + ": ";
        line.place.Fail(field, what.rfind(option, 0) == 0 ? what.substr(option.size()) : what);
    }
}

void
ParseSetQos(const Line& line, ScenarioEvent& event)
{
    event.vm = line.Index("vm", line.bounds.vms, "VM");
    vfp::PortQosSpec qos;
    auto cap = [&line](const std::string& field) -> std::optional<vfp::RateLimitSpec>
    {
        std::optional<double> rate = RateField(line, field);
        if (!rate)
        {
            return std::nullopt;
        }
        return vfp::MakeRateLimit(*rate);
    };
    qos.tx = cap("tx_cap");
    qos.rx = cap("rx_cap");
    qos.txReservationBps = RateField(line, "tx_reservation").value_or(0);
    if (qos.txReservationBps > line.bounds.hostLinkBps)
    {
        line.place.Fail("tx_reservation",
                        fmt::format("{} bps is above the host's link ({} bps)",
                                    qos.txReservationBps,
                                    line.bounds.hostLinkBps));
    }
    if (qos.tx && qos.txReservationBps > qos.tx->rateBps)
    {
        line.place.Fail("tx_reservation", "is above the VM's tx_cap");
    }
    if (line.object.contains("weight"))
    {
        qos.weight = line.Number("weight", 1e-3, 1e6, "a weight");
    }
    if (qos.tx || qos.rx || qos.txReservationBps > 0 || line.object.contains("weight"))
    {
        event.qos = qos;
    }
}

void
ParseNothing(const Line&, ScenarioEvent&)
{
}

/// Every op: the one place a new op is added (its applier goes in scenario-events.cc).
const std::map<std::string, Op>&
Ops()
{
    static const std::map<std::string, Op> OPS = {
        {"set_policy", Op{{"policy"}, {"vm", "tenant"}, &ParseSetPolicy}},
        {"remove_layer", Op{{"layer"}, {"vm", "tenant"}, &ParseRemoveLayer}},
        {"link_down", Op{{"link"}, {}, &ParseLink}},
        {"link_up", Op{{"link"}, {}, &ParseLink}},
        {"directory_down", Op{{}, {}, &ParseNothing}},
        {"directory_up", Op{{}, {}, &ParseNothing}},
        {"tor_down", Op{{"tor"}, {}, &ParseTor}},
        {"tor_up", Op{{"tor"}, {}, &ParseTor}},
        {"mux_down", Op{{"mux"}, {}, &ParseMux}},
        {"mux_up", Op{{"mux"}, {}, &ParseMux}},
        {"nic_full", Op{{"host"}, {}, &ParseNic}},
        {"nic_free", Op{{"host"}, {}, &ParseNic}},
        {"controller_restart", Op{{"controller"}, {}, &ParseController}},
        {"syn_flood", Op{{"vm", "dst", "rate", "duration"}, {"port"}, &ParseSynFlood}},
        {"snat_storm", Op{{"vm", "rate", "duration"}, {}, &ParseSnatStorm}},
        {"set_qos", Op{{"vm"}, {"tx_cap", "rx_cap", "tx_reservation", "weight"}, &ParseSetQos}},
    };
    return OPS;
}

std::string
OpNames()
{
    std::vector<std::string> names;
    for (const auto& [name, op] : Ops())
    {
        names.push_back(name);
    }
    return fmt::format("{}", fmt::join(names, ", "));
}

ScenarioEvent
ParseEvent(const nlohmann::json& object, const EventBounds& bounds, const Place& place)
{
    if (!object.is_object())
    {
        place.Fail("line", "expected a JSON object, one event per line");
    }
    for (const char* field : {"time", "op"})
    {
        if (!object.contains(field))
        {
            place.Fail(field, "missing");
        }
    }
    ScenarioEvent event;
    event.line = place.line;
    const nlohmann::json& time = object.at("time");
    if (!time.is_number() || !std::isfinite(time.get<double>()) || time.get<double>() < 0 ||
        time.get<double>() >= bounds.duration)
    {
        place.Fail("time",
                   fmt::format("expected seconds from 0 to before the traffic's end ({} s), got {}",
                               bounds.duration,
                               time.dump()));
    }
    event.time = time.get<double>();
    const auto found =
        object.at("op").is_string() ? Ops().find(object.at("op").get<std::string>()) : Ops().end();
    if (found == Ops().end())
    {
        place.Fail(
            "op",
            fmt::format("unknown op {} (expected one of {})", object.at("op").dump(), OpNames()));
    }
    event.op = found->first;
    const Op& op = found->second;
    for (const auto& [field, value] : object.items())
    {
        const auto known = [&field = field](const std::vector<std::string>& fields)
        { return std::find(fields.begin(), fields.end(), field) != fields.end(); };
        if (field != "time" && field != "op" && !known(op.required) && !known(op.optional))
        {
            place.Fail(field, fmt::format("unknown field for op {}", event.op));
        }
    }
    for (const std::string& field : op.required)
    {
        if (!object.contains(field))
        {
            place.Fail(field, fmt::format("missing (op {} needs it)", event.op));
        }
    }
    op.parse(Line{object, bounds, place}, event);
    return event;
}

/// Refuses a remove_layer whose layer cannot be on a port it names when it applies.
void
CheckLayers(const std::vector<ScenarioEvent>& events,
            const std::string& name,
            const EventBounds& bounds)
{
    std::map<uint32_t, std::set<std::string>> added; // by VM: layers set_policy put there
    std::map<uint32_t, std::set<std::string>> gone;  // by VM: layers removed
    for (const ScenarioEvent& event : events)
    {
        for (uint32_t vm : TargetsOf(event, bounds))
        {
            if (event.op == "set_policy")
            {
                for (const vfp::LayerSpec& layer : event.policy.layers)
                {
                    added[vm].insert(layer.name);
                    gone[vm].erase(layer.name);
                }
            }
            else if (event.op == "remove_layer")
            {
                const bool there =
                    (bounds.layers.count(event.layer) > 0 || added[vm].count(event.layer) > 0) &&
                    gone[vm].count(event.layer) == 0;
                if (!there)
                {
                    Place{name, event.line}.Fail(
                        "layer",
                        fmt::format("VM {} has no layer \"{}\" at {} s (its layers come from the "
                                    "scenario's controllers and earlier set_policy events)",
                                    vm,
                                    event.layer,
                                    event.time));
                }
                added[vm].erase(event.layer);
                gone[vm].insert(event.layer);
            }
        }
    }
}

} // namespace

std::vector<uint32_t>
TargetsOf(const ScenarioEvent& event, const EventBounds& bounds)
{
    if (event.vm)
    {
        return {*event.vm};
    }
    std::vector<uint32_t> vms;
    for (uint32_t vm = event.tenant.value_or(0); event.tenant && vm < bounds.vms;
         vm += bounds.tenants)
    {
        vms.push_back(vm);
    }
    return vms;
}

std::vector<ScenarioEvent>
ReadEventFile(std::istream& in, const std::string& name, const EventBounds& bounds)
{
    std::vector<ScenarioEvent> events;
    std::string text;
    for (uint32_t line = 1; std::getline(in, text); ++line)
    {
        if (text.find_first_not_of(" \t\r") == std::string::npos)
        {
            continue;
        }
        const Place place{name, line};
        nlohmann::json object;
        try
        {
            object = nlohmann::json::parse(text);
        }
        catch (const nlohmann::json::exception& error)
        {
            place.Fail("line", std::string("not JSON: ") + error.what());
        }
        events.push_back(ParseEvent(object, bounds, place));
    }
    std::stable_sort(events.begin(),
                     events.end(),
                     [](const ScenarioEvent& a, const ScenarioEvent& b)
                     { return a.time < b.time; });
    CheckLayers(events, name, bounds);
    return events;
}

std::vector<ScenarioEvent>
ReadEventFile(const std::string& path, EventBounds bounds)
{
    std::ifstream in(path);
    if (!in)
    {
        throw std::invalid_argument(path + ": cannot open the event file");
    }
    bounds.policyDirectory = std::filesystem::path(path).parent_path().string();
    if (bounds.policyDirectory.empty())
    {
        bounds.policyDirectory = ".";
    }
    return ReadEventFile(in, path, bounds);
}

} // namespace ns3
