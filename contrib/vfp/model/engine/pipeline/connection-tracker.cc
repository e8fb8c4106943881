#include "connection-tracker.h"

namespace vfp
{

namespace
{

/// a >= b in serial-number arithmetic (RFC 1982), for TCP sequence numbers.
bool
SerialAtLeast(uint32_t a, uint32_t b)
{
    return static_cast<int32_t>(a - b) >= 0;
}

} // namespace

std::string_view
TcpStateName(TcpState state)
{
    switch (state)
    {
        case TcpState::None:
            return "none";
        case TcpState::SynSent:
            return "syn_sent";
        case TcpState::SynReceived:
            return "syn_received";
        case TcpState::Probation:
            return "probation";
        case TcpState::Established:
            return "established";
        case TcpState::Closing:
            return "closing";
        case TcpState::TimeWait:
            return "time_wait";
        case TcpState::Closed:
            return "closed";
    }
    return "none";
}

std::string_view
ConnectionEndName(ConnectionEnd reason)
{
    switch (reason)
    {
        case ConnectionEnd::IdleTimeout:
            return "idle_timeout";
        case ConnectionEnd::HalfOpenTimeout:
            return "half_open_timeout";
        case ConnectionEnd::TimeWaitDone:
            return "time_wait_done";
        case ConnectionEnd::Reset:
            return "reset";
        case ConnectionEnd::Replaced:
            return "replaced";
    }
    return "idle_timeout";
}

double
Connection::ExpiresAt(const TrackerConfig& config) const
{
    switch (state)
    {
        case TcpState::None:
            return lastSeen +
                   (protocol == IP_PROTOCOL_UDP ? config.udpTimeout : config.otherTimeout);
        case TcpState::SynSent:
        case TcpState::SynReceived:
        case TcpState::Probation:
            return lastSeen + config.halfOpenTimeout;
        case TcpState::Established:
        case TcpState::Closing:
            return lastSeen + config.establishedTimeout;
        case TcpState::TimeWait:
            return timeWaitSince + config.timeWait;
        case TcpState::Closed:
            return lastSeen;
    }
    return lastSeen;
}

ConnectionTracker::ConnectionTracker(const TrackerConfig& config)
    : m_config(config)
{
}

ConnectionHandle
ConnectionTracker::Find(const Ufid& key) const
{
    auto it = m_index.find(key);
    return it == m_index.end() ? ConnectionHandle{} : m_connections.HandleOf(it->second);
}

Connection*
ConnectionTracker::Get(ConnectionHandle handle)
{
    return m_connections.Get(handle);
}

ConnectionHandle
ConnectionTracker::Create(const Ufid& key,
                          uint8_t protocol,
                          Direction direction,
                          const TransportHeader* transport,
                          double now)
{
    if (m_index.size() >= m_config.maxConnections)
    {
        ++m_counters.refused;
        return ConnectionHandle{};
    }
    Connection connection;
    connection.key = key;
    connection.protocol = protocol;
    connection.initiator = direction;
    connection.created = now;
    connection.lastSeen = now;
    connection.state = TcpState::None;
    if (protocol == IP_PROTOCOL_TCP && transport)
    {
        const bool synOnly = (transport->tcpFlags &
                              (TcpFlags::SYN | TcpFlags::ACK | TcpFlags::RST)) == TcpFlags::SYN;
        connection.state = synOnly ? TcpState::SynSent : TcpState::Probation;
        connection.initiatorIsn = synOnly ? transport->seq : 0;
        if (transport->tcpFlags & TcpFlags::RST)
        {
            connection.state = TcpState::Closed;
        }
    }
    ++m_counters.created;
    const ConnectionHandle handle = m_connections.Add(std::move(connection));
    m_index[key] = handle.slot;
    return handle;
}

ConnectionTracker::Snapshot
ConnectionTracker::GetSnapshot() const
{
    auto slab = m_connections.GetSnapshot();
    return Snapshot{std::move(slab.slots), std::move(slab.free), m_counters};
}

void
ConnectionTracker::Restore(Snapshot snapshot)
{
    m_connections.Restore(
        VersionedSlab<Connection>::Snapshot{std::move(snapshot.slots), std::move(snapshot.free)});
    m_counters = snapshot.counters;
    m_index.clear();
    m_connections.ForEach([this](ConnectionHandle handle, const Connection& connection)
                          { m_index[connection.key] = handle.slot; });
}

void
ConnectionTracker::Update(Connection& connection,
                          Direction direction,
                          const TransportHeader& transport,
                          uint32_t payloadBytes,
                          double now)
{
    connection.lastSeen = now;
    if (connection.protocol != IP_PROTOCOL_TCP || connection.state == TcpState::Closed)
    {
        return;
    }
    const uint8_t flags = transport.tcpFlags;
    const bool syn = flags & TcpFlags::SYN;
    const bool ack = flags & TcpFlags::ACK;
    const bool fromInitiator = direction == connection.initiator;
    if (flags & TcpFlags::RST)
    {
        connection.state = TcpState::Closed;
        return;
    }
    switch (connection.state)
    {
        case TcpState::SynSent:
            if (!fromInitiator && syn && ack && transport.ack == connection.initiatorIsn + 1)
            {
                connection.state = TcpState::SynReceived;
                connection.responderIsn = transport.seq;
            }
            return;
        case TcpState::SynReceived:
            if (fromInitiator && ack && !syn && transport.ack == connection.responderIsn + 1 &&
                transport.seq == connection.initiatorIsn + 1)
            {
                connection.state = TcpState::Established;
                ++m_counters.established;
            }
            return;
        default:
            break;
    }

    const size_t self = static_cast<size_t>(direction);
    const size_t peer = 1 - self;
    if (connection.state == TcpState::TimeWait && (flags & TcpFlags::FIN))
    {
        connection.timeWaitSince = now; // the peer did not get our last ACK: 2 MSL again
        return;
    }
    if (ack && connection.finSent[peer] &&
        SerialAtLeast(transport.ack, connection.finSeq[peer] + 1))
    {
        connection.finAcked[peer] = true;
    }
    if ((flags & TcpFlags::FIN) && !connection.finSent[self])
    {
        connection.finSent[self] = true;
        connection.finSeq[self] = transport.seq + payloadBytes;
        if (connection.state != TcpState::Probation)
        {
            connection.state = TcpState::Closing;
        }
    }
    if (connection.finAcked[0] && connection.finAcked[1] && connection.state != TcpState::TimeWait)
    {
        connection.state = TcpState::TimeWait;
        connection.timeWaitSince = now;
    }
}

std::optional<ConnectionEnd>
ConnectionTracker::Due(const Connection& connection, double now) const
{
    if (connection.state == TcpState::Closed)
    {
        return ConnectionEnd::Reset;
    }
    if (now < connection.ExpiresAt(m_config))
    {
        return std::nullopt;
    }
    if (connection.state == TcpState::TimeWait)
    {
        return ConnectionEnd::TimeWaitDone;
    }
    return connection.HalfOpen() ? ConnectionEnd::HalfOpenTimeout : ConnectionEnd::IdleTimeout;
}

void
ConnectionTracker::Remove(ConnectionHandle handle, ConnectionEnd reason)
{
    Connection* connection = Get(handle);
    if (connection == nullptr)
    {
        return;
    }
    m_index.erase(connection->key);
    m_connections.Remove(handle.slot);
    ++m_counters.ended[static_cast<size_t>(reason)];
}

std::vector<std::pair<ConnectionHandle, ConnectionEnd>>
ConnectionTracker::DueAt(double now) const
{
    std::vector<std::pair<ConnectionHandle, ConnectionEnd>> due;
    m_connections.ForEach(
        [&](ConnectionHandle handle, const Connection& connection)
        {
            if (auto reason = Due(connection, now))
            {
                due.emplace_back(handle, *reason);
            }
        });
    return due;
}

std::array<size_t, 8>
ConnectionTracker::CountByState() const
{
    std::array<size_t, 8> counts{};
    m_connections.ForEach([&counts](ConnectionHandle, const Connection& connection)
                          { ++counts[static_cast<size_t>(connection.state)]; });
    return counts;
}

} // namespace vfp
