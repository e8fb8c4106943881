#include "full-duplex-ethernet-helper.h"

#include "ns3/config.h"
#include "ns3/log.h"
#include "ns3/names.h"
#include "ns3/packet.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FullDuplexEthernetHelper");

FullDuplexEthernetHelper::FullDuplexEthernetHelper()
{
    m_queueFactory.SetTypeId("ns3::DropTailQueue<Packet>");
    m_deviceFactory.SetTypeId("ns3::FullDuplexEthernetNetDevice");
    m_channelFactory.SetTypeId("ns3::FullDuplexEthernetChannel");
}

void
FullDuplexEthernetHelper::SetDeviceAttribute(std::string name, const AttributeValue& value)
{
    m_deviceFactory.Set(name, value);
}

void
FullDuplexEthernetHelper::SetChannelAttribute(std::string name, const AttributeValue& value)
{
    m_channelFactory.Set(name, value);
}

NetDeviceContainer
FullDuplexEthernetHelper::Install(const NodeContainer& nodes) const
{
    if (nodes.GetN() != 2)
    {
        NS_FATAL_ERROR("FullDuplexEthernetHelper::Install: a full-duplex link joins exactly 2 "
                       "nodes, got "
                       << nodes.GetN());
    }
    return Install(nodes.Get(0), nodes.Get(1));
}

NetDeviceContainer
FullDuplexEthernetHelper::Install(Ptr<Node> a, Ptr<Node> b) const
{
    Ptr<FullDuplexEthernetChannel> channel = m_channelFactory.Create<FullDuplexEthernetChannel>();
    NetDeviceContainer devices;
    devices.Add(InstallDevice(a, channel));
    devices.Add(InstallDevice(b, channel));
    return devices;
}

Ptr<FullDuplexEthernetNetDevice>
FullDuplexEthernetHelper::InstallDevice(Ptr<Node> node,
                                        Ptr<FullDuplexEthernetChannel> channel) const
{
    Ptr<FullDuplexEthernetNetDevice> device = m_deviceFactory.Create<FullDuplexEthernetNetDevice>();
    device->SetAddress(Mac48Address::Allocate());
    device->SetQueue(m_queueFactory.Create<Queue<Packet>>());
    node->AddDevice(device);
    device->Attach(channel);
    return device;
}

void
FullDuplexEthernetHelper::EnablePcapInternal(std::string prefix,
                                             Ptr<NetDevice> nd,
                                             bool promiscuous,
                                             bool explicitFilename)
{
    Ptr<FullDuplexEthernetNetDevice> device = nd->GetObject<FullDuplexEthernetNetDevice>();
    if (!device)
    {
        NS_LOG_INFO("EnablePcapInternal: " << nd << " is not a FullDuplexEthernetNetDevice");
        return;
    }
    PcapHelper pcap;
    const std::string filename =
        explicitFilename ? prefix : pcap.GetFilenameFromDevice(prefix, device);
    Ptr<PcapFileWrapper> file = pcap.CreateFile(filename, std::ios::out, PcapHelper::DLT_EN10MB);
    pcap.HookDefaultSink<FullDuplexEthernetNetDevice>(
        device, promiscuous ? "PromiscSniffer" : "Sniffer", file);
}

void
FullDuplexEthernetHelper::EnableAsciiInternal(Ptr<OutputStreamWrapper> stream,
                                              std::string prefix,
                                              Ptr<NetDevice> nd,
                                              bool explicitFilename)
{
    Ptr<FullDuplexEthernetNetDevice> device = nd->GetObject<FullDuplexEthernetNetDevice>();
    if (!device)
    {
        NS_LOG_INFO("EnableAsciiInternal: " << nd << " is not a FullDuplexEthernetNetDevice");
        return;
    }
    Packet::EnablePrinting();
    if (!stream)
    {
        // One file per device: lines need no context.
        AsciiTraceHelper ascii;
        const std::string filename =
            explicitFilename ? prefix : ascii.GetFilenameFromDevice(prefix, device);
        Ptr<OutputStreamWrapper> file = ascii.CreateFileStream(filename);
        ascii.HookDefaultReceiveSinkWithoutContext<FullDuplexEthernetNetDevice>(
            device, "MacRx", file);
        Ptr<Queue<Packet>> queue = device->GetQueue();
        ascii.HookDefaultEnqueueSinkWithoutContext<Queue<Packet>>(queue, "Enqueue", file);
        ascii.HookDefaultDequeueSinkWithoutContext<Queue<Packet>>(queue, "Dequeue", file);
        ascii.HookDefaultDropSinkWithoutContext<Queue<Packet>>(queue, "Drop", file);
        return;
    }
    // A shared stream: each line carries its trace path as context.
    const std::string path = "/NodeList/" + std::to_string(nd->GetNode()->GetId()) +
                             "/DeviceList/" + std::to_string(nd->GetIfIndex()) +
                             "/$ns3::FullDuplexEthernetNetDevice/";
    Config::Connect(path + "MacRx",
                    MakeBoundCallback(&AsciiTraceHelper::DefaultReceiveSinkWithContext, stream));
    Config::Connect(path + "TxQueue/Enqueue",
                    MakeBoundCallback(&AsciiTraceHelper::DefaultEnqueueSinkWithContext, stream));
    Config::Connect(path + "TxQueue/Dequeue",
                    MakeBoundCallback(&AsciiTraceHelper::DefaultDequeueSinkWithContext, stream));
    Config::Connect(path + "TxQueue/Drop",
                    MakeBoundCallback(&AsciiTraceHelper::DefaultDropSinkWithContext, stream));
}

} // namespace ns3
