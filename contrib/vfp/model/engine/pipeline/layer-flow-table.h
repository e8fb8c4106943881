/*
 * A layer's flow table (paper §5.2.2): the connections that stateful rules admitted.
 *
 * Design: a stateful rule selected for a packet with key K in direction d creates one
 * FlowPair holding two transpositions: the rule's HT for K in direction d, and for the
 * reply key reverse(K') in the opposite direction the HT that undoes it, where K' is the
 * key after the rule's HT. Two hash indexes (one per direction) map a Ufid to its pair,
 * so a packet of either direction finds it with one probe.
 *
 * Invariants: every pair is indexed under exactly its two keys; a pair's SNAT port is
 * held exactly as long as the pair exists (released on expiry, flush and replacement).
 *
 * Expiry: a pair lives `ttl` seconds after the last packet of either direction; Find
 * removes an expired pair lazily, ExpireIdle sweeps them all. Pairs are kept in an
 * ordered map by creation id so that sweeps run in a deterministic order.
 */
#ifndef VFP_ENGINE_LAYER_FLOW_TABLE_H
#define VFP_ENGINE_LAYER_FLOW_TABLE_H

#include "../packet/flow-id.h"
#include "counters.h"
#include "rule-action.h"

#include <map>
#include <unordered_map>

namespace vfp
{

struct FlowPair
{
    uint64_t id = 0;                    //!< creation order
    Direction origin = Direction::Outbound; //!< direction of the packet that created it
    std::array<Ufid, DIRECTION_COUNT> keys;  //!< the key indexed in each direction
    std::array<HeaderTransposition, DIRECTION_COUNT> hts; //!< the HT applied in each direction
    std::string ruleId;                 //!< the rule that created it (for flushes)
    double lastSeen = 0;                //!< time of the last packet, either direction
    double ttl = DEFAULT_FLOW_TTL;      //!< idle seconds before expiry
    PacketByteCounter* meter = nullptr; //!< meter fed by origin-direction packets
    RangeList* snat = nullptr;          //!< range list the SNAT port came from
    uint16_t snatPort = 0;              //!< the SNAT port held

    bool ExpiredAt(double now) const
    {
        return now - lastSeen >= ttl;
    }
};

class LayerFlowTable
{
  public:
    LayerFlowTable() = default;
    LayerFlowTable(const LayerFlowTable&) = delete;
    LayerFlowTable& operator=(const LayerFlowTable&) = delete;
    ~LayerFlowTable();

    /**
     * The live pair indexed under @p key in @p direction, or null. An expired pair is
     * treated as absent, and removed when @p removeExpired (counted in @p counters).
     */
    FlowPair* Find(Direction direction,
                   const Ufid& key,
                   double now,
                   bool removeExpired,
                   LayerCounters& counters);
    /// Adds a pair under its two keys, replacing any pair indexed under either of them.
    FlowPair& Insert(FlowPair pair);
    /// Removes every pair idle for at least its ttl; returns how many.
    size_t ExpireIdle(double now);
    /// Removes every pair the rule @p ruleId created; returns how many.
    size_t FlushRule(const std::string& ruleId);
    size_t Size() const
    {
        return m_pairs.size();
    }
    const std::map<uint64_t, FlowPair>& GetPairs() const
    {
        return m_pairs;
    }

  private:
    void Erase(std::map<uint64_t, FlowPair>::iterator pair);

    uint64_t m_nextId = 1;                 //!< id of the next pair
    std::map<uint64_t, FlowPair> m_pairs;  //!< by id
    std::array<std::unordered_map<Ufid, uint64_t, UfidHash>, DIRECTION_COUNT> m_index; //!< key -> id
};

} // namespace vfp

#endif
