#include "rule-action.h"

#include <fmt/format.h>

namespace vfp
{

RuleAction::RuleAction(const ActionSpec& spec,
                       bool stateful,
                       ResourceSet& resources,
                       std::map<std::string, PacketByteCounter>& meters,
                       const std::string& owner)
    : m_spec(spec)
{
    auto fail = [&owner, &spec](const std::string& what) {
        return PolicyError(
            fmt::format("{}: {} action: {}", owner, ActionTypeName(spec.type), what));
    };
    switch (spec.type)
    {
        case ActionType::Nat:
            if (!spec.snat.empty())
            {
                if (spec.srcIp || spec.srcPort)
                {
                    throw fail("snat picks the source address and port; do not also give src_ip "
                               "or src_port");
                }
                if (!stateful)
                {
                    throw fail("snat holds a port per connection, so the rule must be stateful");
                }
                m_snat = &resources.GetRangeList(spec.snat, owner);
            }
            else if (!spec.srcIp && !spec.dstIp && !spec.srcPort && !spec.dstPort)
            {
                throw fail("give at least one of src_ip, dst_ip, src_port, dst_port or snat");
            }
            break;
        case ActionType::Encap:
            if (spec.format == TunnelType::None)
            {
                throw fail("format must be vxlan, nvgre or ipip");
            }
            if (!spec.srcIp)
            {
                throw fail("src_ip (the outer source address) is required");
            }
            if (spec.mapping.empty() == !spec.dstIp)
            {
                throw fail("give exactly one of dst_ip (a fixed outer destination) or mapping");
            }
            if (spec.key > MAX_TUNNEL_KEY)
            {
                throw fail(fmt::format("key {} exceeds 24 bits", spec.key));
            }
            if (!spec.mapping.empty())
            {
                m_mapping = &resources.GetMapping(spec.mapping, owner);
            }
            break;
        case ActionType::Meter:
            if (spec.meter.empty())
            {
                throw fail("meter (the counter's name) is required");
            }
            m_meter = &meters[spec.meter];
            break;
        case ActionType::Transposition:
            if (spec.transposition.popCount > MAX_HEADER_GROUPS ||
                spec.transposition.pushCount > MAX_HEADER_GROUPS)
            {
                throw fail(
                    fmt::format("at most {} groups may be pushed or popped", MAX_HEADER_GROUPS));
            }
            break;
        case ActionType::Allow:
        case ActionType::Block:
        case ActionType::Decap:
            break;
    }
}

bool
RuleAction::References(const std::string& resource) const
{
    return (m_mapping && m_spec.mapping == resource) || (m_snat && m_spec.snat == resource);
}

MissPolicy
RuleAction::GetMissPolicy(ActionOutcome::Status status) const
{
    if (status == ActionOutcome::Status::MappingMiss && m_mapping)
    {
        return m_mapping->GetMissPolicy();
    }
    if (status == ActionOutcome::Status::PortsExhausted && m_snat)
    {
        return m_snat->GetMissPolicy();
    }
    return MissPolicy::Drop;
}

ActionOutcome
RuleAction::Evaluate(const HeaderStack& meta, bool commit) const
{
    ActionOutcome outcome;
    switch (m_spec.type)
    {
        case ActionType::Allow:
        case ActionType::Meter:
            return outcome;
        case ActionType::Block:
            outcome.status = ActionOutcome::Status::Block;
            return outcome;
        case ActionType::Nat:
            return EvaluateNat(meta, commit);
        case ActionType::Encap:
            return EvaluateEncap(meta);
        case ActionType::Decap:
            return EvaluateDecap(meta);
        case ActionType::Transposition:
        {
            HeaderStack result = meta;
            if (!m_spec.transposition.Apply(result) || !ValidateHeaderStack(result).empty())
            {
                outcome.status = ActionOutcome::Status::Mismatch;
                return outcome;
            }
            outcome.ht = m_spec.transposition;
            return outcome;
        }
    }
    return outcome;
}

ActionOutcome
RuleAction::EvaluateNat(const HeaderStack& meta, bool commit) const
{
    ActionOutcome outcome;
    auto index = SelectGroup(meta, m_spec.header);
    if (!index || !meta[*index].hasIpv4)
    {
        outcome.status = ActionOutcome::Status::Mismatch;
        return outcome;
    }
    const bool hasPorts = meta[*index].l4 != L4Type::None;
    GroupEdit& edit = outcome.ht.edits[*index];
    auto setSrcIp = [&edit](uint32_t address)
    {
        edit.fields |= EditField::SRC_IP;
        edit.srcIp = address;
    };
    auto setSrcPort = [&edit](uint16_t port)
    {
        edit.fields |= EditField::SRC_PORT;
        edit.srcPort = port;
    };
    if (m_snat)
    {
        setSrcIp(m_snat->GetAddress());
        if (hasPorts)
        {
            auto port = commit ? m_snat->Allocate() : m_snat->PeekFree();
            if (!port)
            {
                outcome.status = ActionOutcome::Status::PortsExhausted;
                outcome.missKey = m_snat->GetAddress();
                return outcome;
            }
            outcome.snat = m_snat;
            outcome.snatPort = *port;
            setSrcPort(*port);
        }
    }
    if (m_spec.srcIp)
    {
        setSrcIp(*m_spec.srcIp);
    }
    if (m_spec.dstIp)
    {
        edit.fields |= EditField::DST_IP;
        edit.dstIp = *m_spec.dstIp;
    }
    // Port rewrites apply only where there are ports: an ICMP packet is NATed by address.
    if (m_spec.srcPort && hasPorts)
    {
        setSrcPort(*m_spec.srcPort);
    }
    if (m_spec.dstPort && hasPorts)
    {
        edit.fields |= EditField::DST_PORT;
        edit.dstPort = *m_spec.dstPort;
    }
    return outcome;
}

ActionOutcome
RuleAction::EvaluateEncap(const HeaderStack& meta) const
{
    ActionOutcome outcome;
    const HeaderGroup& inner = meta[0];
    if (meta.count >= MAX_HEADER_GROUPS || !inner.hasEthernet || !inner.hasIpv4)
    {
        outcome.status = ActionOutcome::Status::Mismatch;
        return outcome;
    }
    uint32_t outerDst = m_spec.dstIp.value_or(0);
    if (m_mapping)
    {
        auto providerAddress = m_mapping->Lookup(inner.ip.dst);
        if (!providerAddress)
        {
            outcome.status = ActionOutcome::Status::MappingMiss;
            outcome.missKey = inner.ip.dst;
            return outcome;
        }
        outerDst = *providerAddress;
    }

    HeaderGroup outer;
    outer.hasEthernet = true;
    outer.eth.src = m_spec.srcMac.value_or(inner.eth.src);
    outer.eth.dst = m_spec.dstMac.value_or(inner.eth.dst);
    outer.eth.etherType = ETHER_TYPE_IPV4;
    outer.hasIpv4 = true;
    outer.ip.src = *m_spec.srcIp;
    outer.ip.dst = outerDst;
    outer.ip.ttl = DEFAULT_IP_TTL;
    outer.tunnel = m_spec.format;
    switch (m_spec.format)
    {
        case TunnelType::Vxlan:
            outer.ip.protocol = IP_PROTOCOL_UDP;
            outer.l4 = L4Type::Udp;
            outer.transport.srcPort = TunnelEntropyPort(inner);
            outer.transport.dstPort = VXLAN_UDP_PORT;
            outer.tunnelKey = m_spec.key;
            break;
        case TunnelType::Nvgre:
            outer.ip.protocol = IP_PROTOCOL_GRE;
            outer.tunnelKey = m_spec.key;
            break;
        case TunnelType::IpInIp:
        case TunnelType::None:
            outer.ip.protocol = IP_PROTOCOL_IPIP;
            break;
    }

    HeaderStack target;
    target.count = static_cast<uint8_t>(meta.count + 1);
    target.payloadBytes = meta.payloadBytes;
    target[0] = outer;
    for (size_t i = 0; i < meta.count; ++i)
    {
        target[i + 1] = meta[i];
    }
    if (m_spec.format == TunnelType::IpInIp)
    {
        // IP-in-IP carries no inner L2: the frame's Ethernet header now heads the outer group.
        target[1].hasEthernet = false;
        target[1].eth = EthernetHeader{};
    }
    outcome.ht = HeaderTransposition::Between(meta, target);
    return outcome;
}

ActionOutcome
RuleAction::EvaluateDecap(const HeaderStack& meta) const
{
    ActionOutcome outcome;
    if (meta.count < 2 || meta[0].tunnel == TunnelType::None)
    {
        outcome.status = ActionOutcome::Status::NoTunnel;
        return outcome;
    }
    HeaderStack target;
    target.count = static_cast<uint8_t>(meta.count - 1);
    target.payloadBytes = meta.payloadBytes;
    for (size_t i = 1; i < meta.count; ++i)
    {
        target[i - 1] = meta[i];
    }
    if (meta[0].tunnel == TunnelType::IpInIp)
    {
        // The inner group had no L2; it keeps the frame's Ethernet header.
        target[0].hasEthernet = true;
        target[0].eth = meta[0].eth;
        target[0].eth.etherType = ETHER_TYPE_IPV4;
    }
    outcome.ht = HeaderTransposition::Between(meta, target);
    return outcome;
}

} // namespace vfp
