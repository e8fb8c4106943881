#include "vnet-directory.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"
#include "vnet-directory-header.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VnetDirectory");
NS_OBJECT_ENSURE_REGISTERED(VnetDirectory);

TypeId
VnetDirectory::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::VnetDirectory")
            .SetParent<Application>()
            .SetGroupName("Vfp")
            .AddConstructor<VnetDirectory>()
            .AddAttribute("Port",
                          "UDP port the directory answers on.",
                          UintegerValue(6543),
                          MakeUintegerAccessor(&VnetDirectory::m_port),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("ServiceTime",
                          "Time the directory takes to answer one lookup (VL2 reports "
                          "lookups answered within milliseconds at the tail; a lightly "
                          "loaded server answers in tens of microseconds).",
                          TimeValue(MicroSeconds(20)),
                          MakeTimeAccessor(&VnetDirectory::m_serviceTime),
                          MakeTimeChecker(Seconds(0)));
    return tid;
}

void
VnetDirectory::SetMapping(uint32_t vni, Ipv4Address customer, Ipv4Address provider)
{
    m_records[{vni, customer.Get()}] = provider.Get();
}

void
VnetDirectory::RemoveMapping(uint32_t vni, Ipv4Address customer)
{
    m_records.erase({vni, customer.Get()});
}

void
VnetDirectory::DoDispose()
{
    m_socket = nullptr;
    Application::DoDispose();
}

void
VnetDirectory::StartApplication()
{
    m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
    if (m_socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0)
    {
        NS_FATAL_ERROR("VnetDirectory: cannot bind UDP port " << m_port);
    }
    m_socket->SetRecvCallback(MakeCallback(&VnetDirectory::Receive, this));
}

void
VnetDirectory::StopApplication()
{
    if (m_socket)
    {
        m_socket->Close();
        m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    }
}

void
VnetDirectory::Receive(Ptr<Socket> socket)
{
    Address from;
    while (Ptr<Packet> packet = socket->RecvFrom(from))
    {
        VnetDirectoryHeader message;
        if (packet->GetSize() < message.GetSerializedSize())
        {
            NS_LOG_WARN("ignoring a truncated lookup of " << packet->GetSize() << " bytes");
            continue;
        }
        packet->RemoveHeader(message);
        if (message.type != VnetDirectoryHeader::LOOKUP)
        {
            NS_LOG_WARN("ignoring a message that is not a lookup: " << message);
            continue;
        }
        if (!m_available)
        {
            NS_LOG_INFO("outage: lookup of " << Ipv4Address(message.customer) << " unanswered");
            ++m_unanswered;
            continue;
        }
        ++m_lookups;
        auto record = m_records.find({message.vni, message.customer});
        message.type = VnetDirectoryHeader::ANSWER;
        message.found = record != m_records.end();
        message.provider = message.found ? record->second : 0;
        m_unknown += message.found ? 0 : 1;
        Ptr<Packet> answer = Create<Packet>();
        answer->AddHeader(message);
        Simulator::Schedule(m_serviceTime, &VnetDirectory::Answer, this, answer, from);
    }
}

void
VnetDirectory::Answer(Ptr<Packet> answer, Address to)
{
    m_socket->SendTo(answer, 0, to);
}

} // namespace ns3
