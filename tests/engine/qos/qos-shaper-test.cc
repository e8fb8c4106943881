/*
 * The shaper's caps and groups (qos-shaper.h) against a plain reference: FIFO queues and
 * buckets that are nothing but their definition, "a packet leaves at the earliest time
 * at which every window of takes ending with it holds at most burst + rate*T/8 bytes",
 * simulated event by event. Random arrivals must meet the same fate (sent, queued,
 * dropped) at the same time in both. Then the shaper's own output is checked against
 * that bound directly, and its bookkeeping: counters, backlog, NextRelease, RemovePort.
 */
#include "engine/qos/qos-shaper.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <gtest/gtest.h>
#include <limits>
#include <random>

namespace vfp
{
namespace
{

constexpr Direction TX = Direction::Outbound;
constexpr Direction RX = Direction::Inbound;
constexpr double NEVER = std::numeric_limits<double>::quiet_NaN();
using Admission = QosShaper::Admission;
/// What rounding of the times may add to a window's bytes (about 1e-8 bytes a packet).
constexpr double ROUNDING_BYTES = 1e-3;

RateLimitSpec
Cap(double rateBps, uint64_t burstBytes, uint64_t queueBytes = DEFAULT_QOS_QUEUE_BYTES)
{
    return RateLimitSpec{rateBps, burstBytes, queueBytes};
}

PortQosSpec
Caps(std::optional<RateLimitSpec> tx, std::optional<RateLimitSpec> rx = std::nullopt)
{
    PortQosSpec qos;
    qos.tx = tx;
    qos.rx = rx;
    return qos;
}

/// One offered packet; its handle is its index in the run.
struct Arrival
{
    std::string port;
    Direction direction;
    uint32_t bytes;
    double at;
};

/// What became of a packet, and when it left (NEVER if dropped).
struct Fate
{
    Admission admission = Admission::Dropped;
    double at = NEVER;
};

struct ShaperRun
{
    std::vector<Fate> fates;                                    //!< by handle
    std::map<std::pair<std::string, Direction>, uint64_t> peak; //!< largest backlog seen
};

/**
 * Offers @p arrivals (in time order) as a caller drives the shaper: Release at every
 * NextRelease up to each arrival's time, then Enqueue; at the end, Release until nothing
 * waits. Checks on the way that NextRelease is exactly the time of the next release (no
 * release just before it, one at it), that every handle leaves once and that release
 * times never go back.
 */
ShaperRun
Drive(QosShaper& shaper, const std::vector<Arrival>& arrivals)
{
    ShaperRun run;
    run.fates.resize(arrivals.size());
    double last = 0;
    auto releaseUpTo = [&](double until)
    {
        for (std::optional<double> next = shaper.NextRelease(); next && *next <= until;
             next = shaper.NextRelease())
        {
            EXPECT_TRUE(shaper.Release(std::nextafter(*next, 0.0)).empty())
                << "a release before NextRelease " << *next;
            const std::vector<QosShaper::Released> released = shaper.Release(*next);
            ASSERT_FALSE(released.empty()) << "nothing released at NextRelease " << *next;
            EXPECT_EQ(released.front().at, *next);
            for (const QosShaper::Released& out : released)
            {
                ASSERT_LT(out.handle, run.fates.size());
                Fate& fate = run.fates[out.handle];
                ASSERT_EQ(fate.admission, Admission::Queued) << "handle " << out.handle;
                ASSERT_TRUE(std::isnan(fate.at)) << "handle " << out.handle << " released twice";
                EXPECT_GE(out.at, last) << "release times went back";
                fate.at = last = out.at;
            }
        }
    };
    for (size_t handle = 0; handle < arrivals.size(); ++handle)
    {
        const Arrival& arrival = arrivals[handle];
        releaseUpTo(arrival.at);
        Fate& fate = run.fates[handle];
        fate.admission =
            shaper.Enqueue(arrival.port, arrival.direction, handle, arrival.bytes, arrival.at);
        if (fate.admission == Admission::Sent)
        {
            fate.at = arrival.at;
        }
        uint64_t& peak = run.peak[{arrival.port, arrival.direction}];
        peak = std::max(peak, shaper.GetBacklogBytes(arrival.port, arrival.direction));
    }
    releaseUpTo(std::numeric_limits<double>::infinity());
    EXPECT_FALSE(shaper.NextRelease());
    return run;
}

// ---- The reference ----

/// A bucket as its definition: the takes so far; more bytes conform at t when every
/// window of takes ending with them holds at most burst + rate*T (rate in bytes a second).
struct ReferenceBucket
{
    double rate;
    double burst;
    std::vector<double> times;
    std::vector<double> before{0}; //!< before[j]: bytes of the takes ahead of take j

