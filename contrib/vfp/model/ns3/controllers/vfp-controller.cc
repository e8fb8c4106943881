#include "vfp-controller.h"

#include "engine/format/policy-json.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VfpController");
NS_OBJECT_ENSURE_REGISTERED(VfpController);

TypeId
VfpController::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::VfpController")
            .SetParent<Application>()
            .SetGroupName("Vfp")
            .AddAttribute("ProgrammingLatency",
                          "Time from a controller's change to its taking effect on the host "
                          "(controller to host agent to VFPAPI).",
                          TimeValue(MilliSeconds(1)),
                          MakeTimeAccessor(&VfpController::m_programmingLatency),
                          MakeTimeChecker(Seconds(0)))
            .AddTraceSource("Programmed",
                            "A change landed on a port: the port and the change's latency.",
                            MakeTraceSourceAccessor(&VfpController::m_programmedTrace),
                            "ns3::VfpController::ProgrammedCallback");
    return tid;
}

void
VfpController::AddPort(Ptr<VfpSwitchNetDevice> vswitch, const std::string& port)
{
    m_ports.push_back(ManagedPort{vswitch, port});
}

std::vector<VfpController::LayerClaim>
VfpController::GetLayerClaims() const
{
    return {};
}

std::vector<vfp::LayerSpec>
VfpController::MakeLayers(const ManagedPort&) const
{
    return {};
}

void
VfpController::Restart(Resynced resynced)
{
    NS_LOG_FUNCTION(this);
    for (const ManagedPort& managed : m_ports)
    {
        std::vector<vfp::LayerSpec> layers = MakeLayers(managed);
        if (layers.empty())
        {
            NS_FATAL_ERROR(GetInstanceTypeId().GetName() << " cannot restart: it has no layers");
        }
        Program(managed,
                [layers, resynced, name = managed.name](vfp::Port& port)
                {
                    uint32_t kept = 0;
                    for (const vfp::LayerSpec& layer : layers)
                    {
                        const vfp::Layer* current = port.FindLayer(layer.name);
                        if (current && vfp::WriteLayer(current->ToSpec()) ==
                                           vfp::WriteLayer(vfp::Layer::InEngineOrder(layer)))
                        {
                            ++kept;
                            continue;
                        }
                        if (current)
                        {
                            port.DeleteLayer(layer.name);
                        }
                        port.CreateLayer(layer);
                    }
                    if (resynced)
                    {
                        resynced(name, kept, uint32_t(layers.size()) - kept);
                    }
                });
    }
}

void
VfpController::DoDispose()
{
    m_ports.clear();
    Application::DoDispose();
}

void
VfpController::StartApplication()
{
    NS_LOG_FUNCTION(this);
    for (const ManagedPort& managed : m_ports)
    {
        Program(managed, [this, managed](vfp::Port& port) { Configure(managed, port); });
    }
}

void
VfpController::StopApplication()
{
}

void
VfpController::Program(const ManagedPort& managed, std::function<void(vfp::Port&)> change)
{
    ++m_pending;
    Simulator::Schedule(m_programmingLatency,
                        &VfpController::Land,
                        this,
                        managed,
                        std::move(change),
                        Simulator::Now());
}

void
VfpController::Land(ManagedPort managed, std::function<void(vfp::Port&)> change, Time madeAt)
{
    --m_pending;
    try
    {
        change(managed.vswitch->GetEngine().GetPort(managed.name));
    }
    catch (const vfp::PolicyError& error)
    {
        NS_FATAL_ERROR(GetInstanceTypeId().GetName()
                       << " on port " << managed.name
                       << ": the switch refused a change: " << error.what());
    }
    m_convergedAt = Simulator::Now();
    m_programmedTrace(managed.name, Simulator::Now() - madeAt);
}

} // namespace ns3
