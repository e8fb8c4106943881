/*
 * The exact-match key of the unified flow table: a packet's direction plus every header
 * field that any condition, action or forwarding decision can read, packed into 64-bit
 * words (four per header group: MACs with the EtherType, group structure and protocol,
 * addresses, ports with the tunnel key and TCP flags). Fields that vary per packet and
 * that nothing reads (TTL, sequence numbers, payload length) are left out, so every packet
 * of a connection has the same key. TCP flags are in the key only for ports whose policy
 * has a tcp_flags condition; otherwise a SYN and the ACKs after it share one unified flow.
 *
 * Cost: packing is a few shifts per group; equality compares count * 4 words; the hash
 * mixes the same words.
 */
#ifndef VFP_ENGINE_UNIFIED_FLOW_KEY_H
#define VFP_ENGINE_UNIFIED_FLOW_KEY_H

#include "../packet/header-stack.h"
#include "../policy/policy-spec.h"

#include <array>
#include <cstddef>

namespace vfp
{

constexpr size_t UNIFIED_KEY_WORDS_PER_GROUP = 4;

struct UnifiedFlowKey
{
    std::array<uint64_t, MAX_HEADER_GROUPS * UNIFIED_KEY_WORDS_PER_GROUP>
        words{};                               //!< packed fields
    uint8_t groups = 0;                        //!< groups packed
    Direction direction = Direction::Outbound; //!< the packet's direction

    bool operator==(const UnifiedFlowKey& other) const;
    /// A total order (direction, groups, then the words), independent of any hash seed:
    /// what state save and eviction sort by, so that their results are deterministic.
    bool operator<(const UnifiedFlowKey& other) const;
};

/// The key of @p packet in @p direction; @p withTcpFlags for flag-sensitive policy.
UnifiedFlowKey MakeUnifiedFlowKey(Direction direction,
                                  const HeaderStack& packet,
                                  bool withTcpFlags);

struct UnifiedFlowKeyHash
{
    size_t operator()(const UnifiedFlowKey& key) const;
};

} // namespace vfp

#endif
