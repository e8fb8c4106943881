/*
 * Short request/response TCP flows between two nodes on a point-to-point link: a
 * RequestResponseClient asks a RequestResponseServer for a number of bytes per connection
 * and records the flow completion time. Flows complete with the exact byte count, fail
 * with a reason when nobody listens, respect MaxOpen and StopApplication, survive
 * responses larger than TCP's buffers, and repeat exactly for the same seed and streams.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic/request-response-client.h"
#include "ns3/traffic/request-response-server.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace ns3
{
namespace
{

/// What "Completed" reported for one flow.
struct Completion
{
    uint64_t flowId;
    Address peer;
    uint32_t responseBytes;
    Time fct;
};

bool
operator==(const Completion& a, const Completion& b)
{
    return std::tie(a.flowId, a.peer, a.responseBytes, a.fct) ==
           std::tie(b.flowId, b.peer, b.responseBytes, b.fct);
}

/// Node 0 (client, 10.1.1.1) and node 1 (servers, 10.1.1.2) on a 1 Gbps link; records traces.
class TwoNodes
{
public:
    TwoNodes()
    {
        nodes.Create(2);
        PointToPointHelper link;
        link.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
        link.SetChannelAttribute("Delay", TimeValue(MicroSeconds(50)));
        devices = link.Install(nodes);
        InternetStackHelper internet;
        internet.Install(nodes);
        // Fixed streams for the stack too (ARP jitter, IPv6 autoconfiguration): runs in one
        // process would otherwise draw from different automatically numbered streams.
        internet.AssignStreams(nodes, 1000);
        Ipv4AddressHelper addresses("10.1.1.0", "255.255.255.0");
        interfaces = addresses.Assign(devices);
    }

    ~TwoNodes() { Simulator::Destroy(); }

    Ptr<RequestResponseServer> AddServer(uint16_t port)
    {
        Ptr<RequestResponseServer> server = CreateObject<RequestResponseServer>();
        server->SetAttribute("Port", UintegerValue(port));
        nodes.Get(1)->AddApplication(server);
        server->SetStartTime(Seconds(0));
        server->TraceConnectWithoutContext("Served", MakeCallback(&TwoNodes::OnServed, this));
        return server;
    }

    Ptr<RequestResponseClient> AddClient(const std::vector<uint16_t>& ports, Time stop)
    {
        Ptr<RequestResponseClient> client = CreateObject<RequestResponseClient>();
        for (uint16_t port : ports)
        {
            client->AddPeer(InetSocketAddress(interfaces.GetAddress(1), port));
        }
        nodes.Get(0)->AddApplication(client);
        client->SetStartTime(Seconds(0));
        client->SetStopTime(stop);
        client->TraceConnectWithoutContext("Established",
                                           MakeCallback(&TwoNodes::OnEstablished, this));
        client->TraceConnectWithoutContext("Completed", MakeCallback(&TwoNodes::OnCompleted, this));
        client->TraceConnectWithoutContext("Failed", MakeCallback(&TwoNodes::OnFailed, this));
        return client;
    }

    void Run(Time until)
    {
        Simulator::Stop(until);
        Simulator::Run();
    }

    NodeContainer nodes;
    NetDeviceContainer devices;
    Ipv4InterfaceContainer interfaces;
    std::vector<uint32_t> served;
    std::map<uint64_t, Time> established;
    std::vector<Completion> completed;
    std::map<uint64_t, std::string> failed;

private:
    void OnServed(uint32_t bytes) { served.push_back(bytes); }
    void OnEstablished(uint64_t flowId, Time setup) { established[flowId] = setup; }
    void OnCompleted(uint64_t flowId, const Address& peer, uint32_t bytes, Time fct)
    {
        completed.push_back({flowId, peer, bytes, fct});
    }
    void OnFailed(uint64_t flowId, const std::string& reason) { failed[flowId] = reason; }
};

Ptr<RandomVariableStream>
Constant(double value)
{
    Ptr<ConstantRandomVariable> variable = CreateObject<ConstantRandomVariable>();
    variable->SetAttribute("Constant", DoubleValue(value));
    return variable;
}

TEST(RequestResponse, FixedSizeFlowsAllCompleteWithTheirBytes)
{
    TwoNodes net;
    Ptr<RequestResponseServer> server = net.AddServer(5000);
    // Starts at 10, 20, ..., 200 ms: exactly 20 flows, the last done long before 300 ms.
    Ptr<RequestResponseClient> client = net.AddClient({5000}, MilliSeconds(205));
    client->SetAttribute("Interval", PointerValue(Constant(0.01)));
    client->SetAttribute("ResponseSize", PointerValue(Constant(10000)));
    net.Run(Seconds(1));

    EXPECT_EQ(client->GetStarted(), 20u);
    EXPECT_EQ(client->GetCompleted(), 20u);
    EXPECT_EQ(client->GetFailed(), 0u);
    EXPECT_EQ(client->GetOpen(), 0u);
    EXPECT_TRUE(net.failed.empty());
    ASSERT_EQ(net.completed.size(), 20u);
    std::set<uint64_t> ids;
    for (const Completion& c : net.completed)
    {
        ids.insert(c.flowId);
        EXPECT_EQ(c.responseBytes, 10000u);
        EXPECT_GT(c.fct, Time(0));
        EXPECT_EQ(InetSocketAddress::ConvertFrom(c.peer).GetIpv4(), net.interfaces.GetAddress(1));
        ASSERT_EQ(net.established.count(c.flowId), 1u);
        EXPECT_GT(net.established[c.flowId], Time(0));
        EXPECT_LT(net.established[c.flowId], c.fct);
    }
    EXPECT_EQ(ids.size(), 20u);
    EXPECT_EQ(*ids.begin(), 0u);
    EXPECT_EQ(*ids.rbegin(), 19u);
    EXPECT_EQ(net.served.size(), 20u);
    EXPECT_EQ(server->GetServed(), 20u);
    EXPECT_EQ(server->GetOpen(), 0u);
    for (uint32_t bytes : net.served)
    {
        EXPECT_EQ(bytes, 10000u);
    }
}

/// Sets an attribute default for one test and restores it afterwards.
class DefaultGuard
{
public:
    DefaultGuard(const std::string& name, const AttributeValue& value, const AttributeValue& old)
        : m_name(name)
        , m_old(old.Copy())
    {
        Config::SetDefault(name, value);
    }

    ~DefaultGuard() { Config::SetDefault(m_name, *m_old); }

private:
    std::string m_name;
    Ptr<AttributeValue> m_old;
};

/// Ten flows to port 6000 of node 1, where nothing listens; returns the failure reasons.
std::map<uint64_t, std::string>
FlowsToAClosedPort(Time run)
{
    TwoNodes net;
    net.AddServer(5000);
    // Stopping the client would end the attempts ("stopped"): keep it running, with starts
    // at 10, 20, ..., 100 ms and the next one after the end of the simulation.
    Ptr<RequestResponseClient> client = net.AddClient({6000}, run);
    std::vector<double> intervals(10, 0.01);
    intervals.push_back(1e6);
    Ptr<DeterministicRandomVariable> interval = CreateObject<DeterministicRandomVariable>();
    interval->SetValueArray(intervals.data(), intervals.size());
    client->SetAttribute("Interval", PointerValue(interval));
    net.Run(run);

    EXPECT_EQ(client->GetStarted(), 10u);
    EXPECT_EQ(client->GetCompleted(), 0u);
    EXPECT_EQ(client->GetFailed(), 10u);
    EXPECT_EQ(client->GetOpen(), 0u);
    EXPECT_TRUE(net.completed.empty());
    EXPECT_TRUE(net.established.empty());
    EXPECT_TRUE(net.served.empty());
    return net.failed;
}

TEST(RequestResponse, FlowsToAPortNobodyListensFailWithAReason)
{
    // ns-3 3.37 ignores a RST|ACK in SYN_SENT (no "connection refused"), so a connection to
    // a closed port fails when its SYN retries run out; fewer retries keep the test short.
    DefaultGuard retries("ns3::TcpSocket::ConnCount", UintegerValue(2), UintegerValue(6));
    const std::map<uint64_t, std::string> failed = FlowsToAClosedPort(Seconds(60));
    ASSERT_EQ(failed.size(), 10u);
    for (const auto& [id, reason] : failed)
    {
        EXPECT_EQ(reason, "connect_failed") << "flow " << id;
    }
}

TEST(RequestResponse, MaxOpenRefusesStartsAndStopFailsOpenFlows)
{
    TwoNodes net;
    net.AddServer(5000);
    // 2 MB responses take ~20 ms; starts every ms; stop while some are open.
    Ptr<RequestResponseClient> client = net.AddClient({5000}, MilliSeconds(30));
    client->SetAttribute("Interval", PointerValue(Constant(0.001)));
    client->SetAttribute("ResponseSize", PointerValue(Constant(2e6)));
    client->SetAttribute("MaxOpen", UintegerValue(3));
    net.Run(Seconds(2));

    uint64_t maxOpen = 0;
    uint64_t stopped = 0;
    for (const auto& [id, reason] : net.failed)
    {
        maxOpen += reason == "max_open";
        stopped += reason == "stopped";
    }
    EXPECT_GT(maxOpen, 0u);
    EXPECT_GT(stopped, 0u);
    EXPECT_LE(stopped, 3u);
    EXPECT_EQ(maxOpen + stopped, net.failed.size());
    EXPECT_EQ(client->GetFailed(), net.failed.size());
    EXPECT_EQ(client->GetCompleted(), net.completed.size());
    EXPECT_EQ(client->GetOpen(), 0u);
    EXPECT_EQ(client->GetStarted(), client->GetCompleted() + client->GetFailed());
    EXPECT_EQ(client->GetStarted(), 29u); // 1, 2, ..., 29 ms
}

TEST(RequestResponse, AServerThatStopsMidResponseFailsItsFlowsAsClosedEarly)
{
    TwoNodes net;
    Ptr<RequestResponseServer> server = net.AddServer(5000);
    server->SetStopTime(MilliSeconds(15));
    // Two 2 MB flows (10 and 20 ms); the server closes the first mid-response, and the
    // second finds no listener anymore (and is still trying when the client stops).
    Ptr<RequestResponseClient> client = net.AddClient({5000}, MilliSeconds(25));
    client->SetAttribute("Interval", PointerValue(Constant(0.01)));
    client->SetAttribute("ResponseSize", PointerValue(Constant(2e6)));
    net.Run(Seconds(2));

    EXPECT_EQ(client->GetStarted(), 2u);
    EXPECT_EQ(client->GetCompleted(), 0u);
    ASSERT_EQ(net.failed.size(), 2u);
    EXPECT_EQ(net.failed[0], "closed_early");
    EXPECT_EQ(net.failed[1], "stopped");
    EXPECT_EQ(net.established.size(), 1u);
    EXPECT_TRUE(net.served.empty());
    EXPECT_EQ(server->GetOpen(), 0u);
}

/// A hand-written client: sends @p pieces of one request, 1 ms apart, and counts the reply;
/// with @p halfClose it shuts its sending side down after the last piece.
class SplitRequestClient
{
public:
    SplitRequestClient(Ptr<Node> node,
                       Address server,
                       std::vector<std::vector<uint8_t>> pieces,
                       bool halfClose = false)
        : m_pieces(std::move(pieces))
        , m_halfClose(halfClose)
    {
        m_socket = Socket::CreateSocket(node, TcpSocketFactory::GetTypeId());
        m_socket->Bind();
        m_socket->SetConnectCallback(MakeCallback(&SplitRequestClient::OnConnected, this),
                                     MakeNullCallback<void, Ptr<Socket>>());
        m_socket->SetRecvCallback(MakeCallback(&SplitRequestClient::OnRead, this));
        m_socket->SetCloseCallbacks(MakeCallback(&SplitRequestClient::OnClose, this),
                                    MakeNullCallback<void, Ptr<Socket>>());
        // Connect from inside the simulation, once the nodes are initialized.
        Simulator::Schedule(MilliSeconds(1), &SplitRequestClient::Connect, this, server);
    }

    uint32_t received = 0;
    bool closedByServer = false;

private:
    void Connect(Address server) { m_socket->Connect(server); }
    void OnConnected(Ptr<Socket> /* socket */)
    {
        for (size_t i = 0; i < m_pieces.size(); ++i)
        {
            Simulator::Schedule(MilliSeconds(i), &SplitRequestClient::SendPiece, this, i);
        }
    }
    void SendPiece(size_t i)
    {
        m_socket->Send(Create<Packet>(m_pieces[i].data(), m_pieces[i].size()));
        if (m_halfClose && i + 1 == m_pieces.size())
        {
            m_socket->ShutdownSend();
        }
    }
    void OnRead(Ptr<Socket> socket)
    {
        for (Ptr<Packet> p = socket->Recv(); p && p->GetSize() > 0; p = socket->Recv())
        {
            received += p->GetSize();
        }
    }
    void OnClose(Ptr<Socket> socket)
    {
        closedByServer = true;
        socket->Close();
    }

    Ptr<Socket> m_socket;
    std::vector<std::vector<uint8_t>> m_pieces;
    bool m_halfClose;
};

