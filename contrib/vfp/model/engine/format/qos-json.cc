#include "qos-json.h"

#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace vfp
{

namespace
{

constexpr uint64_t MAX_BYTES = std::numeric_limits<uint32_t>::max();

RateLimitSpec
ReadRateLimit(const Json& value, const std::string& path)
{
    ObjectReader reader(value, path);
    // DefaultQosBurst clamps any rate; ValidateRateLimit below refuses a bad one.
    RateLimitSpec cap =
        MakeRateLimit(ReadNumber(reader.Require("rate_bps"), reader.PathOf("rate_bps")));
    if (const Json* burst = reader.Find("burst_bytes"))
    {
        cap.burstBytes = ReadUnsigned(*burst, reader.PathOf("burst_bytes"), MAX_BYTES);
    }
    if (const Json* queue = reader.Find("queue_bytes"))
    {
        cap.queueBytes = ReadUnsigned(*queue, reader.PathOf("queue_bytes"), MAX_BYTES);
    }
    reader.RejectUnread();
    ValidateRateLimit(cap, path);
    return cap;
}

Json
WriteRateLimit(const RateLimitSpec& cap)
{
    return {{"rate_bps", cap.rateBps},
            {"burst_bytes", cap.burstBytes},
            {"queue_bytes", cap.queueBytes}};
}

} // namespace

PortQosSpec
ReadPortQos(const Json& value, const std::string& path)
{
    ObjectReader reader(value, path);
    PortQosSpec qos;
    if (const Json* tx = reader.Find("tx"))
    {
        qos.tx = ReadRateLimit(*tx, reader.PathOf("tx"));
    }
    if (const Json* rx = reader.Find("rx"))
    {
        qos.rx = ReadRateLimit(*rx, reader.PathOf("rx"));
    }
    if (const Json* reservation = reader.Find("reservation_bps"))
    {
        qos.txReservationBps = ReadNumber(*reservation, reader.PathOf("reservation_bps"));
    }
    if (const Json* weight = reader.Find("weight"))
    {
        qos.weight = ReadNumber(*weight, reader.PathOf("weight"));
    }
    reader.RejectUnread();
    ValidatePortQos(qos, path);
    return qos;
}

Json
WritePortQos(const PortQosSpec& qos)
{
    Json out = Json::object();
    if (qos.tx)
    {
        out["tx"] = WriteRateLimit(*qos.tx);
    }
    if (qos.rx)
    {
        out["rx"] = WriteRateLimit(*qos.rx);
    }
    out["reservation_bps"] = qos.txReservationBps;
    out["weight"] = qos.weight;
    return out;
}

SwitchQosSpec
ReadSwitchQos(const Json& value, const std::string& path)
{
    ObjectReader reader(value, path);
    SwitchQosSpec qos;
    if (const Json* link = reader.Find("link_bps"))
    {
        qos.linkBps = ReadNumber(*link, reader.PathOf("link_bps"));
        if (!std::isfinite(qos.linkBps) || qos.linkBps < 0)
        {
            FailAt(reader.PathOf("link_bps"), "expected a rate in bits per second, 0 or above");
        }
    }
    if (const Json* interval = reader.Find("share_interval"))
    {
        qos.shareInterval = ReadNumber(*interval, reader.PathOf("share_interval"));
        if (!std::isfinite(qos.shareInterval) || qos.shareInterval <= 0)
        {
            FailAt(reader.PathOf("share_interval"), "expected seconds above zero");
        }
    }
    if (const Json* groups = reader.Find("groups"))
    {
        if (!groups->is_array())
        {
            FailAt(reader.PathOf("groups"),
                   "expected an array of groups, got " + Describe(*groups));
        }
        for (size_t i = 0; i < groups->size(); ++i)
        {
            const std::string at = fmt::format("{}[{}]", reader.PathOf("groups"), i);
            ObjectReader groupReader((*groups)[i], at);
            QosGroupSpec group;
            group.name = ReadString(groupReader.Require("name"), groupReader.PathOf("name"));
            const std::string direction =
                ReadString(groupReader.Require("direction"), groupReader.PathOf("direction"));
            if (std::optional<Direction> parsed = ParseDirection(direction))
            {
                group.direction = *parsed;
            }
            else
            {
                FailAt(groupReader.PathOf("direction"),
                       fmt::format("expected \"outbound\" or \"inbound\", got \"{}\"", direction));
            }
            const Json& ports = groupReader.Require("ports");
            if (!ports.is_array() || ports.empty())
            {
                FailAt(groupReader.PathOf("ports"),
                       "expected a non-empty array of port names, got " + Describe(ports));
            }
            for (size_t p = 0; p < ports.size(); ++p)
            {
                group.ports.push_back(
                    ReadString(ports[p], fmt::format("{}[{}]", groupReader.PathOf("ports"), p)));
            }
            group.cap = ReadRateLimit(groupReader.Require("cap"), groupReader.PathOf("cap"));
            groupReader.RejectUnread();
            for (const QosGroupSpec& earlier : qos.groups)
            {
                if (earlier.name == group.name)
                {
                    FailAt(groupReader.PathOf("name"),
                           fmt::format("group \"{}\" is defined twice", group.name));
                }
            }
            qos.groups.push_back(std::move(group));
        }
    }
    reader.RejectUnread();
    return qos;
}

Json
WriteSwitchQos(const SwitchQosSpec& qos)
{
    Json groups = Json::array();
    for (const QosGroupSpec& group : qos.groups)
    {
        groups.push_back({{"name", group.name},
                          {"direction", std::string(DirectionName(group.direction))},
                          {"ports", group.ports},
                          {"cap", WriteRateLimit(group.cap)}});
    }
    return {{"link_bps", qos.linkBps}, {"share_interval", qos.shareInterval}, {"groups", groups}};
}

} // namespace vfp
