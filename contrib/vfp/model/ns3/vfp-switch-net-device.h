/*
 * VfpSwitchNetDevice: VFP as an ns-3 device (paper §4, §7.1). Like BridgeNetDevice it
 * owns port devices and replaces the switching logic, as VFP does as a Hyper-V forwarding
 * extension: VM-facing ports (one per VNIC, each with the VNIC's MAC and the port's
 * policy) and one uplink to the physical network.
 *
 * A frame from a VM runs the outbound pipeline of its port; an allowed frame goes to the
 * port whose VNIC has its destination MAC (outer, or inner for a VXLAN/NVGRE frame
 * addressed to a local VM), through that port's inbound pipeline, or else out of the
 * uplink. A tunnelled frame from the uplink goes to the port its (inner) destination MAC
 * names, through the inbound pipeline; other uplink frames belong to the host's own stack
 * (which owns the uplink's address) and are left to it. The switch never learns and never
 * floods. Every drop fires the trace source of its cause (EngineDrop with the engine's
 * DropReason, MalformedDrop, NoPortDrop, CpuOverloadDrop, HoldOverflowDrop,
 * HoldTimeoutDrop, ArpUnansweredDrop, MtuDrop, QosOverflowDrop) and the aggregate "Drop" with its
 * reason as text; TracedValue gauges follow the unified flows, connections and held packets.
 *
 * Around the engine:
 *  - ARP: the switch answers its VMs' ARP requests from the neighbour table their
 *    controller programmed (SetNeighbors), as VFP's VNET layer does; ARP never leaves.
 *  - Hold queue: a packet the engine holds (a mapping miss whose controller is asking its
 *    directory) waits in a bounded per-port queue until ReleaseHeld, or is dropped when
 *    the queue is full ("hold_overflow") or HoldTimeout passes ("hold_timeout").
 *  - CPU: every packet is served by the host's VfpHostCpu (attribute Cpu) and leaves when
 *    its service ends; a saturated host drops ("cpu_overload").
 *  - QoS (paper §7.3): an allowed packet then passes the engine's shaper
 *    (engine/qos/qos-shaper.h): its port's transmit cap going out (outbound), its
 *    destination port's receive cap coming in (inbound), the port's group caps and its
 *    share of the uplink. It leaves when it conforms, waits in its port's queue until it
 *    does, or is dropped when the queue is full ("qos_overflow"). The bytes counted are
 *    the frame as the VM sends or receives it (Ethernet header included). With a NIC whose
 *    QosOffload is on, the NIC shapes (no host CPU cost); otherwise the host CPU is
 *    charged the check (VfpHostCpu QosCost) and a shaped port's flows stay in software.
 */
#ifndef VFP_SWITCH_NET_DEVICE_H
#define VFP_SWITCH_NET_DEVICE_H

#include "engine/host/packet-cost.h"
#include "engine/pipeline/switch.h"
#include "ns3/event-id.h"
#include "ns3/ipv4-address.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"
#include "ns3/traced-value.h"
#include "vfp-host-cpu.h"
#include "vfp-packet-codec.h"
#include "vfp-programmable-nic.h"

#include <deque>
#include <map>
#include <memory>
#include <unordered_map>

