#include "user-policy-controller.h"

#include "engine/format/policy-json.h"
#include "ns3/log.h"

#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("UserPolicyController");
NS_OBJECT_ENSURE_REGISTERED(UserPolicyController);

TypeId
UserPolicyController::GetTypeId()
{
    static TypeId tid = TypeId("ns3::UserPolicyController")
                            .SetParent<VfpController>()
                            .SetGroupName("Vfp")
                            .AddConstructor<UserPolicyController>();
    return tid;
}

namespace
{

std::vector<uint32_t>
ReadIndices(const vfp::Json& value, const std::string& path)
{
    if (!value.is_array())
    {
        vfp::FailAt(path, "expected a list of indices, got " + vfp::Describe(value));
    }
    std::vector<uint32_t> indices;
    for (size_t i = 0; i < value.size(); ++i)
    {
        indices.push_back(vfp::ReadUnsigned(value[i], fmt::format("{}[{}]", path, i), UINT32_MAX));
    }
    return indices;
}

/// The "layers" list: non-empty, no two sharing a name or a priority.
std::vector<vfp::LayerSpec>
ReadLayers(const vfp::Json& layers)
{
    if (!layers.is_array() || layers.empty())
    {
        vfp::FailAt("layers", "expected a non-empty list of layers");
    }
    std::vector<vfp::LayerSpec> read;
    for (size_t i = 0; i < layers.size(); ++i)
    {
        const std::string path = fmt::format("layers[{}]", i);
        vfp::LayerSpec layer = vfp::ReadLayer(layers[i], path);
        for (const vfp::LayerSpec& earlier : read)
        {
            if (earlier.name == layer.name || earlier.priority == layer.priority)
            {
                vfp::FailAt(
                    path,
                    fmt::format("layer \"{}\" (priority {}) shares its {} with layer \"{}\"",
                                layer.name,
                                layer.priority,
                                earlier.name == layer.name ? "name" : "priority",
                                earlier.name));
            }
        }
        read.push_back(std::move(layer));
    }
    return read;
}

UserPolicy
ReadUserPolicy(const vfp::Json& value)
{
    vfp::ObjectReader reader(value, "");
    const uint64_t version = vfp::ReadUnsigned(reader.Require("version"), "version", 1000);
    if (version != vfp::POLICY_FORMAT_VERSION)
    {
        vfp::FailAt("version", fmt::format("expected {}", vfp::POLICY_FORMAT_VERSION));
    }
    UserPolicy policy;
    if (const vfp::Json* applyTo = reader.Find("apply_to"))
    {
        vfp::ObjectReader targets(*applyTo, "apply_to");
        if (const vfp::Json* vms = targets.Find("vms"))
        {
            policy.vms = ReadIndices(*vms, targets.PathOf("vms"));
        }
        if (const vfp::Json* tenants = targets.Find("tenants"))
        {
            policy.tenants = ReadIndices(*tenants, targets.PathOf("tenants"));
        }
        targets.RejectUnknown({"vms", "tenants"});
    }
    policy.layers = ReadLayers(reader.Require("layers"));
    if (const vfp::Json* resources = reader.Find("resources"))
    {
        vfp::ObjectReader byName(*resources, "resources");
        for (const auto& [name, resource] : resources->items())
        {
            vfp::ObjectReader fields(resource, byName.PathOf(name));
            policy.resources[name] = vfp::ReadResource(fields, name);
            fields.RejectUnread();
            byName.Find(name);
        }
    }
    reader.RejectUnknown({"version", "apply_to", "layers", "resources"});
    return policy;
}

/// Reads @p file with @p read, its errors prefixed with the file's name.
UserPolicy
ReadPolicyFile(const std::string& file, UserPolicy (*read)(const vfp::Json&))
{
    std::ifstream in(file);
    if (!in)
    {
        throw vfp::PolicyError(fmt::format("{}: cannot open the user policy file", file));
    }
    std::stringstream text;
    text << in.rdbuf();
    const vfp::Json value = vfp::ParseJsonText(text.str(), file);
    try
    {
        return read(value);
    }
    catch (const vfp::PolicyError& error)
    {
        throw vfp::PolicyError(fmt::format("{}: {}", file, error.what()));
    }
}

UserPolicy
ReadLayersOnly(const vfp::Json& value)
{
    vfp::ObjectReader reader(value, "");
    if (const vfp::Json* version = reader.Find("version"))
    {
        if (vfp::ReadUnsigned(*version, "version", 1000) != vfp::POLICY_FORMAT_VERSION)
        {
            vfp::FailAt("version", fmt::format("expected {}", vfp::POLICY_FORMAT_VERSION));
        }
    }
    UserPolicy policy;
    policy.layers = ReadLayers(reader.Require("layers"));
    reader.RejectUnknown({"version", "layers"});
    return policy;
}

} // namespace

UserPolicy
UserPolicy::Load(const std::string& file)
{
    return ReadPolicyFile(file, &ReadUserPolicy);
}

UserPolicy
UserPolicy::LoadLayers(const std::string& file)
{
    return ReadPolicyFile(file, &ReadLayersOnly);
}

void
UserPolicyController::SetPolicy(const UserPolicy& policy)
{
    m_policy = policy;
}

std::vector<VfpController::LayerClaim>
UserPolicyController::GetLayerClaims() const
{
    std::vector<LayerClaim> claims;
    for (const vfp::LayerSpec& layer : m_policy.layers)
    {
        claims.push_back(LayerClaim{layer.name, layer.priority});
    }
    return claims;
}

void
UserPolicyController::Configure(const ManagedPort&, vfp::Port& port)
{
    NS_LOG_FUNCTION(this << port.GetName());
    for (const auto& [name, resource] : m_policy.resources)
    {
        port.CreateResource(resource);
    }
    for (const vfp::LayerSpec& layer : m_policy.layers)
    {
        port.CreateLayer(layer);
    }
}

void
UserPolicyController::Apply(Ptr<VfpSwitchNetDevice> vswitch,
                            const std::string& port,
                            const UserPolicy& policy,
                            Landed landed)
{
    Program(ManagedPort{vswitch, port},
            [policy, landed](vfp::Port& target)
            {
                uint32_t changed = 0;
                uint32_t replaced = 0;
                for (const vfp::LayerSpec& layer : policy.layers)
                {
                    const bool there = target.FindLayer(layer.name) != nullptr;
                    try
                    {
                        if (there)
                        {
                            target.DeleteLayer(layer.name);
                        }
                        target.CreateLayer(layer);
                    }
                    catch (const vfp::PolicyError& error)
                    {
                        landed(changed, replaced, error.what());
                        return;
                    }
                    ++changed;
                    replaced += there ? 1 : 0;
                }
                landed(changed, replaced, "");
            });
}

void
UserPolicyController::RemoveLayer(Ptr<VfpSwitchNetDevice> vswitch,
                                  const std::string& port,
                                  const std::string& layer,
                                  Landed landed)
{
    Program(ManagedPort{vswitch, port},
            [layer, landed](vfp::Port& target)
            {
                const bool there = target.FindLayer(layer) != nullptr;
                if (there)
                {
                    target.DeleteLayer(layer);
                }
                landed(there ? 1 : 0, 0, "");
            });
}

} // namespace ns3
