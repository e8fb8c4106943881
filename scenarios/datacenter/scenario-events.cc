#include "scenario-events.h"

#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"
#include "user-policy-helper.h"

#include <fmt/format.h>
#include <iostream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ScenarioEvents");

namespace
{

/// Ops that need the VFP switch (its policy, its directory).
bool
NeedsVfp(const std::string& op)
{
    return op == "set_policy" || op == "remove_layer" || op == "directory_down" ||
           op == "directory_up" || op == "controller_restart" || op == "set_qos";
}

/// Random streams set aside for each event (a RequestResponseClient takes three).
constexpr int64_t STREAMS_PER_EVENT = 4;

/// snat_storm: the response size of each connection, bytes (a small API call's).
constexpr uint32_t STORM_RESPONSE_BYTES = 1000;

/// The names controller_restart takes.
const std::vector<std::string> CONTROLLERS = {"vnet", "acl", "metering"};

/// Seconds of @p time, or null when it is negative (not happened).
nlohmann::json
SecondsOrNull(Time time)
{
    return time.IsNegative() ? nlohmann::json(nullptr) : nlohmann::json(time.GetSeconds());
}

} // namespace

ScenarioEvents::ScenarioEvents(VfpDatacenterHelper::Datacenter& dc,
                               const std::string& path,
                               Time start,
                               double duration,
                               int64_t& stream)
    : m_dc(dc)
    , m_path(path)
    , m_bounds(BoundsOf(duration))
{
    m_events = ReadEventFile(path, m_bounds);
    Check(path);
    m_records.resize(m_events.size());
    m_stream = stream;
    stream += int64_t(m_events.size()) * STREAMS_PER_EVENT;
    if (dc.options.switchType == VfpDatacenterHelper::SwitchType::Vfp)
    {
        m_controller = CreateObject<UserPolicyController>();
        CreateObject<Node>()->AddApplication(m_controller); // its own controller node
    }
    for (size_t i = 0; i < m_events.size(); ++i)
    {
        Simulator::Schedule(start + Seconds(m_events[i].time), &ScenarioEvents::Apply, this, i);
    }
}

EventBounds
ScenarioEvents::BoundsOf(double duration) const
{
    EventBounds bounds;
    bounds.vms = m_dc.vms.size();
    bounds.tenants = m_dc.options.tenants;
    for (const std::string& link : VfpDatacenterHelper::LinkNames(m_dc))
    {
        bounds.links.insert(link);
    }
    for (const UserPolicyHelper::OwnedLayer& layer : UserPolicyHelper::BuiltInLayers(m_dc))
    {
        bounds.layers.insert(layer.claim.name);
    }
    bounds.tors = m_dc.tors.GetN();
    bounds.muxes = m_dc.muxes.size();
    bounds.hosts = m_dc.hosts.size();
    bounds.nic = m_dc.options.nic;
    for (const std::string& name : CONTROLLERS)
    {
        if (ControllerNamed(name))
        {
            bounds.controllers.insert(name);
        }
    }
    for (const VfpDatacenterHelper::Vip& vip : m_dc.vips)
    {
        bounds.dips.insert(vip.dips.begin(), vip.dips.end());
    }
    bounds.servers = m_dc.servers.GetN();
    bounds.duration = duration;
    bounds.hostLinkBps = double(m_dc.options.hostLinkRate.GetBitRate());
    return bounds;
}

