/*
 * The switch (paper §5.1, §7.1): a set of ports, each with its own policy. Forwarding is
 * a plain MAC filter (no learning, no spanning tree): a packet goes to the port whose
 * VNIC has the destination MAC, the outer one or, for a VXLAN/NVGRE packet addressed to
 * a VM, the inner one; anything else leaves by the uplink.
 */
#ifndef VFP_ENGINE_SWITCH_H
#define VFP_ENGINE_SWITCH_H

#include "port.h"

namespace vfp
{

class Switch
{
public:
    explicit Switch(const PortConfig& config = {});
    /// A switch with the policy's ports, each with @p config; throws PolicyError naming
    /// the bad object.
    explicit Switch(const PolicySpec& policy, const PortConfig& config = {});

    Port& AddPort(const PortSpec& spec);
    void RemovePort(const std::string& name);
    /// The port of that name, or null.
    Port* FindPort(const std::string& name);
    /// The port of that name; throws PolicyError if there is none.
    Port& GetPort(const std::string& name);
    /// The local port a packet is delivered to: outer destination MAC, else the inner one
    /// of a VXLAN/NVGRE packet; null means the uplink.
    Port* Forward(const HeaderStack& packet);
    const std::map<std::string, std::unique_ptr<Port>>& GetPorts() const { return m_ports; }
    /// The whole policy, ports in name order.
    PolicySpec ToSpec() const;

private:
    PortConfig m_config;                                  //!< for every port
    std::map<std::string, std::unique_ptr<Port>> m_ports; //!< by name
    std::map<uint64_t, Port*> m_byMac;                    //!< by VNIC MAC
};

} // namespace vfp

#endif
