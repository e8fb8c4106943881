#include "range-list.h"

#include <algorithm>
#include <fmt/format.h>

namespace vfp
{

RangeList::RangeList(const ResourceSpec& spec)
    : m_address(spec.address)
    , m_onExhausted(spec.onMiss)
{
    for (const PortRange& range : spec.ranges)
    {
        AddRange(range);
    }
}

std::optional<uint16_t>
RangeList::Allocate()
{
    if (m_free.empty())
    {
        return std::nullopt;
    }
    const uint16_t port = *m_free.begin();
    m_free.erase(m_free.begin());
    m_allocated.insert(port);
    return port;
}

std::optional<uint16_t>
RangeList::PeekFree() const
{
    return m_free.empty() ? std::nullopt : std::optional<uint16_t>(*m_free.begin());
}

void
RangeList::Release(uint16_t port)
{
    if (m_allocated.erase(port) > 0 && InRanges(port))
    {
        m_free.insert(port);
    }
}

bool
RangeList::InRanges(uint16_t port) const
{
    return std::any_of(m_ranges.begin(),
                       m_ranges.end(),
                       [port](const PortRange& range)
                       { return range.lo <= port && port <= range.hi; });
}

void
RangeList::AddRange(PortRange range)
{
    if (range.lo > range.hi)
    {
        throw PolicyError(fmt::format("port range {}-{} is inverted", range.lo, range.hi));
    }
    for (const PortRange& held : m_ranges)
    {
        if (range.lo <= held.hi && held.lo <= range.hi)
        {
            throw PolicyError(fmt::format("port range {}-{} overlaps the range {}-{} already held",
                                          range.lo,
                                          range.hi,
                                          held.lo,
                                          held.hi));
        }
    }
    m_ranges.push_back(range);
    for (uint32_t port = range.lo; port <= range.hi; ++port)
    {
        if (m_allocated.count(static_cast<uint16_t>(port)) == 0)
        {
            m_free.insert(static_cast<uint16_t>(port));
        }
    }
}

void
RangeList::RemoveRange(PortRange range)
{
    auto it = std::find(m_ranges.begin(), m_ranges.end(), range);
    if (it == m_ranges.end())
    {
        throw PolicyError(fmt::format("no port range {}-{} is held", range.lo, range.hi));
    }
    m_ranges.erase(it);
    m_free.erase(m_free.lower_bound(range.lo), m_free.upper_bound(range.hi));
}

void
RangeList::RestoreAllocated(const std::vector<uint16_t>& ports)
{
    for (uint16_t port : ports)
    {
        m_free.erase(port);
        m_allocated.insert(port);
    }
}

ResourceSpec
RangeList::ToSpec(const std::string& name) const
{
    ResourceSpec spec;
    spec.name = name;
    spec.type = ResourceType::RangeList;
    spec.onMiss = m_onExhausted;
    spec.address = m_address;
    spec.ranges = m_ranges;
    return spec;
}

} // namespace vfp
