#include "workload-options.h"

#include "option-values.h"

#include <boost/program_options.hpp>
#include <cmath>
#include <stdexcept>

namespace ns3
{

namespace po = boost::program_options;

void
WorkloadSettings::AddOptions(po::options_description& options)
{
    options.add_options()(
        "workload",
        po::value(&name)->default_value(name),
        "default: the generated mix of short, long and UDP flows; capacity: a ramp of new "
        "connections per host across the host CPU's capacity (writes capacity.csv); "
        "production: rates and long-lived connections heavy-tailed across VMs (Figure 8)")(
        "capacity-cps-start",
        po::value(&capacityCpsStart)->default_value(capacityCpsStart),
        "capacity: new connections per second per host in the first step (assumption of "
        "ours: well below a 2-core host's slow-path capacity)")(
        "capacity-cps-end",
        po::value(&capacityCpsEnd)->default_value(capacityCpsEnd),
        "capacity: new connections per second per host in the last step (assumption of "
        "ours: above a 2-core host at several us per slow-path packet)")(
        "capacity-steps",
        po::value(&capacitySteps)->default_value(capacitySteps),
        "capacity: steps of equal length over the traffic, rates geometric from start to end")(
        "production-sigma",
        po::value(&productionSigma)->default_value(productionSigma),
        "production: sigma (log scale) of the lognormal activity of a VM that scales its "
        "connection rate, its long-lived connections and how often peers pick it (assumption "
        "of ours: 2 spans two orders of magnitude across 512 VMs)")(
        "production-flows-median",
        po::value(&productionFlowsMedian)->default_value(productionFlowsMedian),
        "production: long-lived connections the median VM opens (assumption of ours)");
}

void
WorkloadSettings::Check() const
{
    if (name != "default" && name != "capacity" && name != "production")
    {
        throw std::invalid_argument("--workload: expected default, capacity or production, got \"" +
                                    name + "\"");
    }
    RequireWithin("capacity-cps-start", capacityCpsStart, 1, 1e7);
    RequireWithin("capacity-cps-end", capacityCpsEnd, capacityCpsStart, 1e7);
    RequireWithin("capacity-steps", capacitySteps, 1, 100);
    RequireWithin("production-sigma", productionSigma, 0, 4);
    RequireWithin("production-flows-median", productionFlowsMedian, 0, 1000);
}

nlohmann::json
WorkloadSettings::Describe() const
{
    nlohmann::json workload = {{"name", name}};
    if (name == "capacity")
    {
        workload["capacity_cps_start_per_host"] = capacityCpsStart;
        workload["capacity_cps_end_per_host"] = capacityCpsEnd;
        workload["capacity_steps"] = capacitySteps;
    }
    if (name == "production")
    {
        workload["production_sigma"] = productionSigma;
        workload["production_flows_median"] = productionFlowsMedian;
    }
    return workload;
}

double
WorkloadSettings::CapacityStepCps(uint32_t step) const
{
    if (capacitySteps < 2)
    {
        return capacityCpsStart;
    }
    return capacityCpsStart *
           std::pow(capacityCpsEnd / capacityCpsStart, double(step) / (capacitySteps - 1));
}

} // namespace ns3