namespace ns3
{

class Node;
class VfpReassembler;

/// IPv4 address (host order) -> the MAC the switch answers ARP requests for it with.
using VfpNeighborTable = std::unordered_map<uint32_t, Mac48Address>;

class VfpSwitchNetDevice : public NetDevice
{
public:
    /// Why the switch dropped a packet, beyond the engine's own reasons (EngineDrop).
    enum class DropCause
    {
        Malformed,     //!< the codec could not take the frame apart
        NoPort,        //!< a tunnel to no VM here, or no uplink: the switch never floods
        CpuOverload,   //!< the host CPU could not start it within MaxQueueDelay
        HoldOverflow,  //!< its port's hold queue was full
        HoldTimeout,   //!< held past HoldTimeout
        ArpUnanswered, //!< an ARP request no neighbour table answers
        MtuExceeded,   //!< over the uplink's MTU and not fragmentable (DF set)
        QosOverflow,   //!< its port's QoS queue was full
    };
    /// The name of @p cause in the aggregate Drop trace and in metrics ("cpu_overload").
    static std::string CauseName(DropCause cause);
    /// Signature of the per-cause drop traces.
    typedef void (*DropCauseTracedCallback)(Ptr<const Packet> packet);
    /// Signature of EngineDrop: the packet and the engine's reason.
    typedef void (*EngineDropTracedCallback)(Ptr<const Packet> packet, vfp::DropReason reason);
    /// Signature of the aggregate Drop trace: the packet and its reason as text.
    typedef void (*DropTracedCallback)(Ptr<const Packet> packet, const std::string& reason);

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
    /// The VM-side device of a port, or null.
    Ptr<NetDevice> GetPortDevice(const std::string& port) const;
    /// The device towards the physical network (null until SetUplink).
    Ptr<NetDevice> GetUplink() const;
    /// The host CPU model that serves this switch's packets.
    Ptr<VfpHostCpu> GetCpu();
    /// The programmable NIC that offloads this switch's unified flows (null: none).
    Ptr<VfpProgrammableNic> GetNic() const { return m_nic; }

    /// Sets the addresses the switch answers @p port's ARP requests for (shared: one
    /// table per virtual network is enough).
    void SetNeighbors(const std::string& port, std::shared_ptr<const VfpNeighborTable> neighbors);
    /// Runs @p port's held packets through the pipeline again (their resource changed).
    void ReleaseHeld(const std::string& port);
    /// Packets waiting in @p port's hold queue.
    size_t GetHeldCount(const std::string& port) const;
    /// The uplink's rate (bits per second) read from its DataRate attribute; 0 if it has
    /// none or there is no uplink. What a QoS controller gives the switch to share.
    double GetUplinkBps() const;
    /// Call after changing the engine's QoS (vfp::Switch::SetPortQos and the like): a
    /// waiting packet's time may have moved.
    void QosChanged();

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
    bool SendFrom(Ptr<Packet> packet,
                  const Address& source,
                  const Address& dest,
                  uint16_t protocolNumber) override;
    Ptr<Node> GetNode() const override;
    void SetNode(Ptr<Node> node) override;
    bool NeedsArp() const override;
    void SetReceiveCallback(NetDevice::ReceiveCallback cb) override;
    void SetPromiscReceiveCallback(NetDevice::PromiscReceiveCallback cb) override;
    bool SupportsSendFrom() const override;

protected:
    void DoDispose() override;

private:
    /// A port's state, as the gauges last counted it.
    struct PortSizes
    {
        size_t unifiedFlows = 0;
        size_t connections = 0;
        size_t layerFlows = 0;
    };
    /// What the switch keeps per port: one lookup per packet finds both.
    struct PortInfo
    {
        uint32_t index = 0; //!< its order on the host (the CPU's VM number for steering)
        PortSizes sizes;    //!< its state, as the gauges last counted it
    };
    /// Where an allowed packet goes once it has passed QoS.
    struct Departure
    {
        enum class Kind : uint8_t
        {
            ToVm,    //!< out of the VM port's device (inbound)
            ToLocal, //!< to another VM here (its inbound pipeline)
            ToUplink //!< up the uplink
        };
        Kind kind;
        std::string port; //!< ToVm: the port; ToLocal: the destination port
        Ptr<Packet> packet;
        vfp::EthernetHeader eth;
        Ptr<const Packet> original; //!< as received (for drop traces)
    };
    /// A packet waiting for its port's resource.
    struct HeldPacket
    {
        uint64_t id;                     //!< for its time-out event
        vfp::Direction direction;        //!< the pipeline it waits for
        VfpPacketCodec::Decoded decoded; //!< the packet, taken apart
        Ptr<const Packet> original;      //!< as received
        Time deadline;                   //!< when it is dropped as hold_timeout
    };