TEST(RequestResponse, TheServerReassemblesARequestSplitAnywhere)
{
    TwoNodes net;
    Ptr<RequestResponseServer> server = net.AddServer(5000);
    // Request: 20 bytes in all, response 777 bytes; the prefix itself arrives in 3 pieces.
    const std::vector<std::vector<uint8_t>> pieces = {
        {0, 0, 0},
        {20, 0, 0},
        {3, 9, 0, 0, 0, 0, 0},
        {0, 0, 0, 0, 0, 0, 0},
    };
    SplitRequestClient client(
        net.nodes.Get(0), InetSocketAddress(net.interfaces.GetAddress(1), 5000), pieces);
    net.Run(Seconds(1));

    EXPECT_EQ(client.received, 777u);
    EXPECT_TRUE(client.closedByServer);
    ASSERT_EQ(net.served.size(), 1u);
    EXPECT_EQ(net.served[0], 777u);
    EXPECT_EQ(server->GetOpen(), 0u);
}

TEST(RequestResponse, APeerThatHalfClosesAfterItsRequestStillGetsTheWholeResponse)
{
    TwoNodes net;
    Ptr<RequestResponseServer> server = net.AddServer(5000);
    // 8-byte request for 0x00100000 = 1 MiB, then FIN: the response outlasts the send buffer.
    SplitRequestClient client(net.nodes.Get(0),
                              InetSocketAddress(net.interfaces.GetAddress(1), 5000),
                              {{0, 0, 0, 8, 0, 0x10, 0, 0}},
                              true);
    net.Run(Seconds(1));

    EXPECT_EQ(client.received, 1u << 20);
    ASSERT_EQ(net.served.size(), 1u);
    EXPECT_EQ(net.served[0], 1u << 20);
    EXPECT_EQ(server->GetOpen(), 0u);
}