    double Earliest(double bytes, double from) const
    {
        double at = times.empty() ? from : std::max(from, times.back()); // time goes on
        const double total = before.back() + bytes;
        for (size_t j = 0; j < times.size(); ++j)
        {
            at = std::max(at, times[j] + (total - before[j] - burst) / rate);
        }
        return at;
    }
    void Take(double bytes, double at)
    {
        times.push_back(at);
        before.push_back(before.back() + bytes);
    }
};

/// The switch as a list of FIFO queues, each under at most one own bucket and one group
/// bucket, served earliest-conforming head first (ties: the queue served least recently,
/// then the earlier queue).
class ReferenceShaper
{
public:
    struct Queue
    {
        std::string port;
        Direction direction;
        std::optional<size_t> own;   //!< index in buckets
        std::optional<size_t> group; //!< index in buckets
        uint64_t limit;
        std::deque<size_t> waiting; //!< handles
        uint64_t backlog = 0;
        uint64_t servedAt = 0; //!< the last release from it, counted
    };

    size_t AddBucket(const RateLimitSpec& cap)
    {
        m_buckets.push_back({cap.rateBps / 8, static_cast<double>(cap.burstBytes), {}, {0}});
        return m_buckets.size() - 1;
    }
    /// Queues must be added in the shaper's order: port names, tx before rx.
    void AddQueue(const std::string& port,
                  Direction direction,
                  std::optional<size_t> own,
                  std::optional<size_t> group,
                  uint64_t limit)
    {
        m_queues.push_back({port, direction, own, group, limit, {}, 0});
    }

    std::vector<Fate> Run(const std::vector<Arrival>& arrivals)
    {
        std::vector<Fate> fates(arrivals.size());
        size_t next = 0;
        while (true)
        {
            Queue* best = nullptr;
            double bestAt = std::numeric_limits<double>::infinity();
            for (Queue& queue : m_queues)
            {
                if (!queue.waiting.empty())
                {
                    const Arrival& head = arrivals[queue.waiting.front()];
                    const double at = Conforms(queue, head.bytes, head.at);
                    if (at < bestAt || (at == bestAt && queue.servedAt < best->servedAt))
                    {
                        best = &queue;
                        bestAt = at;
                    }
                }
            }
            if (best && (next == arrivals.size() || bestAt <= arrivals[next].at))
            {
                const size_t handle = best->waiting.front();
                best->waiting.pop_front();
                best->backlog -= arrivals[handle].bytes;
                TakeAll(*best, arrivals[handle].bytes, bestAt);
                best->servedAt = ++m_served;
                fates[handle] = {Admission::Queued, bestAt};
                continue;
            }
            if (next == arrivals.size())
            {
                return fates;
            }
            const Arrival& arrival = arrivals[next];
            Queue& queue = Find(arrival.port, arrival.direction);
            if (queue.waiting.empty() && Conforms(queue, arrival.bytes, arrival.at) <= arrival.at)
            {
                TakeAll(queue, arrival.bytes, arrival.at);
                fates[next] = {Admission::Sent, arrival.at};
            }
            else if (queue.backlog + arrival.bytes > queue.limit)
            {
                fates[next] = {Admission::Dropped, NEVER};
            }
            else
            {
                queue.waiting.push_back(next);
                queue.backlog += arrival.bytes;
                fates[next] = {Admission::Queued, NEVER};
            }
            ++next;
        }
    }

private:
    Queue& Find(const std::string& port, Direction direction)
    {
        for (Queue& queue : m_queues)
        {
            if (queue.port == port && queue.direction == direction)
            {
                return queue;
            }
        }
        throw std::logic_error("no reference queue for " + port);
    }
    double Conforms(const Queue& queue, double bytes, double from) const
    {
        double at = from;
        for (const std::optional<size_t>& bucket : {queue.own, queue.group})
        {
            if (bucket)
            {
                at = std::max(at, m_buckets[*bucket].Earliest(bytes, from));
            }
        }
        return at;
    }
    void TakeAll(const Queue& queue, double bytes, double at)
    {
        for (const std::optional<size_t>& bucket : {queue.own, queue.group})
        {
            if (bucket)
            {
                m_buckets[*bucket].Take(bytes, at);
            }
        }
    }

