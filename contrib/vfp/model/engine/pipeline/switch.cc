#include "switch.h"

#include "../packet/addresses.h"

#include <fmt/format.h>

namespace vfp
{

Switch::Switch(const PortConfig& config)
    : m_config(config)
{
}

Switch::Switch(const PolicySpec& policy, const PortConfig& config)
    : m_config(config)
{
    m_qos.SetLink(policy.qos.linkBps, policy.qos.shareInterval, 0);
    for (const PortSpec& port : policy.ports)
    {
        AddPort(port);
    }
    for (const QosGroupSpec& group : policy.qos.groups)
    {
        m_qos.SetGroup(group, 0);
    }
}

Port&
Switch::AddPort(const PortSpec& spec)
{
    if (m_ports.count(spec.name))
    {
        throw PolicyError(fmt::format("port '{}' already exists", spec.name));
    }
    if (m_byMac.count(spec.mac))
    {
        throw PolicyError(fmt::format("port '{}': MAC {} is already port '{}''s",
                                      spec.name,
                                      FormatMac(spec.mac),
                                      m_byMac[spec.mac]->GetName()));
    }
    auto port = std::make_unique<Port>(spec, m_config);
    m_qos.SetPort(spec.name, spec.qos, 0);
    Port& added = *port;
    m_byMac[spec.mac] = &added;
    m_ports.emplace(spec.name, std::move(port));
    return added;
}

std::vector<uint64_t>
Switch::RemovePort(const std::string& name)
{
    Port& port = GetPort(name);
    m_byMac.erase(port.GetMac());
    m_ports.erase(name);
    return m_qos.RemovePort(name);
}

Port*
Switch::FindPort(const std::string& name)
{
    auto it = m_ports.find(name);
    return it == m_ports.end() ? nullptr : it->second.get();
}

Port&
Switch::GetPort(const std::string& name)
{
    Port* port = FindPort(name);
    if (port == nullptr)
    {
        throw PolicyError(fmt::format("no port '{}'", name));
    }
    return *port;
}

Port*
Switch::Forward(const HeaderStack& packet)
{
    if (packet.count == 0)
    {
        return nullptr;
    }
    auto outer = m_byMac.find(packet[0].eth.dst);
    if (outer != m_byMac.end())
    {
        return outer->second;
    }
    if (packet.count > 1 && packet[1].hasEthernet)
    {
        auto inner = m_byMac.find(packet[1].eth.dst);
        if (inner != m_byMac.end())
        {
            return inner->second;
        }
    }
    return nullptr;
}

PolicySpec
Switch::ToSpec() const
{
    PolicySpec spec;
    for (const auto& [name, port] : m_ports)
    {
        spec.ports.push_back(port->ToSpec());
    }
    spec.qos = m_qos.ToSpec();
    return spec;
}

void
Switch::SetPortQos(const std::string& port, const std::optional<PortQosSpec>& qos, double now)
{
    Port& target = GetPort(port);
    m_qos.SetPort(port, qos, now);
    target.m_qos = qos;
}

void
Switch::SetQosLink(double linkBps, double shareInterval, double now)
{
    m_qos.SetLink(linkBps, shareInterval, now);
}

void
Switch::SetQosGroup(const QosGroupSpec& group, double now)
{
    m_qos.SetGroup(group, now);
}

void
Switch::RemoveQosGroup(const std::string& name)
{
    m_qos.RemoveGroup(name);
}

} // namespace vfp
