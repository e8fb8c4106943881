#include "vnet-controller.h"

#include "ns3/boolean.h"
#include "ns3/integer.h"
#include "ns3/log.h"
#include "ns3/string.h"
#include "ns3/vfp-packet-codec.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VnetController");
NS_OBJECT_ENSURE_REGISTERED(VnetController);

namespace
{
/// The layer this controller owns on every port it manages.
constexpr const char* LAYER_NAME = "vnet";
/// The anti-spoofing layer, nearest the VM (AntiSpoofing).
constexpr const char* SOURCE_LAYER_NAME = "vnet-source";
} // namespace

TypeId
VnetController::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::VnetController")
            .SetParent<VfpController>()
            .SetGroupName("Vfp")
            .AddConstructor<VnetController>()
            .AddAttribute("Encapsulation",
                          "The tunnel of the virtual networks: vxlan or nvgre.",
                          StringValue("vxlan"),
                          MakeStringAccessor(&VnetController::m_encapsulation),
                          MakeStringChecker())
            .AddAttribute("LayerPriority",
                          "Priority of the VNET layer (highest: the network side of the port).",
                          IntegerValue(300),
                          MakeIntegerAccessor(&VnetController::m_layerPriority),
                          MakeIntegerChecker<int32_t>())
            .AddAttribute("PreloadMappings",
                          "Program every CA -> PA mapping of a virtual network up front instead "
                          "of resolving misses through the directory.",
                          BooleanValue(false),
                          MakeBooleanAccessor(&VnetController::m_preload),
                          MakeBooleanChecker())
            .AddAttribute("HoldOnMiss",
                          "On a mapping miss, hold the packet until the directory answers "
                          "(otherwise drop it, reason mapping_miss, while the lookup runs).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&VnetController::m_holdOnMiss),
                          MakeBooleanChecker())
            .AddAttribute("AntiSpoofing",
                          "Program a \"vnet-source\" layer that lets a VM send only from its own "
                          "MAC and customer address (outbound default block; drops count as "
                          "default_block). On by default, as Hyper-V's virtual switch refuses "
                          "MAC address spoofing unless a VM is allowed it.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&VnetController::m_antiSpoofing),
                          MakeBooleanChecker())
            .AddAttribute("SourceLayerPriority",
                          "Priority of the vnet-source layer: nearest the VM (below metering's "
                          "100), so that a spoofed packet is neither metered nor admitted.",
                          IntegerValue(50),
                          MakeIntegerAccessor(&VnetController::m_sourceLayerPriority),
                          MakeIntegerChecker<int32_t>());
    return tid;
}

std::vector<VfpController::LayerClaim>
VnetController::GetLayerClaims() const
{
    std::vector<LayerClaim> claims = {{LAYER_NAME, m_layerPriority}};
    if (m_antiSpoofing)
    {
        claims.push_back({SOURCE_LAYER_NAME, m_sourceLayerPriority});
    }
    return claims;
}

std::string
VnetController::MappingName(uint32_t vni)
{
    return "vnet-" + std::to_string(vni);
}

void
VnetController::AddVirtualNetwork(uint32_t vni, Ipv4Address prefix, Ipv4Mask mask)
{
    Network& network = m_networks[vni];
    network.prefix = prefix.CombineMask(mask);
    network.mask = mask;
    network.neighbors = std::make_shared<VfpNeighborTable>();
    network.gateway = GatewayOf(prefix, mask);
    (*network.neighbors)[network.gateway.Get()] = Mac48Address(GATEWAY_MAC);
}

Ipv4Address
VnetController::GatewayOf(Ipv4Address prefix, Ipv4Mask mask)
{
    // The last address of the prefix but one (the broadcast address is the last).
    return Ipv4Address(prefix.CombineMask(mask).Get() + ~mask.Get() - 1);
}

void
VnetController::SetDirectory(Ptr<VnetDirectory> directory)
{
    m_directory = directory;
}

