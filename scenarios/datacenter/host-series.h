/*
 * The datacenter scenario's per-host view of the host model: every host's VFP state
 * (connections, unified flows, layer flows, an estimate of their bytes) and its cores'
 * utilisation and queueing delay, sampled with the rest of timeseries.csv and summed in
 * metrics.json "cpu" and "state" (docs/datacenter.md lists every field).
 */
#ifndef VFP_HOST_SERIES_H
#define VFP_HOST_SERIES_H

#include "metrics-support.h"
#include "vfp-datacenter-helper.h"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/// Packets the ports of @p vswitch processed in software so far: the fast path's (unified
/// flow hits) and the slow path's (misses, and reconciled flows re-simulated).
std::pair<uint64_t, uint64_t> PathPackets(Ptr<VfpSwitchNetDevice> vswitch);

class HostSeries
{
public:
    /// Watches the VFP hosts of @p dc (a bridge datacenter has nothing to watch).
    explicit HostSeries(const VfpDatacenterHelper::Datacenter& dc);
    /// Samples every host; @p record false only sets the baselines (the first sample).
    void Sample(bool record, Time interval);
    /// timeseries.csv's columns from here, each with a leading comma.
    std::string CsvHeader() const;
    /// Sample @p i's values in CsvHeader's order, each with a leading comma.
    std::string CsvRow(size_t i) const;
    /// metrics.json "cpu": steering, cores, per-core utilisation over @p elapsed seconds,
    /// queueing delay.
    nlohmann::json Cpu(double elapsed) const;
    /// metrics.json "state": per host, peak and final VFP state.
    nlohmann::json State() const;

private:
    struct HostState
    {
        uint64_t connections = 0;
        uint64_t unifiedFlows = 0;
        uint64_t layerFlows = 0;
        uint64_t bytes = 0; //!< estimated
    };
    struct Row
    {
        std::vector<HostState> hosts; //!< by host
        std::vector<double> cpu;      //!< by host: busy fraction of its cores in the interval
        double coreMax = 0;           //!< the busiest core of any host in the interval
        double queueP99Us = 0;        //!< p99 of the interval's queueing delays, all hosts
    };
    /// Host @p h's VFP state now.
    HostState Measure(size_t h) const;

    const VfpDatacenterHelper::Datacenter& m_dc;
    std::vector<size_t> m_vfpHosts;              //!< indexes of hosts that run VFP
    std::vector<std::vector<Time>> m_coreBefore; //!< per host and core, busy at the last sample
    std::vector<LogHistogram> m_queueUs;         //!< per host, queueing delays (µs)
    LogHistogram m_intervalQueueUs;              //!< the current interval's, all hosts
    std::vector<Row> m_rows;                     //!< the samples
    std::vector<HostState> m_peak;               //!< per host, the most of each in any sample
};

} // namespace ns3

#endif
