/*
 * The capacity preset's results (docs/datacenter.md, "Workload presets"): per ramp step,
 * the offered and attempted new connections, those that completed, their connection
 * setup latency (SYN to established, by the step the connection started in), the
 * switches' cpu_overload drops and the host CPU's utilisation in the step, and the knee.
 * Written as capacity.csv and metrics.json "capacity".
 */
#ifndef VFP_CAPACITY_METRICS_H
#define VFP_CAPACITY_METRICS_H

#include "request-response-client.h"
#include "vfp-datacenter-helper.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ns3
{

/// The knee: the first step whose setup p99 exceeds this many times the first step's.
constexpr double KNEE_SETUP_FACTOR = 10;

class CapacityMetrics
{
public:
    /**
     * Watches @p dc over steps of @p stepLength from @p start, step k offering
     * @p offeredCps[k] new connections per second per host.
     */
    CapacityMetrics(const VfpDatacenterHelper::Datacenter& dc,
                    std::vector<double> offeredCps,
                    Time start,
                    Time stepLength);
    /// Counts @p client's connections in the step each started in.
    void WatchClient(Ptr<RequestResponseClient> client);
    /// Writes capacity.csv into @p directory; returns metrics.json "capacity".
    nlohmann::json Write(const std::string& directory) const;

private:
    struct Step
    {
        double offeredCps;             //!< per host
        uint64_t attempted = 0;        //!< connections started in the step
        uint64_t completed = 0;        //!< of those, completed
        std::vector<double> setupUs;   //!< of those, set-up times
        uint64_t cpuOverloadDrops = 0; //!< cpu_overload drops during the step
        double cpuUtilisation = 0;     //!< busy core time / (cores x step length), all hosts
    };

    /// The step @p time falls in, or -1 outside the ramp.
    int StepAt(Time time) const;
    /// Closes step @p step (or opens the first, for -1): attempts and CPU since the last.
    void Boundary(int step);
    /// The first step past the knee, or -1; @p reason says which criterion.
    int Knee(std::string& reason) const;

    const VfpDatacenterHelper::Datacenter& m_dc;
    Time m_start;
    Time m_stepLength;
    std::vector<Step> m_steps;
    std::vector<Ptr<RequestResponseClient>> m_clients;
    uint64_t m_startedBefore = 0;
    Time m_busyBefore;
};

} // namespace ns3

#endif
