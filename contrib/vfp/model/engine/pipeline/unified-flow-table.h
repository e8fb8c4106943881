/*
 * The unified flow table (paper §6.2-6.3): the fast path. The slow path runs a packet
 * through every layer and composes one header transposition; the result is cached here
 * under the packet's exact key, so that the next packet of the flow is one lookup and one
 * rewrite, whatever the number of layers and rules.
 *
 * A unified flow (UF) carries what a hit must still do: the composed HT; the action
 * contexts (meters, each with the byte offset between the packet and the layer that
 * meters it); the layer flows the slow path used, so that a hit keeps them alive exactly
 * as the layers would have; the layers it passed by their rules where a flow could
 * appear under its key later (a hit checks, by key hash, that none has: a flow created
 * by another packet takes precedence over rules, UFT or not); the port generation it was
 * computed at (lazy reconciliation: an older UF is re-simulated on its next packet); and
 * its connection (pairing, TCP).
 *
 * Only allowed packets are cached: a drop or a hold is decided again on every packet, so
 * a flood of refused packets fills no table.
 *
 * Bounded: a port holds at most PortConfig::maxUnifiedFlows. At the limit, the port
 * evicts in one batch the 1/16 of its UFs whose connections were seen least recently
 * (ties broken by key order, so the choice never depends on the hash seed); an evicted
 * flow's connection and layer flows stay, so its next packet takes the slow path and is
 * cached again. One O(n) selection per n/16 inserts keeps eviction amortised O(1) per
 * insert, with no per-hit bookkeeping: an exact LRU list would cost two pointer writes on
 * every hit, the path that must stay cheapest. Counted as UftCounters::capacityEvicted.
 *
 * Cost: a hit is one hash probe plus O(layer flows + meters) refreshes; no allocation on a
 * hit. The table is Abseil's node_hash_map: measured against std::unordered_map and
 * absl::flat_hash_map with these keys and values (bench/flow-table-bench.cc,
 * docs/performance.md), it finds 1.3-1.7x faster than the standard table at 100k-500k
 * flows with the same memory; flat_hash_map is faster still but stores the large entries
 * in place, at 25-90% more memory per flow.
 */
#ifndef VFP_ENGINE_UNIFIED_FLOW_TABLE_H
#define VFP_ENGINE_UNIFIED_FLOW_TABLE_H

#include "connection-tracker.h"

#include <absl/container/node_hash_map.h>

namespace vfp
{

class Layer;

/// A meter a unified flow feeds on every packet.
struct MeterContext
{
    PacketByteCounter* meter = nullptr; //!< the port's named meter
    int32_t sizeDelta = 0;              //!< bytes at the metering layer minus bytes at entry
};

/// A layer the slow path passed by its rules, where a flow could appear under the
/// packet's key later (the layer has stateful rules): a hit must look there first.
struct LayerWatch
{
    Layer* layer = nullptr; //!< the layer (valid while the UF's generation is current)
    size_t keyHash = 0;     //!< UfidHash of the packet's key at that layer
};

/// A layer flow a unified flow depends on.
struct LayerFlowRef
{
    Layer* layer = nullptr; //!< the layer (valid while the UF's generation is current)
    FlowHandle handle;      //!< the pair
};

struct UnifiedFlow
{
    uint64_t generation = 0;              //!< the port generation it was computed at
    HeaderTransposition ht;               //!< the composed transposition
    std::vector<MeterContext> meters;     //!< action contexts
    std::vector<LayerFlowRef> layerFlows; //!< layer flows to keep alive on hits
    std::vector<LayerWatch> watches;      //!< layers where a new flow would change the result
    ConnectionHandle connection;          //!< the connection it belongs to
};

/// Why unified flows left the table, besides their connection ending (TrackerCounters).
struct UftCounters
{
    uint64_t hits = 0;   //!< packets that took the fast path
    uint64_t misses = 0; //!< packets with no unified flow
    uint64_t reconciled =
        0; //!< packets whose UF was re-simulated (older generation or gone layer flow)
    uint64_t reconcileUpdated = 0; //!< ... and whose transposition changed
    uint64_t reconcileRemoved = 0; //!< ... and that the policy now drops or holds (UF removed)
    uint64_t inserted = 0;         //!< UFs created
    uint64_t evicted = 0;          //!< UFs removed with their connection
    uint64_t capacityEvicted = 0;  //!< UFs evicted to make room at the port's limit
};

class UnifiedFlowTable
{
public:
    UnifiedFlow* Find(const UnifiedFlowKey& key)
    {
        auto it = m_flows.find(key);
        return it == m_flows.end() ? nullptr : &it->second;
    }
    /// Adds or replaces the UF of @p key.
    UnifiedFlow& Insert(const UnifiedFlowKey& key, UnifiedFlow flow);
    /// Removes the UF of @p key; false when there is none.
    bool Erase(const UnifiedFlowKey& key) { return m_flows.erase(key) > 0; }
    size_t Size() const { return m_flows.size(); }
    /// Calls @p visit(key, flow) for every UF, in the table's (hash) order.
    template<typename Visit>
    void ForEach(Visit&& visit) const
    {
        for (const auto& [key, flow] : m_flows)
        {
            visit(key, flow);
        }
    }
    /// Every UF, in a deterministic order (by key words), for state save.
    std::vector<std::pair<UnifiedFlowKey, const UnifiedFlow*>> Sorted() const;
    void Clear() { m_flows.clear(); }

private:
    absl::node_hash_map<UnifiedFlowKey, UnifiedFlow, UnifiedFlowKeyHash> m_flows; //!< key -> UF
};

} // namespace vfp

#endif
