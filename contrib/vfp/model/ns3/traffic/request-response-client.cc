#include "request-response-client.h"

#include "ns3/abort.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"
#include "request-response-server.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RequestResponseClient");
NS_OBJECT_ENSURE_REGISTERED(RequestResponseClient);

namespace
{

/// Writes @p value in network byte order at @p out.
void
PutBigEndian32(uint8_t* out, uint32_t value)
{
    out[0] = uint8_t(value >> 24);
    out[1] = uint8_t(value >> 16);
    out[2] = uint8_t(value >> 8);
    out[3] = uint8_t(value);
}

/// Reads everything the socket holds (an empty packet is the end of stream, not data).
uint32_t
Drain(Ptr<Socket> socket)
{
    uint32_t bytes = 0;
    for (Ptr<Packet> p = socket->Recv(); p && p->GetSize() > 0; p = socket->Recv())
    {
        bytes += p->GetSize();
    }
    return bytes;
}

} // namespace

TypeId
RequestResponseClient::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::RequestResponseClient")
            .SetParent<Application>()
            .SetGroupName("Vfp")
            .AddConstructor<RequestResponseClient>()
            .AddAttribute("Interval",
                          "Seconds between two connection starts. Exponential gives Poisson "
                          "arrivals, open loop: starts do not wait for earlier flows.",
                          StringValue("ns3::ExponentialRandomVariable[Mean=0.01]"),
                          MakePointerAccessor(&RequestResponseClient::m_interval),
                          MakePointerChecker<RandomVariableStream>())
            .AddAttribute("ResponseSize",
                          "Bytes each flow asks the server for, rounded to a whole number and "
                          "at least 1. The default bounded Pareto is heavy tailed like "
                          "datacenter flow sizes: mostly short, a few large.",
                          StringValue("ns3::ParetoRandomVariable[Scale=2000|Shape=1.5|"
                                      "Bound=2000000]"),
                          MakePointerAccessor(&RequestResponseClient::m_responseSize),
                          MakePointerChecker<RandomVariableStream>())
            .AddAttribute("RequestSize",
                          "Bytes of each request, the 8-byte prefix included.",
                          UintegerValue(200),
                          MakeUintegerAccessor(&RequestResponseClient::m_requestSize),
                          MakeUintegerChecker<uint32_t>(RequestResponseServer::kPrefixBytes))
            .AddAttribute(
                "MaxFlows",
                "Flows to start in all (0: no limit); flows already open run to their end.",
                UintegerValue(0),
                MakeUintegerAccessor(&RequestResponseClient::m_maxFlows),
                MakeUintegerChecker<uint32_t>())
            .AddAttribute("MaxOpen",
                          "Flows open at once; a start beyond that fails (reason max_open) "
                          "instead of piling up sockets when the network cannot keep up.",
                          UintegerValue(1000),
                          MakeUintegerAccessor(&RequestResponseClient::m_maxOpen),
                          MakeUintegerChecker<uint32_t>())
            .AddTraceSource("Established",
                            "A flow's connection succeeded (flow id, time since Connect).",
                            MakeTraceSourceAccessor(&RequestResponseClient::m_establishedTrace),
                            "ns3::RequestResponseClient::EstablishedCallback")
            .AddTraceSource("Completed",
                            "A flow received its whole response (flow id, server, response "
                            "bytes, flow completion time since Connect).",
                            MakeTraceSourceAccessor(&RequestResponseClient::m_completedTrace),
                            "ns3::RequestResponseClient::CompletedCallback")
            .AddTraceSource("Failed",
                            "A flow ended without its whole response (flow id, reason: "
                            "max_open, connect_failed, error, closed_early or stopped).",
                            MakeTraceSourceAccessor(&RequestResponseClient::m_failedTrace),
                            "ns3::RequestResponseClient::FailedCallback");
    return tid;
}

RequestResponseClient::RequestResponseClient()
    : m_peerChoice(CreateObject<UniformRandomVariable>())
    , m_requestSize(200)
    , m_maxOpen(1000)
    , m_maxFlows(0)
    , m_running(false)
    , m_nextId(0)
    , m_started(0)
    , m_completed(0)
    , m_failed(0)
{
    NS_LOG_FUNCTION(this);
}

RequestResponseClient::~RequestResponseClient()
{
    NS_LOG_FUNCTION(this);
}