TEST(RequestResponse, TheServerWaitsForTheWholeRequest)
{
    TwoNodes net;
    Ptr<RequestResponseServer> server = net.AddServer(5000);
    // The prefix announces 100 bytes but only 50 come: no response, the connection stays.
    SplitRequestClient client(net.nodes.Get(0),
                              InetSocketAddress(net.interfaces.GetAddress(1), 5000),
                              {{0, 0, 0, 100, 0, 0, 1, 0}, std::vector<uint8_t>(42, 0)});
    net.Run(Seconds(1));

    EXPECT_EQ(client.received, 0u);
    EXPECT_FALSE(client.closedByServer);
    EXPECT_TRUE(net.served.empty());
    EXPECT_EQ(server->GetOpen(), 1u);
}

/// Two servers, default (random) arrivals and sizes, seed 7, run @p run, client streams 100.
std::vector<Completion>
DeterminismRun(uint64_t run, std::vector<std::string>* failures)
{
    RngSeedManager::SetSeed(7);
    RngSeedManager::SetRun(run);
    TwoNodes net;
    net.AddServer(5000);
    net.AddServer(5001);
    // Defaults: Poisson arrivals, 10 ms mean; bounded Pareto sizes.
    Ptr<RequestResponseClient> client = net.AddClient({5000, 5001}, MilliSeconds(500));
    client->AssignStreams(100);
    net.Run(Seconds(3));
    for (const auto& [id, reason] : net.failed)
    {
        failures->push_back(std::to_string(id) + ":" + reason);
    }
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(1);
    return net.completed;
}

