/*
 * FullDuplexEthernetHelper: joins two nodes with a full-duplex Ethernet link (a
 * FullDuplexEthernetNetDevice on each, one FullDuplexEthernetChannel), the way
 * CsmaHelper and PointToPointHelper build theirs. Device, channel and queue attributes set
 * on the helper apply to every link it installs; each device gets a fresh MAC address and
 * its own transmit queue. Pcap files are Ethernet (DLT_EN10MB) and open in Wireshark;
 * ASCII traces show the queue's enqueue/dequeue/drop and the device's receives.
 */
#ifndef FULL_DUPLEX_ETHERNET_HELPER_H
#define FULL_DUPLEX_ETHERNET_HELPER_H

#include "full-duplex-ethernet-channel.h"
#include "full-duplex-ethernet-net-device.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"
#include "ns3/queue.h"
#include "ns3/trace-helper.h"

#include <string>

namespace ns3
{

class FullDuplexEthernetHelper
    : public PcapHelperForDevice
    , public AsciiTraceHelperForDevice
{
public:
    FullDuplexEthernetHelper();

    /**
     * The transmit queue type of every device installed from now on, with attributes
     * (e.g. SetQueue("ns3::DropTailQueue", "MaxSize", StringValue("200p"))).
     */
    template<typename... Ts>
    void SetQueue(std::string type, Ts&&... args);
    /// An attribute of every FullDuplexEthernetNetDevice installed from now on.
    void SetDeviceAttribute(std::string name, const AttributeValue& value);
    /// An attribute of every FullDuplexEthernetChannel installed from now on.
    void SetChannelAttribute(std::string name, const AttributeValue& value);

    /// Links the two nodes of @p nodes (a container of any other size is a fatal error).
    NetDeviceContainer Install(const NodeContainer& nodes) const;
    /// Links @p a and @p b; the container holds a's device, then b's.
    NetDeviceContainer Install(Ptr<Node> a, Ptr<Node> b) const;

private:
    /// A device on @p node with its queue, attached to @p channel.
    Ptr<FullDuplexEthernetNetDevice> InstallDevice(Ptr<Node> node,
                                                   Ptr<FullDuplexEthernetChannel> channel) const;
    void EnablePcapInternal(std::string prefix,
                            Ptr<NetDevice> nd,
                            bool promiscuous,
                            bool explicitFilename) override;
    void EnableAsciiInternal(Ptr<OutputStreamWrapper> stream,
                             std::string prefix,
                             Ptr<NetDevice> nd,
                             bool explicitFilename) override;

    ObjectFactory m_queueFactory;   //!< transmit queues
    ObjectFactory m_deviceFactory;  //!< FullDuplexEthernetNetDevice
    ObjectFactory m_channelFactory; //!< FullDuplexEthernetChannel
};

template<typename... Ts>
void
FullDuplexEthernetHelper::SetQueue(std::string type, Ts&&... args)
{
    QueueBase::AppendItemTypeIfNotPresent(type, "Packet");
    m_queueFactory.SetTypeId(type);
    m_queueFactory.Set(std::forward<Ts>(args)...);
}

} // namespace ns3

#endif
