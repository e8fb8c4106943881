/*
 * The datacenter scenario's metrics: what the VMs, hosts, switches, controllers and the
 * directory did, sampled over time and summed at the end, written as metrics.json and
 * CSVs (docs/datacenter.md lists every field). Nothing here reads the wall clock, so the
 * same scenario and seed write the same bytes.
 */
#ifndef VFP_DATACENTER_METRICS_H
#define VFP_DATACENTER_METRICS_H

#include "host-series.h"
#include "nic-series.h"
#include "ns3/packet-sink.h"
#include "qos-series.h"
#include "request-response-client.h"
#include "request-response-server.h"
#include "vfp-datacenter-helper.h"
#include "vfp-packet-audit.h"

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ns3
{

class DatacenterMetrics
{
public:
    /// Watches @p dc; traffic runs from @p start to @p stop; samples every @p interval.
    DatacenterMetrics(const VfpDatacenterHelper::Datacenter& dc,
                      Time start,
                      Time stop,
                      Time interval);

    void WatchClient(uint32_t vm, Ptr<RequestResponseClient> client);
    void WatchServer(uint32_t vm, Ptr<RequestResponseServer> server);
    /// A long flow of @p bytes from @p vm to @p peer, received by @p sink.
    void WatchLongFlow(
        uint32_t vm, uint32_t peer, Ptr<PacketSink> sink, uint64_t bytes, Time start);
    /// Ananta: a client outside the datacenter connecting to VIPs.
    void WatchOutsideClient(uint32_t client, Ptr<RequestResponseClient> app);
    /// Ananta: a DIP's connections to servers outside, through SNAT.
    void WatchSnatClient(uint32_t vm, Ptr<RequestResponseClient> app);
    /// Adds @p section to metrics.json under @p name (e.g. "traffic_file").
    void AddSection(const std::string& name, nlohmann::json section);
    /// At Write, @p writer writes its files into the directory it is given and returns the
    /// metrics.json section @p name (e.g. the capacity preset's "capacity").
    void AddSectionWriter(const std::string& name,
                          std::function<nlohmann::json(const std::string&)> writer);
    /// More flows of @p vm that @p open counts, added to its active flows at every sample
    /// (e.g. the production preset's long-lived connections).
    void WatchOpen(uint32_t vm, std::function<uint64_t()> open);
    /// Schedules the sampling.
    void Start();

    /// Writes metrics.json and the CSVs into @p directory; returns the summary.
    nlohmann::json Write(const std::string& directory, const nlohmann::json& scenario) const;
    /// Frames transmitted by any device so far (packet-hops).
    uint64_t GetPacketHops() const { return m_packetHops; }
    uint64_t GetCompletedFlows() const { return m_flows.size(); }
    const VfpPacketAudit& GetAudit() const { return *m_audit; }

private:
    struct VmStats
    {
        uint64_t txBytes = 0;                            //!< frames the VNIC sent
        uint64_t rxBytes = 0;                            //!< frames the VNIC received
        uint64_t connections = 0;                        //!< connections it opened or accepted
        uint64_t activeSum = 0;                          //!< active flows, summed over samples
        uint64_t activePeak = 0;                         //!< most active flows in a sample
        Ptr<RequestResponseClient> client;               //!< its short flows
        Ptr<RequestResponseServer> server;               //!< the flows it serves
        uint32_t longFlowsActive = 0;                    //!< long flows it sends, not finished
        std::vector<std::function<uint64_t()>> moreOpen; //!< WatchOpen's counts
    };
    struct HostStats
    {
        uint64_t txBytes = 0; //!< frames the NIC sent
        uint64_t rxBytes = 0; //!< frames the NIC received
        uint64_t held = 0;    //!< packets the switch held
        uint64_t dropped = 0; //!< packets the switch dropped
    };
    struct FlowRecord
    {
        uint32_t vm;      //!< the VM that opened it
        std::string peer; //!< its server
        uint64_t bytes;   //!< response (short) or transfer (long) size
        double start;     //!< seconds
        double fctUs;     //!< completion time, µs
        bool longFlow;    //!< kind
    };
    struct LongFlow
    {
        uint32_t vm;          //!< sender
        uint32_t peer;        //!< receiver
        Ptr<PacketSink> sink; //!< its sink
        uint64_t bytes;       //!< size
        Time start;           //!< when the sender starts
        bool done;            //!< all bytes arrived
    };
    struct Sample
    {
        double time;
        uint64_t active;
        uint64_t newConnections;
        uint64_t fast;
        uint64_t slow;
        double cpu;     //!< fraction of all cores busy in the interval
        uint64_t drops; //!< audited frames dropped in the interval
    };

    /// What the per-VM table adds up to.
    struct VmTotals
    {
        std::vector<double> throughputs; //!< per VM, Mbit/s received
        std::vector<double> cps;         //!< per VM, connections per second of traffic
        std::vector<double> peakActive;  //!< per VM, peak active flows
        uint64_t rxBytes = 0;            //!< over all VMs
        uint64_t connections = 0;        //!< over all VMs
    };
    /// What the per-host table adds up to.
    struct HostTotals
    {
        std::vector<double> cpu; //!< per VFP host, CPU utilisation over the run
        uint64_t fast = 0;       //!< fast-path packets, all switches
        uint64_t slow = 0;       //!< slow-path (and reconciled) packets
    };
    /// Completion times of the generated flows, µs.
    struct FlowTimes
    {
        std::vector<double> shortFct;
        std::vector<double> longFct;
    };

    void TakeSample();
    /// vm.csv; returns its totals.
    VmTotals WriteVms(const std::string& directory) const;
    /// host.csv; returns its totals.
    HostTotals WriteHosts(const std::string& directory) const;
    /// fct.csv; returns the completion times.
    FlowTimes WriteFlows(const std::string& directory) const;
    /// timeseries.csv.
    void WriteTimeseries(const std::string& directory) const;
    /// metering.csv; returns metrics.json's "metering" (meters summed by name).
    nlohmann::json WriteMetering(const std::string& directory) const;
    /// metrics.json's "directory": the host agents' lookups and the directory's answers.
    nlohmann::json DirectoryJson() const;
    /// When the last built-in controller change landed, seconds.
    double ConvergedAt() const;
    /// metrics.json's "summary".
    nlohmann::json Summary(const VmTotals& vms,
                           const HostTotals& hosts,
                           const FlowTimes& flows,
                           uint64_t lookups) const;
    /// Whether @p address is one of the datacenter's VIPs.
    bool IsVip(Ipv4Address address) const;
    /// Ananta's outputs: vip/dip/mux/snat/client_setup CSVs; returns metrics.json's "ananta".
    nlohmann::json WriteAnanta(const std::string& directory) const;
    /// Fast and slow path packets of every port so far.
    std::pair<uint64_t, uint64_t> PathTotals() const;
    Time CpuBusy() const;

    const VfpDatacenterHelper::Datacenter& m_dc;
    Time m_start;
    Time m_stop;
    Time m_interval;
    Ptr<VfpPacketAudit> m_audit;
    std::vector<VmStats> m_vms;
    std::vector<HostStats> m_hosts;
    std::vector<FlowRecord> m_flows;
    std::vector<LongFlow> m_longFlows;
    std::map<std::string, uint64_t> m_failures;    //!< short flows, by reason
    std::map<std::string, uint64_t> m_switchDrops; //!< every switch drop, by reason
    std::vector<double> m_lookupLatencyUs;         //!< directory lookups
    std::vector<double> m_setupUs;                 //!< connection set-up times
    std::vector<Sample> m_samples;
    HostSeries m_hostSeries; //!< per-host state and cores, sampled with m_samples
    NicSeries m_nicSeries;   //!< the programmable NICs, sampled with m_samples
    QosSeries m_qosSeries;   //!< the VMs' QoS, sampled with m_samples
    std::map<std::string, nlohmann::json> m_sections; //!< more of metrics.json, by name
    std::map<std::string, std::function<nlohmann::json(const std::string&)>>
        m_sectionWriters; //!< AddSectionWriter's, by name
    uint64_t m_packetHops = 0;
    uint64_t m_connectionsBefore = 0;
    std::pair<uint64_t, uint64_t> m_pathsBefore{0, 0};
    Time m_busyBefore;
    uint64_t m_dropsBefore = 0;
    bool m_sampled = false; //!< the first sample only sets the baselines
    // Ananta
    struct SnatGrant
    {
        double time;      //!< seconds
        std::string port; //!< the DIP's port
        uint32_t host;    //!< its host
        uint16_t lo;      //!< first port
        uint16_t hi;      //!< last port
        double latencyUs; //!< from exhaustion to the grant
    };
    std::vector<SnatGrant> m_snatGrants;
    std::vector<std::pair<uint32_t, double>> m_clientSetupUs; //!< (client, setup µs)
    std::map<uint32_t, std::pair<uint64_t, uint64_t>>
        m_vipCompleted;                               //!< VIP -> (connections, response bytes)
    std::map<std::string, uint64_t> m_clientFailures; //!< outside clients, by reason
    std::map<std::string, uint64_t> m_snatFailures;   //!< DIPs' outbound connections, by reason
    std::vector<double> m_clientFctUs;                //!< outside clients' flow completion times
    uint64_t m_snatCompleted = 0;                     //!< DIPs' outbound connections completed
    uint64_t m_dsrBytes = 0;                          //!< IP bytes from VIPs that reached clients
};

} // namespace ns3

#endif
