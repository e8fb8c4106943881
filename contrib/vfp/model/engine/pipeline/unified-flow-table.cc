#include "unified-flow-table.h"

#include <algorithm>

namespace vfp
{

UnifiedFlow&
UnifiedFlowTable::Insert(const UnifiedFlowKey& key, UnifiedFlow flow)
{
    auto [it, inserted] = m_flows.try_emplace(key);
    it->second = std::move(flow);
    return it->second;
}

std::vector<std::pair<UnifiedFlowKey, const UnifiedFlow*>>
UnifiedFlowTable::Sorted() const
{
    std::vector<std::pair<UnifiedFlowKey, const UnifiedFlow*>> flows;
    for (const auto& [key, flow] : m_flows)
    {
        flows.emplace_back(key, &flow);
    }
    std::sort(
        flows.begin(), flows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return flows;
}

} // namespace vfp
