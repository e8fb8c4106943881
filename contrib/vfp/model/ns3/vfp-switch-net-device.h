/*
 * VfpSwitchNetDevice: VFP as an ns-3 device (paper §4, §7.1). Like BridgeNetDevice it
 * owns port devices and replaces the switching logic, as VFP does as a Hyper-V forwarding
 * extension: VM-facing ports (one per VNIC, each with the VNIC's MAC and the port's
 * policy) and one uplink to the physical network.
 *
 * A frame from a VM runs the outbound pipeline of its port; an allowed frame goes to the
 * port whose VNIC has its destination MAC (outer, or inner for a VXLAN/NVGRE frame
 * addressed to a local VM), through that port's inbound pipeline, or else out of the
 * uplink. A frame from the uplink goes to the port its destination MAC names, through the
 * inbound pipeline. The switch never learns and never floods. Every drop fires the "Drop"
 * trace with its reason; packets the engine cannot parse are dropped as "malformed".
 *
 * Scope: the data path. Held packets (a resource waiting for its controller) are dropped
 * and counted as "hold" for now; the hold queue, the host CPU model and the programmable
 * NIC come with the datacenter scenario.
 */
#ifndef VFP_SWITCH_NET_DEVICE_H
#define VFP_SWITCH_NET_DEVICE_H

#include "vfp-packet-codec.h"

#include "engine/pipeline/switch.h"

#include "ns3/mac48-address.h"
#include "ns3/net-device.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"

#include <map>
#include <memory>

namespace ns3
{

class Node;

class VfpSwitchNetDevice : public NetDevice
{
  public:
    static TypeId GetTypeId();
    VfpSwitchNetDevice();
    ~VfpSwitchNetDevice() override;

    /**
     * Adds a VM-facing port: frames @p device receives run through a VFP port with
     * @p spec's policy (its MAC is the VNIC's).
     * @throws vfp::PolicyError when the policy is invalid
     */
    vfp::Port& AddVmPort(Ptr<NetDevice> device, const vfp::PortSpec& spec);
    /// Sets the device towards the physical network.
    void SetUplink(Ptr<NetDevice> device);
    /// The engine's switch: its ports' policy API (VFPAPI) and counters.
    vfp::Switch& GetEngine();

    // NetDevice: the switch itself has no address of its own and sends nothing itself.
    void SetIfIndex(const uint32_t index) override;
    uint32_t GetIfIndex() const override;
    Ptr<Channel> GetChannel() const override;
    void SetAddress(Address address) override;
    Address GetAddress() const override;
    bool SetMtu(const uint16_t mtu) override;
    uint16_t GetMtu() const override;
    bool IsLinkUp() const override;
    void AddLinkChangeCallback(Callback<void> callback) override;
    bool IsBroadcast() const override;
    Address GetBroadcast() const override;
    bool IsMulticast() const override;
    Address GetMulticast(Ipv4Address multicastGroup) const override;
    Address GetMulticast(Ipv6Address addr) const override;
    bool IsPointToPoint() const override;
    bool IsBridge() const override;
    bool Send(Ptr<Packet> packet, const Address& dest, uint16_t protocolNumber) override;
    bool SendFrom(Ptr<Packet> packet, const Address& source, const Address& dest, uint16_t protocolNumber) override;
    Ptr<Node> GetNode() const override;
    void SetNode(Ptr<Node> node) override;
    bool NeedsArp() const override;
    void SetReceiveCallback(NetDevice::ReceiveCallback cb) override;
    void SetPromiscReceiveCallback(NetDevice::PromiscReceiveCallback cb) override;
    bool SupportsSendFrom() const override;

  protected:
    void DoDispose() override;

  private:
    void ReceiveFromVm(Ptr<NetDevice> device, Ptr<const Packet> packet, uint16_t protocol,
                       const Address& source, const Address& destination, PacketType type);
    void ReceiveFromUplink(Ptr<NetDevice> device, Ptr<const Packet> packet, uint16_t protocol,
                           const Address& source, const Address& destination, PacketType type);
    /// Runs the inbound pipeline of @p port and sends what it allows to its VM.
    void DeliverToVm(vfp::Port& port, const VfpPacketCodec::Decoded& decoded, Ptr<const Packet> original);
    /// Sends an engine result out of @p device.
    void Transmit(Ptr<NetDevice> device, const VfpPacketCodec::Decoded& decoded, const vfp::ProcessResult& result);
    void Drop(Ptr<const Packet> packet, const std::string& reason);
    void Count(Ptr<const Packet> packet, const vfp::ProcessResult& result);
    vfp::PortConfig MakeConfig() const;

    Ptr<Node> m_node;                                    //!< the host
    uint32_t m_ifIndex = 0;                              //!< interface index on the host
    uint16_t m_mtu = 1500;                               //!< reported MTU
    Mac48Address m_address;                              //!< the switch's own address (unused on the data path)
    Ptr<NetDevice> m_uplink;                             //!< towards the fabric
    std::unique_ptr<vfp::Switch> m_engine;               //!< the engine: ports and policy
    std::map<Ptr<NetDevice>, std::string> m_portNames;   //!< VM device -> port name
    std::map<std::string, Ptr<NetDevice>> m_portDevices; //!< port name -> VM device

    bool m_uftEnabled;          //!< attribute UftEnabled
    Time m_halfOpenTimeout;     //!< attribute HalfOpenTimeout
    Time m_establishedTimeout;  //!< attribute EstablishedTimeout
    Time m_timeWait;            //!< attribute TimeWait
    Time m_udpTimeout;          //!< attribute UdpTimeout
    uint32_t m_maxConnections;  //!< attribute MaxConnections

    TracedCallback<Ptr<const Packet>, const std::string&> m_dropTrace; //!< every drop, with its reason
    TracedCallback<Ptr<const Packet>> m_fastPathTrace;                 //!< unified flow hits
    TracedCallback<Ptr<const Packet>> m_slowPathTrace;                 //!< packets that ran the layers
};

} // namespace ns3

#endif
