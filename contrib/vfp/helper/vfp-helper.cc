#include "vfp-helper.h"

#include "full-duplex-ethernet-helper.h"

#include "ns3/csma-helper.h"
#include "ns3/csma-net-device.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/pointer.h"
#include "ns3/socket.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"
#include "ns3/vfp-packet-codec.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VfpHelper");

namespace
{
constexpr uint16_t VXLAN_PORT = 4789;
}

VfpHelper::VfpHelper()
{
    m_switchFactory.SetTypeId(VfpSwitchNetDevice::GetTypeId());
    m_cpuFactory.SetTypeId(VfpHostCpu::GetTypeId());
}

void
VfpHelper::SetSwitchAttribute(const std::string& name, const AttributeValue& value)
{
    m_switchFactory.Set(name, value);
}

void
VfpHelper::SetCpuAttribute(const std::string& name, const AttributeValue& value)
{
    m_cpuFactory.Set(name, value);
}

Ptr<VfpSwitchNetDevice>
VfpHelper::Install(Ptr<Node> host, Ptr<NetDevice> uplink) const
{
    Ptr<VfpSwitchNetDevice> vswitch = m_switchFactory.Create<VfpSwitchNetDevice>();
    vswitch->SetAttribute("Cpu", PointerValue(m_cpuFactory.Create<VfpHostCpu>()));
    vswitch->SetAddress(Mac48Address::Allocate());
    host->AddDevice(vswitch);
    vswitch->SetUplink(uplink);
    if (host->GetObject<Ipv4>())
    {
        Ptr<Socket> silent = Socket::CreateSocket(host, UdpSocketFactory::GetTypeId());
        silent->SetAttribute("RcvBufSize", UintegerValue(0));
        silent->Bind(InetSocketAddress(Ipv4Address::GetAny(), VXLAN_PORT));
    }
    return vswitch;
}

vfp::Port&
VfpHelper::AddVm(Ptr<VfpSwitchNetDevice> vswitch,
                 Ptr<NetDevice> hostDevice,
                 Ptr<NetDevice> vmNic,
                 const std::string& name) const
{
    vfp::PortSpec spec;
    spec.name = name;
    spec.mac = VfpPacketCodec::FromMac(Mac48Address::ConvertFrom(vmNic->GetAddress()));
    return vswitch->AddVmPort(hostDevice, spec);
}

void
VfpHelper::EnablePcap(const std::string& prefix, Ptr<VfpSwitchNetDevice> vswitch)
{
    VfpHelper().EnablePcap(prefix, Ptr<NetDevice>(vswitch));
}

std::vector<std::pair<std::string, Ptr<NetDevice>>>
VfpHelper::TracedDevices(Ptr<NetDevice> device)
{
    std::vector<std::pair<std::string, Ptr<NetDevice>>> devices;
    Ptr<VfpSwitchNetDevice> vswitch = DynamicCast<VfpSwitchNetDevice>(device);
    if (!vswitch)
    {
        return devices; // not ours: its own helper traces it
    }
    for (const auto& [name, port] : vswitch->GetEngine().GetPorts())
    {
        devices.emplace_back(name, vswitch->GetPortDevice(name));
    }
    if (vswitch->GetUplink())
    {
        devices.emplace_back("uplink", vswitch->GetUplink());
    }
    return devices;
}

namespace
{

/// With an explicit file name, one file per traced device: NAME-PORT.EXT.
std::string
FileFor(const std::string& prefix,
        bool explicitFilename,
        const std::string& device,
        const std::string& extension)
{
    if (!explicitFilename)
    {
        return prefix;
    }
    const bool suffixed =
        prefix.size() > extension.size() &&
        prefix.compare(prefix.size() - extension.size(), extension.size(), extension) == 0;
    return (suffixed ? prefix.substr(0, prefix.size() - extension.size()) : prefix) + "-" + device +
           extension;
}

} // namespace

void
VfpHelper::EnablePcapInternal(std::string prefix,
                              Ptr<NetDevice> nd,
                              bool /* promiscuous */,
                              bool explicitFilename)
{
    // A switch's devices take every frame on their link, as a bridge's do: the VM's frames
    // are addressed to their peers, not to the port. Only a promiscuous trace shows them.
    const bool promiscuous = true;
    for (const auto& [name, device] : TracedDevices(nd))
    {
        const std::string file = FileFor(prefix, explicitFilename, name, ".pcap");
        if (device->GetObject<CsmaNetDevice>())
        {
            CsmaHelper().EnablePcap(file, device, promiscuous, explicitFilename);
        }
        else if (device->GetObject<FullDuplexEthernetNetDevice>())
        {
            FullDuplexEthernetHelper().EnablePcap(file, device, promiscuous, explicitFilename);
        }
        else if (device->GetObject<PointToPointNetDevice>())
        {
            PointToPointHelper().EnablePcap(file, device, promiscuous, explicitFilename);
        }
        else
        {
            NS_LOG_WARN("no pcap for " << name << ": a " << device->GetInstanceTypeId().GetName());
        }
    }
}

void
VfpHelper::EnableAsciiInternal(Ptr<OutputStreamWrapper> stream,
                               std::string prefix,
                               Ptr<NetDevice> nd,
                               bool explicitFilename)
{
    for (const auto& [name, device] : TracedDevices(nd))
    {
        const std::string file = FileFor(prefix, explicitFilename, name, ".tr");
        if (device->GetObject<CsmaNetDevice>())
        {
            stream ? CsmaHelper().EnableAscii(stream, device)
                   : CsmaHelper().EnableAscii(file, device, explicitFilename);
        }
        else if (device->GetObject<FullDuplexEthernetNetDevice>())
        {
            stream ? FullDuplexEthernetHelper().EnableAscii(stream, device)
                   : FullDuplexEthernetHelper().EnableAscii(file, device, explicitFilename);
        }
        else if (device->GetObject<PointToPointNetDevice>())
        {
            stream ? PointToPointHelper().EnableAscii(stream, device)
                   : PointToPointHelper().EnableAscii(file, device, explicitFilename);
        }
        else
        {
            NS_LOG_WARN("no ascii trace for " << name << ": a "
                                              << device->GetInstanceTypeId().GetName());
        }
    }
}

} // namespace ns3
