/*
 * VfpDatacenterHelper: builds a VL2-style datacenter (Greenberg et al., SIGCOMM 2009) in
 * which every host runs VFP, and its controllers.
 *
 * Fabric: racks of hosts under a top-of-rack router (ToR); each ToR is linked to two
 * aggregation routers, each aggregation router to every intermediate router (a folded
 * Clos). Routers are ns-3 IPv4 routers on point-to-point links whose FabricRouting tables
 * follow from the wiring, as VL2's do: every host link lies in its rack's prefix, ToRs
 * route their host links and send the rest up, aggregation routers route their racks'
 * prefixes down, intermediate routers route every rack over the aggregation routers
 * above it. With `ecmp` (the default) flows spread over equal-cost next hops by 5-tuple
 * hash. The fabric routes provider addresses (PA) only.
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
 * Controllers (VFP only): a directory node on ToR 0 with the VL2 directory, a
 * VnetHostAgent per host, and the VNET, ACL and metering controllers, each on its own
 * controller node (off the data path), each owning its layer on every port.
 *
 * Ananta (VFP, muxes > 0): a border router linked to every intermediate router, the Muxes,
 * clients and servers on links of their own to it (outside addresses in 198.18.0.0/15),
 * the SLB manager on ToR 0, an SlbHostAgent per host, and VIPs 203.0.113.x whose DIPs are
 * VMs of one tenant each. The border router spreads VIP traffic over the Muxes by flow
 * hash (VipSpreadRouting); replies leave the hosts straight for the clients.
 */
#ifndef VFP_DATACENTER_HELPER_H
#define VFP_DATACENTER_HELPER_H

