/*
 * The NIC flow table's rules (offload-table.h), one test per rule, then the whole table
 * against a plain reference model of them.
 */
#include "engine/nic/offload-table.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <list>
#include <map>
#include <random>
#include <sstream>
#include <utility>

namespace vfp
{
namespace
{

UnifiedFlowKey
Key(uint64_t id)
{
    UnifiedFlowKey key;
    key.words[0] = id;
    key.groups = 1;
    return key;
}

OffloadTableConfig
Instant(size_t capacity, size_t fast, OffloadEviction eviction = OffloadEviction::Lru)
{
    OffloadTableConfig config;
    config.capacity = capacity;
    config.fastCapacity = fast;
    config.insertLatency = 0;
    config.maxInsertRate = 0;
    config.eviction = eviction;
    return config;
}

TEST(OffloadTable, LruEvictsExactlyTheLeastRecentlyUsed)
{
    OffloadTable table(Instant(3, 0));
    for (uint64_t i = 0; i < 3; ++i)
    {
        ASSERT_EQ(table.Insert(Key(i), {}, i), OffloadInsertStatus::Queued);
    }
    EXPECT_TRUE(table.Lookup(Key(0), 0, 3).Hit()); // 1 is now the least recent
    table.Insert(Key(3), {}, 4);
    EXPECT_EQ(table.Counters().evictions, 1u);
    EXPECT_FALSE(table.Lookup(Key(1), 0, 5).Hit());
    EXPECT_TRUE(table.Lookup(Key(0), 0, 5).Hit());
    EXPECT_TRUE(table.Lookup(Key(2), 0, 5).Hit());
    EXPECT_TRUE(table.Lookup(Key(3), 0, 5).Hit());
}

TEST(OffloadTable, NoneRefusesWhenFullAndCounts)
{
    OffloadTable table(Instant(2, 0, OffloadEviction::None));
    table.Insert(Key(0), {}, 0);
    table.Insert(Key(1), {}, 0);
    EXPECT_EQ(table.Insert(Key(2), {}, 1), OffloadInsertStatus::TableFull);
    EXPECT_EQ(table.Counters().insertFailuresFull, 1u);
    EXPECT_EQ(table.Counters().evictions, 0u);
    EXPECT_FALSE(table.Lookup(Key(2), 0, 1).Hit());
    EXPECT_TRUE(table.Remove(Key(0), 2));
    EXPECT_EQ(table.Insert(Key(2), {}, 2), OffloadInsertStatus::Queued);
}

TEST(OffloadTable, BacklogGrowsAndEntriesAppearAtCompletion)
{
    OffloadTableConfig config = Instant(100, 0);
    config.maxInsertRate = 1000; // 1 ms per insert
    config.insertLatency = 0.01;
    config.maxBacklog = 4;
    OffloadTable table(config);
    double visible[5] = {};
    for (int i = 0; i < 4; ++i)
    {
        ASSERT_EQ(table.Insert(Key(i), {}, 0, &visible[i]), OffloadInsertStatus::Queued);
    }
    EXPECT_EQ(table.Insert(Key(9), {}, 0), OffloadInsertStatus::BacklogFull);
    EXPECT_EQ(table.Counters().insertFailuresBacklog, 1u);
    EXPECT_EQ(table.Backlog(), 4u);
    EXPECT_EQ(table.Counters().backlogMax, 4u);
    EXPECT_DOUBLE_EQ(visible[3], 0.004 + 0.01);
    EXPECT_EQ(table.Lookup(Key(3), 0, 0.0139).outcome, OffloadOutcome::Pending);
    EXPECT_TRUE(table.Lookup(Key(3), 0, 0.014).Hit());
    EXPECT_EQ(table.Backlog(), 0u);
}

TEST(OffloadTable, AZeroDelayInsertIsNeverInTheBacklog)
{
    OffloadTable table(Instant(4, 0));
    ASSERT_EQ(table.Insert(Key(0), {}, 0), OffloadInsertStatus::Queued);
    EXPECT_EQ(table.Backlog(), 0u);
    EXPECT_EQ(table.Counters().backlogMax, 0u) << "visible at once: never pending";
    EXPECT_TRUE(table.Lookup(Key(0), 0, 0).Hit());
}

TEST(OffloadTable, StaleGenerationIsAMissAndRemoved)
{
    OffloadTable table(Instant(4, 0));
    OffloadEntry entry;
    entry.generation = 1;
    table.Insert(Key(0), entry, 0);
    EXPECT_TRUE(table.Lookup(Key(0), 1, 1).Hit());
    EXPECT_EQ(table.Lookup(Key(0), 2, 2).outcome, OffloadOutcome::Stale);
    EXPECT_EQ(table.Counters().stale, 1u);
    EXPECT_EQ(table.Entries(), 0u);
    EXPECT_EQ(table.Lookup(Key(0), 2, 3).outcome, OffloadOutcome::Miss);
}

TEST(OffloadTable, IdleEntriesExpireLeastRecentFirst)
{
    OffloadTableConfig config = Instant(4, 0);
    config.idleTimeout = 1;
    OffloadTable table(config);
    std::vector<uint64_t> order;
    table.SetRemovalHandler(
        [&](const UnifiedFlowKey& key, const OffloadEntry&, OffloadRemoval why)
        {
            EXPECT_EQ(why, OffloadRemoval::Expired);
            order.push_back(key.words[0]);
        });
    table.Insert(Key(0), {}, 0);
    table.Insert(Key(1), {}, 0);
    table.Insert(Key(2), {}, 0.5);
    table.Lookup(Key(0), 0, 0.6);
    table.Expire(1.55);
    EXPECT_EQ(order, (std::vector<uint64_t>{1, 2}));
    EXPECT_EQ(table.Counters().expirations, 2u);
    EXPECT_TRUE(table.Lookup(Key(0), 0, 1.55).Hit());
}

TEST(OffloadTable, RemovalTakesTheFlowOutOfHardware)
{
    OffloadTable table(Instant(4, 0));
    table.Insert(Key(0), {}, 0);
    EXPECT_TRUE(table.Remove(Key(0), 1));
    EXPECT_FALSE(table.Remove(Key(0), 1));
    EXPECT_EQ(table.Counters().removals, 1u);
    EXPECT_FALSE(table.Lookup(Key(0), 0, 1).Hit());
}

TEST(OffloadTable, RemovalReportsTheCountersNotYetSyncedBack)
{
    OffloadTable table(Instant(4, 0));
    std::vector<std::pair<uint64_t, uint64_t>> reported; // packets, bytes
    table.SetRemovalHandler(
        [&](const UnifiedFlowKey&, const OffloadEntry& entry, OffloadRemoval why)
        {
            EXPECT_EQ(why, OffloadRemoval::Removed);
            reported.emplace_back(entry.packets, entry.bytes);
        });
    table.Insert(Key(0), {}, 0);
    table.Lookup(Key(0), 0, 1, 100);
    table.Lookup(Key(0), 0, 2, 200);
    table.SyncCounters([](const UnifiedFlowKey&, const OffloadEntry&) {});
    table.Lookup(Key(0), 0, 3, 50);
    EXPECT_TRUE(table.Remove(Key(0), 4));
    EXPECT_EQ(reported, (std::vector<std::pair<uint64_t, uint64_t>>{{1, 50}}))
        << "what the sync did not take, and only that";
}

TEST(OffloadTable, HitsPromoteToTheFastTierAndDemoteItsLeastRecent)
{
    OffloadTable table(Instant(8, 2));
    for (uint64_t i = 0; i < 3; ++i)
    {
        table.Insert(Key(i), {}, 0);
    }
    const OffloadTableConfig& config = table.Config();
    EXPECT_EQ(table.Lookup(Key(0), 0, 1).latency, config.largeLatency);
    EXPECT_EQ(table.Lookup(Key(0), 0, 1).outcome, OffloadOutcome::FastHit);
    EXPECT_EQ(table.Lookup(Key(0), 0, 1).latency, config.fastLatency);
    table.Lookup(Key(1), 0, 2);
    table.Lookup(Key(2), 0, 3); // demotes 0
    EXPECT_EQ(table.Counters().demotions, 1u);
    EXPECT_EQ(table.FastEntries(), 2u);
    EXPECT_EQ(table.LargeEntries(), 1u);
    EXPECT_EQ(table.Lookup(Key(0), 0, 4).outcome, OffloadOutcome::LargeHit);
}

/*
 * The whole table against a plain reference model of the rules above: resident entries in a map,
 * pending ones in a list, every choice a scan. Random lookups, inserts, removals, expiries and
 * sync-backs on a small key space, with time and the port generation moving on, on tables of every
 * shape; every result and every departing entry must agree, and periodically the counters and the
 * resident entries in recency order.
 */

/// Every time and duration is a multiple of this, so that sums of them are exact.
constexpr double TICK = 1.0 / 1024; // s

/// offload-table.h's semantics, plainly (O(n) per operation).
class ReferenceTable
{
public:
    struct Departure
    {
        UnifiedFlowKey key;
        OffloadEntry entry;
        OffloadRemoval why;
    };

