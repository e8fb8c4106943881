/*
 * What the datacenter scenario's writers share: percentiles and distributions of samples,
 * ratios as CSV text, and output files that fail loudly.
 */
#ifndef VFP_METRICS_SUPPORT_H
#define VFP_METRICS_SUPPORT_H

#include <cstdint>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ns3
{

/// The nearest-rank percentile @p q (0..1) of @p values; 0 when there are none.
double Percentile(std::vector<double> values, double q);
/// count, mean, p50, p90, p99 and max of @p values.
nlohmann::json Distribution(const std::vector<double>& values);
/**
 * A distribution of non-negative samples in bounded memory, for streams too long to keep
 * (every packet's queueing delay): samples fall in buckets 1% wide (geometric, from
 * 0.001 up; smaller ones count as 0), kept sparsely. count, mean and max are exact; a
 * percentile is its bucket's upper edge, at most 1% above the nearest-rank value.
 */
class LogHistogram
{
public:
    void Add(double value);
    /// The nearest-rank percentile @p q (0..1), as above; 0 when empty.
    double Percentile(double q) const;
    /// count, mean, p50, p90, p99 and max (Distribution's keys).
    nlohmann::json Summary() const;
    void Merge(const LogHistogram& other);

private:
    std::map<int32_t, uint64_t> m_buckets; //!< bucket -> samples
    uint64_t m_zero = 0;                   //!< samples below the first bucket
    uint64_t m_count = 0;
    double m_sum = 0;
    double m_max = 0;
};

/// @p part / @p whole with six decimals, or empty when @p whole is 0.
std::string Rate(uint64_t part, uint64_t whole);
/// @p directory / @p name, opened for writing.
/// @throws std::runtime_error naming the file when it cannot be written
std::ofstream OpenOutput(const std::string& directory, const std::string& name);

} // namespace ns3

#endif
