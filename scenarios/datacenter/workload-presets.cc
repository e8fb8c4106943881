#include "workload-presets.h"

#include "capacity-metrics.h"
#include "datacenter-traffic.h"
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace ns3
{

/**
 * Intervals between the arrivals of a Poisson process whose rate is constant within
 * steps of equal length and changes from step to step: drawn exactly by time rescaling
 * (a unit exponential spent against the rate from now on), so an interval that crosses
 * a step boundary continues at the next step's rate. Reads the simulation clock.
 */
class SteppedRateInterval : public RandomVariableStream
{
public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::SteppedRateInterval")
                                .SetParent<RandomVariableStream>()
                                .SetGroupName("Vfp")
                                .AddConstructor<SteppedRateInterval>();
        return tid;
    }

    /// Step k runs from @p origin + k @p length at @p rates[k] per second; the last lasts.
    void SetSteps(Time origin, Time length, std::vector<double> rates)
    {
        m_origin = origin;
        m_length = length;
        m_rates = std::move(rates);
    }

    double GetValue() override
    {
        double work = -std::log(Peek()->RandU01()); // a unit exponential
        const double now = Simulator::Now().GetSeconds();
        double t = now;
        for (;;)
        {
            const double since = std::max(0.0, t - m_origin.GetSeconds());
            const size_t k = std::min(m_rates.size() - 1, size_t(since / m_length.GetSeconds()));
            const double end = k + 1 == m_rates.size()
                                   ? INFINITY
                                   : m_origin.GetSeconds() + (k + 1) * m_length.GetSeconds();
            if (work <= m_rates[k] * (end - t))
            {
                return t + work / m_rates[k] - now;
            }
            work -= m_rates[k] * (end - t);
            t = end;
        }
    }

    uint32_t GetInteger() override { return uint32_t(GetValue()); }

private:
    Time m_origin;
    Time m_length;
    std::vector<double> m_rates{1.0};
};

NS_OBJECT_ENSURE_REGISTERED(SteppedRateInterval);

void
AddCapacityFlows(const DatacenterSettings& s,
                 VfpDatacenterHelper::Datacenter& dc,
                 DatacenterMetrics& metrics,
                 Time start,
                 Time stop,
                 int64_t& stream)
{
    const WorkloadSettings& w = s.workload;
    std::vector<double> perHost;
    std::vector<double> perVm;
    for (uint32_t k = 0; k < w.capacitySteps; ++k)
    {
        perHost.push_back(w.CapacityStepCps(k));
        perVm.push_back(perHost.back() / s.topology.vmsPerHost);
    }
    const Time length = (stop - start) / int64_t(w.capacitySteps);
    auto capacity = std::make_shared<CapacityMetrics>(dc, perHost, start, length);
    metrics.AddSectionWriter("capacity",
                             [capacity](const std::string& directory)
                             { return capacity->Write(directory); });
    for (uint32_t i = 0; i < dc.vms.size(); ++i)
    {
        const std::vector<uint32_t> peers = TenantPeers(dc, i);
        if (peers.empty())
        {
            continue; // alone in its tenant
        }
        Ptr<SteppedRateInterval> interval = CreateObject<SteppedRateInterval>();
        interval->SetSteps(start, length, perVm);
        Ptr<RequestResponseClient> client = CreateObject<RequestResponseClient>();
        client->SetAttribute("Interval", PointerValue(interval));
        client->SetAttribute("ResponseSize",
                             PointerValue(FlowSizes("constant", CAPACITY_RESPONSE_BYTES)));
        InstallShortFlowClient(dc, metrics, i, client, peers, start, stop, stream);
        capacity->WatchClient(client);
    }
}

namespace
{

/// production: a VM's activity is exp(sigma Z), Z standard normal bounded at this.
constexpr double PRODUCTION_Z_BOUND = 4;
/// production: servers each VM's short flows go to, drawn by activity (assumption of ours).
constexpr uint32_t PRODUCTION_PEERS = 8;
/// production: each long-lived connection sends one 100-byte message a second (a
/// keep-alive or heartbeat; assumption of ours), so it stays a flow in VFP.
constexpr uint32_t PERSISTENT_MESSAGE_BYTES = 100;
constexpr const char* PERSISTENT_RATE = "800bps";

/// Picks VMs of one tenant with probability proportional to their activity.
class ActivityPicker
{
public:
    ActivityPicker(const VfpDatacenterHelper::Datacenter& dc,
                   const std::vector<double>& activity,
                   Ptr<UniformRandomVariable> uniform)
        : m_uniform(uniform)
        , m_tenants(dc.options.tenants)
    {
        for (uint32_t vm = 0; vm < dc.vms.size(); ++vm)
        {
            std::vector<double>& cumulative = m_cumulative[dc.vms[vm].tenant];
            cumulative.push_back((cumulative.empty() ? 0 : cumulative.back()) + activity[vm]);
        }
    }

