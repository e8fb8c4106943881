#include "layer-flow-table.h"

namespace vfp
{

LayerFlowTable::~LayerFlowTable()
{
    for (uint32_t slot = 0; slot < m_slots.size(); ++slot)
    {
        if (m_slots[slot].live)
        {
            EraseSlot(slot);
        }
    }
}

FlowHandle
LayerFlowTable::Find(Direction direction,
                     const Ufid& key,
                     double now,
                     bool removeExpired,
                     LayerCounters& counters)
{
    auto& index = m_index[static_cast<size_t>(direction)];
    auto hit = index.find(key);
    if (hit == index.end())
    {
        return FlowHandle{};
    }
    const uint32_t slot = hit->second;
    if (!m_slots[slot].pair.ExpiredAt(now))
    {
        return FlowHandle{slot, m_slots[slot].version};
    }
    if (removeExpired)
    {
        EraseSlot(slot);
        ++counters.flowsExpired;
    }
    return FlowHandle{};
}

FlowPair*
LayerFlowTable::Get(FlowHandle handle)
{
    if (handle.slot >= m_slots.size())
    {
        return nullptr;
    }
    Slot& slot = m_slots[handle.slot];
    return slot.live && slot.version == handle.version ? &slot.pair : nullptr;
}

FlowHandle
LayerFlowTable::Insert(FlowPair pair)
{
    for (size_t direction = 0; direction < DIRECTION_COUNT; ++direction)
    {
        auto existing = m_index[direction].find(pair.keys[direction]);
        if (existing != m_index[direction].end())
        {
            EraseSlot(existing->second);
        }
    }
    uint32_t slot;
    if (m_free.empty())
    {
        slot = static_cast<uint32_t>(m_slots.size());
        m_slots.emplace_back();
    }
    else
    {
        slot = m_free.back();
        m_free.pop_back();
    }
    for (size_t direction = 0; direction < DIRECTION_COUNT; ++direction)
    {
        m_index[direction][pair.keys[direction]] = slot;
        ++m_keyHashes[direction][UfidHash()(pair.keys[direction])];
    }
    m_slots[slot].pair = std::move(pair);
    m_slots[slot].live = true;
    ++m_live;
    return FlowHandle{slot, m_slots[slot].version};
}

void
LayerFlowTable::Restore(Snapshot snapshot)
{
    m_slots = std::move(snapshot.slots);
    m_free = std::move(snapshot.free);
    m_live = 0;
    for (auto& index : m_index)
    {
        index.clear();
    }
    for (auto& hashes : m_keyHashes)
    {
        hashes.clear();
    }
    for (uint32_t slot = 0; slot < m_slots.size(); ++slot)
    {
        if (!m_slots[slot].live)
        {
            continue;
        }
        ++m_live;
        for (size_t direction = 0; direction < DIRECTION_COUNT; ++direction)
        {
            m_index[direction][m_slots[slot].pair.keys[direction]] = slot;
            ++m_keyHashes[direction][UfidHash()(m_slots[slot].pair.keys[direction])];
        }
    }
}

bool
LayerFlowTable::Erase(FlowHandle handle)
{
    if (Get(handle) == nullptr)
    {
        return false;
    }
    EraseSlot(handle.slot);
    return true;
}

void
LayerFlowTable::EraseSlot(uint32_t slot)
{
    FlowPair& pair = m_slots[slot].pair;
    for (size_t direction = 0; direction < DIRECTION_COUNT; ++direction)
    {
        m_index[direction].erase(pair.keys[direction]);
        auto counted = m_keyHashes[direction].find(UfidHash()(pair.keys[direction]));
        if (--counted->second == 0)
        {
            m_keyHashes[direction].erase(counted);
        }
    }
    if (pair.snat)
    {
        pair.snat->Release(pair.snatPort);
    }
    m_slots[slot].pair = FlowPair{};
    m_slots[slot].live = false;
    ++m_slots[slot].version;
    m_free.push_back(slot);
    --m_live;
}

size_t
LayerFlowTable::ExpireIdle(double now)
{
    size_t expired = 0;
    for (uint32_t slot = 0; slot < m_slots.size(); ++slot)
    {
        if (m_slots[slot].live && m_slots[slot].pair.ExpiredAt(now))
        {
            EraseSlot(slot);
            ++expired;
        }
    }
    return expired;
}

size_t
LayerFlowTable::FlushRule(const std::string& ruleId)
{
    size_t flushed = 0;
    for (uint32_t slot = 0; slot < m_slots.size(); ++slot)
    {
        if (m_slots[slot].live && m_slots[slot].pair.ruleId == ruleId)
        {
            EraseSlot(slot);
            ++flushed;
        }
    }
    return flushed;
}

} // namespace vfp