TEST(RequestResponse, SameSeedAndStreamsGiveIdenticalCompletions)
{
    std::vector<std::string> failures1;
    std::vector<std::string> failures2;
    const std::vector<Completion> first = DeterminismRun(3, &failures1);
    const std::vector<Completion> second = DeterminismRun(3, &failures2);
    ASSERT_GT(first.size(), 10u);
    EXPECT_TRUE(first == second);
    EXPECT_EQ(failures1, failures2);
    // Both peers and more than one size were drawn.
    std::set<uint32_t> sizes;
    std::set<uint16_t> ports;
    for (const Completion& c : first)
    {
        sizes.insert(c.responseBytes);
        ports.insert(InetSocketAddress::ConvertFrom(c.peer).GetPort());
    }
    EXPECT_GT(sizes.size(), 1u);
    EXPECT_EQ(ports.size(), 2u);

    // Another run number gives other flows.
    std::vector<std::string> failures3;
    EXPECT_FALSE(first == DeterminismRun(4, &failures3));
}

/// Counts the TCP payload bytes a node receives on connections with @p port at the other
/// end (@p remote) or at its own end, by sequence number, so retransmissions count once:
/// the highest end minus the lowest start (one connection only).
class StreamBytes
{
public:
    StreamBytes(Ptr<Node> node, uint16_t port, bool remote)
        : m_port(port)
        , m_remote(remote)
    {
        node->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "Rx", MakeCallback(&StreamBytes::OnRx, this));
    }

    uint64_t Bytes() const { return m_seen ? m_end - m_begin : 0; }

