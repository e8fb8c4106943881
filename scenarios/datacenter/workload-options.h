/*
 * The datacenter scenario's --workload presets and their options (docs/datacenter.md,
 * "Workload presets"): default (the generated mix of --cps, --long-flows and --udp-flows),
 * capacity (a ramp of new connections per host that crosses the host CPU's capacity) and
 * production (per-VM connection rates and long-lived connections heavy-tailed across VMs,
 * the shape of the VFP paper's Figure 8).
 */
#ifndef VFP_WORKLOAD_OPTIONS_H
#define VFP_WORKLOAD_OPTIONS_H

#include <boost/program_options/options_description.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace ns3
{

struct WorkloadSettings
{
    std::string name = "default"; //!< --workload: default, capacity or production
    // capacity: offered new connections per second per host, in geometric steps.
    double capacityCpsStart = 5000; //!< the first step's rate per host
    double capacityCpsEnd = 160000; //!< the last step's rate per host
    uint32_t capacitySteps = 6;     //!< steps of equal length over --duration
    // production: lognormal across VMs (assumptions of ours, docs/datacenter.md).
    double productionSigma = 2.0;       //!< sigma of a VM's activity (log scale)
    double productionFlowsMedian = 1.0; //!< long-lived connections the median VM opens

    /// Registers --workload and the presets' options, writing into this.
    void AddOptions(boost::program_options::options_description& options);
    /**
     * Checks the options.
     * @throws std::invalid_argument naming the option
     */
    void Check() const;
    /// What metrics.json "scenario" records of the workload.
    nlohmann::json Describe() const;
    /// The capacity preset's offered new connections per second per host in @p step.
    double CapacityStepCps(uint32_t step) const;
};

} // namespace ns3

#endif