    /// A VM of @p vm's tenant other than @p vm (which must not be alone in it).
    uint32_t PeerOf(uint32_t vm, uint32_t tenant)
    {
        const std::vector<double>& cumulative = m_cumulative.at(tenant);
        for (;;)
        {
            const double x = m_uniform->GetValue(0, cumulative.back());
            const size_t index =
                std::upper_bound(cumulative.begin(), cumulative.end(), x) - cumulative.begin();
            const uint32_t peer =
                tenant + m_tenants * uint32_t(std::min(index, cumulative.size() - 1));
            if (peer != vm)
            {
                return peer;
            }
        }
    }

private:
    Ptr<UniformRandomVariable> m_uniform;
    uint32_t m_tenants;
    std::map<uint32_t, std::vector<double>> m_cumulative; //!< by tenant, in VM order
};

/// Every VM listens for long-lived connections; their accepted sockets count as open.
void
AddPersistentSinks(VfpDatacenterHelper::Datacenter& dc, DatacenterMetrics& metrics)
{
    for (uint32_t vm = 0; vm < dc.vms.size(); ++vm)
    {
        PacketSinkHelper helper("ns3::TcpSocketFactory",
                                InetSocketAddress(Ipv4Address::GetAny(), PERSISTENT_PORT));
        Ptr<PacketSink> sink = DynamicCast<PacketSink>(helper.Install(dc.vms[vm].node).Get(0));
        metrics.WatchOpen(vm, [sink] { return uint64_t(sink->GetAcceptedSockets().size()); });
    }
}

/// @p count long-lived connections from @p vm, opening in the first tenth of the traffic.
void
AddPersistentConnections(VfpDatacenterHelper::Datacenter& dc,
                         DatacenterMetrics& metrics,
                         ActivityPicker& picker,
                         Ptr<UniformRandomVariable> uniform,
                         uint32_t vm,
                         uint32_t count,
                         Time start,
                         Time stop,
                         int64_t& stream)
{
    auto opened = std::make_shared<std::vector<Time>>();
    for (uint32_t c = 0; c < count; ++c)
    {
        const uint32_t peer = picker.PeerOf(vm, dc.vms[vm].tenant);
        OnOffHelper sender("ns3::TcpSocketFactory",
                           InetSocketAddress(dc.vms[peer].address, PERSISTENT_PORT));
        sender.SetConstantRate(DataRate(PERSISTENT_RATE), PERSISTENT_MESSAGE_BYTES);
        ApplicationContainer apps = sender.Install(dc.vms[vm].node);
        stream += DynamicCast<OnOffApplication>(apps.Get(0))->AssignStreams(stream);
        const Time begin = start + Seconds(uniform->GetValue(0, (stop - start).GetSeconds() / 10));
        apps.Start(begin);
        opened->push_back(begin);
    }
    std::sort(opened->begin(), opened->end());
    metrics.WatchOpen(vm,
                      [opened]
                      {
                          return uint64_t(
                              std::upper_bound(opened->begin(), opened->end(), Simulator::Now()) -
                              opened->begin());
                      });
}

} // namespace

void
AddProductionFlows(const DatacenterSettings& s,
                   VfpDatacenterHelper::Datacenter& dc,
                   DatacenterMetrics& metrics,
                   Time start,
                   Time stop,
                   int64_t& stream)
{
    const WorkloadSettings& w = s.workload;
    Ptr<NormalRandomVariable> normal =
        CreateObjectWithAttributes<NormalRandomVariable>("Mean",
                                                         DoubleValue(0),
                                                         "Variance",
                                                         DoubleValue(1),
                                                         "Bound",
                                                         DoubleValue(PRODUCTION_Z_BOUND));
    normal->SetStream(stream++);
    Ptr<UniformRandomVariable> uniform = CreateObject<UniformRandomVariable>();
    uniform->SetStream(stream++);
    std::vector<double> activity;
    double total = 0;
    for (uint32_t vm = 0; vm < dc.vms.size(); ++vm)
    {
        activity.push_back(std::exp(w.productionSigma * normal->GetValue()));
        total += activity.back();
    }
    ActivityPicker picker(dc, activity, uniform);
    AddPersistentSinks(dc, metrics);
    const double mean = total / dc.vms.size();
    for (uint32_t i = 0; i < dc.vms.size(); ++i)
    {
        if (TenantPeers(dc, i).empty())
        {
            continue; // alone in its tenant
        }
        // The datacenter offers --cps per VM on average, as the default mix does.
        if (s.cps > 0)
        {
            Ptr<RequestResponseClient> client = CreateObject<RequestResponseClient>();
            client->SetAttribute("Interval",
                                 PointerValue(CreateObjectWithAttributes<ExponentialRandomVariable>(
                                     "Mean", DoubleValue(mean / (s.cps * activity[i])))));
            client->SetAttribute("ResponseSize",
                                 PointerValue(FlowSizes(s.flowSize, s.flowSizeMean)));
            std::vector<uint32_t> peers;
            for (uint32_t p = 0; p < PRODUCTION_PEERS; ++p)
            {
                peers.push_back(picker.PeerOf(i, dc.vms[i].tenant));
            }
            InstallShortFlowClient(dc, metrics, i, client, peers, start, stop, stream);
        }
        const uint32_t persistent = uint32_t(std::ceil(w.productionFlowsMedian * activity[i]));
        AddPersistentConnections(dc, metrics, picker, uniform, i, persistent, start, stop, stream);
    }
}

} // namespace ns3
