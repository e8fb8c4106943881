#include "traffic-file.h"

#include "option-values.h"

#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

namespace ns3
{

namespace
{

const std::set<std::string> FIELDS = {"start", "src", "dst", "proto", "bytes", "port", "rate"};

/// Where a line is, for its errors.
struct Place
{
    const std::string& path;
    uint32_t line;

    [[noreturn]] void Fail(const std::string& field, const std::string& expected) const
    {
        throw std::invalid_argument(fmt::format("{}:{}: {}: {}", path, line, field, expected));
    }
};

/// A whole number in [@p lo, @p hi] at @p field of @p object.
uint64_t
WholeNumber(const nlohmann::json& object,
            const std::string& field,
            uint64_t lo,
            uint64_t hi,
            const Place& place)
{
    const nlohmann::json& value = object.at(field);
    const std::string expected = fmt::format("expected a whole number from {} to {}", lo, hi);
    if (!value.is_number_integer() || (!value.is_number_unsigned() && value.get<int64_t>() < 0))
    {
        place.Fail(field, expected);
    }
    const uint64_t number = value.get<uint64_t>();
    if (number < lo || number > hi)
    {
        place.Fail(field, fmt::format("{}, got {}", expected, number));
    }
    return number;
}

TrafficFlow
ParseFlow(const nlohmann::json& object, const TrafficBounds& bounds, const Place& place)
{
    if (!object.is_object())
    {
        place.Fail("line", "expected a JSON object, one flow per line");
    }
    for (const auto& [field, value] : object.items())
    {
        if (FIELDS.count(field) == 0)
        {
            place.Fail(field, "unknown field (expected start, src, dst, proto, bytes, port, rate)");
        }
    }
    for (const char* field : {"start", "src", "dst", "bytes"})
    {
        if (!object.contains(field))
        {
            place.Fail(field, "missing");
        }
    }
    TrafficFlow flow;
    flow.line = place.line;
    const nlohmann::json& start = object.at("start");
    if (!start.is_number() || !std::isfinite(start.get<double>()) || start.get<double>() < 0 ||
        start.get<double>() >= bounds.duration)
    {
        place.Fail("start",
                   fmt::format("expected seconds from 0 to before the traffic's end ({} s)",
                               bounds.duration));
    }
    flow.start = start.get<double>();
    flow.src = uint32_t(WholeNumber(object, "src", 0, bounds.vms - 1, place));
    flow.dst = uint32_t(WholeNumber(object, "dst", 0, bounds.vms - 1, place));
    if (flow.src == flow.dst)
    {
        place.Fail("dst", "the same VM as src");
    }
    if (bounds.tenantOf(flow.src) != bounds.tenantOf(flow.dst))
    {
        place.Fail("dst",
                   fmt::format("VM {} is in tenant {}, VM {} in tenant {}: a flow stays in its "
                               "tenant's virtual network",
                               flow.src,
                               bounds.tenantOf(flow.src),
                               flow.dst,
                               bounds.tenantOf(flow.dst)));
    }
    flow.bytes = WholeNumber(object, "bytes", 1, uint64_t(1) << 50, place);
    if (object.contains("port"))
    {
        flow.port = uint16_t(WholeNumber(object, "port", 1, 65535, place));
    }
    if (object.contains("proto"))
    {
        const nlohmann::json& proto = object.at("proto");
        if (!proto.is_string() || (proto != "tcp" && proto != "udp"))
        {
            place.Fail("proto", "expected \"tcp\" or \"udp\"");
        }
        flow.proto = proto.get<std::string>();
    }
    if (object.contains("rate"))
    {
        if (flow.proto != "udp" || !object.at("rate").is_string())
        {
            place.Fail("rate", "a UDP flow's sending rate as a string, such as \"1Gbps\"");
        }
        flow.rate = object.at("rate").get<std::string>();
        try
        {
            ParseRate("rate", flow.rate);
        }
        catch (const std::invalid_argument& error)
        {
            place.Fail("rate", error.what());
        }
    }
    return flow;
}

} // namespace

std::vector<TrafficFlow>
ReadTrafficFile(const std::string& path, const TrafficBounds& bounds)
{
    std::ifstream in(path);
    if (!in)
    {
        throw std::invalid_argument(path + ": cannot open the traffic file");
    }
    return ReadTrafficFile(in, path, bounds);
}

std::vector<TrafficFlow>
ReadTrafficFile(std::istream& in, const std::string& path, const TrafficBounds& bounds)
{
    std::vector<TrafficFlow> flows;
    std::string text;
    for (uint32_t line = 1; std::getline(in, text); ++line)
    {
        if (text.find_first_not_of(" \t\r") == std::string::npos)
        {
            continue;
        }
        const Place place{path, line};
        nlohmann::json object;
        try
        {
            object = nlohmann::json::parse(text);
        }
        catch (const nlohmann::json::exception& error)
        {
            place.Fail("line", std::string("not JSON: ") + error.what());
        }
        flows.push_back(ParseFlow(object, bounds, place));
        flows.back().id = uint32_t(flows.size() - 1);
    }
    return flows;
}

} // namespace ns3