    explicit ReferenceTable(const OffloadTableConfig& config)
        : m_config(config)
    {
    }

    OffloadLookup Lookup(const UnifiedFlowKey& key, uint64_t generation, double now, uint32_t bytes)
    {
        Advance(now);
        ++m_counters.lookups;
        OffloadLookup result;
        result.latency = m_config.largeLatency;
        auto it = m_resident.find(key);
        if (it == m_resident.end())
        {
            ++m_counters.misses;
            if (FindPending(key) != m_pending.end())
            {
                ++m_counters.pendingMisses;
                result.outcome = OffloadOutcome::Pending;
            }
            return result;
        }
        Resident& resident = it->second;
        if (resident.entry.generation < generation)
        {
            ++m_counters.stale;
            result.outcome = OffloadOutcome::Stale;
            Leave(it, OffloadRemoval::Stale);
            return result;
        }
        if (resident.fast)
        {
            ++m_counters.fastHits;
            result.outcome = OffloadOutcome::FastHit;
            result.latency = m_config.fastLatency;
        }
        else
        {
            ++m_counters.largeHits;
            result.outcome = OffloadOutcome::LargeHit;
            if (m_config.fastCapacity > 0)
            {
                if (FastEntries() == m_config.fastCapacity)
                {
                    LeastRecent(true)->second.fast = false;
                    ++m_counters.demotions;
                }
                resident.fast = true;
                ++m_counters.promotions;
            }
        }
        Use(resident, m_now);
        ++resident.entry.packets;
        resident.entry.bytes += bytes;
        result.entry = &resident.entry;
        return result;
    }

