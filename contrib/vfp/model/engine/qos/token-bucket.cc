#include "token-bucket.h"

#include <algorithm>

namespace vfp
{

TokenBucket::TokenBucket(double rateBps, double burstBytes)
    : m_bytesPerSecond(rateBps / 8)
    , m_burst(burstBytes)
    , m_level(burstBytes)
{
}

double
TokenBucket::Level(double now) const
{
    return std::min(m_burst, m_level + std::max(0.0, now - m_time) * m_bytesPerSecond);
}

double
TokenBucket::Needed(double bytes) const
{
    return std::min(bytes, m_burst);
}

double
TokenBucket::EarliestConform(double bytes, double now) const
{
    const double from = std::max(now, m_time);
    const double missing = Needed(bytes) - Level(from);
    return missing <= 0 ? from : from + missing / m_bytesPerSecond;
}

void
TokenBucket::Take(double bytes, double at)
{
    // Rounding may leave the level a hair below what is needed at the very time
    // EarliestConform gave; the clamp keeps it from drifting below zero.
    const double level = Level(at);
    m_time = std::max(at, m_time);
    m_level = std::max(0.0, level - Needed(bytes));
}

void
TokenBucket::Reconfigure(double rateBps, double burstBytes, double now)
{
    const double level = Level(now);
    m_bytesPerSecond = rateBps / 8;
    m_burst = burstBytes;
    m_level = std::min(level, burstBytes);
    m_time = std::max(now, m_time);
}

} // namespace vfp
