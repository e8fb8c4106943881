#include "offload-table.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace vfp
{

std::string_view
OffloadEvictionName(OffloadEviction eviction)
{
    return eviction == OffloadEviction::Lru ? "lru" : "none";
}

std::optional<OffloadEviction>
ParseOffloadEviction(std::string_view text)
{
    if (text == "lru")
    {
        return OffloadEviction::Lru;
    }
    if (text == "none")
    {
        return OffloadEviction::None;
    }
    return std::nullopt;
}

namespace
{

void
RequireSeconds(double value, const char* field)
{
    if (!std::isfinite(value) || value < 0)
    {
        throw std::invalid_argument(std::string(field) + ": expected finite seconds >= 0");
    }
}

} // namespace

OffloadTable::OffloadTable(const OffloadTableConfig& config)
    : m_config(config)
{
    if (config.capacity == 0)
    {
        throw std::invalid_argument("capacity: expected at least one entry");
    }
    if (config.fastCapacity > config.capacity)
    {
        throw std::invalid_argument("fastCapacity: expected at most capacity entries");
    }
    RequireSeconds(config.fastLatency, "fastLatency");
    RequireSeconds(config.largeLatency, "largeLatency");
    RequireSeconds(config.insertLatency, "insertLatency");
    RequireSeconds(config.idleTimeout, "idleTimeout");
    if (!std::isfinite(config.maxInsertRate) || config.maxInsertRate < 0)
    {
        throw std::invalid_argument("maxInsertRate: expected finite inserts per second >= 0");
    }
}

void
OffloadTable::PushBack(List& list, Node* node)
{
    Hooks& hooks = node->*list.hooks;
    hooks.prev = list.back;
    hooks.next = nullptr;
    (list.back ? (list.back->*list.hooks).next : list.front) = node;
    list.back = node;
    ++list.size;
}

void
OffloadTable::Unlink(List& list, Node* node)
{
    Hooks& hooks = node->*list.hooks;
    (hooks.prev ? (hooks.prev->*list.hooks).next : list.front) = hooks.next;
    (hooks.next ? (hooks.next->*list.hooks).prev : list.back) = hooks.prev;
    hooks = Hooks{};
    --list.size;
}

void
OffloadTable::Advance(double now)
{
    m_now = std::max(m_now, now);
    while (m_queue.front && m_queue.front->visibleAt <= m_now)
    {
        Complete(m_queue.front);
    }
}

void
OffloadTable::Complete(Node* node)
{
    Unlink(m_queue, node);
    if (m_resident == m_config.capacity) // lru only: none reserved the slot
    {
        ++m_counters.evictions;
        Erase(m_recency.front, OffloadRemoval::Evicted);
    }
    node->state = State::Large;
    node->lastUsed = node->visibleAt;
    PushBack(m_recency, node);
    ++m_resident;
    ++m_counters.installed;
}

void
OffloadTable::Touch(Node* node, double now)
{
    node->lastUsed = now;
    Unlink(m_recency, node);
    PushBack(m_recency, node);
    if (node->state == State::Fast)
    {
        Unlink(m_fast, node);
        PushBack(m_fast, node);
    }
}

void
OffloadTable::Promote(Node* node)
{
    if (m_config.fastCapacity == 0)
    {
        return;
    }
    if (m_fast.size == m_config.fastCapacity)
    {
        Node* demoted = m_fast.front;
        Unlink(m_fast, demoted);
        demoted->state = State::Large;
        ++m_counters.demotions;
    }
    node->state = State::Fast;
    PushBack(m_fast, node);
    ++m_counters.promotions;
}

void
OffloadTable::Erase(Node* node, std::optional<OffloadRemoval> why)
{
    if (node->state == State::Pending)
    {
        Unlink(m_queue, node);
    }
    else
    {
        if (node->state == State::Fast)
        {
            Unlink(m_fast, node);
        }
        Unlink(m_recency, node);
        --m_resident;
        if (why && m_onRemoval)
        {
            m_onRemoval(*node->key, node->entry, *why);
        }
    }
    const UnifiedFlowKey key = *node->key;
    m_nodes.erase(key);
}

OffloadLookup
OffloadTable::Lookup(const UnifiedFlowKey& key, uint64_t generation, double now, uint32_t bytes)
{
    Advance(now);
    ++m_counters.lookups;
    OffloadLookup result;
    result.latency = m_config.largeLatency;
    auto it = m_nodes.find(key);
    if (it == m_nodes.end() || it->second.state == State::Pending)
    {
        ++m_counters.misses;
        if (it != m_nodes.end())
        {
            ++m_counters.pendingMisses;
            result.outcome = OffloadOutcome::Pending;
        }
        return result;
    }
    Node* node = &it->second;
    if (node->entry.generation < generation)
    {
        ++m_counters.stale;
        result.outcome = OffloadOutcome::Stale;
        Erase(node, OffloadRemoval::Stale);
        return result;
    }
    if (node->state == State::Fast)
    {
        ++m_counters.fastHits;
        result.outcome = OffloadOutcome::FastHit;
        result.latency = m_config.fastLatency;
    }
    else
    {
        ++m_counters.largeHits;
        result.outcome = OffloadOutcome::LargeHit;
        Promote(node);
    }
    Touch(node, m_now);
    ++node->entry.packets;
    node->entry.bytes += bytes;
    result.entry = &node->entry;
    return result;
}

OffloadInsertStatus
OffloadTable::Insert(const UnifiedFlowKey& key,
                     const OffloadEntry& entry,
                     double now,
                     double* visibleAt)
{
    Advance(now);
    auto it = m_nodes.find(key);
    if (it != m_nodes.end())
    {
        if (it->second.state != State::Pending)
        {
            return OffloadInsertStatus::Present;
        }
        ++m_counters.coalesced;
        it->second.entry = entry;
        if (visibleAt)
        {
            *visibleAt = it->second.visibleAt;
        }
        return OffloadInsertStatus::Coalesced;
    }
    if (m_config.maxBacklog != 0 && m_queue.size >= m_config.maxBacklog)
    {
        ++m_counters.insertFailuresBacklog;
        return OffloadInsertStatus::BacklogFull;
    }
    if (m_config.eviction == OffloadEviction::None &&
        m_resident + m_queue.size >= m_config.capacity)
    {
        ++m_counters.insertFailuresFull;
        return OffloadInsertStatus::TableFull;
    }
    const double service = m_config.maxInsertRate > 0 ? 1.0 / m_config.maxInsertRate : 0.0;
    m_serviceEnd = std::max(m_now, m_serviceEnd) + service;
    Node& node = m_nodes.try_emplace(key).first->second;
    node.key = &m_nodes.find(key)->first;
    node.entry = entry;
    node.visibleAt = m_serviceEnd + m_config.insertLatency;
    PushBack(m_queue, &node);
    ++m_counters.inserts;
    if (visibleAt)
    {
        *visibleAt = node.visibleAt;
    }
    Advance(m_now); // a zero-delay insert is visible at once
    // Counted after that: a zero-delay insert is never pending.
    m_counters.backlogMax = std::max<uint64_t>(m_counters.backlogMax, m_queue.size);
    return OffloadInsertStatus::Queued;
}

bool
OffloadTable::Remove(const UnifiedFlowKey& key, double now)
{
    Advance(now);
    auto it = m_nodes.find(key);
    if (it == m_nodes.end())
    {
        return false;
    }
    ++m_counters.removals;
    Erase(&it->second, OffloadRemoval::Removed);
    return true;
}

void
OffloadTable::Expire(double now)
{
    Advance(now);
    if (m_config.idleTimeout == 0)
    {
        return;
    }
    while (m_recency.front && m_recency.front->lastUsed + m_config.idleTimeout <= m_now)
    {
        ++m_counters.expirations;
        Erase(m_recency.front, OffloadRemoval::Expired);
    }
}

void
OffloadTable::SyncCounters(
    const std::function<void(const UnifiedFlowKey&, const OffloadEntry&)>& visit)
{
    for (Node* node = m_recency.front; node; node = node->order.next)
    {
        visit(*node->key, node->entry);
        node->entry.packets = 0;
        node->entry.bytes = 0;
    }
}

} // namespace vfp