    OffloadInsertStatus Insert(const UnifiedFlowKey& key,
                               const OffloadEntry& entry,
                               double now,
                               double* visibleAt)
    {
        Advance(now);
        if (m_resident.count(key))
        {
            return OffloadInsertStatus::Present;
        }
        auto pending = FindPending(key);
        if (pending != m_pending.end())
        {
            ++m_counters.coalesced;
            pending->entry = entry;
            *visibleAt = pending->visibleAt;
            return OffloadInsertStatus::Coalesced;
        }
        if (m_config.maxBacklog != 0 && m_pending.size() >= m_config.maxBacklog)
        {
            ++m_counters.insertFailuresBacklog;
            return OffloadInsertStatus::BacklogFull;
        }
        if (m_config.eviction == OffloadEviction::None &&
            m_resident.size() + m_pending.size() >= m_config.capacity)
        {
            ++m_counters.insertFailuresFull;
            return OffloadInsertStatus::TableFull;
        }
        // s_i = max(t, s_(i-1)) + 1/rate, visible at s_i + insertLatency.
        m_serviceEnd = std::max(now, m_serviceEnd) +
                       (m_config.maxInsertRate > 0 ? 1 / m_config.maxInsertRate : 0);
        *visibleAt = m_serviceEnd + m_config.insertLatency;
        m_pending.push_back({key, entry, *visibleAt});
        ++m_counters.inserts;
        Advance(now);
        // The most entries pending at once, as Backlog() shows them between calls.
        m_counters.backlogMax = std::max<uint64_t>(m_counters.backlogMax, m_pending.size());
        return OffloadInsertStatus::Queued;
    }

    bool Remove(const UnifiedFlowKey& key, double now)
    {
        Advance(now);
        auto pending = FindPending(key);
        if (pending != m_pending.end())
        {
            ++m_counters.removals;
            m_pending.erase(pending); // no departure: the NIC never held it
            return true;
        }
        auto it = m_resident.find(key);
        if (it == m_resident.end())
        {
            return false;
        }
        ++m_counters.removals;
        Leave(it, OffloadRemoval::Removed);
        return true;
    }

    void Expire(double now)
    {
        Advance(now);
        if (m_config.idleTimeout == 0)
        {
            return;
        }
        for (auto it : InUseOrder())
        {
            if (it->second.lastUsed + m_config.idleTimeout <= m_now)
            {
                ++m_counters.expirations;
                Leave(it, OffloadRemoval::Expired);
            }
        }
    }

