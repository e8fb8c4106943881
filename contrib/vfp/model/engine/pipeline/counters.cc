#include "counters.h"

namespace vfp
{

std::string_view
DropReasonName(DropReason reason)
{
    switch (reason)
    {
        case DropReason::RuleBlock:
            return "rule_block";
        case DropReason::DefaultBlock:
            return "default_block";
        case DropReason::MappingMiss:
            return "mapping_miss";
        case DropReason::PortsExhausted:
            return "ports_exhausted";
        case DropReason::DecapWithoutTunnel:
            return "decap_without_tunnel";
        case DropReason::ActionMismatch:
            return "action_mismatch";
        case DropReason::ConnectionLimit:
            return "connection_limit";
    }
    return "unknown";
}

} // namespace vfp
