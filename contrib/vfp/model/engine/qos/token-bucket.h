/*
 * A token bucket (paper §7.3: "token bucket counters"), as a function of time.
 *
 * The bucket fills at rate bits per second up to burst bytes and starts full. A packet of
 * n bytes conforms at time t when the bucket holds at least n bytes then; taking it
 * removes n. Time is the caller's (seconds, never going backwards); the bucket has no
 * timer of its own: its level is computed when asked, from the level and time of the
 * last take. EarliestConform answers "when will n bytes conform", which is what lets a
 * queue wait exactly as long as its head needs (qos-shaper.h), with no polling.
 *
 * A packet larger than the burst can never find that many tokens; it conforms when the
 * bucket is full and empties it (so an oversized packet is never stuck; the policy
 * format refuses bursts below one full-size frame, policy-spec.h).
 *
 * Over any interval of length T, the bytes taken are at most burst + rate*T/8: the
 * property the tests check on packets.
 */
#ifndef VFP_ENGINE_TOKEN_BUCKET_H
#define VFP_ENGINE_TOKEN_BUCKET_H

#include <cstdint>

namespace vfp
{

class TokenBucket
{
public:
    /// A full bucket of @p burstBytes filling at @p rateBps (both above zero).
    TokenBucket(double rateBps, double burstBytes);

    /// The bytes the bucket holds at @p now (not before the last take).
    double Level(double now) const;
    /// The earliest time at or after @p now (and the last take) when @p bytes conform.
    double EarliestConform(double bytes, double now) const;
    /// Takes @p bytes at @p at (they must conform then; see EarliestConform).
    void Take(double bytes, double at);
    /// Changes rate and burst from @p now on, keeping the level (cut to the new burst).
    void Reconfigure(double rateBps, double burstBytes, double now);

    double GetRateBps() const { return m_bytesPerSecond * 8; }
    double GetBurstBytes() const { return m_burst; }

private:
    /// What @p bytes must find in the bucket: themselves, or a full bucket if larger.
    double Needed(double bytes) const;

    double m_bytesPerSecond; //!< fill rate
    double m_burst;          //!< capacity, bytes
    double m_level;          //!< bytes at m_time
    double m_time = 0;       //!< of the last take or reconfiguration
};

} // namespace vfp

#endif