    /// The resident entries, least recently used first, before their counters are zeroed.
    std::vector<std::pair<UnifiedFlowKey, OffloadEntry>> SyncCounters()
    {
        std::vector<std::pair<UnifiedFlowKey, OffloadEntry>> visited;
        for (auto it : InUseOrder())
        {
            visited.emplace_back(it->first, it->second.entry);
            it->second.entry.packets = 0;
            it->second.entry.bytes = 0;
        }
        return visited;
    }

    const OffloadCounters& Counters() const { return m_counters; }
    size_t Entries() const { return m_resident.size(); }
    size_t FastEntries() const
    {
        return std::count_if(m_resident.begin(),
                             m_resident.end(),
                             [](const auto& resident) { return resident.second.fast; });
    }
    size_t Backlog() const { return m_pending.size(); }
    /// The entries that left since the last call, in order.
    std::vector<Departure> TakeDepartures() { return std::exchange(m_departures, {}); }

private:
    struct Resident
    {
        OffloadEntry entry;
        double lastUsed = 0; //!< s: the last hit or the completion
        uint64_t use = 0;    //!< the order of that use among all uses
        bool fast = false;   //!< in the fast tier, else in the large one
    };
    struct Pending
    {
        UnifiedFlowKey key;
        OffloadEntry entry;
        double visibleAt;
    };
    using Residents = std::map<UnifiedFlowKey, Resident>;

    /// A use is a hit or a completion: nothing else moves an entry in the recency order.
    void Use(Resident& resident, double when)
    {
        resident.lastUsed = when;
        resident.use = ++m_uses;
    }

    /// Applies, in request order, the completions visible by @p now.
    void Advance(double now)
    {
        m_now = std::max(m_now, now);
        while (!m_pending.empty() && m_pending.front().visibleAt <= m_now)
        {
            const Pending done = m_pending.front();
            m_pending.pop_front();
            if (m_resident.size() == m_config.capacity)
            {
                EXPECT_EQ(m_config.eviction, OffloadEviction::Lru)
                    << "eviction none reserves a slot for every pending entry";
                ++m_counters.evictions;
                Leave(LeastRecent(false), OffloadRemoval::Evicted);
            }
            Resident& resident = m_resident[done.key];
            resident.entry = done.entry;
            resident.fast = false; // a completion lands in the large tier
            Use(resident, done.visibleAt);
            ++m_counters.installed;
        }
    }

    std::list<Pending>::iterator FindPending(const UnifiedFlowKey& key)
    {
        return std::find_if(m_pending.begin(),
                            m_pending.end(),
                            [&](const Pending& pending) { return pending.key == key; });
    }

    /// The least recently used resident entry, of the fast tier only if @p fastOnly.
    Residents::iterator LeastRecent(bool fastOnly)
    {
        auto best = m_resident.end();
        for (auto it = m_resident.begin(); it != m_resident.end(); ++it)
        {
            if ((!fastOnly || it->second.fast) &&
                (best == m_resident.end() || it->second.use < best->second.use))
            {
                best = it;
            }
        }
        return best;
    }

    std::vector<Residents::iterator> InUseOrder()
    {
        std::vector<Residents::iterator> order;
        for (auto it = m_resident.begin(); it != m_resident.end(); ++it)
        {
            order.push_back(it);
        }
        std::sort(order.begin(),
                  order.end(),
                  [](auto a, auto b) { return a->second.use < b->second.use; });
        return order;
    }

    void Leave(Residents::iterator it, OffloadRemoval why)
    {
        m_departures.push_back({it->first, it->second.entry, why});
        m_resident.erase(it);
    }

