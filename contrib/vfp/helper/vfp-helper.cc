#include "vfp-helper.h"

#include "full-duplex-ethernet-helper.h"
#include "ns3/csma-helper.h"
#include "ns3/csma-net-device.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
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
    auto enable = [&prefix](Ptr<NetDevice> device)
    {
        if (device->GetObject<CsmaNetDevice>())
        {
            CsmaHelper().EnablePcap(prefix, device, true);
        }
        else if (device->GetObject<FullDuplexEthernetNetDevice>())
        {
            FullDuplexEthernetHelper().EnablePcap(prefix, device, true);
        }
        else if (device->GetObject<PointToPointNetDevice>())
        {
            PointToPointHelper().EnablePcap(prefix, device, true);
        }
    };
    for (const auto& [name, port] : vswitch->GetEngine().GetPorts())
    {
        enable(vswitch->GetPortDevice(name));
    }
    if (vswitch->GetUplink())
    {
        enable(vswitch->GetUplink());
    }
}

} // namespace ns3
