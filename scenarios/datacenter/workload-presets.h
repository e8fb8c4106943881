/*
 * The short flows of the --workload presets other than default (docs/datacenter.md,
 * "Workload presets"):
 * - capacity: every VM opens short request/response connections with 100-byte responses
 *   (the load is connection setup, not bandwidth) at a rate that steps up geometrically
 *   from --capacity-cps-start to --capacity-cps-end per host; CapacityMetrics reports
 *   each step (capacity.csv, metrics.json "capacity").
 * - production: each VM draws an activity level once, lognormal across VMs; its
 *   connection rate, its long-lived connections and how often peers pick it as a server
 *   scale with it, so per-VM rates and flow counts span orders of magnitude.
 */
#ifndef VFP_WORKLOAD_PRESETS_H
#define VFP_WORKLOAD_PRESETS_H

#include "datacenter-metrics.h"
#include "datacenter-options.h"

namespace ns3
{

/// capacity: bytes of every response (one segment; the preset's load is the set-ups).
constexpr double CAPACITY_RESPONSE_BYTES = 100;

/**
 * The capacity preset's short flows in @p dc from @p start to @p stop, watched by
 * @p metrics and by a CapacityMetrics that writes its section; @p stream is the next
 * random stream number, advanced past those used.
 */
void AddCapacityFlows(const DatacenterSettings& s,
                      VfpDatacenterHelper::Datacenter& dc,
                      DatacenterMetrics& metrics,
                      Time start,
                      Time stop,
                      int64_t& stream);

/// The production preset's short flows and long-lived connections; likewise.
void AddProductionFlows(const DatacenterSettings& s,
                        VfpDatacenterHelper::Datacenter& dc,
                        DatacenterMetrics& metrics,
                        Time start,
                        Time stop,
                        int64_t& stream);

} // namespace ns3

#endif