    std::vector<ReferenceBucket> m_buckets;
    std::vector<Queue> m_queues;
    uint64_t m_served = 0; //!< releases so far, for the tie-break
};

// ---- Checks on a run ----

void
ExpectSameFates(const ShaperRun& run, const std::vector<Fate>& reference)
{
    ASSERT_EQ(run.fates.size(), reference.size());
    size_t mismatches = 0;
    for (size_t handle = 0; handle < reference.size() && mismatches < 5; ++handle)
    {
        const Fate& got = run.fates[handle];
        const Fate& want = reference[handle];
        const bool same =
            got.admission == want.admission &&
            (std::isnan(want.at) ? std::isnan(got.at) : std::abs(got.at - want.at) <= 1e-9);
        if (!same)
        {
            ++mismatches;
            ADD_FAILURE() << "packet " << handle << ": shaper " << static_cast<int>(got.admission)
                          << " at " << got.at << ", reference " << static_cast<int>(want.admission)
                          << " at " << want.at;
        }
    }
}

/// The largest excess of the packets of @p queues (by handle) over burst + rate*T/8,
/// over every window of their departure times.
double
WorstExcess(const std::vector<Arrival>& arrivals,
            const ShaperRun& run,
            const std::vector<std::pair<std::string, Direction>>& queues,
            const RateLimitSpec& cap)
{
    std::vector<std::pair<double, double>> out; // (time, bytes)
    for (size_t handle = 0; handle < arrivals.size(); ++handle)
    {
        const Arrival& arrival = arrivals[handle];
        const std::pair<std::string, Direction> queue{arrival.port, arrival.direction};
        if (!std::isnan(run.fates[handle].at) &&
            std::find(queues.begin(), queues.end(), queue) != queues.end())
        {
            out.emplace_back(run.fates[handle].at, arrival.bytes);
        }
    }
    std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.first < b.first; });
    double worst = -std::numeric_limits<double>::infinity();
    for (size_t a = 0; a < out.size(); ++a)
    {
        double bytes = 0;
        for (size_t b = a; b < out.size(); ++b)
        {
            bytes += out[b].second;
            worst = std::max(
                worst, bytes - (cap.burstBytes + cap.rateBps * (out[b].first - out[a].first) / 8));
        }
    }
    return worst;
}

/// Counters equal to the fates of the packets offered to @p port that way.
void
ExpectCountersMatch(const QosShaper& shaper,
                    const std::vector<Arrival>& arrivals,
                    const ShaperRun& run,
                    const std::string& port,
                    Direction direction)
{
    QosShaper::Counters want;
    for (size_t handle = 0; handle < arrivals.size(); ++handle)
    {
        const Arrival& arrival = arrivals[handle];
        if (arrival.port == port && arrival.direction == direction)
        {
            const Admission admission = run.fates[handle].admission;
            (admission == Admission::Sent     ? want.conforming
             : admission == Admission::Queued ? want.queued
                                              : want.dropped)
                .Count(arrival.bytes);
        }
    }
    const QosShaper::Counters& got = shaper.GetCounters(port, direction);
    const std::string where = port + " " + std::string(DirectionName(direction));
    EXPECT_EQ(got.conforming.packets, want.conforming.packets) << where;
    EXPECT_EQ(got.conforming.bytes, want.conforming.bytes) << where;
    EXPECT_EQ(got.queued.packets, want.queued.packets) << where;
    EXPECT_EQ(got.queued.bytes, want.queued.bytes) << where;
    EXPECT_EQ(got.dropped.packets, want.dropped.packets) << where;
    EXPECT_EQ(got.dropped.bytes, want.dropped.bytes) << where;
    EXPECT_GT(want.queued.packets, 0u) << where << ": the run should make packets wait";
}

/// Packets offered to one queue at random: @p loadBps on average.
struct Stream
{
    std::string port;
    Direction direction;
    double loadBps;
};

