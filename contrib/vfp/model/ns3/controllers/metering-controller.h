/*
 * MeteringController: the billing controller (paper §3). Its layer sits next to the VM
 * (lowest priority): it allows everything and counts packets and bytes per remote prefix
 * in each direction, longest prefix first, into the port's meters "out:<name>" and
 * "in:<name>" (bytes as the VM sent or receives them, Ethernet header included).
 */
#ifndef METERING_CONTROLLER_H
#define METERING_CONTROLLER_H

#include "vfp-controller.h"

#include <utility>
#include <vector>

namespace ns3
{

class MeteringController : public VfpController
{
public:
    static TypeId GetTypeId();
    /// The "metering" layer, at attribute LayerPriority.
    std::vector<LayerClaim> GetLayerClaims() const override;

    /// Bills traffic to and from @p prefix (e.g. "10.0.1.0/24") under @p name.
    void AddDestination(const std::string& prefix, const std::string& name);

protected:
    void Configure(const ManagedPort& managed, vfp::Port& port) override;
    /// The "metering" layer: a meter per destination, each way.
    std::vector<vfp::LayerSpec> MakeLayers(const ManagedPort& managed) const override;

private:
    int32_t m_layerPriority;                                         //!< attribute LayerPriority
    std::vector<std::pair<std::string, std::string>> m_destinations; //!< (prefix, name)
};

} // namespace ns3

#endif
