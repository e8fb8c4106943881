#include "acl-controller.h"

#include "ns3/integer.h"
#include "ns3/log.h"
#include "ns3/string.h"

#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AclController");
NS_OBJECT_ENSURE_REGISTERED(AclController);

namespace
{
/// The layer this controller owns on every port it manages.
constexpr const char* LAYER_NAME = "acl";
} // namespace

TypeId
AclController::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::AclController")
            .SetParent<VfpController>()
            .SetGroupName("Vfp")
            .AddConstructor<AclController>()
            .AddAttribute("AllowedInboundPorts",
                          "Destination ports (comma-separated values or ranges, e.g. "
                          "\"80,5000-5001\") that connections from outside may reach.",
                          StringValue("5000-5002"),
                          MakeStringAccessor(&AclController::m_allowedInbound),
                          MakeStringChecker())
            .AddAttribute("BlockedPorts",
                          "Destination ports the infrastructure blocks in both directions, "
                          "whatever the customer allows (empty: none).",
                          StringValue("25"),
                          MakeStringAccessor(&AclController::m_blocked),
                          MakeStringChecker())
            .AddAttribute("LayerPriority",
                          "Priority of the ACL layer (between the VM-side layers and VNET).",
                          IntegerValue(200),
                          MakeIntegerAccessor(&AclController::m_layerPriority),
                          MakeIntegerChecker<int32_t>());
    return tid;
}

std::vector<VfpController::LayerClaim>
AclController::GetLayerClaims() const
{
    return {{LAYER_NAME, m_layerPriority}};
}

namespace
{

/// A destination port condition from a comma-separated attribute value.
vfp::Condition
PortList(const std::string& list, const std::string& attribute)
{
    vfp::Condition condition;
    condition.type = vfp::ConditionType::DstPort;
    std::istringstream items(list);
    std::string item;
    while (std::getline(items, item, ','))
    {
        std::string error;
        std::optional<vfp::ConditionValue> value =
            vfp::ParseConditionValue(condition.type, item, error);
        NS_ABORT_MSG_IF(
            !value, "AclController: attribute " << attribute << ": \"" << item << "\": " << error);
        condition.values.push_back(*value);
    }
    return condition;
}

} // namespace

vfp::LayerSpec
AclController::MakeLayer() const
{
    vfp::LayerSpec layer;
    layer.name = LAYER_NAME;
    layer.priority = m_layerPriority;
    layer.defaults = {vfp::DefaultAction::Block, vfp::DefaultAction::Block};

    for (vfp::Direction direction : {vfp::Direction::Outbound, vfp::Direction::Inbound})
    {
        vfp::GroupSpec infrastructure;
        infrastructure.name =
            std::string("infrastructure-") + std::string(vfp::DirectionName(direction));
        infrastructure.direction = direction;
        infrastructure.priority = 0;
        if (!m_blocked.empty())
        {
            vfp::RuleSpec block;
            block.id = infrastructure.name + "-blocked-ports";
            block.terminating = true;
            block.conditions.push_back(PortList(m_blocked, "BlockedPorts"));
            block.action.type = vfp::ActionType::Block;
            infrastructure.rules.push_back(block);
        }
        layer.groups.push_back(infrastructure);
    }

    vfp::GroupSpec outbound;
    outbound.name = "customer-outbound";
    outbound.direction = vfp::Direction::Outbound;
    outbound.priority = 10;
    vfp::RuleSpec allowOut;
    allowOut.id = "allow-outbound";
    allowOut.stateful = true;
    allowOut.action.type = vfp::ActionType::Allow;
    outbound.rules.push_back(allowOut);
    layer.groups.push_back(outbound);

    vfp::GroupSpec inbound;
    inbound.name = "customer-inbound";
    inbound.direction = vfp::Direction::Inbound;
    inbound.priority = 10;
    if (!m_allowedInbound.empty())
    {
        vfp::RuleSpec allowIn;
        allowIn.id = "allow-listed-ports";
        allowIn.stateful = true;
        allowIn.conditions.push_back(PortList(m_allowedInbound, "AllowedInboundPorts"));
        allowIn.action.type = vfp::ActionType::Allow;
        inbound.rules.push_back(allowIn);
    }
    layer.groups.push_back(inbound);
    return layer;
}

void
AclController::Configure(const ManagedPort&, vfp::Port& port)
{
    port.CreateLayer(MakeLayer());
}

std::vector<vfp::LayerSpec>
AclController::MakeLayers(const ManagedPort&) const
{
    return {MakeLayer()};
}

} // namespace ns3
