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

namespace
{

constexpr double HISTOGRAM_FIRST = 0.001; //!< the first bucket's lower edge
constexpr double HISTOGRAM_GROWTH = 1.01; //!< each bucket 1% wider than the last

} // namespace

void
LogHistogram::Add(double value)
{
    ++m_count;
    m_sum += value;
    m_max = std::max(m_max, value);
    if (value < HISTOGRAM_FIRST)
    {
        ++m_zero; // the common case (a packet that did not wait): no bucket search
        return;
    }
    static const double inverseLogGrowth = 1 / std::log(HISTOGRAM_GROWTH);
    ++m_buckets[static_cast<int32_t>(std::log(value / HISTOGRAM_FIRST) * inverseLogGrowth)];
}

void
LogHistogram::Merge(const LogHistogram& other)
{
    for (const auto& [bucket, count] : other.m_buckets)
    {
        m_buckets[bucket] += count;
    }
    m_zero += other.m_zero;
    m_count += other.m_count;
    m_sum += other.m_sum;
    m_max = std::max(m_max, other.m_max);
}

double
LogHistogram::Percentile(double q) const
{
    if (m_count == 0)
    {
        return 0;
    }
    const uint64_t rank = std::clamp<uint64_t>(uint64_t(std::ceil(q * m_count)), 1, m_count);
    uint64_t seen = m_zero;
    if (seen >= rank)
    {
        return 0;
    }
    for (const auto& [bucket, count] : m_buckets)
    {
        seen += count;
        if (seen >= rank)
        {
            return std::min(m_max, HISTOGRAM_FIRST * std::pow(HISTOGRAM_GROWTH, bucket + 1));
        }
    }
    return m_max;
}

nlohmann::json
LogHistogram::Summary() const
{
    return {{"count", m_count},
            {"mean", m_count == 0 ? 0 : m_sum / m_count},
            {"p50", Percentile(0.5)},
            {"p90", Percentile(0.9)},
            {"p99", Percentile(0.99)},
            {"max", m_max}};
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
