/*
 * DefaultsGuard: a test that changes ns-3 attribute defaults (DatacenterTcp::Apply, or
 * Config::SetDefault) snapshots them first and gets them back when it ends, so that they
 * do not leak into the other tests of the same process.
 */
#ifndef VFP_TEST_DEFAULTS_GUARD_H
#define VFP_TEST_DEFAULTS_GUARD_H

#include "ns3/config.h"
#include "ns3/type-id.h"

#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/// Snapshots the attribute defaults of some TypeIds and restores them when it goes, so that
/// DatacenterTcp::Apply's defaults do not leak into the other tests of this process.
class DefaultsGuard
{
public:
    explicit DefaultsGuard(const std::vector<std::string>& typeNames)
    {
        for (const std::string& name : typeNames)
        {
            const TypeId tid = TypeId::LookupByName(name);
            for (std::size_t i = 0; i < tid.GetAttributeN(); ++i)
            {
                const TypeId::AttributeInformation info = tid.GetAttribute(i);
                if (!(info.flags & TypeId::ATTR_CONSTRUCT))
                {
                    continue; // a default only matters to attributes set at construction
                }
                m_saved.emplace_back(name + "::" + info.name, info.initialValue->Copy());
            }
        }
    }

    ~DefaultsGuard()
    {
        for (const auto& [path, value] : m_saved)
        {
            Config::SetDefault(path, *value);
        }
    }

private:
    std::vector<std::pair<std::string, Ptr<AttributeValue>>> m_saved; //!< path and old value
};

} // namespace ns3

#endif