    OffloadTableConfig m_config;
    Residents m_resident;
    std::list<Pending> m_pending; //!< in request order
    double m_now = 0;
    double m_serviceEnd = 0;
    uint64_t m_uses = 0;
    OffloadCounters m_counters;
    std::vector<Departure> m_departures;
};

/// Every counter, by name.
const std::pair<const char*, uint64_t OffloadCounters::*> COUNTER_FIELDS[] = {
    {"lookups", &OffloadCounters::lookups},
    {"fastHits", &OffloadCounters::fastHits},
    {"largeHits", &OffloadCounters::largeHits},
    {"misses", &OffloadCounters::misses},
    {"pendingMisses", &OffloadCounters::pendingMisses},
    {"stale", &OffloadCounters::stale},
    {"inserts", &OffloadCounters::inserts},
    {"coalesced", &OffloadCounters::coalesced},
    {"installed", &OffloadCounters::installed},
    {"insertFailuresFull", &OffloadCounters::insertFailuresFull},
    {"insertFailuresBacklog", &OffloadCounters::insertFailuresBacklog},
    {"evictions", &OffloadCounters::evictions},
    {"expirations", &OffloadCounters::expirations},
    {"removals", &OffloadCounters::removals},
    {"promotions", &OffloadCounters::promotions},
    {"demotions", &OffloadCounters::demotions},
    {"backlogMax", &OffloadCounters::backlogMax},
};
static_assert(sizeof(COUNTER_FIELDS) / sizeof(COUNTER_FIELDS[0]) * sizeof(uint64_t) ==
                  sizeof(OffloadCounters),
              "a counter the comparison does not know");

/// One table shape and timing; the name says which.
struct ReferenceCase
{
    std::string name;
    OffloadTableConfig config;
};

void
PrintTo(const ReferenceCase& c, std::ostream* os)
{
    *os << c.name;
}

std::vector<ReferenceCase>
ReferenceCases()
{
    struct Timing
    {
        const char* name;
        double maxInsertRate;
        double insertLatency;
        size_t maxBacklog;
    };
    const Timing timings[] = {
        {"instant", 0, 0, 0},
        {"latency", 0, 24 * TICK, 0},
        {"rate", 8, 0, 3},
        {"both", 32, 8 * TICK, 0},
    };
    std::vector<ReferenceCase> cases;
    // Capacity and fast tier: no fast tier, one entry (no order within it), some (where its order
    // decides the demotion), all.
    const std::pair<size_t, size_t> shapes[] = {
        {1, 0}, {1, 1}, {3, 0}, {3, 1}, {3, 2}, {3, 3}, {16, 0}, {16, 1}, {16, 4}, {16, 16}};
    for (const auto& [capacity, fast] : shapes)
    {
        for (OffloadEviction eviction : {OffloadEviction::Lru, OffloadEviction::None})
        {
            for (const Timing& timing : timings)
            {
                // Long enough for the slowest inserter to fill the table twice over.
                for (double idleTimeout : {0.0, static_cast<double>(256 * capacity) * TICK})
                {
                    ReferenceCase c;
                    c.config.capacity = capacity;
                    c.config.fastCapacity = fast;
                    c.config.eviction = eviction;
                    c.config.maxInsertRate = timing.maxInsertRate;
                    c.config.insertLatency = timing.insertLatency;
                    c.config.maxBacklog = timing.maxBacklog;
                    c.config.idleTimeout = idleTimeout;
                    c.name = "capacity" + std::to_string(capacity) + "_fast" +
                             std::to_string(fast) + "_" +
                             std::string(OffloadEvictionName(eviction)) + "_" + timing.name +
                             (idleTimeout > 0 ? "_idle" : "");
                    cases.push_back(c);
                }
            }
        }
    }
    return cases;
}

class OffloadTableAgainstReference : public ::testing::TestWithParam<ReferenceCase>
{
protected:
    static constexpr int OPERATIONS = 3000;
    static constexpr int FULL_CHECK_EVERY = 100;

    uint64_t Below(uint64_t bound)
    {
        return std::uniform_int_distribution<uint64_t>(0, bound - 1)(m_random);
    }
    bool Chance(double probability)
    {
        return std::uniform_real_distribution<double>(0, 1)(m_random) < probability;
    }

    /// Ties often, short steps mostly, now and then a long one that drains the queue and idles
    /// entries out.
    double Step()
    {
        const uint64_t pick = Below(100);
        if (pick < 40)
        {
            return 0;
        }
        if (pick < 97)
        {
            return static_cast<double>(1 + Below(16)) * TICK;
        }
        return static_cast<double>(16 + Below(1024)) * TICK;
    }

