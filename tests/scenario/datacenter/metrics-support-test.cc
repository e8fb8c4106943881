/*
 * The datacenter scenario's bounded-memory distribution (metrics-support.h): against the
 * exact nearest-rank percentile of the kept samples, every percentile of a LogHistogram is
 * the same or at most 1% above it, and count, mean and max are exact.
 */
#include "metrics-support.h"

#include <gtest/gtest.h>
#include <random>

namespace ns3
{
namespace
{

TEST(LogHistogram, PercentilesAreWithinOnePercentAboveTheExactOnes)
{
    std::mt19937 random(7);
    for (int round = 0; round < 50; ++round)
    {
        std::lognormal_distribution<double> delay(round % 5, 1.5);
        std::vector<double> samples;
        LogHistogram histogram;
        for (int i = 0; i < 1 + round * 40; ++i)
        {
            const double value = i % 7 == 0 ? 0.0 : delay(random);
            samples.push_back(value);
            histogram.Add(value);
        }
        for (double q : {0.01, 0.5, 0.9, 0.99, 1.0})
        {
            const double exact = Percentile(samples, q);
            const double approximate = histogram.Percentile(q);
            if (exact < 0.001)
            {
                EXPECT_LT(approximate, 0.001) << "round " << round << " q " << q;
                continue;
            }
            EXPECT_GE(approximate, exact * (1 - 1e-12)) << "round " << round << " q " << q;
            EXPECT_LE(approximate, exact * 1.01 * (1 + 1e-12)) << "round " << round << " q " << q;
        }
        const nlohmann::json summary = histogram.Summary();
        const nlohmann::json exact = Distribution(samples);
        EXPECT_EQ(summary["count"], exact["count"]);
        EXPECT_DOUBLE_EQ(summary["max"].get<double>(), exact["max"].get<double>());
        EXPECT_NEAR(summary["mean"].get<double>(), exact["mean"].get<double>(), 1e-9);
    }
}

TEST(LogHistogram, EmptyAndMergedHistograms)
{
    LogHistogram empty;
    EXPECT_EQ(empty.Percentile(0.99), 0.0);
    EXPECT_EQ(empty.Summary()["count"], 0);
    LogHistogram a;
    LogHistogram b;
    a.Add(1.0);
    b.Add(100.0);
    a.Merge(b);
    EXPECT_EQ(a.Summary()["count"], 2);
    EXPECT_DOUBLE_EQ(a.Percentile(1.0), 100.0);
    EXPECT_LE(a.Percentile(0.5), 1.01);
}

} // namespace
} // namespace ns3
