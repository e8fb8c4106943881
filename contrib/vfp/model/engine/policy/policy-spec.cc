#include "policy-spec.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>

namespace vfp
{

namespace
{
constexpr std::array<std::string_view, 7> ACTION_TYPE_NAMES = {
    "allow", "block", "nat", "encap", "decap", "meter", "transposition"};
}

std::string_view
DirectionName(Direction direction)
{
    return direction == Direction::Outbound ? "outbound" : "inbound";
}

std::optional<Direction>
ParseDirection(std::string_view name)
{
    if (name == "outbound")
    {
        return Direction::Outbound;
    }
    if (name == "inbound")
    {
        return Direction::Inbound;
    }
    return std::nullopt;
}

std::string_view
ActionTypeName(ActionType type)
{
    return ACTION_TYPE_NAMES[static_cast<size_t>(type)];
}

std::optional<ActionType>
ParseActionType(std::string_view name)
{
    for (size_t i = 0; i < ACTION_TYPE_NAMES.size(); ++i)
    {
        if (ACTION_TYPE_NAMES[i] == name)
        {
            return static_cast<ActionType>(i);
        }
    }
    return std::nullopt;
}

Condition
MakeCondition(ConditionType type,
              std::initializer_list<std::string_view> values,
              HeaderSelector header)
{
    Condition condition;
    condition.type = type;
    condition.header = header;
    for (std::string_view text : values)
    {
        std::string error;
        std::optional<ConditionValue> value = ParseConditionValue(type, text, error);
        if (!value)
        {
            throw PolicyError(std::string(ConditionTypeName(type)) + " value \"" +
                              std::string(text) + "\": " + error);
        }
        condition.values.push_back(*value);
    }
    return condition;
}

uint64_t
DefaultQosBurst(double rateBps)
{
    const double bytes = std::min(rateBps, QOS_MAX_RATE_BPS) / 8 * DEFAULT_QOS_BURST_SECONDS;
    return std::max<uint64_t>(QOS_MIN_BURST_BYTES, bytes > 0 ? static_cast<uint64_t>(bytes) : 0);
}

RateLimitSpec
MakeRateLimit(double rateBps)
{
    RateLimitSpec cap;
    cap.rateBps = rateBps;
    cap.burstBytes = DefaultQosBurst(rateBps);
    return cap;
}

void
ValidateRateLimit(const RateLimitSpec& cap, const std::string& where)
{
    if (!std::isfinite(cap.rateBps) || cap.rateBps <= 0 || cap.rateBps > QOS_MAX_RATE_BPS)
    {
        throw PolicyError(fmt::format("{}: rate_bps {} must be above zero and at most {} (10 Tbps)",
                                      where,
                                      cap.rateBps,
                                      QOS_MAX_RATE_BPS));
    }
    if (cap.burstBytes < QOS_MIN_BURST_BYTES)
    {
        throw PolicyError(fmt::format("{}: burst_bytes {} is below one frame ({} bytes): no "
                                      "full-size packet would ever conform",
                                      where,
                                      cap.burstBytes,
                                      QOS_MIN_BURST_BYTES));
    }
    if (cap.queueBytes < QOS_MIN_BURST_BYTES)
    {
        throw PolicyError(fmt::format("{}: queue_bytes {} is below one frame ({} bytes)",
                                      where,
                                      cap.queueBytes,
                                      QOS_MIN_BURST_BYTES));
    }
}

void
ValidatePortQos(const PortQosSpec& qos, const std::string& where)
{
    if (qos.tx)
    {
        ValidateRateLimit(*qos.tx, where + ".tx");
    }
    if (qos.rx)
    {
        ValidateRateLimit(*qos.rx, where + ".rx");
    }
    if (!std::isfinite(qos.txReservationBps) || qos.txReservationBps < 0)
    {
        throw PolicyError(fmt::format(
            "{}: reservation_bps {} must be finite and not negative", where, qos.txReservationBps));
    }
    if (qos.tx && qos.txReservationBps > qos.tx->rateBps)
    {
        throw PolicyError(fmt::format("{}: reservation_bps {} is above the port's own tx cap {}",
                                      where,
                                      qos.txReservationBps,
                                      qos.tx->rateBps));
    }
    if (!std::isfinite(qos.weight) || qos.weight <= 0)
    {
        throw PolicyError(
            fmt::format("{}: weight {} must be above zero and finite", where, qos.weight));
    }
}

} // namespace vfp
