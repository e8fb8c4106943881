/*
 * The NIC flow table's rules (offload-table.h), one test per rule.
 */
#include "engine/nic/offload-table.h"

#include <gtest/gtest.h>

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

} // namespace
} // namespace vfp
