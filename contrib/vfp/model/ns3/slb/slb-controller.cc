#include "slb-controller.h"

#include "ns3/boolean.h"
#include "ns3/inet-socket-address.h"
#include "ns3/integer.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"
#include "slb-range-header.h"

#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SlbController");
NS_OBJECT_ENSURE_REGISTERED(SlbController);

namespace
{
/// The layer this controller owns on every port it manages.
constexpr const char* LAYER_NAME = "slb";
} // namespace

TypeId
SlbController::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SlbController")
            .SetParent<VfpController>()
            .SetGroupName("Vfp")
            .AddConstructor<SlbController>()
            .AddAttribute("ManagerPort",
                          "UDP port the manager hands out SNAT ranges on.",
                          UintegerValue(6544),
                          MakeUintegerAccessor(&SlbController::m_managerPort),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("SnatRangeSize",
                          "Ports in one SNAT range (Ananta hands out ranges, not single ports, to "
                          "keep the manager off the connection path).",
                          UintegerValue(64),
                          MakeUintegerAccessor(&SlbController::m_rangeSize),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("VirtualNetworkPrefix",
                          "The DIPs' customer address space: connections to it stay inside the "
                          "virtual network and are not SNATed.",
                          StringValue("10.0.0.0/16"),
                          MakeStringAccessor(&SlbController::m_virtualNetwork),
                          MakeStringChecker())
            .AddAttribute("FirstSnatPort",
                          "The lowest port of a VIP handed out for SNAT.",
                          UintegerValue(1024),
                          MakeUintegerAccessor(&SlbController::m_firstSnatPort),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("ServiceTime",
                          "Time the manager takes to answer a range request (its bookkeeping and "
                          "the Muxes' update; the papers give no figure, so a modest default).",
                          TimeValue(MicroSeconds(100)),
                          MakeTimeAccessor(&SlbController::m_serviceTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute(
                "HoldOnExhaustion",
                "When a DIP's SNAT ports are all in use, hold the new connection until the "
                "manager grants a range (otherwise drop it, reason ports_exhausted, while "
                "the range is requested).",
                BooleanValue(true),
                MakeBooleanAccessor(&SlbController::m_holdOnExhaustion),
                MakeBooleanChecker())
            .AddAttribute(
                "LayerPriority",
                "Priority of the SLB layer (between ACL and VNET, as in the paper's Figure 4).",
                IntegerValue(250),
                MakeIntegerAccessor(&SlbController::m_layerPriority),
                MakeIntegerChecker<int32_t>());
    return tid;
}

std::vector<VfpController::LayerClaim>
SlbController::GetLayerClaims() const
{
    return {{LAYER_NAME, m_layerPriority}};
}

std::string
SlbController::SnatName(Ipv4Address vip)
{
    std::ostringstream name;
    name << "snat-" << vip;
    return name.str();
}

void
SlbController::AddMux(Ptr<SlbMux> mux)
{
    m_muxes.push_back(mux);
}

void
SlbController::AddVip(Ipv4Address vip, uint16_t port, uint16_t dipPort)
{
    m_vips[vip.Get()] = Vip{port, dipPort, {}, m_firstSnatPort};
}

void
SlbController::AddDip(Ipv4Address vip, const Dip& dip)
{
    auto found = m_vips.find(vip.Get());
    NS_ABORT_MSG_IF(found == m_vips.end(),
                    "SlbController: DIP on port " << dip.port << " for unknown VIP " << vip);
    m_dipsByPort[{dip.vswitch->GetNode()->GetId(), dip.port}] = {vip.Get(), dip};
    AddPort(dip.vswitch, dip.port);
    if (m_socket == nullptr)
    {
        found->second.dips.push_back(dip);
        return; // programmed when the controller starts
    }
    // While running: the host first, then the Muxes may send new flows there.
    Program(m_ports.back(),
            [this, vip, dip, managed = m_ports.back()](vfp::Port& port)
            {
                Configure(managed, port);
                m_vips[vip.Get()].dips.push_back(dip);
                PushEndpoint(vip);
            });
}

void
SlbController::RemoveDip(Ipv4Address vip, const SlbDip& dip)
{
    std::vector<Dip>& dips = m_vips.at(vip.Get()).dips;
    dips.erase(
        std::remove_if(dips.begin(), dips.end(), [&dip](const Dip& d) { return d.where == dip; }),
        dips.end());
    PushEndpoint(vip);
}

void
SlbController::PushEndpoint(Ipv4Address vip)
{
    const Vip& config = m_vips.at(vip.Get());
    std::vector<SlbDip> dips;
    for (const Dip& dip : config.dips)
    {
        dips.push_back(dip.where);
    }
    for (Ptr<SlbMux> mux : m_muxes)
    {
        mux->SetEndpoint(vip, config.port, 6, dips);
    }
}

bool
SlbController::Allocate(Ipv4Address vip, const SlbDip& owner, vfp::PortRange& range)
{
    Vip& config = m_vips.at(vip.Get());
    if (uint32_t(config.nextSnatPort) + m_rangeSize - 1 > 65535)
    {
        ++m_refusals;
        return false;
    }
    range = vfp::PortRange{uint16_t(config.nextSnatPort),
                           uint16_t(config.nextSnatPort + m_rangeSize - 1)};
    config.nextSnatPort += m_rangeSize;
    for (Ptr<SlbMux> mux : m_muxes)
    {
        mux->AddSnatRange(vip, range.lo, range.hi, owner);
    }
    ++m_grants;
    return true;
}

void
SlbController::DoDispose()
{
    m_muxes.clear();
    m_vips.clear();
    m_dipsByPort.clear();
    m_socket = nullptr;
    VfpController::DoDispose();
}

void
SlbController::StartApplication()
{
    m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
    if (m_socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_managerPort)) != 0)
    {
        NS_FATAL_ERROR("SlbController: cannot bind UDP port " << m_managerPort);
    }
    m_socket->SetRecvCallback(MakeCallback(&SlbController::Receive, this));
    for (const auto& [vip, config] : m_vips)
    {
        PushEndpoint(Ipv4Address(vip));
    }
    VfpController::StartApplication();
}

void
SlbController::StopApplication()
{
    if (m_socket)
    {
        m_socket->Close();
        m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    }
    VfpController::StopApplication();
}

void
SlbController::Configure(const ManagedPort& managed, vfp::Port& port)
{
    const auto& [vipAddress, dip] =
        m_dipsByPort.at({managed.vswitch->GetNode()->GetId(), managed.name});
    const Ipv4Address vip(vipAddress);
    const Vip& config = m_vips.at(vipAddress);
    const std::string snat = SnatName(vip);

    vfp::ResourceSpec ranges;
    ranges.name = snat;
    ranges.type = vfp::ResourceType::RangeList;
    ranges.address = vipAddress;
    ranges.onMiss = m_holdOnExhaustion ? vfp::MissPolicy::Hold : vfp::MissPolicy::Drop;
    vfp::PortRange first;
    if (Allocate(vip, dip.where, first))
    {
        ranges.ranges.push_back(first);
    }
    port.CreateResource(ranges);
    Ptr<SlbHostAgent> agent = dip.agent;
    const std::string portName = managed.name;
    const SlbDip where = dip.where;
    port.RegisterEventHandler(
        snat,
        [agent, portName, where](const vfp::ResourceEvent& event)
        {
            if (event.type == vfp::ResourceEvent::Type::PortsExhausted && agent)
            {
                agent->RequestRange(
                    portName, event.resource, event.key, where.vni, where.address.Get());
            }
        });

    std::ostringstream vipText;
    vipText << vip;
    vfp::LayerSpec layer;
    layer.name = LAYER_NAME;
    layer.priority = m_layerPriority;
    layer.defaults = {vfp::DefaultAction::Allow, vfp::DefaultAction::Allow};

    vfp::RuleSpec toDip;
    toDip.id = "vip-to-dip";
    toDip.stateful = true;
    toDip.conditions = {
        vfp::MakeCondition(vfp::ConditionType::DstIp, {vipText.str()}),
        vfp::MakeCondition(vfp::ConditionType::Protocol, {"6"}),
        vfp::MakeCondition(vfp::ConditionType::DstPort, {std::to_string(config.port)})};
    toDip.action.type = vfp::ActionType::Nat;
    toDip.action.dstIp = dip.where.address.Get();
    toDip.action.dstPort = config.dipPort;
    vfp::GroupSpec inbound;
    inbound.name = "vip-nat";
    inbound.direction = vfp::Direction::Inbound;
    inbound.rules = {toDip};

    vfp::RuleSpec internal;
    internal.id = "virtual-network";
    internal.conditions = {vfp::MakeCondition(vfp::ConditionType::DstIp, {m_virtualNetwork})};
    internal.action.type = vfp::ActionType::Allow;
    vfp::RuleSpec outside;
    outside.id = "snat";
    outside.priority = 10;
    outside.stateful = true;
    outside.action.type = vfp::ActionType::Nat;
    outside.action.snat = snat;
    vfp::GroupSpec outbound;
    outbound.name = "snat";
    outbound.direction = vfp::Direction::Outbound;
    outbound.rules = {internal, outside};

    layer.groups = {inbound, outbound};
    port.CreateLayer(layer);
}

void
SlbController::Receive(Ptr<Socket> socket)
{
    Address from;
    while (Ptr<Packet> packet = socket->RecvFrom(from))
    {
        SlbRangeHeader message;
        if (packet->GetSize() < message.GetSerializedSize())
        {
            NS_LOG_WARN("ignoring a truncated range request");
            continue;
        }
        packet->RemoveHeader(message);
        if (message.type != SlbRangeHeader::REQUEST || m_vips.count(message.vip) == 0)
        {
            NS_LOG_WARN("ignoring " << message);
            continue;
        }
        const Vip& config = m_vips.at(message.vip);
        auto owner = std::find_if(config.dips.begin(),
                                  config.dips.end(),
                                  [&message](const Dip& dip) {
                                      return dip.where.vni == message.vni &&
                                             dip.where.address.Get() == message.customer;
                                  });
        vfp::PortRange range;
        message.type =
            owner != config.dips.end() && Allocate(Ipv4Address(message.vip), owner->where, range)
                ? SlbRangeHeader::GRANT
                : SlbRangeHeader::REFUSE;
        message.lo = range.lo;
        message.hi = range.hi;
        Ptr<Packet> answer = Create<Packet>();
        answer->AddHeader(message);
        Simulator::Schedule(m_serviceTime,
                            [socket, answer, from]() { socket->SendTo(answer, 0, from); });
    }
}

} // namespace ns3