void
RequestResponseClient::AddPeer(const Address& server)
{
    NS_LOG_FUNCTION(this << server);
    NS_ABORT_MSG_UNLESS(InetSocketAddress::IsMatchingType(server) ||
                            Inet6SocketAddress::IsMatchingType(server),
                        "RequestResponseClient: a peer is an Inet(6)SocketAddress");
    m_peers.push_back(server);
}

int64_t
RequestResponseClient::AssignStreams(int64_t stream)
{
    NS_LOG_FUNCTION(this << stream);
    m_interval->SetStream(stream);
    m_responseSize->SetStream(stream + 1);
    m_peerChoice->SetStream(stream + 2);
    return 3;
}

void
RequestResponseClient::DoDispose()
{
    NS_LOG_FUNCTION(this);
    // Sockets live on in the TCP stack after the application; cut their callbacks here.
    m_nextStart.Cancel();
    m_running = false;
    for (const Ptr<Socket>& socket : SocketsInFlowOrder())
    {
        Release(socket);
    }
    m_interval = nullptr;
    m_responseSize = nullptr;
    m_peerChoice = nullptr;
    Application::DoDispose();
}

void
RequestResponseClient::StartApplication()
{
    NS_LOG_FUNCTION(this);
    NS_ABORT_MSG_IF(m_peers.empty(), "RequestResponseClient: no peer (call AddPeer)");
    m_running = true;
    ScheduleNext();
}

void
RequestResponseClient::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_running = false;
    m_nextStart.Cancel();
    // Open flows are by construction not completed: completed ones leave m_flows at once.
    for (const Ptr<Socket>& socket : SocketsInFlowOrder())
    {
        Fail(socket, "stopped");
    }
}

void
RequestResponseClient::ScheduleNext()
{
    const double seconds = std::max(0.0, m_interval->GetValue());
    m_nextStart = Simulator::Schedule(Seconds(seconds), &RequestResponseClient::StartFlow, this);
}

uint32_t
RequestResponseClient::SampleResponseSize()
{
    const double bytes = std::round(m_responseSize->GetValue());
    if (!(bytes >= 1.0)) // also NaN
    {
        return 1;
    }
    return bytes >= double(UINT32_MAX) ? UINT32_MAX : static_cast<uint32_t>(bytes);
}

void
RequestResponseClient::StartFlow()
{
    NS_LOG_FUNCTION(this);
    if (!m_running || (m_maxFlows != 0 && m_started >= m_maxFlows))
    {
        return;
    }
    ScheduleNext();

    // Draw every sample even for a refused start, so that MaxOpen does not shift the
    // random sequence of later flows.
    Flow flow;
    flow.id = m_nextId++;
    flow.responseBytes = SampleResponseSize();
    const uint32_t last = static_cast<uint32_t>(m_peers.size() - 1);
    flow.peer = m_peers[m_peerChoice->GetInteger(0, last)];
    ++m_started;

    if (m_flows.size() >= m_maxOpen)
    {
        NS_LOG_LOGIC("flow " << flow.id << " refused: " << m_flows.size() << " open");
        ++m_failed;
        m_failedTrace(flow.id, "max_open");
        return;
    }

    Ptr<Socket> socket = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    const int bound =
        InetSocketAddress::IsMatchingType(flow.peer) ? socket->Bind() : socket->Bind6();
    socket->SetConnectCallback(MakeCallback(&RequestResponseClient::ConnectionSucceeded, this),
                               MakeCallback(&RequestResponseClient::ConnectionFailed, this));
    socket->SetRecvCallback(MakeCallback(&RequestResponseClient::HandleRead, this));
    socket->SetSendCallback(MakeCallback(&RequestResponseClient::HandleSend, this));
    socket->SetCloseCallbacks(MakeCallback(&RequestResponseClient::HandleNormalClose, this),
                              MakeCallback(&RequestResponseClient::HandleErrorClose, this));
    flow.connectTime = Simulator::Now();
    const uint64_t id = flow.id;
    const Address peer = flow.peer;
    m_flows[socket] = flow;
    NS_LOG_LOGIC("flow " << id << " to " << peer << " asks for " << flow.responseBytes << " bytes");
    // The stack may call ConnectionFailed synchronously; Fail ignores a flow already gone.
    if (bound == -1 || socket->Connect(peer) == -1)
    {
        if (m_flows.count(socket) != 0)
        {
            Fail(socket, "connect_failed");
        }
    }
}

