#include "vnet-host-agent.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"
#include "vnet-directory-header.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VnetHostAgent");
NS_OBJECT_ENSURE_REGISTERED(VnetHostAgent);

TypeId
VnetHostAgent::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::VnetHostAgent")
            .SetParent<Application>()
            .SetGroupName("Vfp")
            .AddConstructor<VnetHostAgent>()
            .AddAttribute("RetryTimeout",
                          "How long to wait for the directory before asking again.",
                          TimeValue(MilliSeconds(20)),
                          MakeTimeAccessor(&VnetHostAgent::m_retryTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("MaxAttempts",
                          "Lookups sent for one address before giving up.",
                          UintegerValue(3),
                          MakeUintegerAccessor(&VnetHostAgent::m_maxAttempts),
                          MakeUintegerChecker<uint32_t>(1))
            .AddTraceSource("Resolved",
                            "A lookup answered: virtual network, address, latency.",
                            MakeTraceSourceAccessor(&VnetHostAgent::m_resolvedTrace),
                            "ns3::VnetHostAgent::ResolvedCallback");
    return tid;
}

void
VnetHostAgent::SetSwitch(Ptr<VfpSwitchNetDevice> vswitch)
{
    m_switch = vswitch;
}

void
VnetHostAgent::SetDirectory(Ipv4Address address, uint16_t port)
{
    m_directory = address;
    m_directoryPort = port;
}

void
VnetHostAgent::DoDispose()
{
    m_switch = nullptr;
    m_socket = nullptr;
    m_inFlight.clear();
    Application::DoDispose();
}

void
VnetHostAgent::StartApplication()
{
    m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
    m_socket->Bind();
    m_socket->SetRecvCallback(MakeCallback(&VnetHostAgent::Receive, this));
}

void
VnetHostAgent::StopApplication()
{
    for (auto& [key, lookup] : m_inFlight)
    {
        lookup.retry.Cancel();
    }
    if (m_socket)
    {
        m_socket->Close();
        m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    }
}

void
VnetHostAgent::Resolve(const std::string& port,
                       const std::string& resource,
                       uint32_t vni,
                       uint32_t customer)
{
    const Key key{vni, customer};
    if (auto cached = m_cache.find(key); cached != m_cache.end())
    {
        // The engine is in the middle of the packet that missed: program right after it.
        ++m_cacheHits;
        Simulator::ScheduleNow(
            &VnetHostAgent::Program, this, port, resource, customer, cached->second);
        return;
    }
    auto [lookup, fresh] = m_inFlight.try_emplace(key);
    lookup->second.waiters.emplace(port, resource);
    if (!fresh || !m_socket)
    {
        return;
    }
    ++m_lookups;
    lookup->second.started = Simulator::Now();
    Send(key);
}

void
VnetHostAgent::Send(const Key& key)
{
    Lookup& lookup = m_inFlight[key];
    VnetDirectoryHeader message;
    message.type = VnetDirectoryHeader::LOOKUP;
    message.requestId = lookup.requestId = m_nextRequestId++;
    message.vni = key.first;
    message.customer = key.second;
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(message);
    ++lookup.attempts;
    m_socket->SendTo(packet, 0, InetSocketAddress(m_directory, m_directoryPort));
    lookup.retry = Simulator::Schedule(m_retryTimeout, &VnetHostAgent::Retry, this, key);
}

void
VnetHostAgent::Retry(Key key)
{
    auto lookup = m_inFlight.find(key);
    if (lookup == m_inFlight.end())
    {
        return;
    }
    if (lookup->second.attempts >= m_maxAttempts)
    {
        NS_LOG_WARN("directory did not answer for vni " << key.first << " "
                                                        << Ipv4Address(key.second));
        ++m_failures;
        m_inFlight.erase(lookup);
        return;
    }
    ++m_retries;
    Send(key);
}

void
VnetHostAgent::Receive(Ptr<Socket> socket)
{
    while (Ptr<Packet> packet = socket->Recv())
    {
        VnetDirectoryHeader answer;
        if (packet->GetSize() < answer.GetSerializedSize())
        {
            NS_LOG_WARN("ignoring a truncated directory answer");
            continue;
        }
        packet->RemoveHeader(answer);
        auto lookup = m_inFlight.find({answer.vni, answer.customer});
        if (answer.type != VnetDirectoryHeader::ANSWER || lookup == m_inFlight.end() ||
            lookup->second.requestId != answer.requestId)
        {
            continue; // a late answer to an attempt already retried or given up
        }
        Lookup done = std::move(lookup->second);
        m_inFlight.erase(lookup);
        done.retry.Cancel();
        if (!answer.found)
        {
            ++m_failures;
            continue;
        }
        m_resolvedTrace(answer.vni, Ipv4Address(answer.customer), Simulator::Now() - done.started);
        m_cache[{answer.vni, answer.customer}] = answer.provider;
        for (const auto& [port, resource] : done.waiters)
        {
            Program(port, resource, answer.customer, answer.provider);
        }
    }
}

void
VnetHostAgent::Program(const std::string& port,
                       const std::string& resource,
                       uint32_t customer,
                       uint32_t provider)
{
    m_switch->GetEngine().GetPort(port).SetMapping(resource, customer, provider);
    m_switch->ReleaseHeld(port);
}

} // namespace ns3
