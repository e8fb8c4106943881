/*
 * VfpHelper: installs VFP on a host the way BridgeHelper installs a bridge: a
 * VfpSwitchNetDevice (with its host CPU model) on the host node, the physical NIC as its
 * uplink, and one port per VM-facing device. Attributes of the switch and of its CPU are
 * set on the helper and applied to every switch it installs.
 *
 * Tracing the ns-3 way: the helper mixes in PcapHelperForDevice and
 * AsciiTraceHelperForDevice, so EnablePcap, EnablePcapAll, EnableAscii and EnableAsciiAll
 * work as they do for CsmaHelper. Given a VfpSwitchNetDevice (or every device, for the
 * "All" forms), they trace the switch's port devices and its uplink, each with its own
 * link type's tracing (CSMA or point-to-point): PREFIX-NODE-DEVICE.pcap / .tr as usual, or
 * with an explicit file name, NAME-PORT.pcap and NAME-uplink.pcap. Pcap is always
 * promiscuous: a switch's devices take every frame on their link, as a bridge's do (a VM
 * addresses its frames to its peers, not to the port). Other devices are left alone
 * (their own helpers trace them).
 */
#ifndef VFP_HELPER_H
#define VFP_HELPER_H

#include "ns3/object-factory.h"
#include "ns3/trace-helper.h"
#include "ns3/vfp-switch-net-device.h"

#include <string>
#include <utility>
#include <vector>

namespace ns3
{

class VfpHelper
    : public PcapHelperForDevice
    , public AsciiTraceHelperForDevice
{
public:
    VfpHelper();
    /// An attribute of every VfpSwitchNetDevice installed from now on.
    void SetSwitchAttribute(const std::string& name, const AttributeValue& value);
    /// An attribute of the VfpHostCpu of every switch installed from now on.
    void SetCpuAttribute(const std::string& name, const AttributeValue& value);

    /**
     * Puts a switch on @p host with @p uplink (a device of the host) towards the fabric.
     * If the host has an IPv4 stack (its agents' control traffic), the host also gets a
     * silent UDP socket on the VXLAN port, so that its own stack, which sees the tunnelled
     * frames the switch consumes, does not answer them with ICMP port unreachable.
     */
    Ptr<VfpSwitchNetDevice> Install(Ptr<Node> host, Ptr<NetDevice> uplink) const;
    /**
     * Adds a port named @p name for the VNIC @p vmNic, reached through @p hostDevice (the
     * host's end of the VM's link); the port starts with no policy (controllers program it).
     */
    vfp::Port& AddVm(Ptr<VfpSwitchNetDevice> vswitch,
                     Ptr<NetDevice> hostDevice,
                     Ptr<NetDevice> vmNic,
                     const std::string& name) const;
    using PcapHelperForDevice::EnablePcap;
    /// Pcap on every port device and the uplink of @p vswitch: PREFIX-NODE-DEVICE.pcap (the
    /// same as VfpHelper().EnablePcap(prefix, Ptr<NetDevice>(vswitch))).
    static void EnablePcap(const std::string& prefix, Ptr<VfpSwitchNetDevice> vswitch);

private:
    /// The devices a trace on @p device covers, by name: a switch's ports and "uplink".
    static std::vector<std::pair<std::string, Ptr<NetDevice>>> TracedDevices(Ptr<NetDevice> device);
    void EnablePcapInternal(std::string prefix,
                            Ptr<NetDevice> nd,
                            bool promiscuous,
                            bool explicitFilename) override;
    void EnableAsciiInternal(Ptr<OutputStreamWrapper> stream,
                             std::string prefix,
                             Ptr<NetDevice> nd,
                             bool explicitFilename) override;

    ObjectFactory m_switchFactory; //!< VfpSwitchNetDevice
    ObjectFactory m_cpuFactory;    //!< VfpHostCpu
};

} // namespace ns3

#endif