void
VnetController::AddVm(const Vm& vm)
{
    auto network = m_networks.find(vm.vni);
    NS_ABORT_MSG_IF(network == m_networks.end(),
                    "VnetController: VM on port " << vm.port << " is in undeclared virtual network "
                                                  << vm.vni);
    NS_ABORT_MSG_IF(!(vm.customer.CombineMask(network->second.mask) == network->second.prefix),
                    "VnetController: VM address " << vm.customer << " is outside virtual network "
                                                  << vm.vni << "'s prefix "
                                                  << network->second.prefix);
    (*network->second.neighbors)[vm.customer.Get()] = vm.mac;
    network->second.mappings[vm.customer.Get()] = vm.provider.Get();
    if (m_directory)
    {
        m_directory->SetMapping(vm.vni, vm.customer, vm.provider);
    }
    m_vms[vm.port + "@" + std::to_string(vm.vswitch->GetNode()->GetId())] = vm;
    AddPort(vm.vswitch, vm.port);
}

void
VnetController::DoDispose()
{
    m_directory = nullptr;
    m_vms.clear();
    m_networks.clear();
    VfpController::DoDispose();
}

void
VnetController::Configure(const ManagedPort& managed, vfp::Port& port)
{
    const Vm& vm = VmOf(managed);
    const Network& network = m_networks.at(vm.vni);
    const std::string mapping = MappingName(vm.vni);

    vfp::ResourceSpec resource;
    resource.name = mapping;
    resource.type = vfp::ResourceType::Mapping;
    resource.onMiss = m_holdOnMiss ? vfp::MissPolicy::Hold : vfp::MissPolicy::Drop;
    if (m_preload)
    {
        resource.mappings = network.mappings;
    }
    port.CreateResource(resource);
    Ptr<VnetHostAgent> agent = vm.agent;
    const uint32_t vni = vm.vni;
    const std::string portName = managed.name;
    port.RegisterEventHandler(mapping,
                              [agent, vni, portName](const vfp::ResourceEvent& event)
                              {
                                  if (event.type == vfp::ResourceEvent::Type::MappingMiss && agent)
                                  {
                                      agent->Resolve(portName, event.resource, vni, event.key);
                                  }
                              });
    for (const vfp::LayerSpec& layer : MakeLayers(managed))
    {
        port.CreateLayer(layer);
    }
    managed.vswitch->SetNeighbors(managed.name, network.neighbors);
}

const VnetController::Vm&
VnetController::VmOf(const ManagedPort& managed) const
{
    return m_vms.at(managed.name + "@" + std::to_string(managed.vswitch->GetNode()->GetId()));
}

