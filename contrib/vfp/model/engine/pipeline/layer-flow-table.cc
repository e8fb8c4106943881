#include "layer-flow-table.h"

namespace vfp
{

LayerFlowTable::~LayerFlowTable()
{
    m_pairs.ForEach([this](FlowHandle handle, FlowPair&) { EraseSlot(handle.slot); });
}

FlowHandle
LayerFlowTable::Find(
    Direction direction, const Ufid& key, double now, bool removeExpired, LayerCounters& counters)
{
    auto& index = m_index[static_cast<size_t>(direction)];
    auto hit = index.find(key);
    if (hit == index.end())
    {
        return FlowHandle{};
    }
    const uint32_t slot = hit->second;
    if (!m_pairs.At(slot).ExpiredAt(now))
    {
        return m_pairs.HandleOf(slot);
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
    return m_pairs.Get(handle);
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
    const FlowHandle handle = m_pairs.Add(std::move(pair));
    const FlowPair& added = m_pairs.At(handle.slot);
    for (size_t direction = 0; direction < DIRECTION_COUNT; ++direction)
    {
        m_index[direction][added.keys[direction]] = handle.slot;
        ++m_keyHashes[direction][UfidHash()(added.keys[direction])];
    }
    return handle;
}

void
LayerFlowTable::Restore(Snapshot snapshot)
{
    m_pairs.Restore(std::move(snapshot));
    for (auto& index : m_index)
    {
        index.clear();
    }
    for (auto& hashes : m_keyHashes)
    {
        hashes.clear();
    }
    m_pairs.ForEach(
        [this](FlowHandle handle, const FlowPair& pair)
        {
            for (size_t direction = 0; direction < DIRECTION_COUNT; ++direction)
            {
                m_index[direction][pair.keys[direction]] = handle.slot;
                ++m_keyHashes[direction][UfidHash()(pair.keys[direction])];
            }
        });
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
    FlowPair& pair = m_pairs.At(slot);
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
    m_pairs.Remove(slot);
}

size_t
LayerFlowTable::ExpireIdle(double now)
{
    size_t expired = 0;
    m_pairs.ForEach(
        [&](FlowHandle handle, FlowPair& pair)
        {
            if (pair.ExpiredAt(now))
            {
                EraseSlot(handle.slot);
                ++expired;
            }
        });
    return expired;
}

size_t
LayerFlowTable::FlushRule(const std::string& ruleId)
{
    size_t flushed = 0;
    m_pairs.ForEach(
        [&](FlowHandle handle, FlowPair& pair)
        {
            if (pair.ruleId == ruleId)
            {
                EraseSlot(handle.slot);
                ++flushed;
            }
        });
    return flushed;
}

} // namespace vfp