private:
    void OnRx(Ptr<const Packet> packet, Ptr<Ipv4> /* ipv4 */, uint32_t /* interface */)
    {
        Ptr<Packet> copy = packet->Copy();
        Ipv4Header ip;
        copy->RemoveHeader(ip);
        if (ip.GetProtocol() != TcpL4Protocol::PROT_NUMBER)
        {
            return;
        }
        TcpHeader tcp;
        copy->RemoveHeader(tcp);
        const uint16_t port = m_remote ? tcp.GetSourcePort() : tcp.GetDestinationPort();
        if (port != m_port || copy->GetSize() == 0)
        {
            return;
        }
        const uint64_t begin = tcp.GetSequenceNumber().GetValue();
        const uint64_t end = begin + copy->GetSize();
        m_begin = m_seen ? std::min(m_begin, begin) : begin;
        m_end = m_seen ? std::max(m_end, end) : end;
        m_seen = true;
    }

    uint16_t m_port;
    bool m_remote;
    bool m_seen = false;
    uint64_t m_begin = 0;
    uint64_t m_end = 0;
};

TEST(RequestResponse, ResponseLargerThanTheSendBufferCompletesByteExact)
{
    TwoNodes net;
    Ptr<RequestResponseServer> server = net.AddServer(5000);
    StreamBytes response(net.nodes.Get(0), 5000, true);
    StreamBytes request(net.nodes.Get(1), 5000, false);
    // One flow at 1 s; request and response both larger than the 128 KiB send buffer.
    Ptr<RequestResponseClient> client = net.AddClient({5000}, Seconds(1.9));
    client->SetAttribute("Interval", PointerValue(Constant(1.0)));
    client->SetAttribute("ResponseSize", PointerValue(Constant(3e6)));
    client->SetAttribute("RequestSize", UintegerValue(300000));
    net.Run(Seconds(2));

    EXPECT_EQ(client->GetStarted(), 1u);
    EXPECT_EQ(client->GetFailed(), 0u);
    ASSERT_EQ(net.completed.size(), 1u);
    EXPECT_EQ(net.completed[0].responseBytes, 3000000u);
    EXPECT_GT(net.completed[0].fct, MilliSeconds(24)); // 3 MB at 1 Gbps
    ASSERT_EQ(net.served.size(), 1u);
    EXPECT_EQ(net.served[0], 3000000u);
    EXPECT_EQ(server->GetOpen(), 0u);
    EXPECT_EQ(response.Bytes(), 3000000u);
    EXPECT_EQ(request.Bytes(), 300000u);
}

} // namespace
} // namespace ns3