    void ReceiveFromVm(Ptr<NetDevice> device,
                       Ptr<const Packet> packet,
                       uint16_t protocol,
                       const Address& source,
                       const Address& destination,
                       PacketType type);
    void ReceiveFromUplink(Ptr<NetDevice> device,
                           Ptr<const Packet> packet,
                           uint16_t protocol,
                           const Address& source,
                           const Address& destination,
                           PacketType type);
    /// Runs @p port's pipeline in @p direction on a packet and sends what it allows on,
    /// after the packet's CPU service time; @p deadline bounds a hold.
    void Run(vfp::Port& port,
             vfp::Direction direction,
             const VfpPacketCodec::Decoded& decoded,
             Ptr<const Packet> original,
             Time deadline);
    /// Sends @p packet (as the pipeline of @p port left it, going @p direction) on its way
    /// @p after from now: to its VM, to another VM here, or up the uplink.
    void Forward(vfp::Port& port,
                 vfp::Direction direction,
                 Ptr<Packet> packet,
                 const vfp::HeaderStack& out,
                 Ptr<const Packet> original,
                 Time after);
    /// Offers @p departure to the shaper for @p port's queue @p direction: it leaves now,
    /// waits, or is dropped (QosOverflow).
    void Shape(std::string port, vfp::Direction direction, Departure departure);
    /// Sends the packets whose QoS time came, and schedules the next release.
    void ReleaseQos();
    void ScheduleQosRelease();
    /// Sends a packet that passed QoS on its way.
    void Depart(const Departure& departure);
    /// Hands a packet one of our VMs sent to another VM here: @p port's inbound pipeline.
    void DeliverLocally(std::string port,
                        Ptr<Packet> packet,
                        vfp::EthernetHeader eth,
                        Ptr<const Packet> original);
    /// Sends a frame out of @p device with the Ethernet fields @p eth.
    void Transmit(Ptr<NetDevice> device, Ptr<Packet> packet, vfp::EthernetHeader eth);
    void Hold(vfp::Port& port,
              vfp::Direction direction,
              const VfpPacketCodec::Decoded& decoded,
              Ptr<const Packet> original,
              Time deadline);
    void ExpireHeld(std::string port, uint64_t id);
    void AnswerArp(const std::string& port, Ptr<NetDevice> device, Ptr<const Packet> packet);
    /// Fires @p cause's trace and the aggregate Drop (its name, then @p detail).
    void Drop(DropCause cause, Ptr<const Packet> packet, const std::string& detail = "");
    /// The trace source of @p cause.
    TracedCallback<Ptr<const Packet>>& CauseTrace(DropCause cause);
    /// Updates the gauges after @p port's state changed, and starts the sweep when state
    /// appeared.
    void UpdateGauges(vfp::Port& port, PortInfo& info);
    /// Expires every port's due state (ExpiryInterval); reschedules while state is left.
    void Sweep();
    /// What the host CPU is charged for a packet the engine handled as @p result.
    static vfp::PacketWork Work(const vfp::ProcessResult& result,
                                const VfpPacketCodec::Decoded& decoded,
                                Ptr<const Packet> original);
    /// Clamps the MSS of a SYN from a VM when the uplink MTU cannot carry the tunnel.
    Ptr<const Packet> ClampSyn(Ptr<const Packet> packet) const;
    /// Feeds an uplink packet to the reassembler: the packet, the whole datagram its
    /// fragment completed, or null while fragments wait (or were dropped).
    Ptr<const Packet> Reassemble(Ptr<const Packet> packet);
    /// Drops fragments whose datagram timed out, and schedules the next expiry.
    void ExpireFragments();
    /// Sends @p packet out of the uplink, fragmented when it is over the uplink's MTU.
    void SendUplink(Ptr<Packet> packet, vfp::EthernetHeader eth);
    vfp::PortConfig MakeConfig() const;

    Ptr<Node> m_node;                      //!< the host
    uint32_t m_ifIndex = 0;                //!< interface index on the host
    uint16_t m_mtu = 1500;                 //!< reported MTU
    Mac48Address m_address;                //!< the switch's own address (unused on the data path)
    Ptr<NetDevice> m_uplink;               //!< towards the fabric
    std::unique_ptr<vfp::Switch> m_engine; //!< the engine: ports and policy
    std::map<Ptr<NetDevice>, std::string> m_portNames;   //!< VM device -> port name
    std::map<std::string, Ptr<NetDevice>> m_portDevices; //!< port name -> VM device

