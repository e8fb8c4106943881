/*
 * A layer's flow table (paper §5.2.2): the connections that stateful rules admitted.
 *
 * Design: a stateful rule selected for a packet with key K in direction d creates one
 * FlowPair holding two transpositions: the rule's HT for K in direction d, and for the
 * reply key reverse(K') in the opposite direction the HT that undoes it, where K' is the
 * key after the rule's HT. Two hash indexes (one per direction) map a Ufid to its pair,
 * so a packet of either direction finds it with one probe.
 *
 * Storage: pairs live in a VersionedSlab; a FlowHandle names a pair safely, so holders of
 * handles (unified flows, connections) can tell a live pair from a gone one in O(1)
 * without owning it.
 *
 * Invariants: every live pair is indexed under exactly its two keys; a pair's SNAT port is
 * held exactly as long as the pair lives (released on expiry, flush and replacement).
 *
 * Expiry: a pair lives `ttl` seconds after the last packet of either direction, unless it
 * is pinned (a TCP connection in TIME_WAIT pins its pairs so that its SNAT port is not
 * reused before TIME_WAIT ends). Find removes an expired pair lazily, ExpireIdle sweeps
 * them all, in slot order, so sweeps are deterministic.
 */
#ifndef VFP_ENGINE_LAYER_FLOW_TABLE_H
#define VFP_ENGINE_LAYER_FLOW_TABLE_H

#include "../packet/flow-id.h"
#include "counters.h"
#include "rule-action.h"
#include "versioned-slab.h"

#include <unordered_map>

namespace vfp
{

struct FlowPair
{
    Direction origin = Direction::Outbound; //!< direction of the packet that created it
    std::array<Ufid, DIRECTION_COUNT> keys; //!< the key indexed in each direction
    std::array<HeaderTransposition, DIRECTION_COUNT> hts; //!< the HT applied in each direction
    std::string ruleId;                 //!< the rule that created it (for flushes)
    double lastSeen = 0;                //!< time of the last packet, either direction
    double ttl = DEFAULT_FLOW_TTL;      //!< idle seconds before expiry
    uint32_t pins = 0;                  //!< holders that keep it past its ttl
    PacketByteCounter* meter = nullptr; //!< meter fed by origin-direction packets
    RangeList* snat = nullptr;          //!< range list the SNAT port came from
    uint16_t snatPort = 0;              //!< the SNAT port held

    bool ExpiredAt(double now) const { return pins == 0 && now - lastSeen >= ttl; }
};

/// Names one flow pair of one layer's table, safely: see LayerFlowTable::Get.
using FlowHandle = VersionedSlab<FlowPair>::Handle;

class LayerFlowTable
{
public:
    LayerFlowTable() = default;
    LayerFlowTable(const LayerFlowTable&) = delete;
    LayerFlowTable& operator=(const LayerFlowTable&) = delete;
    ~LayerFlowTable();

    /**
     * The live pair indexed under @p key in @p direction, or a null handle. An expired pair
     * is treated as absent, and removed when @p removeExpired (counted in @p counters).
     */
    FlowHandle Find(Direction direction,
                    const Ufid& key,
                    double now,
                    bool removeExpired,
                    LayerCounters& counters);
    /// The pair @p handle names, or null if that pair is gone.
    FlowPair* Get(FlowHandle handle);
    /// Adds a pair under its two keys, replacing any pair indexed under either of them.
    FlowHandle Insert(FlowPair pair);
    /// Removes the pair @p handle names, if it is still there; returns whether it was.
    bool Erase(FlowHandle handle);
    /// False when no live pair is indexed in @p direction under a key with this UfidHash
    /// (true may be a hash collision: callers treat it as "look again").
    bool MayHold(Direction direction, size_t keyHash) const
    {
        return m_keyHashes[static_cast<size_t>(direction)].count(keyHash) > 0;
    }
    /// Removes every pair idle for at least its ttl; returns how many.
    size_t ExpireIdle(double now);
    /// Removes every pair the rule @p ruleId created; returns how many.
    size_t FlushRule(const std::string& ruleId);
    size_t Size() const { return m_pairs.Size(); }
    /// Calls @p visit(handle, pair) for every live pair, in slot order.
    template<typename Visit>
    void ForEach(Visit&& visit) const
    {
        m_pairs.ForEach(visit);
    }

    /// The slab as it is, for state save: restoring it gives every handle back its pair.
    using Slot = VersionedSlab<FlowPair>::Slot;
    using Snapshot = VersionedSlab<FlowPair>::Snapshot;
    Snapshot GetSnapshot() const { return m_pairs.GetSnapshot(); }
    /// Replaces the table with a saved one (its SNAT ports must already be allocated).
    void Restore(Snapshot snapshot);

private:
    void EraseSlot(uint32_t slot);

    VersionedSlab<FlowPair> m_pairs; //!< the pairs
    std::array<std::unordered_map<Ufid, uint32_t, UfidHash>, DIRECTION_COUNT>
        m_index; //!< key -> slot
    /// Live keys by hash (a count per hash), so that a unified flow can ask "has a pair
    /// appeared under my key?" with the 8-byte hash it kept, not the whole key.
    std::array<std::unordered_map<size_t, uint32_t>, DIRECTION_COUNT> m_keyHashes;
};

} // namespace vfp

#endif
