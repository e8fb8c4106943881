/*
 * Events that resources raise to the controller that registered for them (paper §5.4):
 * a mapping lookup miss (VNET asks its directory service) and a port range exhaustion
 * (SNAT asks the load balancer manager for another range).
 */
#ifndef VFP_ENGINE_RESOURCE_EVENT_H
#define VFP_ENGINE_RESOURCE_EVENT_H

#include <cstdint>
#include <functional>
#include <string>

namespace vfp
{

struct ResourceEvent
{
    enum class Type : uint8_t
    {
        MappingMiss,    //!< key: the customer address that has no mapping
        PortsExhausted, //!< key: the SNAT address whose ranges are all in use
    };
    Type type = Type::MappingMiss;
    std::string port;     //!< the port whose resource raised it
    std::string resource; //!< the resource's name
    uint32_t key = 0;     //!< see Type
    double time = 0;      //!< when, in the caller's clock (seconds)
};

using ResourceEventHandler = std::function<void(const ResourceEvent&)>;

std::string_view ResourceEventTypeName(ResourceEvent::Type type);

} // namespace vfp

#endif
