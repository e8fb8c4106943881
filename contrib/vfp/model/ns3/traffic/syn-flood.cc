#include "syn-flood.h"

#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-raw-socket-factory.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/tcp-header.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SynFlood");
NS_OBJECT_ENSURE_REGISTERED(SynFlood);

TypeId
SynFlood::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SynFlood")
            .SetParent<Application>()
            .SetGroupName("Vfp")
            .AddConstructor<SynFlood>()
            .AddAttribute("Remote",
                          "The address the SYNs go to.",
                          Ipv4AddressValue(),
                          MakeIpv4AddressAccessor(&SynFlood::m_remote),
                          MakeIpv4AddressChecker())
            .AddAttribute("Port",
                          "The destination port of the SYNs.",
                          UintegerValue(5000),
                          MakeUintegerAccessor(&SynFlood::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("Rate",
                          "SYNs a second, evenly spaced (1 to 10 million: a 10 Gbit/s link "
                          "carries about 14.9 million minimum-size frames a second).",
                          DoubleValue(100000),
                          MakeDoubleAccessor(&SynFlood::m_rate),
                          MakeDoubleChecker<double>(1, 1e7));
    return tid;
}

int64_t
SynFlood::AssignStreams(int64_t stream)
{
    if (!m_ports)
    {
        m_ports = CreateObject<UniformRandomVariable>();
    }
    m_ports->SetStream(stream);
    return 1;
}

void
SynFlood::DoDispose()
{
    m_socket = nullptr;
    m_ports = nullptr;
    Application::DoDispose();
}

void
SynFlood::StartApplication()
{
    if (!m_ports)
    {
        m_ports = CreateObject<UniformRandomVariable>();
    }
    m_socket = Socket::CreateSocket(GetNode(), Ipv4RawSocketFactory::GetTypeId());
    m_socket->SetAttribute("Protocol", UintegerValue(6));
    Send();
}

void
SynFlood::StopApplication()
{
    Simulator::Cancel(m_next);
    if (m_socket)
    {
        m_socket->Close();
    }
}

void
SynFlood::Send()
{
    TcpHeader syn;
    syn.SetSourcePort(uint16_t(m_ports->GetInteger(1024, 65535)));
    syn.SetDestinationPort(m_port);
    syn.SetSequenceNumber(SequenceNumber32(m_ports->GetInteger(0, 0xffffffffu)));
    syn.SetFlags(TcpHeader::SYN);
    syn.SetWindowSize(65535);
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(syn);
    m_socket->SendTo(packet, 0, InetSocketAddress(m_remote, 0));
    ++m_sent;
    m_next = Simulator::Schedule(Seconds(1.0 / m_rate), &SynFlood::Send, this);
}

} // namespace ns3
