/*
 * The programmable NIC's flow table (issue 13; AccelNet, NSDI'18): exact-match unified
 * flows that the NIC forwards without the host.
 *
 * What?
 *   Classification stays in software. After the first packet of a flow ran through VFP's
 *   layers, software offloads the resulting unified flow (its key, the composed header
 *   transposition and the port generation it was computed at) here; later packets of the
 *   flow find it and take the hardware path. A lookup that finds nothing, an entry still
 *   being written, or an entry of an older generation is a miss: the packet goes to
 *   software, which may offload the flow again.
 *
 * Basic design
 *   One Abseil node_hash_map holds every entry, resident or pending, so every operation
 *   is one hash probe; nodes never move, so entries are linked into intrusive lists:
 *     - the recency list: every resident entry, least recently used first (exact LRU:
 *       a hit or a completed insert moves the entry to the back, two pointer writes);
 *     - the fast-tier list: the resident entries of the fast tier, least recent first;
 *     - the insert queue: the pending entries, in request order (it reuses the recency
 *       hooks, since a pending entry is in no recency list).
 *   Tiers. Every resident entry is in exactly one tier. A completed insert lands in the
 *   large tier (the NIC writes its DRAM); a large-tier hit promotes the entry to the fast
 *   tier (on-chip cache), demoting the fast tier's least recently used entry to the large
 *   tier when the fast tier is full. Capacity counts the entries of both tiers. A fast
 *   hit costs fastLatency; every other lookup (large hit, miss, pending, stale) searched
 *   the large tier too and costs largeLatency.
 *   Insertion is a server of rate maxInsertRate followed by a fixed latency: request i
 *   at time t finishes service at s_i = max(t, s_(i-1)) + 1/rate and becomes visible at
 *   s_i + insertLatency. Completions are applied lazily, in request order, at the start
 *   of every call whose time reached them. The backlog is the number of pending entries;
 *   beyond maxBacklog, requests are refused.
 *   Eviction. lru: a completion into a full table evicts the least recently used
 *   resident entry, whichever tier. none: a request is refused while resident plus
 *   pending entries fill the capacity (pending entries reserve their slot), so a
 *   completion always finds room; the flow stays in software until an entry leaves.
 *   Idle expiry: Expire(now) removes the resident entries unused for idleTimeout, from
 *   the front of the recency list (least recent first, ties in use order).
 *   Invalidation is lazy, like the UFT's reconciliation: a lookup with the port's
 *   current generation that finds an entry of an older one removes it and reports Stale.
 *
 * Invariants
 *   - resident + pending <= capacity under none; resident <= capacity under lru;
 *     fast-tier entries <= fastCapacity.
 *   - The recency list is sorted by last use (times never go backwards; a completion at
 *     v is applied before anything at a time >= v), so the front is both the LRU victim
 *     and the first entry to expire.
 *   - Visibility times are non-decreasing in queue order.
 *   - No result depends on hash order: every walk is over a list.
 *
 * Tie-breaks
 *   Equal last-use times: the entry used first is evicted and expires first. A request
 *   for a pending key replaces the queued entry (the latest software decision wins) and
 *   keeps its place and time. A request for a resident key is refused (Present): remove
 *   it first. Removing a pending entry does not move later completions earlier (the
 *   write slot was spent). An entry of a newer generation than the lookup's is a hit
 *   (the caller passes the port's generation, which only grows).
 *
 * Cost
 *   Every operation is O(1) plus the completions and expirations it applies: one hash
 *   probe and a constant number of pointer writes; no allocation but on insert. Measured
 *   in bench/offload-table-bench.cc (docs/performance.md).
 *
 * Trade-offs
 *   Exact LRU costs two pointer writes per hit, which the software UFT avoids with batch
 *   eviction (unified-flow-table.h); a NIC's own replacement policy is rarely exact LRU,
 *   so this is the optimistic bound. The fast tier is exclusive (an entry is in one tier),
 *   a simplification of an inclusive cache that changes capacity by at most fastCapacity.
 *   Timing is a model (service time plus latency), not a device's measured behaviour.
 */
#ifndef VFP_ENGINE_OFFLOAD_TABLE_H
#define VFP_ENGINE_OFFLOAD_TABLE_H

#include "../packet/header-transposition.h"
#include "../pipeline/unified-flow-key.h"

#include <absl/container/node_hash_map.h>
#include <functional>
#include <optional>
#include <string_view>

