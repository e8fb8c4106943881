/*
 * UserPolicyController: a controller of the user's own whose policy is data, not C++.
 * It reads layers (and the port resources they use) in the policy JSON format
 * (docs/policy-format.md) from a user policy file and programs them, through the same
 * VFPAPI and ProgrammingLatency as every other controller, on the ports it is given,
 * alongside the built-in controllers' layers. The file (docs/tutorial.md):
 *
 *   {"version": 1,
 *    "apply_to": {"vms": [0, 3], "tenants": [1]},   optional; absent: every VM
 *    "layers": [layer, ...],                         as in policy.json
 *    "resources": {"name": resource, ...}}           optional, created on each port
 *
 * UserPolicyHelper resolves "apply_to" in a datacenter and checks the layers against the
 * ones the built-in controllers own before anything is installed.
 */
#ifndef USER_POLICY_CONTROLLER_H
#define USER_POLICY_CONTROLLER_H

#include "vfp-controller.h"

#include <map>
#include <optional>

namespace ns3
{

/// A user policy file, read.
struct UserPolicy
{
    std::vector<vfp::LayerSpec> layers;                 //!< programmed in this order
    std::map<std::string, vfp::ResourceSpec> resources; //!< created before the layers
    std::optional<std::vector<uint32_t>> vms;           //!< apply_to.vms (VM indices)
    std::optional<std::vector<uint32_t>> tenants;       //!< apply_to.tenants

    /**
     * Reads @p file.
     * @throws vfp::PolicyError "<file>: <path>: <what was expected>" for bad input, and for
     *         two layers of the file sharing a name or a priority
     */
    static UserPolicy Load(const std::string& file);
    /**
     * Reads @p file holding layers alone, {"layers": [...]} ("version" optional): the
     * datacenter event file's set_policy, whose event names the ports.
     * @throws vfp::PolicyError as Load
     */
    static UserPolicy LoadLayers(const std::string& file);
};

class UserPolicyController : public VfpController
{
public:
    static TypeId GetTypeId();

    /// What every port added from now on is programmed with.
    void SetPolicy(const UserPolicy& policy);
    /// The policy's layers.
    std::vector<LayerClaim> GetLayerClaims() const override;

    /// Called when a change has landed: layers created (or removed) and, of those
    /// created, how many replaced a layer of the same name; @p refused is empty, or the
    /// switch's reason for refusing a layer (the layers before it stay programmed, and a
    /// layer of the refused one's name is already deleted).
    using Landed =
        std::function<void(uint32_t changed, uint32_t replaced, const std::string& refused)>;
    /**
     * Programs @p policy's layers on one port now, after ProgrammingLatency as every
     * change: a layer of the same name already on the port is deleted first (whichever
     * controller made it). The port need not be one of this controller's. A layer the
     * switch refuses (a rule naming a resource the port does not have, say) ends the
     * change there and is reported to @p landed, not fatal.
     */
    void Apply(Ptr<VfpSwitchNetDevice> vswitch,
               const std::string& port,
               const UserPolicy& policy,
               Landed landed);
    /// Deletes @p layer from one port, if it is there (@p landed gets 1 or 0).
    void RemoveLayer(Ptr<VfpSwitchNetDevice> vswitch,
                     const std::string& port,
                     const std::string& layer,
                     Landed landed);

protected:
    void Configure(const ManagedPort& managed, vfp::Port& port) override;

private:
    UserPolicy m_policy; //!< the user's layers and resources
};

} // namespace ns3

#endif
