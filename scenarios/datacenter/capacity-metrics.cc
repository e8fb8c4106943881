#include "capacity-metrics.h"

#include "metrics-support.h"
#include "ns3/simulator.h"

#include <fmt/format.h>

namespace ns3
{

CapacityMetrics::CapacityMetrics(const VfpDatacenterHelper::Datacenter& dc,
                                 std::vector<double> offeredCps,
                                 Time start,
                                 Time stepLength)
    : m_dc(dc)
    , m_start(start)
    , m_stepLength(stepLength)
{
    for (double cps : offeredCps)
    {
        Step step;
        step.offeredCps = cps;
        m_steps.push_back(step);
    }
    for (const VfpDatacenterHelper::Host& host : dc.hosts)
    {
        if (!host.vswitch)
        {
            continue;
        }
        host.vswitch->TraceConnectWithoutContext(
            "Drop",
            MakeCallback(+[](CapacityMetrics* self, Ptr<const Packet>, const std::string& reason)
                         {
                             const int step = self->StepAt(Simulator::Now());
                             if (reason == "cpu_overload" && step >= 0)
                             {
                                 ++self->m_steps[step].cpuOverloadDrops;
                             }
                         })
                .Bind(this));
    }
    for (int step = -1; step < int(m_steps.size()); ++step)
    {
        Simulator::Schedule(
            start + stepLength * int64_t(step + 1), &CapacityMetrics::Boundary, this, step);
    }
}

void
CapacityMetrics::WatchClient(Ptr<RequestResponseClient> client)
{
    m_clients.push_back(client);
    client->TraceConnectWithoutContext(
        "Established",
        MakeCallback(+[](CapacityMetrics* self, uint64_t, Time setup)
                     {
                         const int step = self->StepAt(Simulator::Now() - setup);
                         if (step >= 0)
                         {
                             self->m_steps[step].setupUs.push_back(setup.GetSeconds() * 1e6);
                         }
                     })
            .Bind(this));
    client->TraceConnectWithoutContext(
        "Completed",
        MakeCallback(+[](CapacityMetrics* self, uint64_t, const Address&, uint32_t, Time fct)
                     {
                         const int step = self->StepAt(Simulator::Now() - fct);
                         if (step >= 0)
                         {
                             ++self->m_steps[step].completed;
                         }
                     })
            .Bind(this));
}

int
CapacityMetrics::StepAt(Time time) const
{
    if (time < m_start)
    {
        return -1;
    }
    const int64_t step = (time - m_start).GetTimeStep() / m_stepLength.GetTimeStep();
    return step < int64_t(m_steps.size()) ? int(step) : -1;
}

void
CapacityMetrics::Boundary(int step)
{
    uint64_t started = 0;
    for (const Ptr<RequestResponseClient>& client : m_clients)
    {
        started += client->GetStarted();
    }
    Time busy;
    uint32_t cores = 0;
    for (const VfpDatacenterHelper::Host& host : m_dc.hosts)
    {
        if (host.vswitch)
        {
            busy += host.vswitch->GetCpu()->GetBusyTime();
            cores += host.vswitch->GetCpu()->GetCores();
        }
    }
    if (step >= 0)
    {
        Step& closed = m_steps[step];
        closed.attempted = started - m_startedBefore;
        closed.cpuUtilisation =
            cores == 0 ? 0
                       : (busy - m_busyBefore).GetSeconds() / (m_stepLength.GetSeconds() * cores);
    }
    m_startedBefore = started;
    m_busyBefore = busy;
}

int
CapacityMetrics::Knee(std::string& reason) const
{
    const double base = Percentile(m_steps.at(0).setupUs, 0.99);
    for (size_t k = 0; k < m_steps.size(); ++k)
    {
        if (m_steps[k].cpuOverloadDrops > 0)
        {
            reason = "cpu_overload";
            return int(k);
        }
        if (!m_steps[k].setupUs.empty() &&
            Percentile(m_steps[k].setupUs, 0.99) > KNEE_SETUP_FACTOR * base)
        {
            reason = "setup_p99";
            return int(k);
        }
    }
    return -1;
}

nlohmann::json
CapacityMetrics::Write(const std::string& directory) const
{
    std::ofstream csv = OpenOutput(directory, "capacity.csv");
    csv << "step,offered_cps,attempted,completed,setup_p50_us,setup_p99_us,cpu_overload_drops,"
           "cpu_utilisation\n";
    nlohmann::json rows = nlohmann::json::array();
    for (size_t k = 0; k < m_steps.size(); ++k)
    {
        const Step& step = m_steps[k];
        const bool any = !step.setupUs.empty();
        const double p50 = Percentile(step.setupUs, 0.5);
        const double p99 = Percentile(step.setupUs, 0.99);
        csv << fmt::format("{},{:.1f},{},{},{},{},{},{:.6f}\n",
                           k,
                           step.offeredCps,
                           step.attempted,
                           step.completed,
                           any ? fmt::format("{:.3f}", p50) : "",
                           any ? fmt::format("{:.3f}", p99) : "",
                           step.cpuOverloadDrops,
                           step.cpuUtilisation);
        rows.push_back({{"step", k},
                        {"offered_cps", step.offeredCps},
                        {"attempted", step.attempted},
                        {"completed", step.completed},
                        {"setup_p50_us", any ? nlohmann::json(p50) : nlohmann::json()},
                        {"setup_p99_us", any ? nlohmann::json(p99) : nlohmann::json()},
                        {"cpu_overload_drops", step.cpuOverloadDrops},
                        {"cpu_utilisation", step.cpuUtilisation}});
    }
    std::string reason;
    const int knee = Knee(reason);
    return {{"offered_cps_unit", "new connections per second opened by the VMs of one host"},
            {"step_seconds", m_stepLength.GetSeconds()},
            {"steps", rows},
            {"knee",
             knee < 0 ? nlohmann::json()
                      : nlohmann::json{{"step", knee},
                                       {"offered_cps", m_steps[knee].offeredCps},
                                       {"by", reason}}}};
}

} // namespace ns3
