/*
 * The switch (paper §5.1, §7.1): a set of ports, each with its own policy. Forwarding is
 * a plain MAC filter (no learning, no spanning tree): a packet goes to the port whose
 * VNIC has the destination MAC, the outer one or, for a VXLAN/NVGRE packet addressed to
 * a VM, the inner one; anything else leaves by the uplink.
 */
#ifndef VFP_ENGINE_SWITCH_H
#define VFP_ENGINE_SWITCH_H

#include "../qos/qos-shaper.h"
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
    /// Removes a port; returns the handles of the packets that waited in its QoS queues
    /// (dropped with it).
    std::vector<uint64_t> RemovePort(const std::string& name);
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

    // ---- VFPAPI: QoS (paper §7.3; engine/qos/qos-shaper.h) ----
    /// Sets (or, with none, clears) @p port's QoS from @p now on. @throws PolicyError on
    /// an invalid spec, an unknown port or reservations above the link; nothing changes then
    void SetPortQos(const std::string& port, const std::optional<PortQosSpec>& qos, double now);
    /// Sets the uplink rate reservations and weights share (0: no sharing).
    void SetQosLink(double linkBps, double shareInterval, double now);
    /// Adds or replaces a cap over a group of ports.
    void SetQosGroup(const QosGroupSpec& group, double now);
    void RemoveQosGroup(const std::string& name);
    /// The shaper every port's packets pass after their pipeline.
    QosShaper& GetQos() { return m_qos; }

private:
    PortConfig m_config;                                  //!< for every port
    std::map<std::string, std::unique_ptr<Port>> m_ports; //!< by name
    std::map<uint64_t, Port*> m_byMac;                    //!< by VNIC MAC
    QosShaper m_qos;                                      //!< caps, groups, fair sharing
};

} // namespace vfp

#endif
