/*
 * The datacenter scenario's generated traffic: short request/response TCP flows at a
 * Poisson connection rate per VM, long TCP transfers and constant-rate UDP streams between
 * random VM pairs of a tenant, and with Ananta, outside clients, SNAT connections and the
 * DIP changes (docs/datacenter.md, "Traffic").
 */
#ifndef VFP_DATACENTER_TRAFFIC_H
#define VFP_DATACENTER_TRAFFIC_H

#include "datacenter-metrics.h"
#include "datacenter-options.h"
#include "ns3/random-variable-stream.h"

#include <vector>

namespace ns3
{

/// Where the generated mix listens: short flows on one port of every VM, long flows and
/// UDP streams on consecutive ports from these (at most PORT_SPAN of each).
constexpr uint16_t SHORT_FLOW_PORT = 5000;
constexpr uint16_t LONG_FLOW_FIRST_PORT = 6000;
constexpr uint16_t UDP_FIRST_PORT = 7000;
constexpr uint16_t PORT_SPAN = 1000;
/// The production preset's long-lived TCP connections (UDP streams take 7000 up).
constexpr uint16_t PERSISTENT_PORT = 7000;

/// A RandomVariableStream of short flow sizes of @p kind (--flow-size) and @p mean bytes.
Ptr<RandomVariableStream> FlowSizes(const std::string& kind, double mean);

/// The VMs of @p vm's tenant other than @p vm, in order.
std::vector<uint32_t> TenantPeers(const VfpDatacenterHelper::Datacenter& dc, uint32_t vm);

/**
 * Installs @p client, already given its Interval and ResponseSize, on VM @p vm with
 * @p peers' short-flow servers, from @p start to @p stop, watched by @p metrics; assigns
 * its random streams from @p stream, advanced past them.
 */
void InstallShortFlowClient(VfpDatacenterHelper::Datacenter& dc,
                            DatacenterMetrics& metrics,
                            uint32_t vm,
                            Ptr<RequestResponseClient> client,
                            const std::vector<uint32_t>& peers,
                            Time start,
                            Time stop,
                            int64_t& stream);

/// Whether the generated mix of @p s listens on @p proto ("tcp" or "udp") port @p port.
bool GeneratedMixUses(const DatacenterSettings& s, const std::string& proto, uint16_t port);

/**
 * Installs the generated mix in @p dc from @p start to @p stop, watched by @p metrics;
 * @p stream is the next random stream number, advanced past those used.
 */
void AddGeneratedTraffic(const DatacenterSettings& s,
                         VfpDatacenterHelper::Datacenter& dc,
                         DatacenterMetrics& metrics,
                         Time start,
                         Time stop,
                         int64_t& stream);

} // namespace ns3

#endif
