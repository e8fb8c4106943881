#include "file-flows.h"

#include "metrics-support.h"
#include "ns3/bulk-send-application.h"
#include "ns3/bulk-send-helper.h"
#include "ns3/inet-socket-address.h"
#include "ns3/on-off-helper.h"
#include "ns3/packet-sink-helper.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <fmt/format.h>
#include <stdexcept>

namespace ns3
{

namespace
{

/// Local ports the senders of one VM bind, from here up.
constexpr uint32_t FIRST_LOCAL_PORT = 10000;

std::string
SocketFactoryOf(const std::string& proto)
{
    return proto == "tcp" ? "ns3::TcpSocketFactory" : "ns3::UdpSocketFactory";
}

} // namespace

FileFlows::FileFlows(const VfpDatacenterHelper::Datacenter& dc,
                     std::vector<TrafficFlow> flows,
                     Time start,
                     Time stop)
    : m_dc(dc)
    , m_flows(std::move(flows))
    , m_progress(m_flows.size())
    , m_start(start)
    , m_stop(stop)
{
    std::map<uint32_t, uint32_t> nextPort; // per sending VM
    for (const TrafficFlow& flow : m_flows)
    {
        const uint32_t port = FIRST_LOCAL_PORT + nextPort[flow.src]++;
        if (port > 65535)
        {
            throw std::invalid_argument(
                fmt::format("traffic file line {}: VM {} sends more than {} flows",
                            flow.line,
                            flow.src,
                            65536 - FIRST_LOCAL_PORT));
        }
        Install(flow, uint16_t(port));
    }
}

Ptr<PacketSink>
FileFlows::SinkFor(const TrafficFlow& flow)
{
    const SinkKey key{flow.dst, flow.proto, flow.port};
    Ptr<PacketSink>& sink = m_sinks[key];
    if (!sink)
    {
        PacketSinkHelper helper(SocketFactoryOf(flow.proto),
                                InetSocketAddress(Ipv4Address::GetAny(), flow.port));
        sink = DynamicCast<PacketSink>(helper.Install(m_dc.vms[flow.dst].node).Get(0));
        sink->TraceConnectWithoutContext("RxWithAddresses",
                                         MakeCallback(+[](FileFlows* self,
                                                          SinkKey at,
                                                          Ptr<const Packet> packet,
                                                          const Address& from,
                                                          const Address& local) {
                                             self->Received(at, packet, from, local);
                                         }).Bind(this, key));
    }
    return sink;
}

void
FileFlows::Install(const TrafficFlow& flow, uint16_t localPort)
{
    SinkFor(flow);
    const auto& source = m_dc.vms[flow.src];
    m_senders[SinkKey{flow.dst, flow.proto, flow.port}][{source.address.Get(), localPort}] =
        flow.id;
    const InetSocketAddress peer(m_dc.vms[flow.dst].address, flow.port);
    const InetSocketAddress local(Ipv4Address::GetAny(), localPort);
    Ptr<Application> sender;
    if (flow.proto == "tcp")
    {
        BulkSendHelper helper(SocketFactoryOf(flow.proto), peer);
        helper.SetAttribute("MaxBytes", UintegerValue(flow.bytes));
        helper.SetAttribute("Local", AddressValue(local));
        sender = helper.Install(source.node).Get(0);
    }
    else
    {
        OnOffHelper helper(SocketFactoryOf(flow.proto), peer);
        // Datagrams that fill the VNIC's MTU: its IP and UDP headers take 28 bytes.
        helper.SetConstantRate(DataRate(flow.rate), m_dc.options.vmMtu - 28);
        helper.SetAttribute("MaxBytes", UintegerValue(flow.bytes));
        helper.SetAttribute("Local", AddressValue(local));
        sender = helper.Install(source.node).Get(0);
    }
    const Time begin = m_start + Seconds(flow.start);
    sender->SetStartTime(begin);
    sender->SetStopTime(m_stop);
    // The sender makes its socket when it starts: watch it just after.
    Simulator::Schedule(begin + NanoSeconds(1), &FileFlows::Watch, this, flow.id, sender);
}

void
FileFlows::Watch(uint32_t flow, Ptr<Application> sender)
{
    if (m_flows[flow].proto == "udp")
    {
        sender->TraceConnectWithoutContext(
            "Tx", MakeCallback(+[](FileFlows* self, uint32_t id, Ptr<const Packet> packet) {
                      self->m_progress[id].sent += packet->GetSize();
                  }).Bind(this, flow));
        return;
    }
    Ptr<TcpSocketBase> socket =
        DynamicCast<TcpSocketBase>(DynamicCast<BulkSendApplication>(sender)->GetSocket());
    if (socket)
    {
        socket->TraceConnectWithoutContext("Tx",
                                           MakeCallback(+[](FileFlows* self,
                                                            uint32_t id,
                                                            Ptr<const Packet> packet,
                                                            const TcpHeader& header,
                                                            Ptr<const TcpSocketBase>) {
                                               self->SentSegment(id, packet, header);
                                           }).Bind(this, flow));
    }
}

void
FileFlows::SentSegment(uint32_t flow, Ptr<const Packet> packet, const TcpHeader& header)
{
    if (packet->GetSize() == 0)
    {
        return; // a pure ACK or a control segment
    }
    Progress& progress = m_progress[flow];
    const uint32_t seq = header.GetSequenceNumber().GetValue();
    if (progress.sent > 0 && seq < progress.highestSeq)
    {
        ++progress.retransmissions;
    }
    else
    {
        progress.highestSeq = seq + packet->GetSize();
    }
    progress.sent += packet->GetSize();
}

void
FileFlows::Received(SinkKey sink, Ptr<const Packet> packet, const Address& from, const Address&)
{
    const InetSocketAddress sender = InetSocketAddress::ConvertFrom(from);
    const auto& flows = m_senders[sink];
    auto found = flows.find({sender.GetIpv4().Get(), sender.GetPort()});
    if (found == flows.end())
    {
        return; // not one of the file's flows
    }
    Progress& progress = m_progress[found->second];
    progress.received += packet->GetSize();
    if (progress.completed)
    {
        return;
    }
    progress.end = Simulator::Now().GetSeconds();
    progress.completed = progress.received >= m_flows[found->second].bytes;
}

void
FileFlows::Write(const std::string& directory) const
{
    std::ofstream out = OpenOutput(directory, "flows.csv");
    out << "id,src,dst,proto,bytes,start_s,end_s,completed,fct_us,goodput_mbps,"
           "retransmissions,bytes_received,loss\n";
    for (const TrafficFlow& flow : m_flows)
    {
        const Progress& p = m_progress[flow.id];
        const double start = (m_start + Seconds(flow.start)).GetSeconds();
        const bool tcp = flow.proto == "tcp";
        const double seconds = p.end - start;
        out << fmt::format(
            "{},{},{},{},{},{:.9f},{},{},{},{},{},{},{}\n",
            flow.id,
            flow.src,
            flow.dst,
            flow.proto,
            flow.bytes,
            start,
            p.end < 0 ? "" : fmt::format("{:.9f}", p.end),
            p.completed ? 1 : 0,
            p.end < 0 || (tcp && !p.completed) ? "" : fmt::format("{:.3f}", seconds * 1e6),
            p.end <= start ? "" : fmt::format("{:.3f}", p.received * 8 / seconds / 1e6),
            tcp ? std::to_string(p.retransmissions) : "",
            p.received,
            tcp ? ""
                : (p.sent == 0 ? "" : fmt::format("{:.6f}", 1.0 - double(p.received) / p.sent)));
    }
}

nlohmann::json
FileFlows::Summary() const
{
    std::vector<double> fct;
    std::vector<double> goodput;
    uint64_t completed = 0;
    uint64_t retransmissions = 0;
    uint64_t received = 0;
    for (const TrafficFlow& flow : m_flows)
    {
        const Progress& p = m_progress[flow.id];
        const double seconds = p.end - (m_start + Seconds(flow.start)).GetSeconds();
        completed += p.completed;
        retransmissions += p.retransmissions;
        received += p.received;
        if (p.completed && seconds > 0)
        {
            fct.push_back(seconds * 1e6);
            goodput.push_back(flow.bytes * 8 / seconds / 1e6);
        }
    }
    return {{"flows", m_flows.size()},
            {"completed", completed},
            {"bytes_received", received},
            {"tcp_retransmissions", retransmissions},
            {"fct_us", Distribution(fct)},
            {"goodput_mbps", Distribution(goodput)}};
}

} // namespace ns3
