/*
 * VfpDatacenterHelper: builds a VL2-style datacenter (Greenberg et al., SIGCOMM 2009) in
 * which every host runs VFP, and its controllers.
 *
 * Fabric: racks of hosts under a top-of-rack router (ToR); each ToR is linked to as many
 * aggregation routers as its hosts' capacity needs at the chosen oversubscription (VL2:
 * none), each aggregation router to every intermediate router (a folded Clos). Routers are
 * ns-3 IPv4 routers whose FabricRouting tables follow from the wiring, as VL2's do: every
 * host link lies in its rack's prefix, ToRs route their host links and send the rest up,
 * aggregation routers route their racks' prefixes down, intermediate routers route every
 * rack over the aggregation routers above it. With `ecmp` (the default) flows spread over
 * equal-cost next hops by 5-tuple hash. The fabric routes provider addresses (PA) only.
 *
 * Links: every link, host to ToR, router to router and VNIC to switch port, is a
 * full-duplex Ethernet link (FullDuplexEthernetNetDevice) whose every port is a drop-tail
 * buffer of `portBuffer` that CE-marks ECN-capable packets above `ecnThreshold` when
 * `ecn` is set. No queue disc is installed anywhere, so VFP and the bridge baseline queue
 * identically and differ in the switch alone. Host and fabric links carry `fabricMtu`,
 * VNICs `vmMtu`; when the fabric MTU cannot carry the tunnel's overhead, the switches
 * clamp TCP's MSS and fragment other packets (docs/mtu.md).
 *
 * Hosts: each host has a physical NIC linked to its ToR with the host's PA, a
 * VfpSwitchNetDevice over it, and VMs: ns-3 nodes whose VNIC is linked to a switch port.
 * VMs of tenant t get customer addresses (CA) in 10.0.0.0/16, the same space for every
 * tenant, so addresses overlap across tenants.
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
#include "full-duplex-ethernet-helper.h"
#include "metering-controller.h"
#include "ns3/bridge-net-device.h"
#include "ns3/data-rate.h"
#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/queue-size.h"
#include "qos-controller.h"
#include "slb-controller.h"
#include "vfp-helper.h"
#include "vip-spread-routing.h"
#include "vnet-controller.h"

#include <memory>
#include <string>
#include <vector>

namespace ns3
{

class VfpDatacenterHelper
{
    struct FabricPlan; // the links and prefixes the fabric's routes are computed from

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
        uint32_t intermediates = 4; //!< intermediate (core) routers
        uint32_t vmsPerHost = 8;    //!< VMs on each host (at most 13 for the bridge's /28)
        uint32_t tenants = 4;       //!< tenants; VM i of the datacenter is in tenant i % tenants
        // Links (docs/datacenter.md, "Links"): every link is full-duplex Ethernet.
        DataRate hostLinkRate{"10Gbps"};        //!< host NIC <-> ToR (VL2's servers: 1-10 GbE)
        Time hostLinkDelay = MicroSeconds(1);   //!< host <-> ToR propagation (200 m of fibre)
        DataRate fabricLinkRate{"40Gbps"};      //!< router <-> router
        Time fabricLinkDelay = MicroSeconds(2); //!< router <-> router (400 m of fibre)
        DataRate vmLinkRate{"100Gbps"};         //!< VNIC <-> switch port: a memory copy in Hyper-V
        Time vmLinkDelay = Seconds(0);          //!< VNIC <-> switch port
        /// A ToR's hosts' link capacity over its uplinks' (and likewise at the aggregation
        /// layer): 1 is VL2's non-oversubscribed design; rounded up to whole links.
        double oversubscription = 1;
        uint16_t vmMtu = 1500;         //!< IP MTU of the VNICs
        uint16_t fabricMtu = 0;        //!< IP MTU of host and fabric links; 0: vmMtu + 50 (VXLAN)
        QueueSize portBuffer{"200KB"}; //!< each port's drop-tail buffer, every device
        bool ecn = false;              //!< CE-mark ECN-capable packets above ecnThreshold
        QueueSize ecnThreshold{"97500B"};        //!< DCTCP's K: 65 full frames (Alizadeh 2010, 10G)
        SwitchType switchType = SwitchType::Vfp; //!< VFP or the bridge baseline
        /// VFP only: a VfpProgrammableNic under every switch (its attributes from
        /// Config::SetDefault), which takes offloaded unified flows (docs/nic.md).
        bool nic = false;
        bool ecmp = true; //!< per-flow ECMP in the fabric (else one path)
        /// VFP only: every VM's transmit and receive caps (QosController; 0: none).
        DataRate vmTxCap{0};
        DataRate vmRxCap{0};
        // Ananta (VFP only; none unless muxes > 0):
        uint32_t muxes = 0;      //!< Muxes behind the border router
        uint32_t vips = 0;       //!< load-balanced VIPs (203.0.113.1, .2, ...), port 80
        uint32_t dipsPerVip = 4; //!< DIPs behind each VIP (VMs of one tenant, port 5000)
        uint32_t clients = 0;    //!< client nodes outside the datacenter
        uint32_t servers = 0;    //!< server nodes outside, that VMs connect to (SNAT)

        /// The fabric MTU in force (fabricMtu, or its default).
        uint16_t GetFabricMtu() const { return fabricMtu ? fabricMtu : uint16_t(vmMtu + 50); }
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
        Ptr<QosController> qos; //!< caps and reservations (paper §7.3)
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
        std::shared_ptr<FabricPlan> fabric; //!< what the routes are computed from (SetLinkUp)
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
    /// The links SetLinkUp takes, by name: "hostH" (host H's NIC to its ToR), "torR-aggA"
    /// (ToR R to aggregation router A) and "aggA-intI" (A to intermediate router I).
    static std::vector<std::string> LinkNames(const Datacenter& dc);
    /**
     * Cuts (@p up false) or mends link @p name now, and computes every fabric router's
     * routes again around the links that are down. The fabric converges at once: a model
     * of a routing protocol's convergence (BGP or OSPF take tens of milliseconds to
     * seconds) is not built, so packets are lost only where no path is left or in flight
     * on the link when it goes down. A ToR whose uplinks all lead to aggregation routers
     * without a link up to the core still sends up over them.
     * @return the routes (prefixes) in every fabric router after the change
     */
    static size_t SetLinkUp(Datacenter& dc, const std::string& name, bool up);
    /// A whole ToR down (@p up false) or back: every link of ToR @p tor (its hosts', its
    /// uplinks', the infrastructure servers' on ToR 0) as SetLinkUp; returns the routes.
    static size_t SetTorUp(Datacenter& dc, uint32_t tor, bool up);
    /**
     * Mux @p mux fails (@p up false) or comes back: its link is cut and the border router
     * withdraws its route at once (VipSpreadRouting::SetMuxUp), so its flows re-hash over
     * the other Muxes, which pick the same DIP for a flow (rendezvous hashing): admitted
     * connections survive, bar packets in flight on the failed Mux's link.
     */
    static void SetMuxUp(Datacenter& dc, uint32_t mux, bool up);
    /// Bytes the VNET tunnel @p encapsulation ("vxlan" or "nvgre") adds on the fabric.
    static uint16_t TunnelOverhead(const std::string& encapsulation);
    /// The tenant of VM @p vm in a datacenter built with @p options.
    static uint32_t TenantOf(const Options& options, uint32_t vm) { return vm % options.tenants; }
    /// The virtual network id of a tenant.
    static uint32_t VniOf(uint32_t tenant) { return 5000 + tenant; }

