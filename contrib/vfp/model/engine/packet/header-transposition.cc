#include "header-transposition.h"

namespace vfp
{

bool
GroupEdit::ApplyTo(HeaderGroup& group) const
{
    if (l2 == L2Action::Set)
    {
        group.hasEthernet = true;
        group.eth = l2Header;
    }
    else if (l2 == L2Action::Strip)
    {
        group.hasEthernet = false;
        group.eth = EthernetHeader{};
    }
    if (fields == 0)
    {
        return true;
    }
    if (((fields & EditField::MAC_FIELDS) && !group.hasEthernet) ||
        ((fields & (EditField::SRC_IP | EditField::DST_IP)) && !group.hasIpv4) ||
        ((fields & (EditField::SRC_PORT | EditField::DST_PORT)) && group.l4 == L4Type::None) ||
        ((fields & EditField::TUNNEL_KEY) && group.tunnel != TunnelType::Vxlan &&
         group.tunnel != TunnelType::Nvgre))
    {
        return false;
    }
    if (fields & EditField::SRC_MAC)
    {
        group.eth.src = srcMac;
    }
    if (fields & EditField::DST_MAC)
    {
        group.eth.dst = dstMac;
    }
    if (fields & EditField::SRC_IP)
    {
        group.ip.src = srcIp;
    }
    if (fields & EditField::DST_IP)
    {
        group.ip.dst = dstIp;
    }
    if (fields & EditField::SRC_PORT)
    {
        group.transport.srcPort = srcPort;
    }
    if (fields & EditField::DST_PORT)
    {
        group.transport.dstPort = dstPort;
    }
    if (fields & EditField::TUNNEL_KEY)
    {
        group.tunnelKey = tunnelKey;
    }
    return true;
}

namespace
{

/// The canonical form of an edit: under L2Action::Set the MAC writes live in l2Header.
GroupEdit
Canonical(GroupEdit edit)
{
    if (edit.l2 == L2Action::Set)
    {
        if (edit.fields & EditField::SRC_MAC)
        {
            edit.l2Header.src = edit.srcMac;
        }
        if (edit.fields & EditField::DST_MAC)
        {
            edit.l2Header.dst = edit.dstMac;
        }
        edit.fields &= ~EditField::MAC_FIELDS;
    }
    return edit;
}

} // namespace

GroupEdit
GroupEdit::Then(const GroupEdit& later) const
{
    GroupEdit result = Canonical(*this);
    if (later.l2 != L2Action::Keep)
    {
        result.l2 = later.l2;
        result.l2Header = later.l2Header;
        result.fields &= ~EditField::MAC_FIELDS;
    }
    // Under Set the MACs live in l2Header, so MAC writes fold into it (one canonical form).
    const bool foldMacs = result.l2 == L2Action::Set;
    if (later.fields & EditField::SRC_MAC)
    {
        (foldMacs ? result.l2Header.src : result.srcMac) = later.srcMac;
    }
    if (later.fields & EditField::DST_MAC)
    {
        (foldMacs ? result.l2Header.dst : result.dstMac) = later.dstMac;
    }
    result.fields |= later.fields & (foldMacs ? ~EditField::MAC_FIELDS : 0xffff);
    if (later.fields & EditField::SRC_IP)
    {
        result.srcIp = later.srcIp;
    }
    if (later.fields & EditField::DST_IP)
    {
        result.dstIp = later.dstIp;
    }
    if (later.fields & EditField::SRC_PORT)
    {
        result.srcPort = later.srcPort;
    }
    if (later.fields & EditField::DST_PORT)
    {
        result.dstPort = later.dstPort;
    }
    if (later.fields & EditField::TUNNEL_KEY)
    {
        result.tunnelKey = later.tunnelKey;
    }
    return result;
}

bool
GroupEdit::operator==(const GroupEdit& other) const
{
    auto same = [&](uint16_t bit, auto mine, auto theirs)
    { return !(fields & bit) || mine == theirs; };
    return fields == other.fields && l2 == other.l2 &&
           (l2 != L2Action::Set || l2Header == other.l2Header) &&
           same(EditField::SRC_MAC, srcMac, other.srcMac) &&
           same(EditField::DST_MAC, dstMac, other.dstMac) &&
           same(EditField::SRC_IP, srcIp, other.srcIp) &&
           same(EditField::DST_IP, dstIp, other.dstIp) &&
           same(EditField::SRC_PORT, srcPort, other.srcPort) &&
           same(EditField::DST_PORT, dstPort, other.dstPort) &&
           same(EditField::TUNNEL_KEY, tunnelKey, other.tunnelKey);
}

bool
HeaderTransposition::IsIdentity() const
{
    if (popCount != 0 || pushCount != 0)
    {
        return false;
    }
    for (const GroupEdit& edit : edits)
    {
        if (!edit.IsIgnore())
        {
            return false;
        }
    }
    return true;
}

bool
HeaderTransposition::Apply(HeaderStack& stack) const
{
    if (popCount > stack.count)
    {
        return false;
    }
    const size_t surviving = stack.count - popCount;
    const size_t total = surviving + pushCount;
    if (total == 0 || total > MAX_HEADER_GROUPS)
    {
        return false;
    }
    HeaderStack result;
    result.count = static_cast<uint8_t>(total);
    result.payloadBytes = stack.payloadBytes;
    for (size_t i = 0; i < pushCount; ++i)
    {
        result[i] = pushed[i];
    }
    for (size_t i = 0; i < surviving; ++i)
    {
        HeaderGroup& group = result[pushCount + i];
        group = stack[popCount + i];
        if (!edits[i].ApplyTo(group))
        {
            return false;
        }
    }
    stack = result;
    return true;
}

HeaderTransposition
HeaderTransposition::Then(const HeaderTransposition& next) const
{
    HeaderTransposition result;
    if (next.popCount <= pushCount)
    {
        // next pops only groups this HT pushed; the rest of them stay pushed, edited.
        const size_t keptPushes = pushCount - next.popCount;
        result.popCount = popCount;
        result.pushCount = static_cast<uint8_t>(next.pushCount + keptPushes);
        for (size_t i = 0; i < next.pushCount; ++i)
        {
            result.pushed[i] = next.pushed[i];
        }
        for (size_t i = 0; i < keptPushes && next.pushCount + i < MAX_HEADER_GROUPS; ++i)
        {
            HeaderGroup group = pushed[next.popCount + i];
            next.edits[i].ApplyTo(group);
            result.pushed[next.pushCount + i] = group;
        }
        for (size_t i = 0; i + keptPushes < MAX_HEADER_GROUPS; ++i)
        {
            result.edits[i] = edits[i].Then(next.edits[keptPushes + i]);
        }
        for (size_t i = MAX_HEADER_GROUPS - keptPushes; i < MAX_HEADER_GROUPS; ++i)
        {
            result.edits[i] = edits[i];
        }
    }
    else
    {
        // next pops everything this HT pushed and some of the original groups too.
        const size_t extraPops = next.popCount - pushCount;
        result.popCount = static_cast<uint8_t>(popCount + extraPops);
        result.pushCount = next.pushCount;
        result.pushed = next.pushed;
        for (size_t i = 0; i + extraPops < MAX_HEADER_GROUPS; ++i)
        {
            result.edits[i] = edits[extraPops + i].Then(next.edits[i]);
        }
    }
    return result;
}

bool
HeaderTransposition::operator==(const HeaderTransposition& other) const
{
    if (popCount != other.popCount || pushCount != other.pushCount || edits != other.edits)
    {
        return false;
    }
    for (size_t i = 0; i < pushCount; ++i)
    {
        if (pushed[i] != other.pushed[i])
        {
            return false;
        }
    }
    return true;
}

namespace
{

bool
SameStructure(const HeaderGroup& a, const HeaderGroup& b)
{
    return a.hasIpv4 == b.hasIpv4 && a.l4 == b.l4 && a.tunnel == b.tunnel &&
           (!a.hasIpv4 || a.ip.protocol == b.ip.protocol) &&
           (!a.hasEthernet || !b.hasEthernet || a.eth.etherType == b.eth.etherType);
}

GroupEdit
EditBetween(const HeaderGroup& from, const HeaderGroup& to)
{
    GroupEdit edit;
    if (from.hasEthernet && !to.hasEthernet)
    {
        edit.l2 = L2Action::Strip;
    }
    else if (!from.hasEthernet && to.hasEthernet)
    {
        edit.l2 = L2Action::Set;
        edit.l2Header = to.eth;
    }
    else if (to.hasEthernet)
    {
        if (from.eth.src != to.eth.src)
        {
            edit.fields |= EditField::SRC_MAC;
            edit.srcMac = to.eth.src;
        }
        if (from.eth.dst != to.eth.dst)
        {
            edit.fields |= EditField::DST_MAC;
            edit.dstMac = to.eth.dst;
        }
    }
    if (to.hasIpv4)
    {
        if (from.ip.src != to.ip.src)
        {
            edit.fields |= EditField::SRC_IP;
            edit.srcIp = to.ip.src;
        }
        if (from.ip.dst != to.ip.dst)
        {
            edit.fields |= EditField::DST_IP;
            edit.dstIp = to.ip.dst;
        }
    }
    if (to.l4 != L4Type::None)
    {
        if (from.transport.srcPort != to.transport.srcPort)
        {
            edit.fields |= EditField::SRC_PORT;
            edit.srcPort = to.transport.srcPort;
        }
        if (from.transport.dstPort != to.transport.dstPort)
        {
            edit.fields |= EditField::DST_PORT;
            edit.dstPort = to.transport.dstPort;
        }
    }
    if ((to.tunnel == TunnelType::Vxlan || to.tunnel == TunnelType::Nvgre) &&
        from.tunnelKey != to.tunnelKey)
    {
        edit.fields |= EditField::TUNNEL_KEY;
        edit.tunnelKey = to.tunnelKey;
    }
    return edit;
}

} // namespace

HeaderTransposition
HeaderTransposition::Between(const HeaderStack& from, const HeaderStack& to)
{
    size_t aligned = 0;
    while (aligned < from.count && aligned < to.count &&
           SameStructure(from[from.count - 1 - aligned], to[to.count - 1 - aligned]))
    {
        ++aligned;
    }
    HeaderTransposition ht;
    ht.popCount = static_cast<uint8_t>(from.count - aligned);
    ht.pushCount = static_cast<uint8_t>(to.count - aligned);
    for (size_t i = 0; i < ht.pushCount; ++i)
    {
        ht.pushed[i] = to[i];
    }
    for (size_t i = 0; i < aligned; ++i)
    {
        ht.edits[i] = EditBetween(from[ht.popCount + i], to[ht.pushCount + i]);
    }
    return ht;
}

} // namespace vfp
