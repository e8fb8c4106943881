#include "unified-flow-key.h"

#include "../packet/hash-mix.h"

#include <tuple>

namespace vfp
{

bool
UnifiedFlowKey::operator==(const UnifiedFlowKey& other) const
{
    if (groups != other.groups || direction != other.direction)
    {
        return false;
    }
    for (size_t i = 0; i < groups * UNIFIED_KEY_WORDS_PER_GROUP; ++i)
    {
        if (words[i] != other.words[i])
        {
            return false;
        }
    }
    return true;
}

bool
UnifiedFlowKey::operator<(const UnifiedFlowKey& other) const
{
    return std::tie(direction, groups, words) <
           std::tie(other.direction, other.groups, other.words);
}

UnifiedFlowKey
MakeUnifiedFlowKey(Direction direction, const HeaderStack& packet, bool withTcpFlags)
{
    UnifiedFlowKey key;
    key.direction = direction;
    key.groups = packet.count;
    for (size_t i = 0; i < packet.count; ++i)
    {
        const HeaderGroup& group = packet[i];
        uint64_t* word = &key.words[i * UNIFIED_KEY_WORDS_PER_GROUP];
        const uint64_t structure = uint64_t(group.hasEthernet) | (uint64_t(group.hasIpv4) << 1) |
                                   (uint64_t(group.l4) << 2) | (uint64_t(group.tunnel) << 4);
        if (group.hasEthernet)
        {
            word[0] = (group.eth.src << 16) | group.eth.etherType;
            word[1] = group.eth.dst << 16;
        }
        word[1] |= (structure << 8);
        if (group.hasIpv4)
        {
            word[1] |= group.ip.protocol;
            word[2] = (uint64_t(group.ip.src) << 32) | group.ip.dst;
        }
        if (group.l4 != L4Type::None)
        {
            word[3] = (uint64_t(group.transport.srcPort) << 48) |
                      (uint64_t(group.transport.dstPort) << 32);
            if (withTcpFlags)
            {
                word[3] |= group.transport.tcpFlags;
            }
        }
        if (group.tunnel == TunnelType::Vxlan || group.tunnel == TunnelType::Nvgre)
        {
            word[3] |= uint64_t(group.tunnelKey) << 8;
        }
    }
    return key;
}

size_t
UnifiedFlowKeyHash::operator()(const UnifiedFlowKey& key) const
{
    // A multiply-xorshift per word, then MurmurHash3's 64-bit finaliser, so that every
    // input bit reaches every output bit: open-addressing tables probe with the low bits,
    // and keys often differ only in ports, which sit in a word's high bits. Stable across
    // platforms, unlike std::hash.
    uint64_t hash =
        0x9e3779b97f4a7c15ULL ^ (uint64_t(key.groups) << 8) ^ static_cast<uint64_t>(key.direction);
    for (size_t i = 0; i < key.groups * UNIFIED_KEY_WORDS_PER_GROUP; ++i)
    {
        hash = (hash ^ key.words[i]) * 0xff51afd7ed558ccdULL;
        hash ^= hash >> 32;
    }
    return static_cast<size_t>(HashFinalize(hash));
}

} // namespace vfp