namespace vfp
{

/// What a full table does with a new flow.
enum class OffloadEviction : uint8_t
{
    Lru,  //!< evict the least recently used entry
    None, //!< refuse the insert; the flow stays in software
};
std::string_view OffloadEvictionName(OffloadEviction eviction);
/// "lru" or "none"; nothing otherwise.
std::optional<OffloadEviction> ParseOffloadEviction(std::string_view text);

/// The table's tunables (the engine's half of the NIC's ns-3 attributes).
struct OffloadTableConfig
{
    /// Entries in both tiers: AccelNet's ~1M flows in NIC DRAM (NSDI'18 §5).
    size_t capacity = 1'000'000;
    /// Entries of the fast tier: AccelNet's ~2K-flow on-chip cache (NSDI'18 §5).
    size_t fastCapacity = 2048;
    double fastLatency = 50e-9;   //!< s per fast-tier hit (assumption of ours: on-chip SRAM)
    double largeLatency = 300e-9; //!< s per other lookup (assumption of ours: a DRAM access)
    double insertLatency = 10e-6; //!< s from service to visibility (assumption of ours)
    double maxInsertRate = 1e6;   //!< inserts per second, 0: no limit (assumption of ours)
    size_t maxBacklog = 65536;    //!< pending inserts at most, 0: no limit (assumption of ours)
    double idleTimeout = 0;       //!< s without use before Expire removes, 0: never
    OffloadEviction eviction = OffloadEviction::Lru; //!< at capacity
};

/// What the NIC holds per flow.
struct OffloadEntry
{
    HeaderTransposition ht;  //!< the composed transposition the NIC applies
    uint64_t generation = 0; //!< the port generation it was computed at
    uint64_t packets = 0;    //!< hardware packets since the last sync-back
    uint64_t bytes = 0;      //!< hardware bytes since the last sync-back
    int32_t sizeDelta = 0;   //!< bytes the transposition adds to each packet
    uint32_t owner = 0;      //!< the caller's tag (the NIC: the index of the port)
};

enum class OffloadOutcome : uint8_t
{
    FastHit,  //!< found in the fast tier
    LargeHit, //!< found in the large tier (and promoted)
    Miss,     //!< no entry
    Pending,  //!< the entry is still being inserted: a miss
    Stale,    //!< an older generation's entry, now removed: a miss
};

struct OffloadLookup
{
    OffloadOutcome outcome = OffloadOutcome::Miss;
    double latency = 0;                  //!< s the lookup took
    const OffloadEntry* entry = nullptr; //!< on a hit; valid until the next call
    bool Hit() const { return entry != nullptr; }
};

enum class OffloadInsertStatus : uint8_t
{
    Queued,      //!< accepted; visible at the returned time
    Coalesced,   //!< the key was pending: its queued entry replaced
    Present,     //!< the key is resident: nothing done
    TableFull,   //!< refused: eviction none and no free slot
    BacklogFull, //!< refused: maxBacklog pending inserts
};

/// Why an entry left the table (for sync-back of its counters).
enum class OffloadRemoval : uint8_t
{
    Evicted,
    Expired,
    Stale,
    Removed,
};

struct OffloadCounters
{
    uint64_t lookups = 0;               //!< = fastHits + largeHits + misses + stale
    uint64_t fastHits = 0;              //!< lookups found in the fast tier
    uint64_t largeHits = 0;             //!< lookups found in the large tier
    uint64_t misses = 0;                //!< lookups without a visible entry
    uint64_t pendingMisses = 0;         //!< ... of which the entry was pending
    uint64_t stale = 0;                 //!< lookups that found an older generation (invalidations)
    uint64_t inserts = 0;               //!< requests queued
    uint64_t coalesced = 0;             //!< requests for a pending key
    uint64_t installed = 0;             //!< inserts that became visible
    uint64_t insertFailuresFull = 0;    //!< refused: table full, eviction none
    uint64_t insertFailuresBacklog = 0; //!< refused: backlog full
    uint64_t evictions = 0;             //!< entries evicted to make room (lru)
    uint64_t expirations = 0;           //!< entries removed idle
    uint64_t removals = 0;              //!< entries removed by Remove (resident or pending)
    uint64_t promotions = 0;            //!< large-tier hits moved to the fast tier
    uint64_t demotions = 0;             //!< fast-tier entries moved to the large tier
    uint64_t backlogMax = 0;            //!< most pending inserts at once
};

class OffloadTable
{
public:
    using RemovalHandler =
        std::function<void(const UnifiedFlowKey&, const OffloadEntry&, OffloadRemoval)>;

