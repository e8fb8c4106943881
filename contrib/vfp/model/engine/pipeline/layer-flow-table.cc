#include "layer-flow-table.h"

namespace vfp
{

LayerFlowTable::~LayerFlowTable()
{
    while (!m_pairs.empty())
    {
        Erase(m_pairs.begin());
    }
}

FlowPair*
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
        return nullptr;
    }
    auto pair = m_pairs.find(hit->second);
    if (!pair->second.ExpiredAt(now))
    {
        return &pair->second;
    }
    if (removeExpired)
    {
        Erase(pair);
        ++counters.flowsExpired;
    }
    return nullptr;
}

FlowPair&
LayerFlowTable::Insert(FlowPair pair)
{
    for (size_t direction = 0; direction < DIRECTION_COUNT; ++direction)
    {
        auto existing = m_index[direction].find(pair.keys[direction]);
        if (existing != m_index[direction].end())
        {
            Erase(m_pairs.find(existing->second));
        }
    }
    pair.id = m_nextId++;
    for (size_t direction = 0; direction < DIRECTION_COUNT; ++direction)
    {
        m_index[direction].emplace(pair.keys[direction], pair.id);
    }
    return m_pairs.emplace(pair.id, std::move(pair)).first->second;
}

void
LayerFlowTable::Erase(std::map<uint64_t, FlowPair>::iterator pair)
{
    FlowPair& flows = pair->second;
    for (size_t direction = 0; direction < DIRECTION_COUNT; ++direction)
    {
        m_index[direction].erase(flows.keys[direction]);
    }
    if (flows.snat)
    {
        flows.snat->Release(flows.snatPort);
    }
    m_pairs.erase(pair);
}

size_t
LayerFlowTable::ExpireIdle(double now)
{
    size_t expired = 0;
    for (auto it = m_pairs.begin(); it != m_pairs.end();)
    {
        auto next = std::next(it);
        if (it->second.ExpiredAt(now))
        {
            Erase(it);
            ++expired;
        }
        it = next;
    }
    return expired;
}

size_t
LayerFlowTable::FlushRule(const std::string& ruleId)
{
    size_t flushed = 0;
    for (auto it = m_pairs.begin(); it != m_pairs.end();)
    {
        auto next = std::next(it);
        if (it->second.ruleId == ruleId)
        {
            Erase(it);
            ++flushed;
        }
        it = next;
    }
    return flushed;
}

} // namespace vfp
