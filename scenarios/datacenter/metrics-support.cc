#include "metrics-support.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace ns3
{

double
Percentile(std::vector<double> values, double q)
{
    if (values.empty())
    {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const size_t rank = static_cast<size_t>(std::ceil(q * values.size()));
    return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

nlohmann::json
Distribution(const std::vector<double>& values)
{
    double sum = 0;
    for (double value : values)
    {
        sum += value;
    }
    return {{"count", values.size()},
            {"mean", values.empty() ? 0 : sum / values.size()},
            {"p50", Percentile(values, 0.5)},
            {"p90", Percentile(values, 0.9)},
            {"p99", Percentile(values, 0.99)},
            {"max", Percentile(values, 1.0)}};
}

std::string
Rate(uint64_t part, uint64_t whole)
{
    return whole == 0 ? "" : fmt::format("{:.6f}", double(part) / double(whole));
}

std::ofstream
OpenOutput(const std::string& directory, const std::string& name)
{
    std::ofstream out(directory + "/" + name);
    if (!out)
    {
        throw std::runtime_error(directory + "/" + name + ": cannot write");
    }
    return out;
}

} // namespace ns3