    /// Throws std::invalid_argument on a configuration that cannot work (named field).
    explicit OffloadTable(const OffloadTableConfig& config = {});
    OffloadTable(const OffloadTable&) = delete;
    OffloadTable& operator=(const OffloadTable&) = delete;

    /// Looks @p key up at time @p now (s, non-decreasing over calls) for a port at
    /// @p generation; a hit counts one packet of @p bytes in the entry.
    OffloadLookup Lookup(const UnifiedFlowKey& key,
                         uint64_t generation,
                         double now,
                         uint32_t bytes = 0);
    /// Requests the insert of @p entry under @p key at @p now; @p visibleAt (if given)
    /// receives the time it becomes visible (Queued, Coalesced).
    OffloadInsertStatus Insert(const UnifiedFlowKey& key,
                               const OffloadEntry& entry,
                               double now,
                               double* visibleAt = nullptr);
    /// Removes @p key, resident or pending (TCP close); false when there is none.
    bool Remove(const UnifiedFlowKey& key, double now);
    /// Applies completions up to @p now and removes the entries idle for idleTimeout.
    void Expire(double now);
    /// Calls @p handler for every resident entry that leaves the table, Remove's too
    /// (OffloadRemoval::Removed), with the counters it had not synced back yet.
    void SetRemovalHandler(RemovalHandler handler) { m_onRemoval = std::move(handler); }

    /// Calls @p visit(key, entry) for every resident entry, least recently used first,
    /// then zeroes its packet and byte counters (sync-back).
    void SyncCounters(const std::function<void(const UnifiedFlowKey&, const OffloadEntry&)>& visit);

    const OffloadCounters& Counters() const { return m_counters; }
    const OffloadTableConfig& Config() const { return m_config; }
    size_t Entries() const { return m_resident; }      //!< resident, both tiers
    size_t FastEntries() const { return m_fast.size; } //!< resident in the fast tier
    size_t LargeEntries() const { return m_resident - m_fast.size; }
    size_t Backlog() const { return m_queue.size; } //!< pending inserts

private:
    enum class State : uint8_t
    {
        Pending,
        Large,
        Fast,
    };
    struct Node;
    /// Hooks of one intrusive list a node is on.
    struct Hooks
    {
        Node* prev = nullptr; //!< towards the front
        Node* next = nullptr; //!< towards the back
    };
    struct Node
    {
        const UnifiedFlowKey* key = nullptr; //!< the map's key
        OffloadEntry entry;                  //!< what the NIC holds
        double lastUsed = 0;                 //!< s, resident: last hit or completion
        double visibleAt = 0;                //!< s, pending: when it becomes resident
        State state = State::Pending;        //!< queue, large tier or fast tier
        Hooks order;                         //!< recency list (resident) or queue (pending)
        Hooks tier;                          //!< fast-tier list (fast)
    };
    /// An intrusive doubly linked list over one of a node's hook pairs.
    struct List
    {
        Node* front = nullptr; //!< least recent, or first requested
        Node* back = nullptr;  //!< most recent, or last requested
        size_t size = 0;       //!< nodes linked
        Hooks Node::*hooks;    //!< which hooks
    };
    static void PushBack(List& list, Node* node);
    static void Unlink(List& list, Node* node);

    void Advance(double now);
    void Complete(Node* node);
    void Touch(Node* node, double now);
    void Promote(Node* node);
    /// Unlinks and erases @p node; tells the handler unless @p why is nothing.
    void Erase(Node* node, std::optional<OffloadRemoval> why);

    OffloadTableConfig m_config;                                           //!< tunables
    absl::node_hash_map<UnifiedFlowKey, Node, UnifiedFlowKeyHash> m_nodes; //!< every entry
    List m_recency{nullptr, nullptr, 0, &Node::order}; //!< resident, least recent first
    List m_queue{nullptr, nullptr, 0, &Node::order};   //!< pending, in request order
    List m_fast{nullptr, nullptr, 0, &Node::tier};     //!< fast tier, least recent first
    size_t m_resident = 0;                             //!< resident entries
    double m_now = 0;                                  //!< latest time seen
    double m_serviceEnd = 0;    //!< s, when the inserter finishes its last request
    OffloadCounters m_counters; //!< what happened
    RemovalHandler m_onRemoval; //!< sync-back of departing entries
};

} // namespace vfp

#endif
