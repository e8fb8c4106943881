/*
 * Checked conversions of command-line text to ns-3 values. ns-3's own parsers abort the
 * program on text they cannot read (Time("fast")) or accept values that later divide by
 * zero (a 0bps link); these refuse both with an error that names the option, before any
 * simulation object exists.
 */
#ifndef VFP_OPTION_VALUES_H
#define VFP_OPTION_VALUES_H

#include "ns3/data-rate.h"
#include "ns3/nstime.h"
#include "ns3/queue-size.h"

#include <string>

namespace ns3
{

/// The fastest rate any link or source may have: 10 Tbps (nothing modelled comes close).
constexpr uint64_t MAX_RATE_BPS = 10'000'000'000'000ull;

/**
 * A rate such as "10Gbps": a positive, finite number with one of ns-3's DataRate units,
 * above zero and at most MAX_RATE_BPS.
 * @throws std::invalid_argument naming @p option otherwise
 */
DataRate ParseRate(const std::string& option, const std::string& text);
/**
 * A duration such as "2us": a finite number, not negative, with a unit (s, ms, us, ns,
 * ps, min, h), at most a day.
 * @throws std::invalid_argument naming @p option otherwise
 */
Time ParseDelay(const std::string& option, const std::string& text);
/**
 * A queue size such as "200KB" or "100p": a positive whole number of bytes or packets.
 * @throws std::invalid_argument naming @p option otherwise
 */
QueueSize ParseQueueSize(const std::string& option, const std::string& text);
/**
 * Checks that @p value is finite and within [@p lo, @p hi].
 * @throws std::invalid_argument naming @p option otherwise
 */
void RequireWithin(const std::string& option, double value, double lo, double hi);

} // namespace ns3

#endif