    /// Runs one seed's operations on a fresh table and reference, stopping at the first
    /// disagreement; returns the reference's counters.
    OffloadCounters Run(uint64_t seed)
    {
        m_seed = seed;
        m_random.seed(seed);
        const OffloadTableConfig& config = GetParam().config;
        OffloadTable table(config);
        ReferenceTable reference(config);
        std::vector<ReferenceTable::Departure> departed;
        table.SetRemovalHandler(
            [&](const UnifiedFlowKey& key, const OffloadEntry& entry, OffloadRemoval why) {
                departed.push_back({key, entry, why});
            });
        const uint64_t keys = 2 * config.capacity + 2;
        uint64_t generation = 0;
        uint32_t requests = 0;
        m_now = 0;
        for (m_operation = 0; m_operation < OPERATIONS; ++m_operation)
        {
            m_now += Step();
            if (Chance(0.01))
            {
                ++generation;
            }
            m_key = Below(keys);
            const UnifiedFlowKey key = Key(m_key);
            const uint64_t pick = Below(100);
            if (pick < 55)
            {
                // Mostly the port's generation; sometimes an older one, which finds the entries of
                // newer generations.
                m_generation = generation > 0 && Chance(0.1) ? generation - 1 : generation;
                const auto bytes = static_cast<uint32_t>(Below(1500));
                m_what = "Lookup";
                const OffloadLookup got = table.Lookup(key, m_generation, m_now, bytes);
                const OffloadLookup want = reference.Lookup(key, m_generation, m_now, bytes);
                EXPECT_EQ(static_cast<int>(got.outcome), static_cast<int>(want.outcome)) << Where();
                EXPECT_EQ(got.latency, want.latency) << Where();
                EXPECT_EQ(got.Hit(), want.Hit()) << Where();
                if (got.Hit() && want.Hit())
                {
                    ExpectSameEntry(*got.entry, *want.entry);
                }
            }
            else if (pick < 80)
            {
                OffloadEntry entry;
                // Software computes most entries at the port's generation, some just before a
                // change.
                m_generation = generation > 0 && Chance(0.15) ? generation - 1 : generation;
                entry.generation = m_generation;
                entry.owner = ++requests; // tells coalesced requests apart
                entry.sizeDelta = static_cast<int32_t>(Below(100)) - 50;
                entry.ht.pushCount = static_cast<uint8_t>(Below(3));
                m_what = "Insert";
                double gotVisible = -1;
                double wantVisible = -1;
                const OffloadInsertStatus got = table.Insert(key, entry, m_now, &gotVisible);
                const OffloadInsertStatus want = reference.Insert(key, entry, m_now, &wantVisible);
                EXPECT_EQ(static_cast<int>(got), static_cast<int>(want)) << Where();
                EXPECT_EQ(gotVisible, wantVisible) << Where();
            }
            else if (pick < 87)
            {
                m_what = "Remove";
                EXPECT_EQ(table.Remove(key, m_now), reference.Remove(key, m_now)) << Where();
            }
            else if (pick < 97)
            {
                m_what = "Expire";
                table.Expire(m_now);
                reference.Expire(m_now);
            }
            else
            {
                m_what = "SyncCounters";
                ExpectSameSync(table, reference);
            }
            ExpectSameDepartures(departed, reference.TakeDepartures());
            departed.clear();
            EXPECT_EQ(table.Entries(), reference.Entries()) << Where();
            EXPECT_EQ(table.FastEntries(), reference.FastEntries()) << Where();
            EXPECT_EQ(table.LargeEntries(), reference.Entries() - reference.FastEntries())
                << Where();
            EXPECT_EQ(table.Backlog(), reference.Backlog()) << Where();
            if (m_operation % FULL_CHECK_EVERY == FULL_CHECK_EVERY - 1)
            {
                ExpectSameCounters(table.Counters(), reference.Counters());
                ExpectSameSync(table, reference);
                ExpectInvariants(table);
            }
            if (HasFailure())
            {
                return {};
            }
        }
        ExpectSameCounters(table.Counters(), reference.Counters());
        return reference.Counters();
    }

    std::string Where() const
    {
        std::ostringstream where;
        where << GetParam().name << ", seed " << m_seed << ", operation " << m_operation << " ("
              << m_what << " of key " << m_key << " at " << m_now / TICK << " ticks, generation "
              << m_generation << ")";
        return where.str();
    }

    void ExpectSameEntry(const OffloadEntry& got, const OffloadEntry& want) const
    {
        EXPECT_EQ(got.generation, want.generation) << Where();
        EXPECT_EQ(got.packets, want.packets) << Where();
        EXPECT_EQ(got.bytes, want.bytes) << Where();
        EXPECT_EQ(got.sizeDelta, want.sizeDelta) << Where();
        EXPECT_EQ(got.owner, want.owner) << Where();
        EXPECT_TRUE(got.ht == want.ht) << Where();
    }

