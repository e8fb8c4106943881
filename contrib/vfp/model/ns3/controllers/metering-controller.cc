#include "metering-controller.h"

#include "ns3/integer.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MeteringController");
NS_OBJECT_ENSURE_REGISTERED(MeteringController);

namespace
{
/// The layer this controller owns on every port it manages.
constexpr const char* LAYER_NAME = "metering";
} // namespace

TypeId
MeteringController::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::MeteringController")
            .SetParent<VfpController>()
            .SetGroupName("Vfp")
            .AddConstructor<MeteringController>()
            .AddAttribute("LayerPriority",
                          "Priority of the metering layer (lowest: next to the VM).",
                          IntegerValue(100),
                          MakeIntegerAccessor(&MeteringController::m_layerPriority),
                          MakeIntegerChecker<int32_t>());
    return tid;
}

std::vector<VfpController::LayerClaim>
MeteringController::GetLayerClaims() const
{
    return {{LAYER_NAME, m_layerPriority}};
}

void
MeteringController::AddDestination(const std::string& prefix, const std::string& name)
{
    m_destinations.emplace_back(prefix, name);
}

void
MeteringController::Configure(const ManagedPort& managed, vfp::Port& port)
{
    port.CreateLayer(MakeLayers(managed).front());
}

std::vector<vfp::LayerSpec>
MeteringController::MakeLayers(const ManagedPort&) const
{
    vfp::LayerSpec layer;
    layer.name = LAYER_NAME;
    layer.priority = m_layerPriority;
    layer.defaults = {vfp::DefaultAction::Allow, vfp::DefaultAction::Allow};
    for (vfp::Direction direction : {vfp::Direction::Outbound, vfp::Direction::Inbound})
    {
        const bool out = direction == vfp::Direction::Outbound;
        vfp::GroupSpec group;
        group.name = out ? "to-destination" : "from-source";
        group.direction = direction;
        group.type = vfp::GroupType::Lpm;
        group.lpmOn = out ? vfp::ConditionType::DstIp : vfp::ConditionType::SrcIp;
        for (const auto& [prefix, name] : m_destinations)
        {
            vfp::RuleSpec meter;
            meter.id = (out ? "out:" : "in:") + name;
            meter.conditions.push_back(vfp::MakeCondition(group.lpmOn, {prefix}));
            meter.action.type = vfp::ActionType::Meter;
            meter.action.meter = meter.id;
            group.rules.push_back(meter);
        }
        layer.groups.push_back(group);
    }
    return {layer};
}

} // namespace ns3
