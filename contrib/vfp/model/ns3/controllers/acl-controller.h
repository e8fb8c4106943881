/*
 * AclController: a stateful firewall controller (paper §3). Its layer on each port has an
 * infrastructure group, whose block rules are terminating (the operator's rules win over
 * anything the customer allows), and a customer group: every outbound connection is
 * allowed statefully (its replies come back), inbound connections only to the listed
 * ports. Everything else is blocked.
 */
#ifndef ACL_CONTROLLER_H
#define ACL_CONTROLLER_H

#include "vfp-controller.h"

namespace ns3
{

class AclController : public VfpController
{
public:
    static TypeId GetTypeId();
    /// The "acl" layer, at attribute LayerPriority.
    std::vector<LayerClaim> GetLayerClaims() const override;

    /// The layer's rules for one port, as the controller programs them.
    vfp::LayerSpec MakeLayer() const;

protected:
    void Configure(const ManagedPort& managed, vfp::Port& port) override;
    std::vector<vfp::LayerSpec> MakeLayers(const ManagedPort& managed) const override;

private:
    std::string m_allowedInbound; //!< attribute AllowedInboundPorts
    std::string m_blocked;        //!< attribute BlockedPorts
    int32_t m_layerPriority;      //!< attribute LayerPriority
};

} // namespace ns3

#endif