    void ExpectSameDepartures(const std::vector<ReferenceTable::Departure>& got,
                              const std::vector<ReferenceTable::Departure>& want) const
    {
        ASSERT_EQ(got.size(), want.size()) << "departures, " << Where();
        for (size_t i = 0; i < got.size(); ++i)
        {
            EXPECT_EQ(got[i].key.words[0], want[i].key.words[0])
                << "departure " << i << ", " << Where();
            EXPECT_EQ(static_cast<int>(got[i].why), static_cast<int>(want[i].why))
                << "departure " << i << ", " << Where();
            ExpectSameEntry(got[i].entry, want[i].entry);
        }
    }

    /// Both sync back: the same resident entries, in the same recency order.
    void ExpectSameSync(OffloadTable& table, ReferenceTable& reference) const
    {
        std::vector<std::pair<UnifiedFlowKey, OffloadEntry>> got;
        table.SyncCounters([&](const UnifiedFlowKey& key, const OffloadEntry& entry)
                           { got.emplace_back(key, entry); });
        const auto want = reference.SyncCounters();
        ASSERT_EQ(got.size(), want.size()) << "sync, " << Where();
        for (size_t i = 0; i < got.size(); ++i)
        {
            EXPECT_EQ(got[i].first.words[0], want[i].first.words[0])
                << "recency position " << i << ", " << Where();
            ExpectSameEntry(got[i].second, want[i].second);
        }
    }

    void ExpectSameCounters(const OffloadCounters& got, const OffloadCounters& want) const
    {
        for (const auto& [name, field] : COUNTER_FIELDS)
        {
            EXPECT_EQ(got.*field, want.*field) << name << ", " << Where();
        }
    }

    void ExpectInvariants(const OffloadTable& table) const
    {
        const OffloadTableConfig& config = GetParam().config;
        const OffloadCounters& c = table.Counters();
        EXPECT_EQ(c.lookups, c.fastHits + c.largeHits + c.misses + c.stale) << Where();
        EXPECT_LE(table.Entries(), config.capacity) << Where();
        EXPECT_LE(table.FastEntries(), config.fastCapacity) << Where();
        if (config.eviction == OffloadEviction::None)
        {
            EXPECT_LE(table.Entries() + table.Backlog(), config.capacity) << Where();
        }
    }

    std::mt19937_64 m_random;
    uint64_t m_seed = 0;
    int m_operation = 0;
    const char* m_what = "";
    uint64_t m_key = 0;
    double m_now = 0;
    uint64_t m_generation = 0;
};

TEST_P(OffloadTableAgainstReference, AgreesOperationForOperation)
{
    OffloadCounters seen;
    for (uint64_t seed : {11, 12, 13})
    {
        const OffloadCounters c = Run(seed);
        if (HasFailure())
        {
            return;
        }
        for (const auto& [name, field] : COUNTER_FIELDS)
        {
            seen.*field += c.*field;
        }
    }
    // The random operations reached what this shape can do.
    const OffloadTableConfig& config = GetParam().config;
    EXPECT_GT(seen.largeHits, 0u);
    EXPECT_GT(seen.stale, 0u);
    EXPECT_GT(seen.removals, 0u);
    EXPECT_GT(config.eviction == OffloadEviction::Lru ? seen.evictions : seen.insertFailuresFull,
              0u);
    if (config.fastCapacity > 0)
    {
        EXPECT_GT(seen.fastHits, 0u);
    }
    if (config.fastCapacity > 0 && config.fastCapacity < config.capacity)
    {
        EXPECT_GT(seen.demotions, 0u);
    }
    if (config.maxInsertRate > 0 || config.insertLatency > 0)
    {
        EXPECT_GT(seen.pendingMisses, 0u);
        EXPECT_GT(seen.coalesced, 0u);
    }
    if (config.maxBacklog > 0 &&
        (config.eviction == OffloadEviction::Lru || config.maxBacklog <= config.capacity))
    {
        EXPECT_GT(seen.insertFailuresBacklog, 0u);
    }
    if (config.idleTimeout > 0)
    {
        EXPECT_GT(seen.expirations, 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes,
                         OffloadTableAgainstReference,
                         ::testing::ValuesIn(ReferenceCases()),
                         [](const ::testing::TestParamInfo<ReferenceCase>& info)
                         { return info.param.name; });

} // namespace
} // namespace vfp
