#include "vfp-controller.h"

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
