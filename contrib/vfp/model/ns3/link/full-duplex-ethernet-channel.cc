#include "full-duplex-ethernet-channel.h"

#include "full-duplex-ethernet-net-device.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FullDuplexEthernetChannel");
NS_OBJECT_ENSURE_REGISTERED(FullDuplexEthernetChannel);

TypeId
FullDuplexEthernetChannel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::FullDuplexEthernetChannel")
            .SetParent<Channel>()
            .SetGroupName("Vfp")
            .AddConstructor<FullDuplexEthernetChannel>()
            .AddAttribute("Delay",
                          "Propagation delay of the cable, each direction. Default 0, as ns-3's "
                          "PointToPointChannel; a cable adds about 5 ns per metre (signal speed "
                          "about 2/3 c in copper or fibre).",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&FullDuplexEthernetChannel::m_delay),
                          MakeTimeChecker(Seconds(0), Seconds(1)));
    return tid;
}

FullDuplexEthernetChannel::FullDuplexEthernetChannel()
{
    NS_LOG_FUNCTION(this);
}

void
FullDuplexEthernetChannel::Attach(Ptr<FullDuplexEthernetNetDevice> device)
{
    NS_LOG_FUNCTION(this << device);
    if (m_attached == m_ends.size())
    {
        NS_FATAL_ERROR("FullDuplexEthernetChannel::Attach: the channel already has its two "
                       "devices; a full-duplex link joins exactly two");
    }
    m_ends[m_attached++] = device;
    if (m_attached == m_ends.size())
    {
        NotifyLinkChange();
    }
}

bool
FullDuplexEthernetChannel::TransmitStart(Ptr<const Packet> frame,
                                         Ptr<FullDuplexEthernetNetDevice> sender,
                                         Time txTime)
{
    NS_LOG_FUNCTION(this << frame << sender << txTime);
    if (!IsLinkUp())
    {
        return false;
    }
    const std::size_t from = sender == m_ends[0] ? 0 : 1;
    NS_ASSERT_MSG(m_ends[from] == sender, "the sender is not attached to this channel");
    Ptr<Node> receiver = m_ends[1 - from]->GetNode();
    Simulator::ScheduleWithContext(receiver ? receiver->GetId() : Simulator::GetContext(),
                                   txTime + m_delay,
                                   &FullDuplexEthernetChannel::Deliver,
                                   this,
                                   frame->Copy(),
                                   from,
                                   m_epoch);
    return true;
}

void
FullDuplexEthernetChannel::Deliver(Ptr<Packet> frame, std::size_t sender, uint64_t epoch)
{
    NS_LOG_FUNCTION(this << frame << sender << epoch);
    if (!IsLinkUp() || epoch != m_epoch)
    {
        m_ends[sender]->DropLinkDown(frame);
        return;
    }
    m_ends[1 - sender]->Receive(frame);
}

void
FullDuplexEthernetChannel::SetLinkUp(bool up)
{
    NS_LOG_FUNCTION(this << up);
    if (up == m_adminUp)
    {
        return;
    }
    m_adminUp = up;
    if (!up)
    {
        ++m_epoch;
    }
    if (m_attached == m_ends.size())
    {
        NotifyLinkChange();
    }
}

bool
FullDuplexEthernetChannel::IsLinkUp() const
{
    return m_adminUp && m_attached == m_ends.size();
}

Time
FullDuplexEthernetChannel::GetDelay() const
{
    return m_delay;
}

std::size_t
FullDuplexEthernetChannel::GetNDevices() const
{
    return m_attached;
}

Ptr<NetDevice>
FullDuplexEthernetChannel::GetDevice(std::size_t i) const
{
    NS_ASSERT_MSG(i < m_attached, "no device " << i << " on this channel");
    return m_ends[i];
}

void
FullDuplexEthernetChannel::NotifyLinkChange()
{
    for (const auto& end : m_ends)
    {
        end->NotifyLinkChange();
    }
}

void
FullDuplexEthernetChannel::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_ends = {};
    m_attached = 0;
    Channel::DoDispose();
}

} // namespace ns3
