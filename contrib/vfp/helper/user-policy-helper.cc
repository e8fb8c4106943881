#include "user-policy-helper.h"

#include <fmt/format.h>
#include <set>
#include <stdexcept>

namespace ns3
{

Ptr<UserPolicyController>
UserPolicyHelper::Install(VfpDatacenterHelper::Datacenter& dc, const std::string& file)
{
    UserPolicy policy;
    try
    {
        policy = UserPolicy::Load(file);
    }
    catch (const vfp::PolicyError& error)
    {
        throw std::invalid_argument(error.what());
    }
    return Install(dc, policy, file);
}

Ptr<UserPolicyController>
UserPolicyHelper::Install(VfpDatacenterHelper::Datacenter& dc,
                          const UserPolicy& policy,
                          const std::string& source)
{
    if (dc.options.switchType != VfpDatacenterHelper::SwitchType::Vfp)
    {
        throw std::invalid_argument(source +
                                    ": a user policy needs the VFP switch, not the bridge");
    }
    CheckClashes(dc, policy, source);
    Ptr<UserPolicyController> controller = CreateObject<UserPolicyController>();
    controller->SetPolicy(policy);
    for (uint32_t vm : Targets(dc, policy, source))
    {
        controller->AddPort(dc.hosts[dc.vms[vm].host].vswitch, dc.vms[vm].port);
    }
    Ptr<Node> node = CreateObject<Node>(); // a controller node of its own, as the others
    node->AddApplication(controller);
    return controller;
}

std::vector<UserPolicyHelper::OwnedLayer>
UserPolicyHelper::BuiltInLayers(const VfpDatacenterHelper::Datacenter& dc)
{
    std::vector<OwnedLayer> owned;
    for (const Ptr<VfpController>& controller :
         std::vector<Ptr<VfpController>>{dc.metering, dc.acl, dc.slb, dc.vnet})
    {
        for (const VfpController::LayerClaim& claim :
             controller ? controller->GetLayerClaims() : std::vector<VfpController::LayerClaim>{})
        {
            owned.push_back(OwnedLayer{claim, controller->GetInstanceTypeId().GetName()});
        }
    }
    return owned;
}

std::vector<uint32_t>
UserPolicyHelper::Targets(const VfpDatacenterHelper::Datacenter& dc,
                          const UserPolicy& policy,
                          const std::string& source)
{
    const uint32_t vmCount = dc.vms.size();
    if (!policy.vms && !policy.tenants)
    {
        std::vector<uint32_t> all(vmCount);
        for (uint32_t vm = 0; vm < vmCount; ++vm)
        {
            all[vm] = vm;
        }
        return all;
    }
    std::set<uint32_t> chosen;
    for (size_t i = 0; policy.vms && i < policy.vms->size(); ++i)
    {
        const uint32_t vm = (*policy.vms)[i];
        if (vm >= vmCount)
        {
            throw std::invalid_argument(
                fmt::format("{}: apply_to.vms[{}]: no VM {} (the datacenter has VMs 0 to {})",
                            source,
                            i,
                            vm,
                            vmCount - 1));
        }
        chosen.insert(vm);
    }
    for (size_t i = 0; policy.tenants && i < policy.tenants->size(); ++i)
    {
        const uint32_t tenant = (*policy.tenants)[i];
        if (tenant >= dc.options.tenants)
        {
            throw std::invalid_argument(fmt::format(
                "{}: apply_to.tenants[{}]: no tenant {} (the datacenter has tenants 0 to {})",
                source,
                i,
                tenant,
                dc.options.tenants - 1));
        }
        for (uint32_t vm = 0; vm < vmCount; ++vm)
        {
            if (dc.vms[vm].tenant == tenant)
            {
                chosen.insert(vm);
            }
        }
    }
    return std::vector<uint32_t>(chosen.begin(), chosen.end());
}

void
UserPolicyHelper::CheckClashes(const VfpDatacenterHelper::Datacenter& dc,
                               const UserPolicy& policy,
                               const std::string& source)
{
    const std::vector<OwnedLayer> owned = BuiltInLayers(dc);
    std::vector<std::string> listing;
    for (const OwnedLayer& layer : owned)
    {
        listing.push_back(fmt::format("{} {}", layer.claim.name, layer.claim.priority));
    }
    for (size_t i = 0; i < policy.layers.size(); ++i)
    {
        const vfp::LayerSpec& layer = policy.layers[i];
        for (const OwnedLayer& taken : owned)
        {
            const bool name = taken.claim.name == layer.name;
            if (name || taken.claim.priority == layer.priority)
            {
                throw std::invalid_argument(fmt::format(
                    "{}: layers[{}].{}: layer \"{}\" (priority {}) clashes with layer \"{}\" "
                    "(priority {}) of {}: choose another {} (built-in layers here: {}; a lower "
                    "priority is nearer the VM)",
                    source,
                    i,
                    name ? "name" : "priority",
                    layer.name,
                    layer.priority,
                    taken.claim.name,
                    taken.claim.priority,
                    taken.owner,
                    name ? "name" : "priority",
                    fmt::join(listing, ", ")));
            }
        }
    }
}

} // namespace ns3
