/*
 * A range-list resource: the ports of one SNAT address that Ananta's manager handed to
 * this host (paper §5.4). Allocation always takes the lowest free port, so results do not
 * depend on the order in which earlier connections ended; a released port is free again
 * only if it still lies in a range the list holds.
 *
 * Cost: O(log n) allocate and release over a sorted set of free ports.
 */
#ifndef VFP_ENGINE_RANGE_LIST_H
#define VFP_ENGINE_RANGE_LIST_H

#include "../policy/policy-spec.h"

#include <optional>
#include <set>

namespace vfp
{

class RangeList
{
public:
    explicit RangeList(const ResourceSpec& spec);

    uint32_t GetAddress() const { return m_address; }
    MissPolicy GetMissPolicy() const { return m_onExhausted; }
    /// The lowest free port, taken; nullopt when every port is in use.
    std::optional<uint16_t> Allocate();
    /// The port Allocate would take, without taking it (for diagnostics).
    std::optional<uint16_t> PeekFree() const;
    void Release(uint16_t port);
    /// Adds a range; it must not overlap one the list holds.
    void AddRange(PortRange range);
    /// Removes a range the list holds exactly; ports in use stay in use until released.
    void RemoveRange(PortRange range);
    size_t FreeCount() const { return m_free.size(); }
    size_t AllocatedCount() const { return m_allocated.size(); }
    ResourceSpec ToSpec(const std::string& name) const;
    /// Ports held by connections, ascending (state save).
    std::vector<uint16_t> GetAllocated() const { return {m_allocated.begin(), m_allocated.end()}; }
    /// Marks ports as held, as a saved state had them (state restore).
    void RestoreAllocated(const std::vector<uint16_t>& ports);

private:
    bool InRanges(uint16_t port) const;

    uint32_t m_address;              //!< the SNAT address these ports belong to
    MissPolicy m_onExhausted;        //!< what exhaustion does to the packet
    std::vector<PortRange> m_ranges; //!< in the order they were added
    std::set<uint16_t> m_free;       //!< ports in a range and not allocated
    std::set<uint16_t> m_allocated;  //!< ports held by connections
};

} // namespace vfp

#endif