    bool m_uftEnabled;                                    //!< attribute UftEnabled
    Time m_halfOpenTimeout;                               //!< attribute HalfOpenTimeout
    Time m_establishedTimeout;                            //!< attribute EstablishedTimeout
    Time m_timeWait;                                      //!< attribute TimeWait
    Time m_udpTimeout;                                    //!< attribute UdpTimeout
    uint32_t m_maxConnections;                            //!< attribute MaxConnections
    uint32_t m_maxUnifiedFlows;                           //!< attribute MaxUnifiedFlows
    Time m_expiryInterval;                                //!< attribute ExpiryInterval
    EventId m_expiry;                                     //!< the next sweep
    uint32_t m_holdQueueLength;                           //!< attribute HoldQueueLength
    Time m_holdTimeout;                                   //!< attribute HoldTimeout
    Ptr<VfpHostCpu> m_cpu;                                //!< attribute Cpu
    Ptr<VfpProgrammableNic> m_nic;                        //!< attribute Nic
    uint16_t m_tunnelOverhead;                            //!< attribute TunnelOverhead
    uint16_t m_nextIdentification = 0;                    //!< of the IPv4 headers pushed
    Ptr<VfpReassembler> m_reassembler;                    //!< uplink fragments (made on use)
    EventId m_reassemblyExpiry;                           //!< its next time-out
    std::map<std::string, std::deque<HeldPacket>> m_held; //!< by port
    std::map<std::string, std::shared_ptr<const VfpNeighborTable>> m_neighbors; //!< by port
    uint64_t m_nextHeldId = 0;                            //!< ids of held packets
    std::unordered_map<uint64_t, Departure> m_qosWaiting; //!< by shaper handle
    uint64_t m_nextQosHandle = 0;                         //!< handles given to the shaper
    EventId m_qosRelease;                                 //!< the shaper's next release
    double m_qosDue = 0; //!< the time (seconds) the shaper asked m_qosRelease for

    TracedCallback<Ptr<const Packet>, const std::string&> m_dropTrace;    //!< every drop, as text
    TracedCallback<Ptr<const Packet>, vfp::DropReason> m_engineDropTrace; //!< pipeline drops
    TracedCallback<Ptr<const Packet>> m_malformedDropTrace;               //!< DropCause::Malformed
    TracedCallback<Ptr<const Packet>> m_noPortDropTrace;                  //!< DropCause::NoPort
    TracedCallback<Ptr<const Packet>> m_cpuOverloadDropTrace;   //!< DropCause::CpuOverload
    TracedCallback<Ptr<const Packet>> m_holdOverflowDropTrace;  //!< DropCause::HoldOverflow
    TracedCallback<Ptr<const Packet>> m_holdTimeoutDropTrace;   //!< DropCause::HoldTimeout
    TracedCallback<Ptr<const Packet>> m_arpUnansweredDropTrace; //!< DropCause::ArpUnanswered
    TracedCallback<Ptr<const Packet>> m_mtuDropTrace;           //!< DropCause::MtuExceeded
    TracedCallback<Ptr<const Packet>> m_qosOverflowDropTrace;   //!< DropCause::QosOverflow
    TracedCallback<Ptr<const Packet>> m_fastPathTrace;          //!< unified flow hits
    TracedCallback<Ptr<const Packet>> m_slowPathTrace;          //!< packets that ran the layers
    TracedCallback<Ptr<const Packet>> m_holdTrace;              //!< packets put in a hold queue
    TracedValue<uint32_t> m_uftFlows;                           //!< unified flows over all ports
    TracedValue<uint32_t> m_connections;                        //!< tracked connections, all ports
    TracedValue<uint32_t> m_layerFlows;                         //!< layer flow pairs, all ports
    TracedValue<uint32_t> m_heldPackets;                        //!< packets in hold queues
    TracedValue<uint32_t> m_qosQueued;                          //!< packets in QoS queues

    std::unordered_map<const vfp::Port*, PortInfo> m_ports; //!< by port
};

} // namespace ns3

#endif
