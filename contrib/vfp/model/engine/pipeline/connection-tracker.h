/*
 * Connection tracking (paper §6.4): the connections a port's unified flows belong to, and
 * a TCP state machine on each.
 *
 * Pairing: a connection is keyed on the VM side of the pipeline, in outbound orientation:
 * an outbound packet's flow id before processing, an inbound packet's flow id after
 * processing, reversed. Both directions of a connection meet there even when the network
 * side is asymmetric (Ananta DSR: tunnelled in from a Mux, out untunnelled from the VIP).
 * The connection records the unified flow of each direction, so a hit reaches its
 * connection without a lookup.
 *
 * TCP: a connection starts half-open: SYN_SENT on a SYN; PROBATION when its first packet
 * is not a SYN (picked up mid-stream, it cannot be verified). A SYN-ACK from the responder
 * acknowledging the initiator's ISN moves SYN_SENT to SYN_RECEIVED; the initiator's ACK
 * with seq = ISN(i)+1 and ack = ISN(r)+1 makes it ESTABLISHED. Anything else (a spoofed or
 * out-of-window ACK) leaves it half-open, and half-open connections live only
 * halfOpenTimeout: a SYN flood never reaches the established table. A FIN moves it to
 * CLOSING; when both FINs are acknowledged it enters TIME_WAIT for timeWait seconds (a
 * retransmitted FIN starts them again, as RFC 793 restarts 2 MSL); an RST closes it at
 * once, whatever its sequence number (no RFC 5961 check). Non-TCP connections live idleTimeout
 * seconds after their last packet. Sequence comparisons use serial-number arithmetic (RFC 1982).
 *
 * Storage: a VersionedSlab of connections (as layer flows) and a hash index by key. The tracker
 * never reaches into other tables: the port ends connections (removing their unified flows,
 * releasing layer flows) when End reports them.
 */
#ifndef VFP_ENGINE_CONNECTION_TRACKER_H
#define VFP_ENGINE_CONNECTION_TRACKER_H

#include "layer-flow-table.h"
#include "unified-flow-key.h"
#include "versioned-slab.h"

