/*
 * The link allocation (fair-share.h): the paper's examples exactly, then random claims
 * against the invariants the header promises and against a plain reference, a bisection
 * on the water level.
 */
#include "engine/qos/fair-share.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <numeric>
#include <random>

namespace vfp
{
namespace
{

constexpr double G = 1e9;
constexpr double GREEDY = std::numeric_limits<double>::infinity();

ShareClaim
Claim(double reservation, double demand, double weight = 1)
{
    return ShareClaim{reservation, weight, demand};
}

TEST(FairShare, GreedyPortsGetTheirReservations)
{
    const std::vector<double> given =
        Allocate(10 * G, {Claim(7 * G, GREEDY), Claim(3 * G, GREEDY)});
    EXPECT_DOUBLE_EQ(given[0], 7 * G);
    EXPECT_DOUBLE_EQ(given[1], 3 * G);
}

TEST(FairShare, AnIdlePortLeavesTheLinkToTheOther)
{
    const std::vector<double> given = Allocate(10 * G, {Claim(7 * G, 0), Claim(3 * G, GREEDY)});
    EXPECT_EQ(given[0], 0);
    EXPECT_DOUBLE_EQ(given[1], 10 * G);
}

TEST(FairShare, WeightsSplitWhatIsNotReserved)
{
    const std::vector<double> given = Allocate(9 * G, {Claim(0, GREEDY, 2), Claim(0, GREEDY, 1)});
    EXPECT_DOUBLE_EQ(given[0], 6 * G);
    EXPECT_DOUBLE_EQ(given[1], 3 * G);
    // With reservations, what is above them goes 2:1: 10 - 1 - 3 = 6 shared as 4 and 2.
    const std::vector<double> reserved =
        Allocate(10 * G, {Claim(1 * G, GREEDY, 2), Claim(3 * G, GREEDY, 1)});
    EXPECT_DOUBLE_EQ(reserved[0], 5 * G);
    EXPECT_DOUBLE_EQ(reserved[1], 5 * G);
}

TEST(FairShare, ASatisfiedPortPassesItsShareOn)
{
    // 12 G among three: the first wants 1 G, the other two split the remaining 11 G.
    const std::vector<double> given =
        Allocate(12 * G, {Claim(0, 1 * G), Claim(0, GREEDY), Claim(0, 8 * G)});
    EXPECT_DOUBLE_EQ(given[0], 1 * G);
    EXPECT_DOUBLE_EQ(given[1], 5.5 * G);
    EXPECT_DOUBLE_EQ(given[2], 5.5 * G);
}

/// The reference: the water level L at which sum min(d_i, min(r_i, d_i) + w_i L) = C,
/// found by bisection (every allocation is that expression at one level).
std::vector<double>
ReferenceAllocate(double capacity, const std::vector<ShareClaim>& claims)
{
    auto at = [&](double level)
    {
        std::vector<double> given;
        for (const ShareClaim& claim : claims)
        {
            const double floor = std::min(claim.reservation, claim.demand);
            given.push_back(std::min(claim.demand, floor + claim.weight * level));
        }
        return given;
    };
    auto total = [](const std::vector<double>& given)
    { return std::accumulate(given.begin(), given.end(), 0.0); };
    double low = 0;
    double high = capacity / 0.1; // per unit of weight: the weights are at least 0.1
    if (total(at(high)) <= capacity)
    {
        return at(high); // every demand met
    }
    for (int i = 0; i < 200; ++i)
    {
        const double middle = (low + high) / 2;
        (total(at(middle)) <= capacity ? low : high) = middle;
    }
    return at(low);
}

TEST(FairShare, RandomClaimsKeepTheInvariantsAndMatchTheReference)
{
    std::mt19937 random(42);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int trial = 0; trial < 4000; ++trial)
    {
        const double capacity = (1 + 99 * unit(random)) * G;
        const size_t n = 1 + random() % 8;
        std::vector<ShareClaim> claims(n);
        // Reservations take a random part of the link, split at random; some ports have none.
        const double reservedPart = random() % 3 == 0 ? 0 : unit(random);
        std::vector<double> cuts(n);
        for (double& cut : cuts)
        {
            cut = random() % 3 == 0 ? 0 : unit(random);
        }
        const double cutSum = std::accumulate(cuts.begin(), cuts.end(), 0.0);
        for (size_t i = 0; i < n; ++i)
        {
            ShareClaim& claim = claims[i];
            claim.reservation = cutSum > 0 ? capacity * reservedPart * cuts[i] / cutSum : 0;
            claim.weight = random() % 2 ? 1 + random() % 4 : 0.1 + 9.9 * unit(random);
            switch (random() % 5)
            {
                case 0:
                    claim.demand = 0;
                    break;
                case 1:
                    claim.demand = GREEDY;
                    break;
                case 2:
                    claim.demand = claim.reservation * unit(random); // below its reservation
                    break;
                default:
                    claim.demand = capacity * unit(random) * 0.6;
            }
        }
        const std::vector<double> given = Allocate(capacity, claims);
        ASSERT_EQ(given.size(), n);
        const double tolerance = capacity * 1e-9;
        double sum = 0;
        double demands = 0;
        double greedyLevel = std::numeric_limits<double>::quiet_NaN();
        for (size_t i = 0; i < n; ++i)
        {
            const ShareClaim& claim = claims[i];
            EXPECT_LE(given[i], claim.demand + tolerance) << "trial " << trial << " port " << i;
            EXPECT_GE(given[i], std::min(claim.reservation, claim.demand) - tolerance)
                << "trial " << trial << " port " << i;
            sum += given[i];
            demands += claim.demand;
            if (claim.demand == GREEDY)
            {
                const double level = (given[i] - claim.reservation) / claim.weight;
                if (std::isnan(greedyLevel))
                {
                    greedyLevel = level;
                }
                EXPECT_NEAR(level, greedyLevel, tolerance) << "trial " << trial << " port " << i;
            }
        }
        EXPECT_LE(sum, capacity + tolerance) << "trial " << trial;
        EXPECT_NEAR(sum, std::min(capacity, demands), tolerance)
            << "trial " << trial << ": work-conserving";
        const std::vector<double> reference = ReferenceAllocate(capacity, claims);
        for (size_t i = 0; i < n; ++i)
        {
            EXPECT_NEAR(given[i], reference[i], capacity * 1e-7)
                << "trial " << trial << " port " << i;
        }
    }
}

} // namespace
} // namespace vfp