private:
    /// Refuses impossible options (naming the option) before anything is built.
    static void Validate(const Options& options);
    /// Uplinks each ToR needs for its hosts at the options' oversubscription.
    static uint32_t TorUplinks(const Options& options);
    /// A link helper with @p rate, @p delay and @p mtu, and the options' buffers and ECN.
    static FullDuplexEthernetHelper LinkHelper(const Options& options,
                                               DataRate rate,
                                               Time delay,
                                               uint16_t mtu);
    /// Wires ToRs to aggregation routers and those to the intermediate routers.
    static void BuildFabric(Datacenter& dc, FabricPlan& plan);
    /// Adds host @p h, its NIC and its VMs.
    void AddHost(Datacenter& dc,
                 FabricPlan& plan,
                 uint32_t h,
                 std::vector<uint32_t>& tenantSize) const;
    /// Gives host @p host's VMs their addresses and ports on the host's VFP switch.
    void AttachVfpVms(Datacenter& dc,
                      Host& host,
                      const NetDeviceContainer& hostPorts,
                      std::vector<uint32_t>& tenantSize) const;
    /// Sets every switch's MSS clamp when the fabric MTU cannot carry the tunnel overhead.
    static void ClampMss(Datacenter& dc);
    /// Removes the queue discs Ipv4AddressHelper installed on nodes from @p firstNode on:
    /// ports queue in their devices.
    static void RemoveQueueDiscs(uint32_t firstNode);
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