#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vfp
{

class Layer;

enum class TcpState : uint8_t
{
    None,        //!< not a TCP connection
    SynSent,     //!< half-open: the initiator's SYN seen
    SynReceived, //!< half-open: the responder's SYN-ACK seen
    Probation,   //!< half-open: picked up without a handshake
    Established, //!< the three-way handshake completed
    Closing,     //!< a FIN seen
    TimeWait,    //!< both FINs acknowledged
    Closed,      //!< reset
};
std::string_view TcpStateName(TcpState state);

/// Why a connection ended (and its unified flows went).
enum class ConnectionEnd : uint8_t
{
    IdleTimeout,     //!< no packet for its idle time-out
    HalfOpenTimeout, //!< never completed its handshake
    TimeWaitDone,    //!< closed by FINs, TIME_WAIT over
    Reset,           //!< closed by RST
    Replaced,        //!< a new SYN reused its 5-tuple in TIME_WAIT
};
constexpr size_t CONNECTION_END_COUNT = 5;
std::string_view ConnectionEndName(ConnectionEnd reason);

/// Time-outs and limits (the engine's half of the ns-3 attributes).
struct TrackerConfig
{
    double halfOpenTimeout = 30;     //!< s, SYN_SENT, SYN_RECEIVED, PROBATION
    double establishedTimeout = 240; //!< s idle, ESTABLISHED and CLOSING
    double timeWait = 60;            //!< s, 2 MSL
    double udpTimeout = 60;          //!< s idle, UDP
    double otherTimeout = 30;        //!< s idle, other protocols
    size_t maxConnections = 500000;  //!< per port (the paper's supported maximum)
};

struct Connection
{
    Ufid key;                                       //!< VM side, outbound orientation
    uint8_t protocol = 0;                           //!< IP protocol of the VM-side group
    TcpState state = TcpState::None;                //!< see the file comment
    Direction initiator = Direction::Outbound;      //!< direction of the first packet
    uint32_t initiatorIsn = 0;                      //!< SYN's sequence number
    uint32_t responderIsn = 0;                      //!< SYN-ACK's sequence number
    std::array<bool, DIRECTION_COUNT> finSent{};    //!< by direction
    std::array<uint32_t, DIRECTION_COUNT> finSeq{}; //!< sequence number of each FIN
    std::array<bool, DIRECTION_COUNT> finAcked{};   //!< each FIN acknowledged
    double created = 0;                             //!< time of the first packet
    double lastSeen = 0;                            //!< time of the last packet
    double timeWaitSince = 0;                       //!< when TIME_WAIT began
    std::vector<UnifiedFlowKey> flows;              //!< its unified flows (several per direction
                                                    //!< when the policy matches TCP flags)
    std::vector<std::pair<Layer*, FlowHandle>> layerFlows; //!< layer flows its packets created
    bool pinned = false; //!< its layer flows are pinned (TIME_WAIT)

    /// When it ends if nothing more happens.
    double ExpiresAt(const TrackerConfig& config) const;
    bool HalfOpen() const
    {
        return state == TcpState::SynSent || state == TcpState::SynReceived ||
               state == TcpState::Probation;
    }
};

/// Names one connection safely (see VersionedSlab).
using ConnectionHandle = VersionedSlab<Connection>::Handle;

struct TrackerCounters
{
    uint64_t created = 0;                               //!< connections ever created
    uint64_t refused = 0;                               //!< new ones refused at the limit
    uint64_t established = 0;                           //!< handshakes completed
    std::array<uint64_t, CONNECTION_END_COUNT> ended{}; //!< by reason
};

class ConnectionTracker
{
public:
    explicit ConnectionTracker(const TrackerConfig& config = {});

    /// The connection of @p key, or a null handle (expired ones included: see Due).
    ConnectionHandle Find(const Ufid& key) const;
    /// The connection @p handle names, or null if it is gone.
    Connection* Get(ConnectionHandle handle);
    /// Starts a connection with its first packet (@p transport: its VM-side TCP header, or
    /// null); a null handle when the table is full (counted as refused).
    ConnectionHandle Create(const Ufid& key,
                            uint8_t protocol,
                            Direction direction,
                            const TransportHeader* transport,
                            double now);
    /// Feeds a later packet of the connection (its VM-side transport header) to the state
    /// machine.
    void Update(Connection& connection,
                Direction direction,
                const TransportHeader& transport,
                uint32_t payloadBytes,
                double now);
    /// True when @p connection has ended by @p now (time-out, TIME_WAIT over, reset).
    std::optional<ConnectionEnd> Due(const Connection& connection, double now) const;
    /// Removes a connection (the port has cleaned up after it), counting @p reason.
    void Remove(ConnectionHandle handle, ConnectionEnd reason);
    /// Handles of every connection due by @p now, in slot order.
    std::vector<std::pair<ConnectionHandle, ConnectionEnd>> DueAt(double now) const;

    size_t Size() const { return m_index.size(); }
    /// Live connections in each TCP state (index by TcpState).
    std::array<size_t, 8> CountByState() const;
    const TrackerCounters& GetCounters() const { return m_counters; }
    const TrackerConfig& GetConfig() const { return m_config; }
    void SetConfig(const TrackerConfig& config) { m_config = config; }
    /// Calls @p visit(handle, connection) for every connection, in slot order.
    template<typename Visit>
    void ForEach(Visit&& visit)
    {
        m_connections.ForEach(visit);
    }
    /// The slab as it is, with the counters, for state save (see VersionedSlab).
    using Slot = VersionedSlab<Connection>::Slot;
    struct Snapshot
    {
        std::vector<Slot> slots;
        std::vector<uint32_t> free;
        TrackerCounters counters;
    };
    Snapshot GetSnapshot() const;
    void Restore(Snapshot snapshot);

private:
    TrackerConfig m_config;                               //!< time-outs and limit
    VersionedSlab<Connection> m_connections;              //!< the connections
    std::unordered_map<Ufid, uint32_t, UfidHash> m_index; //!< key -> slot
    TrackerCounters m_counters;                           //!< statistics
};

} // namespace vfp

#endif
