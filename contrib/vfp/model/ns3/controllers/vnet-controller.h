/*
 * VnetController: the VL2-style virtual network controller (paper §3, Figure 4). It owns
 * one layer on each of its ports, at the network side: outbound, packets to the virtual
 * network's prefix are encapsulated (VXLAN, or NVGRE) towards the provider address their
 * destination's mapping gives; inbound, tunnelled packets of the port's virtual network
 * are decapsulated, any other virtual network's are blocked, which is what isolates
 * tenants whose customer address spaces overlap.
 *
 * Traffic to addresses outside the virtual network's prefix leaves through a virtual
 * gateway (the prefix's last address but one; the switch answers ARP for it with
 * GATEWAY_MAC) to the host's ToR, untunnelled: that is how VMs reach the internet and
 * how a load balancer's Direct Server Return leaves.
 *
 * Each port gets a CA -> PA mapping resource. By default it starts empty and misses are
 * resolved on demand by the host's VnetHostAgent through the directory service (VL2's
 * way); PreloadMappings programs every mapping up front instead. The controller writes
 * the directory's records, and programs the switch's ARP answers for the VMs of each
 * virtual network (their MACs are the controller's knowledge, not learnt).
 *
 * Anti-spoofing (AntiSpoofing, on by default): a second layer, "vnet-source", nearest the
 * VM, lets a VM send only from its own MAC and customer address; anything else is
 * dropped there (default_block) before any other layer sees it. It sits below the SLB
 * layer, which rewrites a DIP's source to its VIP after the check.
 */
#ifndef VNET_CONTROLLER_H
#define VNET_CONTROLLER_H

#include "ns3/ipv4-address.h"
#include "ns3/mac48-address.h"
#include "vfp-controller.h"
#include "vnet-directory.h"
#include "vnet-host-agent.h"

#include <map>
#include <memory>

namespace ns3
{

class VnetController : public VfpController
{
public:
    static TypeId GetTypeId();
    /// The "vnet" layer, at attribute LayerPriority, and with AntiSpoofing the
    /// "vnet-source" layer at SourceLayerPriority.
    std::vector<LayerClaim> GetLayerClaims() const override;

    /// A VM's VNIC as the controller knows it.
    struct Vm
    {
        uint32_t vni = 0;                //!< its virtual network
        Ipv4Address customer;            //!< its CA
        Mac48Address mac;                //!< its VNIC's MAC
        Ptr<VfpSwitchNetDevice> vswitch; //!< its host's switch
        std::string port;                //!< its port there
        Ptr<VnetHostAgent> agent;        //!< its host's agent (resolves misses)
        Ipv4Address provider;            //!< its host's PA
        Mac48Address uplinkMac;          //!< its host's NIC MAC (outer source)
        Mac48Address gatewayMac;         //!< the ToR's MAC on that link (outer destination)
    };

    /// The MAC the virtual gateway answers ARP with (Azure's, as in the paper's examples).
    static constexpr const char* GATEWAY_MAC = "12:34:56:78:9a:bc";
    /// The virtual gateway of a prefix: its last address but one.
    static Ipv4Address GatewayOf(Ipv4Address prefix, Ipv4Mask mask);

    /// Declares a virtual network and its customer prefix (e.g. 10.0.0.0/16).
    void AddVirtualNetwork(uint32_t vni, Ipv4Address prefix, Ipv4Mask mask);
    /// Adds a VM: its port comes under this controller, the directory learns its address.
    void AddVm(const Vm& vm);
    /// The directory the controller writes its records to.
    void SetDirectory(Ptr<VnetDirectory> directory);

    /// The mapping resource's name on the ports of @p vni.
    static std::string MappingName(uint32_t vni);

protected:
    void DoDispose() override;
    /// The port's mapping resource, its miss handler, the "vnet" layer and the neighbours.
    void Configure(const ManagedPort& managed, vfp::Port& port) override;
    /// The "vnet" layer: encap to the virtual network, decap of its key.
    std::vector<vfp::LayerSpec> MakeLayers(const ManagedPort& managed) const override;

private:
    /// The VM behind @p managed.
    const Vm& VmOf(const ManagedPort& managed) const;
    /// The "vnet-source" layer of @p vm: outbound only from its MAC and its CA.
    vfp::LayerSpec MakeSourceLayer(const Vm& vm) const;

    /// A virtual network.
    struct Network
    {
        Ipv4Address prefix;                          //!< customer prefix
        Ipv4Mask mask;                               //!< its mask
        Ipv4Address gateway;                         //!< the virtual gateway
        std::shared_ptr<VfpNeighborTable> neighbors; //!< CA -> MAC, for ARP
        std::map<uint32_t, uint32_t> mappings;       //!< CA -> PA, for preloading
    };

    std::string m_encapsulation;            //!< attribute Encapsulation
    int32_t m_layerPriority;                //!< attribute LayerPriority
    bool m_preload;                         //!< attribute PreloadMappings
    bool m_holdOnMiss;                      //!< attribute HoldOnMiss
    bool m_antiSpoofing;                    //!< attribute AntiSpoofing
    int32_t m_sourceLayerPriority;          //!< attribute SourceLayerPriority
    Ptr<VnetDirectory> m_directory;         //!< where records go
    std::map<uint32_t, Network> m_networks; //!< by VNI
    std::map<std::string, Vm> m_vms;        //!< by port name
};

} // namespace ns3

#endif
