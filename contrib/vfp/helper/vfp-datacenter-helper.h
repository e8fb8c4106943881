/*
 * VfpDatacenterHelper: builds a VL2-style datacenter (Greenberg et al., SIGCOMM 2009) in
 * which every host runs VFP, and its controllers.
 *
 * Fabric: racks of hosts under a top-of-rack router (ToR); each ToR is linked to two
 * aggregation routers, each aggregation router to every intermediate router (a folded
 * Clos). Routers are ns-3 IPv4 routers on point-to-point links with global routing; with
 * `ecmp`, ns-3's Ipv4GlobalRouting spreads packets over equal-cost paths (per packet:
 * ns-3.37 has no per-flow hashing). The fabric routes provider addresses (PA) only.
 *
 * Hosts: each host has a physical NIC on a two-node CSMA link to its ToR (CSMA rather
 * than point-to-point because switch uplinks need Ethernet addressing, as does
 * BridgeNetDevice in the baseline; ns-3.37's CSMA is half duplex) with the host's PA, a
 * VfpSwitchNetDevice over it, and VMs: ns-3 nodes whose VNIC is a CSMA link to a switch
 * port. VMs of tenant t get customer addresses (CA) in 10.0.0.0/16, the same space for
 * every tenant, so addresses overlap across tenants.
 *
 * Baseline (`switchType = Bridge`): the same nodes and links, but each host bridges its VMs
 * onto its NIC with ns-3's BridgeNetDevice and VMs get unique fabric-routed addresses
 * (the host's /28; no tenants, no policy, no tunnels).
 *
 * Controllers (InstallControllers, VFP only): a directory node on ToR 0 with the VL2
 * directory, a VnetHostAgent per host, and the VNET, ACL and metering controllers, each
 * on its own controller node (off the data path), each owning its layer on every port.
 */
#ifndef VFP_DATACENTER_HELPER_H
#define VFP_DATACENTER_HELPER_H

#include "vfp-helper.h"

#include "acl-controller.h"
#include "ns3/bridge-net-device.h"
#include "ns3/ipv4-address.h"
#include "metering-controller.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "vnet-controller.h"

#include <string>
#include <vector>

namespace ns3
{

class VfpDatacenterHelper
{
  public:
    enum class SwitchType
    {
        Vfp,    //!< VfpSwitchNetDevice on every host
        Bridge, //!< ns-3's BridgeNetDevice: the no-policy baseline
    };

    struct Options
    {
        uint32_t hosts = 64;            //!< physical hosts
        uint32_t hostsPerRack = 16;     //!< hosts under one ToR
        uint32_t aggregations = 4;      //!< aggregation routers
        uint32_t intermediates = 2;     //!< intermediate (core) routers
        uint32_t vmsPerHost = 8;        //!< VMs on each host (at most 13 for the bridge's /28)
        uint32_t tenants = 4;           //!< tenants; VM i of the datacenter is in tenant i % tenants
        std::string hostLinkRate = "10Gbps";   //!< host NIC <-> ToR
        Time hostLinkDelay = MicroSeconds(1);  //!< propagation, host <-> ToR
        std::string fabricLinkRate = "40Gbps"; //!< router <-> router
        Time fabricLinkDelay = MicroSeconds(2); //!< propagation, router <-> router
        std::string vmLinkRate = "10Gbps";     //!< VNIC <-> switch port
        SwitchType switchType = SwitchType::Vfp; //!< VFP or the bridge baseline
        bool ecmp = false;              //!< per-packet ECMP in the fabric
    };

    struct Host
    {
        Ptr<Node> node;                  //!< the physical host
        Ptr<NetDevice> nic;              //!< its NIC (the switch's uplink)
        Ipv4Address provider;            //!< its PA (VFP) or none (bridge)
        Mac48Address gatewayMac;         //!< the ToR's MAC on the host's link
        uint32_t rack = 0;               //!< its ToR
        Ptr<VfpSwitchNetDevice> vswitch; //!< VFP only
        Ptr<VnetHostAgent> agent;        //!< VFP with controllers only
        std::vector<uint32_t> vms;       //!< indices into Datacenter::vms
    };

    struct Vm
    {
        Ptr<Node> node;        //!< the VM
        Ptr<NetDevice> nic;    //!< its VNIC
        uint32_t host = 0;     //!< index into Datacenter::hosts
        uint32_t tenant = 0;   //!< its tenant
        Ipv4Address address;   //!< its CA (VFP) or its routed address (bridge)
        std::string port;      //!< its port's name on the host's switch ("vm<index>")
    };

    struct Datacenter
    {
        Options options;               //!< what was built
        std::vector<Host> hosts;       //!< physical hosts
        std::vector<Vm> vms;           //!< every VM
        NodeContainer tors;            //!< top-of-rack routers
        NodeContainer aggregations;    //!< aggregation routers
        NodeContainer intermediates;   //!< intermediate routers
        Ptr<Node> directoryNode;       //!< VL2 directory (InstallControllers)
        Ipv4Address directoryAddress;  //!< its PA
        Ptr<VnetDirectory> directory;  //!< the service
        Ptr<VnetController> vnet;      //!< controllers (InstallControllers)
        Ptr<AclController> acl;
        Ptr<MeteringController> metering;
    };

    /// Switch and CPU attributes go through this helper.
    VfpHelper& GetVfpHelper()
    {
        return m_vfp;
    }
    /**
     * Builds the fabric, the hosts and the VMs, for VFP also the directory node, the host
     * agents and the controllers (started at time zero; their attributes come from
     * Config::SetDefault), and populates global routing.
     * @throws std::invalid_argument naming the option when the options are impossible
     */
    Datacenter Build(const Options& options) const;
    /// The virtual network id of a tenant.
    static uint32_t VniOf(uint32_t tenant)
    {
        return 5000 + tenant;
    }

  private:
    /// Adds the directory, agents and controllers; returns the directory's link.
    NetDeviceContainer InstallControllers(Datacenter& dc) const;

    VfpHelper m_vfp; //!< installs the switches
};

} // namespace ns3

#endif
