/*
 * SlbController: Ananta's SLB manager and the controller of the NAT layer on every DIP's
 * port (paper §3, Figure 4: below the ACL layer, above VNET). It owns the VIP
 * configuration and pushes it to the Muxes, programs each DIP's port, and hands out SNAT
 * port ranges over UDP to the host agents that run out.
 *
 * The layer "slb" on a DIP's port:
 *  - inbound: a stateful NAT of VIP:port to the DIP's customer address and port; the flow
 *    pair rewrites the replies back to VIP:port, and they leave the host directly for the
 *    client (Direct Server Return; VNET sends them to the ToR untunnelled);
 *  - outbound: traffic inside the virtual network passes untouched; a connection to
 *    anywhere else is SNATed to the VIP, with a port from the DIP's range list
 *    ("snat-<VIP>"), which starts with one range. Exhaustion holds the connection and asks
 *    the agent; ports come back to the list after TIME_WAIT (the engine pins them).
 */
#ifndef SLB_CONTROLLER_H
#define SLB_CONTROLLER_H

#include "ns3/ipv4-address.h"
#include "ns3/socket.h"
#include "slb-host-agent.h"
#include "slb-mux.h"
#include "vfp-controller.h"

#include <map>
#include <vector>

namespace ns3
{

class SlbController : public VfpController
{
public:
    static TypeId GetTypeId();
    /// The "slb" layer, at attribute LayerPriority.
    std::vector<LayerClaim> GetLayerClaims() const override;

    /// A DIP: a VM's port and where it lives.
    struct Dip
    {
        Ptr<VfpSwitchNetDevice> vswitch; //!< its host's switch
        std::string port;                //!< its port there
        Ptr<SlbHostAgent> agent;         //!< its host's SLB agent
        SlbDip where;                    //!< its host PA, VNI, MAC and customer address
    };

    void AddMux(Ptr<SlbMux> mux);
    /// A load-balanced VIP: clients connect to @p vip:@p port (TCP), DIPs serve on @p dipPort.
    void AddVip(Ipv4Address vip, uint16_t port, uint16_t dipPort);
    /// Puts a DIP behind @p vip; while running, its port is programmed and then the Muxes
    /// learn it (new flows may go there; existing flows stay where they are).
    void AddDip(Ipv4Address vip, const Dip& dip);
    /// Takes a DIP out of @p vip's list on every Mux: new flows avoid it, existing flows
    /// keep going to it (Mux per-flow state).
    void RemoveDip(Ipv4Address vip, const SlbDip& dip);

    uint64_t GetGrants() const { return m_grants; }
    uint64_t GetRefusals() const { return m_refusals; }
    /// The SNAT range list's name on a DIP's port.
    static std::string SnatName(Ipv4Address vip);

protected:
    void DoDispose() override;
    void StartApplication() override;
    void StopApplication() override;
    void Configure(const ManagedPort& managed, vfp::Port& port) override;

private:
    struct Vip
    {
        uint16_t port;         //!< what clients connect to
        uint16_t dipPort;      //!< what DIPs serve on
        std::vector<Dip> dips; //!< behind it
        uint32_t nextSnatPort; //!< the next range starts here
    };

    /// Tells every Mux @p vip's DIP list.
    void PushEndpoint(Ipv4Address vip);
    /// Hands out the next range of @p vip's ports to @p owner, telling the Muxes first.
    bool Allocate(Ipv4Address vip, const SlbDip& owner, vfp::PortRange& range);
    void Receive(Ptr<Socket> socket);

    uint16_t m_managerPort;       //!< attribute ManagerPort
    uint16_t m_rangeSize;         //!< attribute SnatRangeSize
    uint16_t m_firstSnatPort;     //!< attribute FirstSnatPort
    int32_t m_layerPriority;      //!< attribute LayerPriority
    std::string m_virtualNetwork; //!< attribute VirtualNetworkPrefix
    bool m_holdOnExhaustion;      //!< attribute HoldOnExhaustion
    Time m_serviceTime;           //!< attribute ServiceTime
    std::vector<Ptr<SlbMux>> m_muxes;
    std::map<uint32_t, Vip> m_vips; //!< by VIP
    std::map<std::pair<uint32_t, std::string>, std::pair<uint32_t, Dip>>
        m_dipsByPort; //!< (node, port) -> (VIP, DIP)
    Ptr<Socket> m_socket;
    uint64_t m_grants = 0;
    uint64_t m_refusals = 0;
};

} // namespace ns3

#endif