/// @p count packets of 64 to 1514 bytes on @p streams, each its part of them, in time
/// order: random gaps, and one gap in 200 an idle time of @p idle seconds.
std::vector<Arrival>
RandomArrivals(std::mt19937& random, const std::vector<Stream>& streams, size_t count, double idle)
{
    constexpr double MEAN_BYTES = (64 + 1514) / 2.0;
    double load = 0;
    for (const Stream& stream : streams)
    {
        load += stream.loadBps;
    }
    std::uniform_int_distribution<uint32_t> size(64, 1514);
    std::vector<Arrival> arrivals;
    for (const Stream& stream : streams)
    {
        std::exponential_distribution<double> gap(stream.loadBps / 8 / MEAN_BYTES);
        double now = 0;
        for (size_t i = 0; i < count * stream.loadBps / load; ++i)
        {
            now += random() % 200 == 0 ? idle : gap(random);
            arrivals.push_back({stream.port, stream.direction, size(random), now});
        }
    }
    std::stable_sort(arrivals.begin(),
                     arrivals.end(),
                     [](const Arrival& a, const Arrival& b) { return a.at < b.at; });
    return arrivals;
}

TEST(QosShaper, OnePortsCapsMatchTheReference)
{
    std::mt19937 random(5);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int trial = 0; trial < 8; ++trial)
    {
        const RateLimitSpec tx =
            Cap(1e8 + 2e9 * unit(random), 1514 + random() % 20'000, 3028 + random() % 60'000);
        const RateLimitSpec rx =
            Cap(1e8 + 2e9 * unit(random), 1514 + random() % 20'000, 3028 + random() % 60'000);
        QosShaper shaper;
        shaper.SetPort("vm", Caps(tx, rx), 0);
        ReferenceShaper reference;
        reference.AddQueue("vm", TX, reference.AddBucket(tx), std::nullopt, tx.queueBytes);
        reference.AddQueue("vm", RX, reference.AddBucket(rx), std::nullopt, rx.queueBytes);
        // Twice what each cap lets through, with idle times that fill the buckets.
        const std::vector<Arrival> arrivals = RandomArrivals(
            random, {{"vm", TX, 2 * tx.rateBps}, {"vm", RX, 2 * rx.rateBps}}, 3000, 0.002);
        const ShaperRun run = Drive(shaper, arrivals);
        SCOPED_TRACE("trial " + std::to_string(trial));
        ExpectSameFates(run, reference.Run(arrivals));
        EXPECT_LE(WorstExcess(arrivals, run, {{"vm", TX}}, tx), ROUNDING_BYTES);
        EXPECT_LE(WorstExcess(arrivals, run, {{"vm", RX}}, rx), ROUNDING_BYTES);
        EXPECT_LE(run.peak.at({"vm", TX}), tx.queueBytes);
        EXPECT_LE(run.peak.at({"vm", RX}), rx.queueBytes);
        ExpectCountersMatch(shaper, arrivals, run, "vm", TX);
        ExpectCountersMatch(shaper, arrivals, run, "vm", RX);
        EXPECT_GT(shaper.GetCounters("vm", TX).dropped.packets, 0u) << "the load drops some";
        EXPECT_GT(shaper.GetCounters("vm", TX).conforming.packets, 0u) << "and sends some at once";
    }
}