void
ScenarioEvents::Check(const std::string& path) const
{
    const bool vfp = m_dc.options.switchType == VfpDatacenterHelper::SwitchType::Vfp;
    const std::vector<UserPolicyHelper::OwnedLayer> builtIn = UserPolicyHelper::BuiltInLayers(m_dc);
    for (const ScenarioEvent& event : m_events)
    {
        if (!vfp && NeedsVfp(event.op))
        {
            throw std::invalid_argument(fmt::format(
                "{}:{}: op: {} needs the VFP switch (--switch vfp), not the bridge baseline",
                path,
                event.line,
                event.op));
        }
        for (const vfp::LayerSpec& layer : event.policy.layers)
        {
            for (const UserPolicyHelper::OwnedLayer& taken : builtIn)
            {
                if (taken.claim.priority == layer.priority && taken.claim.name != layer.name)
                {
                    throw std::invalid_argument(fmt::format(
                        "{}:{}: policy: layer \"{}\" takes priority {} of layer \"{}\" of {}: "
                        "choose another priority, or name it \"{}\" to replace that layer",
                        path,
                        event.line,
                        layer.name,
                        layer.priority,
                        taken.claim.name,
                        taken.owner,
                        taken.claim.name));
                }
            }
        }
    }
}

ScenarioEvents::Applier
ScenarioEvents::ApplierOf(const std::string& op)
{
    if (op == "set_policy" || op == "remove_layer")
    {
        return &ScenarioEvents::ApplyPolicy;
    }
    if (op == "link_down" || op == "link_up")
    {
        return &ScenarioEvents::ApplyLink;
    }
    if (op == "directory_down" || op == "directory_up")
    {
        return &ScenarioEvents::ApplyDirectory;
    }
    if (op == "tor_down" || op == "tor_up")
    {
        return &ScenarioEvents::ApplyTor;
    }
    if (op == "mux_down" || op == "mux_up")
    {
        return &ScenarioEvents::ApplyMux;
    }
    if (op == "nic_full" || op == "nic_free")
    {
        return &ScenarioEvents::ApplyNic;
    }
    if (op == "controller_restart")
    {
        return &ScenarioEvents::ApplyRestart;
    }
    if (op == "syn_flood")
    {
        return &ScenarioEvents::ApplyFlood;
    }
    if (op == "snat_storm")
    {
        return &ScenarioEvents::ApplyStorm;
    }
    if (op == "set_qos")
    {
        return &ScenarioEvents::ApplyQos;
    }
    NS_FATAL_ERROR("ScenarioEvents: op " << op << " has no applier (event-file.cc knows it)");
}

void
ScenarioEvents::Apply(size_t index)
{
    NS_LOG_INFO(m_path << ":" << m_events[index].line << ": " << m_events[index].op << " at "
                       << Simulator::Now().As(Time::S));
    m_records[index].appliedAt = Simulator::Now();
    (this->*ApplierOf(m_events[index].op))(index);
}

void
ScenarioEvents::ApplyPolicy(size_t index)
{
    const ScenarioEvent& event = m_events[index];
    for (uint32_t vm : TargetsOf(event, m_bounds))
    {
        const VfpDatacenterHelper::Vm& target = m_dc.vms[vm];
        Ptr<VfpSwitchNetDevice> vswitch = m_dc.hosts[target.host].vswitch;
        auto landed = [this, index, port = target.port](
                          uint32_t changed, uint32_t replaced, const std::string& refused)
        { Land(index, port, changed, replaced, refused); };
        if (event.op == "set_policy")
        {
            m_controller->Apply(vswitch, target.port, event.policy, landed);
        }
        else
        {
            m_controller->RemoveLayer(vswitch, target.port, event.layer, landed);
        }
        ++m_records[index].ports;
    }
}

void
ScenarioEvents::Land(size_t index,
                     const std::string& port,
                     uint32_t changed,
                     uint32_t replaced,
                     const std::string& refused)
{
    Record& record = m_records[index];
    ++record.landed;
    record.changed += changed;
    record.replaced += replaced;
    record.landedAt = Simulator::Now();
    if (!refused.empty())
    {
        ++m_refused;
        record.refused.push_back(fmt::format("{}: {}", port, refused));
        std::cerr << fmt::format("datacenter: {}:{}: {} on {}: the switch refused it: {}\n",
                                 m_path,
                                 m_events[index].line,
                                 m_events[index].op,
                                 port,
                                 refused);
    }
}

void
ScenarioEvents::ApplyLink(size_t index)
{
    const ScenarioEvent& event = m_events[index];
    m_records[index].routes =
        VfpDatacenterHelper::SetLinkUp(m_dc, event.link, event.op == "link_up");
}

