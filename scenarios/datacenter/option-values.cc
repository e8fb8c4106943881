#include "option-values.h"

#include <cmath>
#include <fmt/format.h>
#include <regex>
#include <stdexcept>

namespace ns3
{

namespace
{

/// A plain decimal number: no sign, no inf or nan, an optional exponent.
const std::string NUMBER = R"(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?)";

[[noreturn]] void
Refuse(const std::string& option, const std::string& text, const std::string& expected)
{
    throw std::invalid_argument(
        fmt::format("--{}: expected {}, got \"{}\"", option, expected, text));
}

} // namespace

DataRate
ParseRate(const std::string& option, const std::string& text)
{
    // No space before the unit: ns-3's DataRate parser aborts the program on "10 Gbps".
    static const std::regex form(NUMBER + R"([kKMGT]?i?(bps|b/s|Bps|B/s))");
    const std::string expected = "a rate above 0 and at most 10Tbps, such as 10Gbps";
    DataRateValue value;
    if (!std::regex_match(text, form) || !value.DeserializeFromString(text, MakeDataRateChecker()))
    {
        Refuse(option, text, expected);
    }
    const uint64_t bps = value.Get().GetBitRate();
    if (bps == 0 || bps > MAX_RATE_BPS)
    {
        Refuse(option, text, expected);
    }
    return value.Get();
}

Time
ParseDelay(const std::string& option, const std::string& text)
{
    static const std::regex form(NUMBER + R"((s|ms|us|ns|ps|min|h))");
    const std::string expected = "a duration from 0 to 1 day with a unit, such as 2us";
    if (!std::regex_match(text, form))
    {
        Refuse(option, text, expected);
    }
    const Time delay(text);
    if (delay < Time(0) || delay > Hours(24))
    {
        Refuse(option, text, expected);
    }
    return delay;
}

QueueSize
ParseQueueSize(const std::string& option, const std::string& text)
{
    static const std::regex form(R"([0-9]+(p|B|kB|KB|KiB|MB|MiB|kp|Kp|Mp))");
    const std::string expected = "a whole number of bytes or packets above 0, such as 200KB";
    QueueSizeValue value;
    if (!std::regex_match(text, form) ||
        !value.DeserializeFromString(text, MakeQueueSizeChecker()) || value.Get().GetValue() == 0)
    {
        Refuse(option, text, expected);
    }
    return value.Get();
}

void
RequireWithin(const std::string& option, double value, double lo, double hi)
{
    if (!std::isfinite(value) || value < lo || value > hi)
    {
        throw std::invalid_argument(
            fmt::format("--{}: expected a number from {} to {}, got {}", option, lo, hi, value));
    }
}

} // namespace ns3