TEST(QosShaper, AGroupOfTwoMatchesTheReference)
{
    std::mt19937 random(6);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int trial = 0; trial < 8; ++trial)
    {
        // "a" has a cap below the group's, "b" none or one above it; "c" is unshaped.
        const RateLimitSpec group = Cap(5e8 + 1e9 * unit(random), 1514 + random() % 20'000, 20'000);
        const RateLimitSpec a = Cap(group.rateBps * (0.1 + 0.5 * unit(random)),
                                    1514 + random() % 10'000,
                                    3028 + random() % 30'000);
        const bool bCapped = trial % 2 == 1;
        const RateLimitSpec b = Cap(group.rateBps * 1.5, 1514 + random() % 10'000, 40'000);
        QosShaper shaper;
        shaper.SetPort("a", Caps(a), 0);
        shaper.SetPort("b", bCapped ? std::optional(Caps(b)) : std::nullopt, 0);
        shaper.SetPort("c", std::nullopt, 0);
        shaper.SetGroup({"tenant", TX, {"a", "b"}, group}, 0);
        ReferenceShaper reference;
        const size_t groupBucket = reference.AddBucket(group);
        reference.AddQueue("a", TX, reference.AddBucket(a), groupBucket, a.queueBytes);
        reference.AddQueue("b",
                           TX,
                           bCapped ? std::optional(reference.AddBucket(b)) : std::nullopt,
                           groupBucket,
                           bCapped ? b.queueBytes : group.queueBytes);
        reference.AddQueue("c", TX, std::nullopt, std::nullopt, 0);
        const std::vector<Arrival> arrivals = RandomArrivals(random,
                                                             {{"a", TX, 0.8 * group.rateBps},
                                                              {"b", TX, 1.2 * group.rateBps},
                                                              {"c", TX, 0.5 * group.rateBps}},
                                                             3000,
                                                             0.002);
        const ShaperRun run = Drive(shaper, arrivals);
        SCOPED_TRACE("trial " + std::to_string(trial));
        ExpectSameFates(run, reference.Run(arrivals));
        EXPECT_LE(WorstExcess(arrivals, run, {{"a", TX}, {"b", TX}}, group), ROUNDING_BYTES)
            << "group";
        EXPECT_LE(WorstExcess(arrivals, run, {{"a", TX}}, a), ROUNDING_BYTES) << "a's own cap";
        if (bCapped)
        {
            EXPECT_LE(WorstExcess(arrivals, run, {{"b", TX}}, b), ROUNDING_BYTES) << "b's own cap";
        }
        EXPECT_LE(run.peak.at({"a", TX}), a.queueBytes);
        EXPECT_LE(run.peak.at({"b", TX}), bCapped ? b.queueBytes : group.queueBytes);
        ExpectCountersMatch(shaper, arrivals, run, "a", TX);
        ExpectCountersMatch(shaper, arrivals, run, "b", TX);
        for (size_t handle = 0; handle < arrivals.size(); ++handle)
        {
            if (arrivals[handle].port == "c")
            {
                EXPECT_EQ(run.fates[handle].admission, Admission::Sent) << "c is not shaped";
            }
        }
    }
}

/// Bytes of @p port's packets that left in [from, to).
double
BytesLeft(const std::vector<Arrival>& arrivals,
          const ShaperRun& run,
          const std::string& port,
          double from,
          double to)
{
    double bytes = 0;
    for (size_t handle = 0; handle < arrivals.size(); ++handle)
    {
        const double at = run.fates[handle].at;
        if (arrivals[handle].port == port && at >= from && at < to)
        {
            bytes += arrivals[handle].bytes;
        }
    }
    return bytes;
}

