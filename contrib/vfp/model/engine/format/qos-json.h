/*
 * QoS in the JSON policy format (docs/policy-format.md, "qos"): a port's caps,
 * reservation and weight, and the switch's uplink rate and port groups. Every field is
 * checked and named by its path, as the rest of the format is.
 */
#ifndef VFP_ENGINE_QOS_JSON_H
#define VFP_ENGINE_QOS_JSON_H

#include "json-reader.h"

namespace vfp
{

/// A port's "qos" object at @p path.
PortQosSpec ReadPortQos(const Json& value, const std::string& path);
Json WritePortQos(const PortQosSpec& qos);
/// The policy's top-level "qos" object at @p path.
SwitchQosSpec ReadSwitchQos(const Json& value, const std::string& path);
Json WriteSwitchQos(const SwitchQosSpec& qos);

} // namespace vfp

#endif
