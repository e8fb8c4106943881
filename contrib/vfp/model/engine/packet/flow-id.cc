#include "flow-id.h"

namespace vfp
{

bool
FlowId::operator==(const FlowId& other) const
{
    return srcMac == other.srcMac && dstMac == other.dstMac && srcIp == other.srcIp &&
           dstIp == other.dstIp && tunnelKey == other.tunnelKey && srcPort == other.srcPort &&
           dstPort == other.dstPort && etherType == other.etherType && protocol == other.protocol &&
           tunnel == other.tunnel;
}

bool
Ufid::operator==(const Ufid& other) const
{
    if (count != other.count)
    {
        return false;
    }
    for (size_t i = 0; i < count; ++i)
    {
        if (!(ids[i] == other.ids[i]))
        {
            return false;
        }
    }
    return true;
}

Ufid
MakeUfid(const HeaderStack& stack)
{
    Ufid ufid;
    ufid.count = stack.count;
    for (size_t i = 0; i < stack.count; ++i)
    {
        const HeaderGroup& group = stack[i];
        FlowId& id = ufid.ids[i];
        id.etherType = group.hasEthernet ? group.eth.etherType : 0;
        if (!group.hasIpv4)
        {
            id.srcMac = group.eth.src;
            id.dstMac = group.eth.dst;
            continue;
        }
        id.srcIp = group.ip.src;
        id.dstIp = group.ip.dst;
        id.protocol = group.ip.protocol;
        id.tunnel = group.tunnel;
        id.tunnelKey = (group.tunnel == TunnelType::Vxlan || group.tunnel == TunnelType::Nvgre)
                           ? group.tunnelKey
                           : 0;
        if (group.l4 != L4Type::None && group.tunnel == TunnelType::None)
        {
            id.srcPort = group.transport.srcPort;
            id.dstPort = group.transport.dstPort;
        }
    }
    return ufid;
}

size_t
UfidHash::operator()(const Ufid& ufid) const
{
    // FNV-1a over the fields, then a final avalanche so low bits are usable as buckets.
    uint64_t hash = 0xcbf29ce484222325ULL;
    auto add = [&hash](uint64_t value)
    {
        hash ^= value;
        hash *= 0x100000001b3ULL;
    };
    for (size_t i = 0; i < ufid.count; ++i)
    {
        const FlowId& id = ufid.ids[i];
        add(id.srcMac);
        add(id.dstMac);
        add((uint64_t(id.srcIp) << 32) | id.dstIp);
        add((uint64_t(id.srcPort) << 48) | (uint64_t(id.dstPort) << 32) | id.tunnelKey);
        add((uint64_t(id.etherType) << 16) | (uint64_t(id.protocol) << 8) |
            static_cast<uint64_t>(id.tunnel));
    }
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdULL;
    hash ^= hash >> 33;
    return static_cast<size_t>(hash);
}

} // namespace vfp
