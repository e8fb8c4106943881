/*
 * Builders shared by the engine tests: packets and policy objects in a line or two, so
 * that a test reads like the semantic rule it checks.
 */
#ifndef VFP_TEST_SUPPORT_H
#define VFP_TEST_SUPPORT_H

#include "engine/packet/addresses.h"
#include "engine/pipeline/switch.h"

#include <string>

namespace vfp::test
{

inline uint32_t
Ip(const std::string& text)
{
    return *ParseIpv4(text);
}

inline uint64_t
Mac(const std::string& text)
{
    return *ParseMac(text);
}

/// Builds a header stack group by group: Packet().Eth(..).Ipv4(..).Tcp(..).
class Packet
{
public:
    Packet& Eth(const std::string& src, const std::string& dst)
    {
        HeaderGroup& group = Open();
        group.hasEthernet = true;
        group.eth.src = Mac(src);
        group.eth.dst = Mac(dst);
        return *this;
    }
    Packet& Ipv4(const std::string& src, const std::string& dst, uint8_t protocol = 0)
    {
        HeaderGroup* group = Current();
        if (group == nullptr || group->hasIpv4)
        {
            if (group)
            {
                group->tunnel = TunnelType::IpInIp;
                group->ip.protocol = IP_PROTOCOL_IPIP;
            }
            group = &Open();
        }
        group->hasIpv4 = true;
        group->ip.src = Ip(src);
        group->ip.dst = Ip(dst);
        group->ip.protocol = protocol;
        return *this;
    }
    Packet& Tcp(uint16_t srcPort,
                uint16_t dstPort,
                const std::string& flags = "A",
                uint32_t seq = 0,
                uint32_t ack = 0)
    {
        HeaderGroup& group = *Current();
        group.ip.protocol = IP_PROTOCOL_TCP;
        group.l4 = L4Type::Tcp;
        group.transport = TransportHeader{srcPort, dstPort, *ParseTcpFlags(flags), seq, ack};
        return *this;
    }
    Packet& Udp(uint16_t srcPort, uint16_t dstPort)
    {
        HeaderGroup& group = *Current();
        group.ip.protocol = IP_PROTOCOL_UDP;
        group.l4 = L4Type::Udp;
        group.transport.srcPort = srcPort;
        group.transport.dstPort = dstPort;
        return *this;
    }
    Packet& Vxlan(uint32_t vni)
    {
        HeaderGroup& group = *Current();
        group.tunnel = TunnelType::Vxlan;
        group.tunnelKey = vni;
        m_open = true;
        return *this;
    }
    Packet& Nvgre(uint32_t vsid)
    {
        HeaderGroup& group = *Current();
        group.ip.protocol = IP_PROTOCOL_GRE;
        group.tunnel = TunnelType::Nvgre;
        group.tunnelKey = vsid;
        m_open = true;
        return *this;
    }
    Packet& Payload(uint32_t bytes)
    {
        m_stack.payloadBytes = bytes;
        return *this;
    }
    operator HeaderStack() const { return m_stack; }
    HeaderStack Build() const { return m_stack; }

private:
    HeaderGroup& Open()
    {
        m_open = false;
        return m_stack[m_stack.count++];
    }
    HeaderGroup* Current()
    {
        return m_stack.count && !m_open ? &m_stack[m_stack.count - 1] : nullptr;
    }

    HeaderStack m_stack;
    bool m_open = false; //!< a tunnel header ended the current group
};

/// A condition from its JSON name and textual values.
Condition Cond(const std::string& type,
               std::initializer_list<std::string> values,
               HeaderSelector header = HeaderSelector::Outer);

/// A rule: id, priority, conditions, action.
RuleSpec MakeRule(const std::string& id,
                  int32_t priority,
                  std::vector<Condition> conditions,
                  ActionSpec action);
RuleSpec Stateful(RuleSpec rule, double ttl = DEFAULT_FLOW_TTL);
RuleSpec Terminating(RuleSpec rule);

ActionSpec Allow();
ActionSpec Block();
ActionSpec NatDst(const std::string& ip, std::optional<uint16_t> port = std::nullopt);
ActionSpec NatSrc(const std::string& ip, std::optional<uint16_t> port = std::nullopt);
ActionSpec Snat(const std::string& rangeList);
ActionSpec EncapVxlan(uint32_t vni,
                      const std::string& srcIp,
                      const std::string& dstIpOrMapping,
                      bool mapping = false);
ActionSpec Decap();
ActionSpec Meter(const std::string& name);

GroupSpec MakeGroup(const std::string& name,
                    Direction direction,
                    int32_t priority,
                    std::vector<RuleSpec> rules,
                    std::vector<Condition> conditions = {});
LayerSpec MakeLayer(const std::string& name,
                    int32_t priority,
                    DefaultAction outbound,
                    DefaultAction inbound,
                    std::vector<GroupSpec> groups);

constexpr const char* VM_MAC = "00:1d:d8:00:00:01";
constexpr const char* GW_MAC = "12:34:56:78:9a:bc";

/// A port named "vm" with VM_MAC and the given layers and resources.
PortSpec MakePort(std::vector<LayerSpec> layers, std::vector<ResourceSpec> resources = {});
ResourceSpec MakeMapping(const std::string& name,
                         std::map<std::string, std::string> entries,
                         MissPolicy onMiss = MissPolicy::Drop);
ResourceSpec MakeRangeList(const std::string& name,
                           const std::string& ip,
                           std::vector<PortRange> ranges,
                           MissPolicy onExhausted = MissPolicy::Drop);

/// A TCP packet from the VM (10.0.0.1) to @p dst, as the VM sends it.
HeaderStack VmTcp(const std::string& dst,
                  uint16_t srcPort = 40000,
                  uint16_t dstPort = 80,
                  const std::string& flags = "S");
/// The reply to VmTcp, as it reaches the port from the network.
HeaderStack ReplyTcp(const std::string& src,
                     uint16_t srcPort = 80,
                     uint16_t dstPort = 40000,
                     const std::string& flags = "SA");

} // namespace vfp::test

#endif
