/*
 * The resources of one port, by name. Tables live behind stable pointers so that rules
 * resolve their references once, when they are added, not per packet.
 */
#ifndef VFP_ENGINE_RESOURCE_SET_H
#define VFP_ENGINE_RESOURCE_SET_H

#include "mapping-table.h"
#include "range-list.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vfp
{

class ResourceSet
{
public:
    /// Creates a resource; throws PolicyError if the name is taken.
    void Create(const ResourceSpec& spec);
    /// Deletes a resource; throws PolicyError if there is none of that name.
    void Delete(const std::string& name);
    bool Contains(const std::string& name) const;
    /// The mapping of that name, or null.
    MappingTable* FindMapping(const std::string& name);
    /// The range list of that name, or null.
    RangeList* FindRangeList(const std::string& name);
    /// The mapping of that name; throws PolicyError naming @p user if there is none.
    MappingTable& GetMapping(const std::string& name, const std::string& user);
    /// The range list of that name; throws PolicyError naming @p user if there is none.
    RangeList& GetRangeList(const std::string& name, const std::string& user);
    /// Every resource, in name order.
    std::vector<ResourceSpec> ToSpecs() const;

private:
    std::map<std::string, std::unique_ptr<MappingTable>> m_mappings; //!< by name
    std::map<std::string, std::unique_ptr<RangeList>> m_rangeLists;  //!< by name
};

} // namespace vfp

#endif
