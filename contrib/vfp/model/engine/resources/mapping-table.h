/*
 * A mapping resource: the VL2 CA -> PA table a VNET encap rule looks its outer
 * destination up in. Lookups are one hash probe; entries are listed in address order so
 * that saved policy is deterministic.
 */
#ifndef VFP_ENGINE_MAPPING_TABLE_H
#define VFP_ENGINE_MAPPING_TABLE_H

#include "../policy/policy-spec.h"

#include <optional>
#include <unordered_map>

namespace vfp
{

class MappingTable
{
public:
    explicit MappingTable(const ResourceSpec& spec);

    std::optional<uint32_t> Lookup(uint32_t customerAddress) const;
    void Set(uint32_t customerAddress, uint32_t providerAddress);
    /// @return false when there was no such mapping
    bool Remove(uint32_t customerAddress);
    MissPolicy GetMissPolicy() const { return m_onMiss; }
    size_t Size() const { return m_entries.size(); }
    ResourceSpec ToSpec(const std::string& name) const;

private:
    MissPolicy m_onMiss;                              //!< what a miss does to the packet
    std::unordered_map<uint32_t, uint32_t> m_entries; //!< CA -> PA
};

} // namespace vfp

#endif
