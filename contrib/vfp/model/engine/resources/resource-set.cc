#include "resource-set.h"

#include <fmt/format.h>

namespace vfp
{

void
ResourceSet::Create(const ResourceSpec& spec)
{
    if (spec.name.empty())
    {
        throw PolicyError("a resource needs a name");
    }
    if (Contains(spec.name))
    {
        throw PolicyError(fmt::format("resource '{}' already exists", spec.name));
    }
    if (spec.type == ResourceType::Mapping)
    {
        m_mappings.emplace(spec.name, std::make_unique<MappingTable>(spec));
    }
    else
    {
        m_rangeLists.emplace(spec.name, std::make_unique<RangeList>(spec));
    }
}

void
ResourceSet::Delete(const std::string& name)
{
    if (m_mappings.erase(name) == 0 && m_rangeLists.erase(name) == 0)
    {
        throw PolicyError(fmt::format("no resource '{}' to delete", name));
    }
}

bool
ResourceSet::Contains(const std::string& name) const
{
    return m_mappings.count(name) > 0 || m_rangeLists.count(name) > 0;
}

MappingTable*
ResourceSet::FindMapping(const std::string& name)
{
    auto it = m_mappings.find(name);
    return it == m_mappings.end() ? nullptr : it->second.get();
}

RangeList*
ResourceSet::FindRangeList(const std::string& name)
{
    auto it = m_rangeLists.find(name);
    return it == m_rangeLists.end() ? nullptr : it->second.get();
}

MappingTable&
ResourceSet::GetMapping(const std::string& name, const std::string& user)
{
    MappingTable* table = FindMapping(name);
    if (table == nullptr)
    {
        throw PolicyError(
            fmt::format("{} references mapping resource '{}', which {}",
                        user,
                        name,
                        m_rangeLists.count(name) ? "is a range_list" : "does not exist"));
    }
    return *table;
}

RangeList&
ResourceSet::GetRangeList(const std::string& name, const std::string& user)
{
    RangeList* list = FindRangeList(name);
    if (list == nullptr)
    {
        throw PolicyError(fmt::format("{} references range_list resource '{}', which {}",
                                      user,
                                      name,
                                      m_mappings.count(name) ? "is a mapping" : "does not exist"));
    }
    return *list;
}

std::vector<ResourceSpec>
ResourceSet::ToSpecs() const
{
    std::map<std::string, ResourceSpec> byName;
    for (const auto& [name, table] : m_mappings)
    {
        byName.emplace(name, table->ToSpec(name));
    }
    for (const auto& [name, list] : m_rangeLists)
    {
        byName.emplace(name, list->ToSpec(name));
    }
    std::vector<ResourceSpec> specs;
    for (auto& [name, spec] : byName)
    {
        specs.push_back(std::move(spec));
    }
    return specs;
}

} // namespace vfp