std::vector<vfp::LayerSpec>
VnetController::MakeLayers(const ManagedPort& managed) const
{
    const Vm& vm = VmOf(managed);
    const Network& network = m_networks.at(vm.vni);
    const std::string mapping = MappingName(vm.vni);
    std::ostringstream prefix;
    prefix << network.prefix << "/" << network.mask.GetPrefixLength();
    vfp::LayerSpec layer;
    layer.name = LAYER_NAME;
    layer.priority = m_layerPriority;
    layer.defaults = {vfp::DefaultAction::Block, vfp::DefaultAction::Block};

    vfp::RuleSpec encap;
    encap.id = "encap";
    encap.conditions.push_back(vfp::MakeCondition(vfp::ConditionType::DstIp, {prefix.str()}));
    encap.action.type = vfp::ActionType::Encap;
    encap.action.format =
        m_encapsulation == "nvgre" ? vfp::TunnelType::Nvgre : vfp::TunnelType::Vxlan;
    NS_ABORT_MSG_IF(m_encapsulation != "nvgre" && m_encapsulation != "vxlan",
                    "VnetController: Encapsulation must be vxlan or nvgre, not \""
                        << m_encapsulation << "\"");
    encap.action.key = vm.vni;
    encap.action.srcIp = vm.provider.Get();
    encap.action.mapping = mapping;
    encap.action.srcMac = VfpPacketCodec::FromMac(vm.uplinkMac);
    encap.action.dstMac = VfpPacketCodec::FromMac(vm.gatewayMac);
    // Everything else leaves through the virtual gateway to the physical network, as the
    // host's own frame towards its ToR (the internet, or load balancer clients).
    vfp::RuleSpec internet;
    internet.id = "internet";
    internet.priority = 10;
    internet.action.type = vfp::ActionType::Transposition;
    vfp::GroupEdit& toGateway = internet.action.transposition.edits[0];
    toGateway.fields = vfp::EditField::MAC_FIELDS;
    toGateway.srcMac = VfpPacketCodec::FromMac(vm.uplinkMac);
    toGateway.dstMac = VfpPacketCodec::FromMac(vm.gatewayMac);
    vfp::GroupSpec outbound;
    outbound.name = "encap";
    outbound.direction = vfp::Direction::Outbound;
    outbound.rules = {encap, internet};
    // A tunnel the VM built itself must not leave through the gateway: aimed at a host's
    // provider address, VXLAN or NVGRE with another tenant's key would be decapsulated
    // there into that tenant's VM (found by tests/ns3/helper/isolation-attack-test.cc).
    // Inside the virtual network (the encap rule, first) it stays the tenant's payload.
    const std::vector<std::vector<vfp::Condition>> tunnels = {
        {vfp::MakeCondition(vfp::ConditionType::Protocol, {"17"}),
         vfp::MakeCondition(vfp::ConditionType::DstPort, {std::to_string(vfp::VXLAN_UDP_PORT)})},
        {vfp::MakeCondition(vfp::ConditionType::Protocol, {"47"})},
        {vfp::MakeCondition(vfp::ConditionType::Protocol, {"4"})},
    };
    for (size_t t = 0; t < tunnels.size(); ++t)
    {
        vfp::RuleSpec block;
        block.id = "no-tunnel-to-fabric-" + std::to_string(t);
        block.priority = 5; // after encap (0), before internet (10)
        block.conditions = tunnels[t];
        block.action.type = vfp::ActionType::Block;
        outbound.rules.push_back(block);
    }

    vfp::RuleSpec decap;
    decap.id = "decap";
    decap.conditions.push_back(
        vfp::MakeCondition(vfp::ConditionType::TunnelKey, {std::to_string(vm.vni)}));
    decap.action.type = vfp::ActionType::Decap;
    vfp::GroupSpec inbound;
    inbound.name = "decap";
    inbound.direction = vfp::Direction::Inbound;
    inbound.rules.push_back(decap);

    layer.groups = {outbound, inbound};
    if (!m_antiSpoofing)
    {
        return {layer};
    }
    return {layer, MakeSourceLayer(vm)};
}

vfp::LayerSpec
VnetController::MakeSourceLayer(const Vm& vm) const
{
    std::ostringstream mac;
    std::ostringstream address;
    mac << vm.mac;
    address << vm.customer;
    vfp::RuleSpec own;
    own.id = "own-source";
    own.conditions = {vfp::MakeCondition(vfp::ConditionType::SrcMac, {mac.str()}),
                      vfp::MakeCondition(vfp::ConditionType::SrcIp, {address.str()})};
    own.action.type = vfp::ActionType::Allow;
    vfp::GroupSpec outbound;
    outbound.name = "own-source";
    outbound.direction = vfp::Direction::Outbound;
    outbound.rules = {own};
    vfp::LayerSpec layer;
    layer.name = SOURCE_LAYER_NAME;
    layer.priority = m_sourceLayerPriority;
    layer.defaults = {vfp::DefaultAction::Block, vfp::DefaultAction::Allow};
    layer.groups = {outbound};
    return layer;
}

} // namespace ns3
