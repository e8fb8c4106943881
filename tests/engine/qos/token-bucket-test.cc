/*
 * The token bucket (token-bucket.h): full at the start, exact conformance times, and the
 * bound that defines it, bytes over any interval [a, b] <= burst + rate*(b - a)/8, checked
 * by brute force over every pair of take times.
 */
#include "engine/qos/token-bucket.h"

#include <cmath>
#include <gtest/gtest.h>
#include <random>
#include <vector>

namespace vfp
{
namespace
{

constexpr double MBYTE_PER_SECOND = 8e6; //!< a rate of one million bytes a second, in bps

TEST(TokenBucket, StartsFull)
{
    TokenBucket bucket(MBYTE_PER_SECOND, 3000);
    EXPECT_EQ(bucket.Level(0), 3000);
    EXPECT_EQ(bucket.Level(5), 3000) << "never above the burst";
    EXPECT_EQ(bucket.EarliestConform(3000, 0), 0);
    bucket.Take(3000, 0);
    EXPECT_EQ(bucket.Level(0), 0);
    EXPECT_EQ(bucket.GetRateBps(), MBYTE_PER_SECOND);
    EXPECT_EQ(bucket.GetBurstBytes(), 3000);
}

TEST(TokenBucket, EarliestConformIsExact)
{
    TokenBucket bucket(MBYTE_PER_SECOND, 3000);
    bucket.Take(3000, 1);
    // 1500 bytes at 1e6 bytes a second: 1.5 ms after the take, not a tick earlier.
    const double at = bucket.EarliestConform(1500, 1);
    EXPECT_DOUBLE_EQ(at, 1.0015);
    EXPECT_GE(bucket.Level(at), 1500 - 1e-9);
    EXPECT_LT(bucket.Level(at - 1e-7), 1500);
    EXPECT_EQ(bucket.EarliestConform(1500, 2), 2) << "already conforming later on";
    bucket.Take(1500, at);
    EXPECT_NEAR(bucket.Level(at), 0, 1e-9);
    EXPECT_DOUBLE_EQ(bucket.EarliestConform(100, at), at + 100e-6);
}

TEST(TokenBucket, APacketAboveTheBurstConformsWhenFullAndEmptiesIt)
{
    TokenBucket bucket(MBYTE_PER_SECOND, 2000);
    bucket.Take(1000, 0);
    EXPECT_DOUBLE_EQ(bucket.EarliestConform(9000, 0), 0.001) << "waits for a full bucket";
    bucket.Take(9000, 0.001);
    EXPECT_EQ(bucket.Level(0.001), 0);
}

TEST(TokenBucket, GreedyTakesNeverExceedBurstPlusRateOverAnyInterval)
{
    std::mt19937 random(15);
    for (int trial = 0; trial < 6; ++trial)
    {
        const double rateBps = std::uniform_real_distribution<double>(1e6, 1e10)(random);
        const double burst = std::uniform_real_distribution<double>(1514, 64'000)(random);
        std::uniform_int_distribution<uint32_t> size(64, static_cast<uint32_t>(burst));
        std::exponential_distribution<double> idle(rateBps / 8 / 500); // mean: 500 bytes' time
        TokenBucket bucket(rateBps, burst);
        std::vector<double> times;
        std::vector<double> sizes;
        double now = 0;
        for (int i = 0; i < 3000; ++i)
        {
            const double bytes = size(random);
            // Mostly back to back; now and then an idle gap that refills a little.
            if (random() % 4 == 0)
            {
                now += idle(random);
            }
            now = bucket.EarliestConform(bytes, now);
            bucket.Take(bytes, now);
            times.push_back(now);
            sizes.push_back(bytes);
        }
        std::vector<double> before(sizes.size() + 1, 0); // before[i]: bytes of takes 0..i-1
        for (size_t i = 0; i < sizes.size(); ++i)
        {
            before[i + 1] = before[i] + sizes[i];
        }
        double worst = -1e300; // largest excess over the bound, bytes
        for (size_t a = 0; a < times.size(); ++a)
        {
            for (size_t b = a; b < times.size(); ++b)
            {
                const double taken = before[b + 1] - before[a];
                worst = std::max(worst, taken - (burst + rateBps * (times[b] - times[a]) / 8));
            }
        }
        // Rounding of the times (about 1e-8 bytes a take) is all the bound may be passed by.
        EXPECT_LE(worst, 1e-3) << "trial " << trial << ": rate " << rateBps << " burst " << burst;
        // Greedy: the bound is reached (a take that waited empties a bucket that was full
        // at an earlier take), so the bucket is not slower than it must be either.
        EXPECT_GT(worst, -1e-3) << "trial " << trial;
    }
}

TEST(TokenBucket, ReconfigureKeepsTheLevelCutToTheNewBurst)
{
    TokenBucket bucket(MBYTE_PER_SECOND, 10'000);
    bucket.Take(4000, 0); // 6000 left, 7000 at 1 ms
    bucket.Reconfigure(2 * MBYTE_PER_SECOND, 5000, 0.001);
    EXPECT_EQ(bucket.Level(0.001), 5000) << "cut to the new burst";
    EXPECT_EQ(bucket.GetBurstBytes(), 5000);
    bucket.Take(5000, 0.001);
    EXPECT_DOUBLE_EQ(bucket.EarliestConform(2000, 0.001), 0.002) << "at the new rate";

    TokenBucket kept(MBYTE_PER_SECOND, 10'000);
    kept.Take(9000, 0); // 1000 left
    kept.Reconfigure(MBYTE_PER_SECOND / 2, 20'000, 0);
    EXPECT_EQ(kept.Level(0), 1000) << "a larger burst does not add tokens";
    EXPECT_DOUBLE_EQ(kept.Level(0.01), 1000 + 5000);
    EXPECT_DOUBLE_EQ(kept.Level(1), 20'000);
}

TEST(TokenBucket, TimesBeforeTheLastTakeCreditNothing)
{
    TokenBucket bucket(MBYTE_PER_SECOND, 3000);
    bucket.Take(3000, 1);
    EXPECT_EQ(bucket.Level(0.5), 0);
    EXPECT_DOUBLE_EQ(bucket.EarliestConform(1000, 0.5), 1.001) << "counted from the take";
    // A reconfiguration stamped before the last take must not refill the time in between.
    bucket.Reconfigure(MBYTE_PER_SECOND, 3000, 0.5);
    EXPECT_EQ(bucket.Level(1), 0);
    EXPECT_DOUBLE_EQ(bucket.EarliestConform(1000, 1), 1.001);
}

} // namespace
} // namespace vfp
