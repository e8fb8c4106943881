#include "slb-host-agent.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/udp-socket-factory.h"
#include "slb-range-header.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SlbHostAgent");
NS_OBJECT_ENSURE_REGISTERED(SlbHostAgent);

TypeId
SlbHostAgent::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SlbHostAgent")
            .SetParent<Application>()
            .SetGroupName("Vfp")
            .AddConstructor<SlbHostAgent>()
            .AddAttribute("RequestTimeout",
                          "How long to wait for the manager before a new exhaustion may ask again.",
                          TimeValue(MilliSeconds(50)),
                          MakeTimeAccessor(&SlbHostAgent::m_requestTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddTraceSource("Granted",
                            "A range granted: the port, the range, the time since exhaustion.",
                            MakeTraceSourceAccessor(&SlbHostAgent::m_grantedTrace),
                            "ns3::SlbHostAgent::GrantedCallback");
    return tid;
}

void
SlbHostAgent::SetSwitch(Ptr<VfpSwitchNetDevice> vswitch)
{
    m_switch = vswitch;
}

void
SlbHostAgent::SetManager(Ipv4Address address, uint16_t port)
{
    m_manager = address;
    m_managerPort = port;
}

void
SlbHostAgent::DoDispose()
{
    m_switch = nullptr;
    m_socket = nullptr;
    Application::DoDispose();
}

void
SlbHostAgent::StartApplication()
{
    m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
    m_socket->Bind();
    m_socket->SetRecvCallback(MakeCallback(&SlbHostAgent::Receive, this));
}

void
SlbHostAgent::StopApplication()
{
    for (auto& [port, request] : m_inFlight)
    {
        request.timeout.Cancel();
    }
    if (m_socket)
    {
        m_socket->Close();
        m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    }
}

void
SlbHostAgent::RequestRange(const std::string& port,
                           const std::string& resource,
                           uint32_t vip,
                           uint32_t vni,
                           uint32_t customer)
{
    if (!m_socket || m_inFlight.count(port))
    {
        return;
    }
    SlbRangeHeader request;
    request.type = SlbRangeHeader::REQUEST;
    request.requestId = m_nextId++;
    request.vip = vip;
    request.vni = vni;
    request.customer = customer;
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(request);
    m_socket->SendTo(packet, 0, InetSocketAddress(m_manager, m_managerPort));
    ++m_requests;
    const EventId timeout =
        Simulator::Schedule(m_requestTimeout,
                            [this, port, id = request.requestId]()
                            {
                                auto pending = m_inFlight.find(port);
                                if (pending != m_inFlight.end() && pending->second.id == id)
                                {
                                    m_inFlight.erase(pending);
                                }
                            });
    m_inFlight[port] = Request{request.requestId, resource, Simulator::Now(), timeout};
}

void
SlbHostAgent::Receive(Ptr<Socket> socket)
{
    while (Ptr<Packet> packet = socket->Recv())
    {
        SlbRangeHeader answer;
        if (packet->GetSize() < answer.GetSerializedSize())
        {
            NS_LOG_WARN("ignoring a truncated answer from the SLB manager");
            continue;
        }
        packet->RemoveHeader(answer);
        auto pending = std::find_if(m_inFlight.begin(),
                                    m_inFlight.end(),
                                    [&answer](const auto& entry)
                                    { return entry.second.id == answer.requestId; });
        if (pending == m_inFlight.end())
        {
            continue; // timed out already
        }
        const std::string port = pending->first;
        Request request = pending->second;
        request.timeout.Cancel();
        m_inFlight.erase(pending);
        if (answer.type != SlbRangeHeader::GRANT)
        {
            ++m_refusals; // the held packets time out in the switch
            continue;
        }
        ++m_grants;
        m_switch->GetEngine().GetPort(port).AddPortRange(request.resource,
                                                         vfp::PortRange{answer.lo, answer.hi});
        m_grantedTrace(port, answer.lo, answer.hi, Simulator::Now() - request.started);
        m_switch->ReleaseHeld(port);
    }
}

} // namespace ns3
