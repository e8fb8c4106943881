/*
 * The switch's QoS data path (paper §7.3): max caps on transmit and receive for ports and
 * groups of ports, with token buckets and packet queues, and bandwidth reservations
 * across ports with measurement-based weighted fair sharing of the uplink.
 *
 * What?
 *   Every packet a shaped port sends (tx: outbound, after its pipeline) or receives (rx:
 *   inbound, after its pipeline) is offered to the port's queue for that direction with
 *   an opaque handle and its size. It leaves when every bucket over it conforms: the
 *   port's own cap, the cap of its group for that direction, and (tx, when the uplink is
 *   shared) its current share of the uplink. It is Sent at once when it conforms on
 *   arrival and nothing waits ahead of it, Queued otherwise, or Dropped when its queue's
 *   backlog would pass the queue's bound. Release hands back the queued handles whose
 *   time has come, with that time; NextRelease says when to call it next. The caller
 *   owns the packets; the shaper never sees them.
 *
 * Basic design
 *   Buckets are functions of time (token-bucket.h), so a queue's head knows exactly when
 *   it will conform: no polling, no timer per queue. A queue is FIFO. Its head is
 *   eligible at e = the latest of its arrival and the times each of its buckets (own
 *   cap, share, group) will hold its bytes, taken in that order. Release repeatedly
 *   takes the queue head with the smallest e (ties: the queue Release served least
 *   recently, then port-name order, tx before rx) while e <= now, charges every bucket over it at
 * e, and reports e: a packet leaves at its exact conformance time, however late Release is called.
 * Because a group's bucket is consulted only when a member's head is otherwise eligible, a member
 * held back by its own cap never holds up the others (hierarchical shaping, as a head-of-line-free
 * group queue would do). Fair sharing (linkBps > 0): every port of the switch takes part, with its
 * reservation (0 if none) and weight (1 if none). Every shareInterval the shaper measures the bytes
 *   each port offered on tx (sent, queued and dropped); a port that kept at least
 *   SHARE_GREEDY_FRACTION of its share busy, or had a packet wait or drop, wants more
 *   (its demand is its own cap, or unbounded); the others want what they sent, except
 *   that a port that sent at least SHARE_ACTIVE_FRACTION of its reservation wants at
 *   least its reservation (only an idle port's reservation is lent). Allocate
 *   (fair-share.h) divides the link, and each port's share bucket is set to the most of
 *   its allocation, its reservation (so an idle port can start at its guarantee at once)
 *   and SHARE_FLOOR_FRACTION of the link (so a port that was idle can show new demand).
 *   Re-allocation is lazy: the first call at or after the interval's end does it, and
 *   NextRelease includes that time while anything waits.
 *
 * Invariants
 *   - A queue's backlog (bytes waiting) never exceeds its bound; a packet is either sent,
 *     queued or dropped, and every queued packet is released exactly once (or handed
 *     back by RemovePort).
 *   - Release times are non-decreasing across calls, and every bucket is charged in time
 *     order, so over any interval T a queue sends at most burst + rate*T/8 bytes for each
 *     bucket over it (packets no larger than the burst).
 *   - Nothing depends on hash order: queues are walked in port-name order.
 *
 * Cost
 *   Enqueue on an unshaped port: one map lookup. On a shaped port that conforms: one
 *   lookup and up to three bucket computations. Release is O(queues) per released packet
 *   (a host has a few dozen queues). Measured in bench/qos-bench.cc (docs/performance.md).
 *
 * Trade-offs
 *   The schedule is exact in simulated time rather than a model of VFP's interlocked
 *   queues and atomic counters (whose cost is the host CPU model's, packet-cost.h). The
 *   share reacts one interval late by design, as a measurement-based allocator does. A
 *   packet arriving to an empty queue may take group tokens before an older head of
 *   another member whose time had not yet come (eligible-first, not arrival-first).
 */
#ifndef VFP_ENGINE_QOS_SHAPER_H
#define VFP_ENGINE_QOS_SHAPER_H