void
RequestResponseClient::ConnectionSucceeded(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    auto it = m_flows.find(socket);
    if (it == m_flows.end())
    {
        return;
    }
    Flow& flow = it->second;
    flow.established = true;
    m_establishedTrace(flow.id, Simulator::Now() - flow.connectTime);
    // A trace sink may have stopped the application; look the flow up again.
    it = m_flows.find(socket);
    if (it != m_flows.end())
    {
        SendRequest(socket, it->second);
    }
}

void
RequestResponseClient::ConnectionFailed(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    if (m_flows.count(socket) != 0)
    {
        Fail(socket, "connect_failed");
    }
}

void
RequestResponseClient::HandleSend(Ptr<Socket> socket, uint32_t /* available */)
{
    auto it = m_flows.find(socket);
    if (it != m_flows.end() && it->second.established)
    {
        SendRequest(socket, it->second);
    }
}

void
RequestResponseClient::SendRequest(Ptr<Socket> socket, Flow& flow)
{
    constexpr uint32_t prefixBytes = RequestResponseServer::kPrefixBytes;
    uint8_t prefix[prefixBytes];
    PutBigEndian32(prefix, m_requestSize);
    PutBigEndian32(prefix + 4, flow.responseBytes);
    while (flow.requestSent < m_requestSize)
    {
        const uint32_t room = std::min(socket->GetTxAvailable(), m_requestSize - flow.requestSent);
        if (room == 0)
        {
            return; // HandleSend continues
        }
        Ptr<Packet> packet;
        if (flow.requestSent < prefixBytes)
        {
            const uint32_t head = std::min(room, prefixBytes - flow.requestSent);
            packet = Create<Packet>(prefix + flow.requestSent, head);
            packet->AddAtEnd(Create<Packet>(room - head)); // zero padding
        }
        else
        {
            packet = Create<Packet>(room);
        }
        const int queued = socket->Send(packet);
        if (queued <= 0)
        {
            return;
        }
        flow.requestSent += static_cast<uint32_t>(queued);
    }
}

void
RequestResponseClient::HandleRead(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    auto it = m_flows.find(socket);
    if (it == m_flows.end())
    {
        Drain(socket);
        return;
    }
    Flow& flow = it->second;
    const uint32_t bytes = Drain(socket);
    flow.received += std::min(bytes, UINT32_MAX - flow.received);
    if (flow.received < flow.responseBytes)
    {
        return;
    }
    const Flow done = flow;
    const Time fct = Simulator::Now() - done.connectTime;
    NS_LOG_LOGIC("flow " << done.id << " complete: " << done.responseBytes << " bytes in "
                         << fct.As(Time::US));
    ++m_completed;
    Release(socket);
    m_completedTrace(done.id, done.peer, done.responseBytes, fct);
}

void
RequestResponseClient::HandleNormalClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    if (m_flows.count(socket) != 0)
    {
        Fail(socket, "closed_early");
    }
}

void
RequestResponseClient::HandleErrorClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    if (m_flows.count(socket) != 0)
    {
        Fail(socket, m_flows[socket].established ? "error" : "connect_failed");
    }
}

void
RequestResponseClient::Fail(Ptr<Socket> socket, const std::string& reason)
{
    const uint64_t id = m_flows[socket].id;
    NS_LOG_LOGIC("flow " << id << " failed: " << reason);
    ++m_failed;
    Release(socket);
    m_failedTrace(id, reason);
}

std::vector<Ptr<Socket>>
RequestResponseClient::SocketsInFlowOrder() const
{
    std::vector<std::pair<uint64_t, Ptr<Socket>>> open;
    for (const auto& [socket, flow] : m_flows)
    {
        open.emplace_back(flow.id, socket);
    }
    std::sort(open.begin(), open.end());
    std::vector<Ptr<Socket>> sockets;
    for (const auto& [id, socket] : open)
    {
        sockets.push_back(socket);
    }
    return sockets;
}

void
RequestResponseClient::Release(Ptr<Socket> socket)
{
    m_flows.erase(socket);
    socket->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                               MakeNullCallback<void, Ptr<Socket>>());
    socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    socket->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
    socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                              MakeNullCallback<void, Ptr<Socket>>());
    // Unread bytes would make Close() reset the connection instead of ending it with a FIN.
    Drain(socket);
    socket->Close();
}

} // namespace ns3
