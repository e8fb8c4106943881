/*
 * UserPolicyHelper: puts a user's policy file into a datacenter (the datacenter scenario's
 * --policy). It reads the file (UserPolicy::Load), resolves "apply_to" to the VMs' ports,
 * checks every layer against the layers the datacenter's built-in controllers own (a name
 * or a priority already taken is refused: which layer sees a packet first would
 * otherwise depend on who programmed first), and installs a UserPolicyController on a
 * controller node of its own, started with the others.
 */
#ifndef USER_POLICY_HELPER_H
#define USER_POLICY_HELPER_H

#include "user-policy-controller.h"
#include "vfp-datacenter-helper.h"

namespace ns3
{

class UserPolicyHelper
{
public:
    /// A layer a built-in controller of the datacenter owns.
    struct OwnedLayer
    {
        VfpController::LayerClaim claim; //!< the layer
        std::string owner;               //!< its controller's type
    };
    /// The layers the built-in controllers (metering, ACL, SLB, VNET) of @p dc own.
    static std::vector<OwnedLayer> BuiltInLayers(const VfpDatacenterHelper::Datacenter& dc);

    /**
     * Installs the policy in @p file on the ports it names in @p dc (a VFP datacenter).
     * @throws std::invalid_argument "<file>: <field>: <reason>" for bad input, a VM or
     *         tenant that does not exist, or a layer that clashes with a built-in one
     */
    static Ptr<UserPolicyController> Install(VfpDatacenterHelper::Datacenter& dc,
                                             const std::string& file);
    /// The same for a policy already read; @p source names it in errors.
    static Ptr<UserPolicyController> Install(VfpDatacenterHelper::Datacenter& dc,
                                             const UserPolicy& policy,
                                             const std::string& source);

private:
    /// The VMs (indices into dc.vms) the policy applies to, in order.
    static std::vector<uint32_t> Targets(const VfpDatacenterHelper::Datacenter& dc,
                                         const UserPolicy& policy,
                                         const std::string& source);
    /// Throws when a layer of @p policy takes a name or priority a built-in controller owns.
    static void CheckClashes(const VfpDatacenterHelper::Datacenter& dc,
                             const UserPolicy& policy,
                             const std::string& source);
};

} // namespace ns3

#endif
