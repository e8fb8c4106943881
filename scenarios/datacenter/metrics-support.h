/*
 * What the datacenter scenario's writers share: percentiles and distributions of samples,
 * ratios as CSV text, and output files that fail loudly.
 */
#ifndef VFP_METRICS_SUPPORT_H
#define VFP_METRICS_SUPPORT_H

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ns3
{

/// The nearest-rank percentile @p q (0..1) of @p values; 0 when there are none.
double Percentile(std::vector<double> values, double q);
/// count, mean, p50, p90, p99 and max of @p values.
nlohmann::json Distribution(const std::vector<double>& values);
/// @p part / @p whole with six decimals, or empty when @p whole is 0.
std::string Rate(uint64_t part, uint64_t whole);
/// @p directory / @p name, opened for writing.
/// @throws std::runtime_error naming the file when it cannot be written
std::ofstream OpenOutput(const std::string& directory, const std::string& name);

} // namespace ns3

#endif