void
ScenarioEvents::ApplyDirectory(size_t index)
{
    m_dc.directory->SetAvailable(m_events[index].op == "directory_up");
}

void
ScenarioEvents::ApplyTor(size_t index)
{
    const ScenarioEvent& event = m_events[index];
    m_records[index].routes = VfpDatacenterHelper::SetTorUp(m_dc, *event.tor, event.op == "tor_up");
}

void
ScenarioEvents::ApplyMux(size_t index)
{
    const ScenarioEvent& event = m_events[index];
    VfpDatacenterHelper::SetMuxUp(m_dc, *event.mux, event.op == "mux_up");
}

void
ScenarioEvents::ApplyNic(size_t index)
{
    const ScenarioEvent& event = m_events[index];
    m_dc.hosts[*event.host].vswitch->GetNic()->SetFull(event.op == "nic_full");
}

void
ScenarioEvents::ApplyQos(size_t index)
{
    const ScenarioEvent& event = m_events[index];
    const VfpDatacenterHelper::Vm& target = m_dc.vms[*event.vm];
    if (!m_qosTraced)
    {
        m_dc.qos->TraceConnectWithoutContext("Refused",
                                             MakeCallback(&ScenarioEvents::QosRefused, this));
        m_qosTraced = true;
    }
    m_qosPending[target.port] = index;
    m_records[index].ports = 1;
    m_dc.qos->SetPortQos(m_dc.hosts[target.host].vswitch, target.port, event.qos);
}

void
ScenarioEvents::QosRefused(const std::string& port, const std::string& reason)
{
    auto pending = m_qosPending.find(port);
    if (pending != m_qosPending.end())
    {
        Land(pending->second, port, 0, 0, reason);
    }
}

Ptr<VfpController>
ScenarioEvents::ControllerNamed(const std::string& name) const
{
    if (name == "vnet")
    {
        return m_dc.vnet;
    }
    if (name == "acl")
    {
        return m_dc.acl;
    }
    return name == "metering" ? m_dc.metering : nullptr;
}

void
ScenarioEvents::ApplyRestart(size_t index)
{
    Ptr<VfpController> controller = ControllerNamed(m_events[index].controller);
    m_records[index].ports = controller->GetPorts().size();
    controller->Restart(
        [this, index](const std::string&, uint32_t kept, uint32_t replaced)
        {
            Record& record = m_records[index];
            ++record.landed;
            record.kept += kept;
            record.replaced += replaced;
            record.landedAt = Simulator::Now();
        });
}

void
ScenarioEvents::ApplyFlood(size_t index)
{
    const ScenarioEvent& event = m_events[index];
    Ptr<SynFlood> flood = CreateObject<SynFlood>();
    flood->SetAttribute("Remote", Ipv4AddressValue(m_dc.vms[event.flood->dst].address));
    flood->SetAttribute("Port", UintegerValue(event.flood->port));
    flood->SetAttribute("Rate", DoubleValue(event.flood->rate));
    flood->AssignStreams(m_stream + int64_t(index) * STREAMS_PER_EVENT);
    flood->SetStopTime(Seconds(event.flood->seconds)); // after its start, which is now
    m_dc.vms[*event.vm].node->AddApplication(flood);
    m_records[index].flood = flood;
}