#include "../pipeline/counters.h"
#include "../policy/policy-spec.h"
#include "token-bucket.h"

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vfp
{

/// A port that kept at least this part of its share busy over an interval wants more
/// (our choice: close to full, below it by what packet granularity leaves unused).
constexpr double SHARE_GREEDY_FRACTION = 0.95;
/// A port that sent at least this part of its reservation over an interval is active: its
/// reservation is not lent to others (our choice; an idle port's is, docs/qos.md).
constexpr double SHARE_ACTIVE_FRACTION = 0.1;
/// The least share a port is given, as a part of the link (our choice, docs/qos.md): it
/// lets an idle port without a reservation show new demand within one interval.
constexpr double SHARE_FLOOR_FRACTION = 0.01;

class QosShaper
{
public:
    /// What became of an offered packet.
    enum class Admission : uint8_t
    {
        Sent,    //!< it conformed on arrival: send it now
        Queued,  //!< it waits; Release hands it back
        Dropped, //!< its queue was full
    };
    /// What a queue did, in bytes as offered.
    struct Counters
    {
        PacketByteCounter conforming; //!< sent on arrival
        PacketByteCounter queued;     //!< waited, then sent
        PacketByteCounter dropped;    //!< its queue was full
    };
    /// A queued packet whose time came.
    struct Released
    {
        uint64_t handle; //!< as offered
        double at;       //!< when it conformed (seconds)
    };

    /**
     * Sets the uplink the ports' reservations and weights share (@p linkBps; 0 turns
     * sharing off) and the measurement interval. @throws PolicyError if the ports'
     * reservations add up to more than the link, or a port has a reservation and the
     * link is 0
     */
    void SetLink(double linkBps, double shareInterval, double now);
    /**
     * Registers @p port (every port of the switch; unshaped without @p qos) or changes
     * its QoS from @p now on; what waits stays queued under the new buckets.
     * @throws PolicyError on an invalid spec or reservations above the link
     */
    void SetPort(const std::string& port, const std::optional<PortQosSpec>& qos, double now);
    /// Forgets @p port (and a group it leaves empty); returns the handles that were
    /// waiting in its queues (now dropped).
    std::vector<uint64_t> RemovePort(const std::string& port);
    /// Adds or replaces a group. @throws PolicyError on an unknown port, a port already in
    /// another group that way, or an invalid cap
    void SetGroup(const QosGroupSpec& group, double now);
    void RemoveGroup(const std::string& name);
    /// The switch-level spec: link, interval and groups, groups in name order.
    SwitchQosSpec ToSpec() const;

    /// Whether @p port's packets that way pass a bucket (false for an unknown port).
    bool IsShaped(const std::string& port, Direction direction) const;
    /// Whether any packet can be shaped: without, Enqueue always answers Sent.
    bool IsActive() const { return m_shapedQueues > 0 || m_linkBps > 0; }
    /**
     * Offers a packet of @p bytes leaving (tx: Outbound) or reaching (rx: Inbound) @p port
     * at @p now. @throws PolicyError for a port never registered
     */
    Admission Enqueue(
        const std::string& port, Direction direction, uint64_t handle, uint32_t bytes, double now);
    /// The queued packets whose time is at or before @p now, in release order.
    std::vector<Released> Release(double now);
    /// When Release has something to do next (a head's time, or the next re-allocation
    /// while anything waits); none when nothing waits.
    std::optional<double> NextRelease() const;

    /// @p port's counters that way (zeros for an unshaped queue).
    const Counters& GetCounters(const std::string& port, Direction direction) const;
    /// Bytes waiting in @p port's queue that way.
    uint64_t GetBacklogBytes(const std::string& port, Direction direction) const;
    /// @p port's current share of the uplink (bits per second; 0 when not sharing).
    double GetShareRate(const std::string& port) const;

private:
    struct Group;
    struct Waiting
    {
        uint64_t handle;
        uint32_t bytes;
        double arrival;
    };
    struct Queue
    {
        std::optional<TokenBucket> cap;   //!< the port's own cap that way
        std::optional<TokenBucket> share; //!< tx only, while the link is shared
        Group* group = nullptr;           //!< the port's group that way
        uint64_t limit = DEFAULT_QOS_QUEUE_BYTES;
        std::deque<Waiting> waiting;
        uint64_t backlog = 0;
        Counters counters;
        double offered = 0;    //!< bytes offered this interval (tx, sharing)
        bool heldBack = false; //!< a packet waited or dropped this interval
        uint64_t servedAt = 0; //!< when Release last took its head (a sequence number)
        bool Shaped() const { return cap || share || group; }
    };
    struct PortQueues
    {
        std::optional<PortQosSpec> spec;
        PerDirection<Queue> queues;
    };
    struct Group
    {
        QosGroupSpec spec;
        TokenBucket bucket;
    };

    PortQueues& Find(const std::string& port);
    const PortQueues& Find(const std::string& port) const;
    /// Sets a queue's bound and own bucket from its port's spec and group.
    void Refresh(Queue& queue, const std::optional<RateLimitSpec>& cap, double now);
    /// When the head of @p queue conforms to all its buckets.
    static double Eligible(const Queue& queue);
    /// Charges every bucket over @p queue for @p bytes at @p at.
    static void Charge(Queue& queue, uint32_t bytes, double at);
    void CheckReservations(const std::string& port, const std::optional<PortQosSpec>& qos) const;
    /// Re-allocates the link when the interval ended by @p now.
    void Advance(double now);
    void Reallocate(double now);
    void SetShare(Queue& queue, double rateBps, double now);
    void CountShaped();
    /// @p now, or the latest time seen if later: the shaper's clock never goes back (a
    /// port added "at 0" in mid-run is added now).
    double Clock(double now);

    std::map<std::string, PortQueues> m_ports;
    std::map<std::string, std::unique_ptr<Group>> m_groups;
    double m_linkBps = 0;
    double m_interval = DEFAULT_QOS_SHARE_INTERVAL;
    double m_lastShare = 0; //!< when the current interval began
    size_t m_shapedQueues = 0;
    size_t m_waiting = 0;  //!< packets queued over all queues
    uint64_t m_served = 0; //!< heads Release took, for the tie-break
    double m_clock = 0;    //!< the latest time seen
};

} // namespace vfp

#endif
