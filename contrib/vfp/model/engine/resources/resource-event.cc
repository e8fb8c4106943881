#include "resource-event.h"

namespace vfp
{

std::string_view
ResourceEventTypeName(ResourceEvent::Type type)
{
    return type == ResourceEvent::Type::MappingMiss ? "mapping_miss" : "ports_exhausted";
}

} // namespace vfp