#include "acl-controller.h"
#include "fabric-routing.h"
#include "metering-controller.h"
#include "ns3/bridge-net-device.h"
#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "slb-controller.h"
#include "vfp-helper.h"
#include "vip-spread-routing.h"
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
        uint32_t hosts = 64;        //!< physical hosts
        uint32_t hostsPerRack = 16; //!< hosts under one ToR
        uint32_t aggregations = 4;  //!< aggregation routers
        uint32_t intermediates = 2; //!< intermediate (core) routers
        uint32_t vmsPerHost = 8;    //!< VMs on each host (at most 13 for the bridge's /28)
        uint32_t tenants = 4;       //!< tenants; VM i of the datacenter is in tenant i % tenants
        std::string hostLinkRate = "10Gbps";     //!< host NIC <-> ToR
        Time hostLinkDelay = MicroSeconds(1);    //!< propagation, host <-> ToR
        std::string fabricLinkRate = "40Gbps";   //!< router <-> router
        Time fabricLinkDelay = MicroSeconds(2);  //!< propagation, router <-> router
        std::string vmLinkRate = "10Gbps";       //!< VNIC <-> switch port
        SwitchType switchType = SwitchType::Vfp; //!< VFP or the bridge baseline
        bool ecmp = true;                        //!< per-flow ECMP in the fabric (else one path)
        // Ananta (VFP only; none unless muxes > 0):
        uint32_t muxes = 0;      //!< Muxes behind the border router
        uint32_t vips = 0;       //!< load-balanced VIPs (203.0.113.1, .2, ...), port 80
        uint32_t dipsPerVip = 4; //!< DIPs behind each VIP (VMs of one tenant, port 5000)
        uint32_t clients = 0;    //!< client nodes outside the datacenter
        uint32_t servers = 0;    //!< server nodes outside, that VMs connect to (SNAT)
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
        Ptr<SlbHostAgent> slbAgent;      //!< with Ananta only
        std::vector<uint32_t> vms;       //!< indices into Datacenter::vms
    };

    struct Vm
    {
        Ptr<Node> node;      //!< the VM
        Ptr<NetDevice> nic;  //!< its VNIC
        uint32_t host = 0;   //!< index into Datacenter::hosts
        uint32_t tenant = 0; //!< its tenant
        Ipv4Address address; //!< its CA (VFP) or its routed address (bridge)
        std::string port;    //!< its port's name on the host's switch ("vm<index>")
    };

    /// A load-balanced VIP.
    struct Vip
    {
        Ipv4Address address;        //!< the VIP
        uint16_t port = 80;         //!< clients connect here
        uint16_t dipPort = 5000;    //!< DIPs serve here
        std::vector<uint32_t> dips; //!< indices into Datacenter::vms
    };

    struct Datacenter
    {
        Options options;              //!< what was built
        std::vector<Host> hosts;      //!< physical hosts
        std::vector<Vm> vms;          //!< every VM
        NodeContainer tors;           //!< top-of-rack routers
        NodeContainer aggregations;   //!< aggregation routers
        NodeContainer intermediates;  //!< intermediate routers
        Ptr<Node> directoryNode;      //!< VL2 directory (InstallControllers)
        Ipv4Address directoryAddress; //!< its PA
        Ptr<VnetDirectory> directory; //!< the service
        Ptr<VnetController> vnet;     //!< controllers (InstallControllers)
        Ptr<AclController> acl;
        Ptr<MeteringController> metering;
        // Ananta (Options::muxes > 0)
        Ptr<Node> border;               //!< border router: the Internet side of the fabric
        NodeContainer muxNodes;         //!< the Mux pool
        std::vector<Ptr<SlbMux>> muxes; //!< their Mux applications
        Ptr<VipSpreadRouting> spread;   //!< the border router's flow hash over Muxes
        Ptr<SlbController> slb;         //!< the SLB manager and NAT layer controller
        std::vector<Vip> vips;          //!< load-balanced VIPs
        NodeContainer clients;          //!< outside the datacenter, connecting to VIPs
        std::vector<Ipv4Address> clientAddresses;
        NodeContainer servers; //!< outside, that VMs connect to through SNAT
        std::vector<Ipv4Address> serverAddresses;
    };

    /// Switch and CPU attributes go through this helper.
    VfpHelper& GetVfpHelper() { return m_vfp; }
    /**
     * Builds the fabric, the hosts and the VMs, for VFP also the directory node, the host
     * agents and the controllers (started at time zero; their attributes come from
     * Config::SetDefault), and fills every router's FabricRouting.
     * @throws std::invalid_argument naming the option when the options are impossible
     */
    Datacenter Build(const Options& options) const;
    /// Every tenant's customer address space (they overlap): 10.0.0.0/16.
    static Ipv4Address CustomerPrefix() { return Ipv4Address("10.0.0.0"); }
    static Ipv4Mask CustomerMask() { return Ipv4Mask("255.255.0.0"); }
    /// The SLB controller's view of VM @p vm as a DIP.
    static SlbController::Dip MakeDip(const Datacenter& dc, uint32_t vm);
    /**
     * A controller change while traffic runs: the VMs @p joining join VIP @p vip (their
     * ports are programmed, then the Muxes learn them) and the VMs @p leaving leave it (new
     * flows avoid them, their existing connections continue). Swapping one DIP, or moving
     * the VIP to other VMs altogether, are both this.
     */
    static void ReplaceDips(Datacenter* dc,
                            uint32_t vip,
                            std::vector<uint32_t> leaving,
                            std::vector<uint32_t> joining);
    /// The virtual network id of a tenant.
    static uint32_t VniOf(uint32_t tenant) { return 5000 + tenant; }

private:
    struct FabricPlan; // the links and prefixes the fabric's routes are computed from

    /// Adds the directory, agents and controllers.
    void InstallControllers(Datacenter& dc, FabricPlan& plan) const;
    /// Adds the border router, Muxes, SLB manager, VIPs and outside nodes.
    void InstallAnanta(Datacenter& dc, FabricPlan& plan) const;
    /// Links @p server to ToR 0 on the /30 @p network; returns its address.
    static Ipv4Address AttachServer(Datacenter& dc,
                                    FabricPlan& plan,
                                    Ptr<Node> server,
                                    Ipv4Address network);

    VfpHelper m_vfp; //!< installs the switches
};

} // namespace ns3

#endif
