#include "request-response-server.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RequestResponseServer");
NS_OBJECT_ENSURE_REGISTERED(RequestResponseServer);

TypeId
RequestResponseServer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::RequestResponseServer")
            .SetParent<Application>()
            .SetGroupName("Vfp")
            .AddConstructor<RequestResponseServer>()
            .AddAttribute("Port",
                          "TCP port the server listens on (any local address).",
                          UintegerValue(5000),
                          MakeUintegerAccessor(&RequestResponseServer::m_port),
                          MakeUintegerChecker<uint16_t>())
            .AddTraceSource("Served",
                            "A response was fully queued in its socket (the argument is its "
                            "size in bytes); the socket is closed right after.",
                            MakeTraceSourceAccessor(&RequestResponseServer::m_servedTrace),
                            "ns3::RequestResponseServer::ServedCallback");
    return tid;
}

RequestResponseServer::RequestResponseServer()
    : m_port(5000)
    , m_served(0)
    , m_accepted(0)
{
    NS_LOG_FUNCTION(this);
}

RequestResponseServer::~RequestResponseServer()
{
    NS_LOG_FUNCTION(this);
}

void
RequestResponseServer::DoDispose()
{
    NS_LOG_FUNCTION(this);
    // The sockets outlive the application in the TCP stack; their callbacks point here.
    StopApplication();
    Application::DoDispose();
}

void
RequestResponseServer::StartApplication()
{
    NS_LOG_FUNCTION(this);
    if (m_listener)
    {
        return;
    }
    m_listener = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    if (m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) == -1)
    {
        NS_FATAL_ERROR("RequestResponseServer: cannot bind TCP port " << m_port);
    }
    m_listener->Listen();
    m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                  MakeCallback(&RequestResponseServer::HandleAccept, this));
}

void
RequestResponseServer::StopApplication()
{
    NS_LOG_FUNCTION(this);
    if (m_listener)
    {
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeNullCallback<void, Ptr<Socket>, const Address&>());
        m_listener->Close();
        m_listener = nullptr;
    }
    // Close in accept order, not in the map's (pointer) order, so that runs repeat exactly.
    std::vector<std::pair<uint64_t, Ptr<Socket>>> open;
    for (const auto& [socket, connection] : m_connections)
    {
        open.emplace_back(connection.order, socket);
    }
    std::sort(open.begin(), open.end());
    for (const auto& [order, socket] : open)
    {
        Forget(socket);
    }
}

void
RequestResponseServer::HandleAccept(Ptr<Socket> socket, const Address& from)
{
    NS_LOG_FUNCTION(this << socket << from);
    Connection connection;
    connection.order = m_accepted++;
    m_connections[socket] = connection;
    socket->SetRecvCallback(MakeCallback(&RequestResponseServer::HandleRead, this));
    socket->SetSendCallback(MakeCallback(&RequestResponseServer::HandleSend, this));
    socket->SetCloseCallbacks(MakeCallback(&RequestResponseServer::HandlePeerClose, this),
                              MakeCallback(&RequestResponseServer::HandlePeerError, this));
}

void
RequestResponseServer::HandleRead(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
    {
        return;
    }
    Connection& connection = it->second;
    Ptr<Packet> packet;
    while ((packet = socket->Recv()))
    {
        const uint32_t size = packet->GetSize();
        if (size == 0)
        {
            break;
        }
        if (connection.responding)
        {
            continue; // bytes past the request carry nothing
        }
        if (connection.received < kPrefixBytes)
        {
            const uint32_t take = std::min(size, kPrefixBytes - connection.received);
            packet->CopyData(connection.prefix.data() + connection.received, take);
            if (connection.received + take == kPrefixBytes)
            {
                const uint8_t* p = connection.prefix.data();
                connection.requestBytes = (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) |
                                          (uint32_t(p[2]) << 8) | uint32_t(p[3]);
                connection.responseBytes = (uint32_t(p[4]) << 24) | (uint32_t(p[5]) << 16) |
                                           (uint32_t(p[6]) << 8) | uint32_t(p[7]);
                connection.requestBytes = std::max(connection.requestBytes, kPrefixBytes);
            }
        }
        // Saturating: a request is at most 4 GiB, anything beyond is ignored above.
        connection.received += std::min(size, UINT32_MAX - connection.received);
        if (connection.received >= kPrefixBytes && connection.received >= connection.requestBytes)
        {
            NS_LOG_LOGIC("request of " << connection.requestBytes << " bytes complete, sending "
                                       << connection.responseBytes);
            connection.responding = true;
            SendResponse(socket, connection); // may forget the connection
            return;
        }
    }
}

void
RequestResponseServer::HandleSend(Ptr<Socket> socket, uint32_t /* available */)
{
    NS_LOG_FUNCTION(this << socket);
    auto it = m_connections.find(socket);
    if (it != m_connections.end() && it->second.responding)
    {
        SendResponse(socket, it->second);
    }
}

void
RequestResponseServer::SendResponse(Ptr<Socket> socket, Connection& connection)
{
    while (connection.sent < connection.responseBytes)
    {
        const uint32_t room = socket->GetTxAvailable();
        if (room == 0)
        {
            return; // HandleSend continues when the stack frees space
        }
        const uint32_t chunk = std::min(room, connection.responseBytes - connection.sent);
        const int queued = socket->Send(Create<Packet>(chunk));
        if (queued <= 0)
        {
            return;
        }
        connection.sent += static_cast<uint32_t>(queued);
    }
    const uint32_t responseBytes = connection.responseBytes;
    ++m_served;
    // Close once everything is queued: TCP sends the FIN after the last byte.
    Forget(socket);
    m_servedTrace(responseBytes);
}

void
RequestResponseServer::HandlePeerClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    auto it = m_connections.find(socket);
    if (it != m_connections.end() && !it->second.responding)
    {
        NS_LOG_LOGIC("peer closed before its request was complete");
        Forget(socket);
    }
}

void
RequestResponseServer::HandlePeerError(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    if (m_connections.count(socket) != 0)
    {
        NS_LOG_LOGIC("connection broke before the response was queued");
        Forget(socket);
    }
}

void
RequestResponseServer::Forget(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    m_connections.erase(socket);
    socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    socket->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
    socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                              MakeNullCallback<void, Ptr<Socket>>());
    // Unread bytes would make Close() reset the connection instead of ending it with a FIN.
    // (An empty packet is TCP's end of stream in CLOSE_WAIT, returned again on every call.)
    for (Ptr<Packet> p = socket->Recv(); p && p->GetSize() > 0; p = socket->Recv())
    {
    }
    socket->Close();
}

} // namespace ns3