/// A 1 Gbps group over @p capped (its own cap 200 Mbps) and @p free (no cap of its own),
/// both offering 2.4 Gbps for 0.2 s: the rates each got from 20 ms on.
std::pair<double, double>
GroupRates(const std::string& capped, const std::string& free)
{
    QosShaper shaper;
    shaper.SetPort(capped, Caps(Cap(2e8, 3000)), 0);
    shaper.SetPort(free, std::nullopt, 0);
    shaper.SetGroup({"tenant", TX, {capped, free}, Cap(1e9, 15'000)}, 0);
    std::vector<Arrival> arrivals;
    for (int i = 0; i < 40'000; ++i)
    {
        arrivals.push_back({capped, TX, 1500, i * 5e-6});
        arrivals.push_back({free, TX, 1500, i * 5e-6 + 1e-7});
    }
    const ShaperRun run = Drive(shaper, arrivals);
    const double seconds = 0.18;
    return {BytesLeft(arrivals, run, capped, 0.02, 0.2) * 8 / seconds,
            BytesLeft(arrivals, run, free, 0.02, 0.2) * 8 / seconds};
}

TEST(QosShaper, AMemberHeldByItsOwnCapDoesNotHoldBackTheOther)
{
    // The free member gets what the capped one's cap leaves of the group: 800 Mbps.
    const auto [capped, free] = GroupRates("a", "b");
    EXPECT_NEAR(capped, 2e8, 2e8 * 0.02);
    EXPECT_NEAR(free, 8e8, 8e8 * 0.02);
}

TEST(QosShaper, AGreedyMemberDoesNotStarveOneWithALowCap)
{
    // The same with the free member first in name order: the capped one still gets its
    // 200 Mbps, since the group has 1 Gbps for the two.
    const auto [capped, free] = GroupRates("z", "b");
    EXPECT_NEAR(capped, 2e8, 2e8 * 0.02);
    EXPECT_NEAR(free, 8e8, 8e8 * 0.02);
}

TEST(QosShaper, QueuesUpToItsBoundThenDropsAndCountsEverything)
{
    // 1e6 bytes a second, one frame of burst, two frames of queue.
    QosShaper shaper;
    shaper.SetPort("vm", Caps(Cap(8e6, 1514, 3028)), 0);
    EXPECT_TRUE(shaper.IsActive());
    EXPECT_EQ(shaper.Enqueue("vm", TX, 1, 1514, 0), Admission::Sent);
    EXPECT_EQ(shaper.Enqueue("vm", TX, 2, 1514, 0), Admission::Queued);
    EXPECT_EQ(shaper.Enqueue("vm", TX, 3, 1514, 0), Admission::Queued);
    EXPECT_EQ(shaper.Enqueue("vm", TX, 4, 1514, 0), Admission::Dropped);
    EXPECT_EQ(shaper.Enqueue("vm", TX, 5, 64, 0), Admission::Dropped) << "full is full";
    EXPECT_EQ(shaper.Enqueue("vm", RX, 6, 1514, 0), Admission::Sent) << "rx is not capped";
    EXPECT_EQ(shaper.GetBacklogBytes("vm", TX), 3028u);
    ASSERT_TRUE(shaper.NextRelease());
    EXPECT_DOUBLE_EQ(*shaper.NextRelease(), 0.001514);
    EXPECT_TRUE(shaper.Release(0.0015).empty());
    const std::vector<QosShaper::Released> released = shaper.Release(1);
    ASSERT_EQ(released.size(), 2u);
    EXPECT_EQ(released[0].handle, 2u);
    EXPECT_DOUBLE_EQ(released[0].at, 0.001514);
    EXPECT_EQ(released[1].handle, 3u);
    EXPECT_DOUBLE_EQ(released[1].at, 0.003028) << "at its conformance time, not Release's";
    EXPECT_FALSE(shaper.NextRelease());
    const QosShaper::Counters& counters = shaper.GetCounters("vm", TX);
    EXPECT_EQ(counters.conforming.packets, 1u);
    EXPECT_EQ(counters.queued.packets, 2u);
    EXPECT_EQ(counters.queued.bytes, 3028u);
    EXPECT_EQ(counters.dropped.packets, 2u);
    EXPECT_EQ(counters.dropped.bytes, 1514u + 64u);
    EXPECT_EQ(shaper.GetCounters("vm", RX).conforming.packets, 0u)
        << "an unshaped queue counts nothing";
}

TEST(QosShaper, UnshapedPortsSendEverythingAndUnknownPortsAreRefused)
{
    QosShaper shaper;
    shaper.SetPort("vm", std::nullopt, 0);
    EXPECT_FALSE(shaper.IsActive());
    for (uint64_t i = 0; i < 100; ++i)
    {
        EXPECT_EQ(shaper.Enqueue("vm", TX, i, 1514, 0), Admission::Sent);
    }
    EXPECT_FALSE(shaper.NextRelease());
    EXPECT_THROW(shaper.Enqueue("other", TX, 0, 64, 0), PolicyError);
}

TEST(QosShaper, RemovePortHandsBackWhatWaits)
{
    QosShaper shaper;
    shaper.SetPort("a", Caps(Cap(8e6, 1514), Cap(8e6, 1514)), 0);
    shaper.SetPort("b", Caps(Cap(8e6, 1514)), 0);
    for (uint64_t handle : {10, 11, 12})
    {
        shaper.Enqueue("a", TX, handle, 1514, 0);
    }
    shaper.Enqueue("a", RX, 20, 1514, 0);
    shaper.Enqueue("a", RX, 21, 1514, 0);
    shaper.Enqueue("b", TX, 30, 1514, 0);
    shaper.Enqueue("b", TX, 31, 1000, 0);
    EXPECT_EQ(shaper.RemovePort("a"), (std::vector<uint64_t>{11, 12, 21}))
        << "10 and 20 were sent at once";
    EXPECT_TRUE(shaper.RemovePort("a").empty());
    EXPECT_THROW(shaper.Enqueue("a", TX, 13, 64, 1), PolicyError);
    ASSERT_TRUE(shaper.NextRelease());
    EXPECT_DOUBLE_EQ(*shaper.NextRelease(), 0.001) << "b's packet, at its own time";
    const std::vector<QosShaper::Released> released = shaper.Release(1);
    ASSERT_EQ(released.size(), 1u);
    EXPECT_EQ(released[0].handle, 31u);
    EXPECT_FALSE(shaper.NextRelease()) << "nothing of a's is left waiting";
}

} // namespace
} // namespace vfp