void
ScenarioEvents::ApplyStorm(size_t index)
{
    const ScenarioEvent& event = m_events[index];
    Ptr<RequestResponseClient> client = CreateObject<RequestResponseClient>();
    client->SetAttribute("Interval",
                         PointerValue(CreateObjectWithAttributes<ExponentialRandomVariable>(
                             "Mean", DoubleValue(1.0 / event.storm->rate))));
    client->SetAttribute("ResponseSize",
                         PointerValue(CreateObjectWithAttributes<ConstantRandomVariable>(
                             "Constant", DoubleValue(STORM_RESPONSE_BYTES))));
    for (uint32_t s = 0; s < m_dc.servers.GetN(); ++s)
    {
        client->AddPeer(InetSocketAddress(m_dc.serverAddresses[s], 80));
    }
    Record& record = m_records[index];
    client->TraceConnectWithoutContext("Completed",
                                       Callback<void, uint64_t, const Address&, uint32_t, Time>(
                                           [&record](uint64_t, const Address&, uint32_t, Time)
                                           { ++record.completed; }));
    client->TraceConnectWithoutContext(
        "Failed",
        Callback<void, uint64_t, const std::string&>([&record](uint64_t, const std::string& reason)
                                                     { ++record.failed[reason]; }));
    client->AssignStreams(m_stream + int64_t(index) * STREAMS_PER_EVENT);
    client->SetStopTime(Seconds(event.storm->seconds)); // after its start, which is now
    m_dc.vms[*event.vm].node->AddApplication(client);
}

nlohmann::json
ScenarioEvents::Summary() const
{
    nlohmann::json events = nlohmann::json::array();
    for (size_t i = 0; i < m_events.size(); ++i)
    {
        const ScenarioEvent& event = m_events[i];
        const Record& record = m_records[i];
        nlohmann::json entry = {{"line", event.line},
                                {"time", event.time},
                                {"op", event.op},
                                {"applied_at_s", SecondsOrNull(record.appliedAt)}};
        if (event.vm)
        {
            entry["vm"] = *event.vm;
        }
        if (event.tenant)
        {
            entry["tenant"] = *event.tenant;
        }
        if (ApplierOf(event.op) == &ScenarioEvents::ApplyPolicy)
        {
            entry[event.op == "set_policy" ? "policy" : "layer"] =
                event.op == "set_policy" ? event.policyFile : event.layer;
            entry["ports"] = record.ports;
            entry["ports_landed"] = record.landed;
            entry["layers_changed"] = record.changed;
            entry["layers_replaced"] = record.replaced;
            entry["landed_at_s"] = SecondsOrNull(record.landedAt);
            entry["refused"] = record.refused;
        }
        if (ApplierOf(event.op) == &ScenarioEvents::ApplyLink)
        {
            entry["link"] = event.link;
            entry["fabric_routes"] = record.routes;
        }
        if (event.tor)
        {
            entry["tor"] = *event.tor;
            entry["fabric_routes"] = record.routes;
        }
        if (event.mux)
        {
            entry["mux"] = *event.mux;
        }
        if (event.host)
        {
            entry["host"] = *event.host;
        }
        if (event.op == "set_qos")
        {
            const std::optional<vfp::PortQosSpec>& qos = event.qos;
            entry["tx_cap_bps"] = qos && qos->tx ? qos->tx->rateBps : 0;
            entry["rx_cap_bps"] = qos && qos->rx ? qos->rx->rateBps : 0;
            entry["tx_reservation_bps"] = qos ? qos->txReservationBps : 0;
            entry["weight"] = qos ? qos->weight : 1;
            entry["refused"] = record.refused;
        }
        if (event.flood)
        {
            entry["dst"] = event.flood->dst;
            entry["rate"] = event.flood->rate;
            entry["duration"] = event.flood->seconds;
            entry["port"] = event.flood->port;
            entry["syns_sent"] = record.flood ? record.flood->GetSent() : 0;
        }
        if (event.storm)
        {
            entry["rate"] = event.storm->rate;
            entry["duration"] = event.storm->seconds;
            entry["connections_completed"] = record.completed;
            entry["connections_failed"] = record.failed;
        }
        if (!event.controller.empty())
        {
            entry["controller"] = event.controller;
            entry["ports"] = record.ports;
            entry["ports_landed"] = record.landed;
            entry["layers_kept"] = record.kept;
            entry["layers_replaced"] = record.replaced;
            entry["landed_at_s"] = SecondsOrNull(record.landedAt);
        }
        events.push_back(entry);
    }
    return events;
}

} // namespace ns3
