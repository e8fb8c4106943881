#include "mapping-table.h"

namespace vfp
{

MappingTable::MappingTable(const ResourceSpec& spec)
    : m_onMiss(spec.onMiss)
    , m_entries(spec.mappings.begin(), spec.mappings.end())
{
}

std::optional<uint32_t>
MappingTable::Lookup(uint32_t customerAddress) const
{
    auto it = m_entries.find(customerAddress);
    return it == m_entries.end() ? std::nullopt : std::optional<uint32_t>(it->second);
}

void
MappingTable::Set(uint32_t customerAddress, uint32_t providerAddress)
{
    m_entries[customerAddress] = providerAddress;
}

bool
MappingTable::Remove(uint32_t customerAddress)
{
    return m_entries.erase(customerAddress) > 0;
}

ResourceSpec
MappingTable::ToSpec(const std::string& name) const
{
    ResourceSpec spec;
    spec.name = name;
    spec.type = ResourceType::Mapping;
    spec.onMiss = m_onMiss;
    spec.mappings.insert(m_entries.begin(), m_entries.end());
    return spec;
}

} // namespace vfp
