/*
 * The datacenter scenario's settings: its command line (every option documented in
 * docs/datacenter.md), checked in full before any simulation object exists, and their
 * description in metrics.json "scenario".
 */
#ifndef VFP_DATACENTER_OPTIONS_H
#define VFP_DATACENTER_OPTIONS_H

#include "datacenter-tcp.h"
#include "vfp-datacenter-helper.h"
#include "workload-options.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

struct DatacenterSettings
{
    VfpDatacenterHelper::Options topology; //!< filled from the options below by Parse
    DatacenterTcp tcp;                     //!< likewise
    std::string switchType = "vfp";
    std::string nic = "none"; //!< --nic: none, or offload (a VfpProgrammableNic per host)
    // Links, as typed (checked and converted by Parse).
    std::string hostLink = "10Gbps";
    std::string hostLinkDelay = "1us";
    std::string fabricLink = "40Gbps";
    std::string fabricLinkDelay = "2us";
    std::string vmLink = "100Gbps";
    std::string vmLinkDelay = "0us";
    std::string vmTxCap = "none"; //!< --vm-tx-cap: every VM's transmit cap
    std::string vmRxCap = "none"; //!< --vm-rx-cap: every VM's receive cap
    std::string switchBuffer = "200KB";
    std::string ecnThreshold = "97500B";
    std::string tcpMinRto = "10ms";
    std::string tcpDelAckTimeout = "1ms";
    // Traffic.
    double duration = 2.0;           //!< seconds of traffic
    double start = 0.01;             //!< traffic starts (controllers program before)
    double drain = 0.5;              //!< simulated after the traffic stops
    double cps = 10;                 //!< new short connections per second per VM
    std::string flowSize = "pareto"; //!< short flow (response) size distribution
    double flowSizeMean = 20000;     //!< bytes
    uint32_t longFlows = 16;         //!< long TCP transfers in the datacenter
    uint64_t longFlowBytes = 5'000'000;
    uint32_t udpFlows = 8;           //!< UDP streams in the datacenter
    std::string udpRate = "10Mbps";  //!< each
    WorkloadSettings workload;       //!< --workload and its presets' options
    std::string trafficFile;         //!< --traffic: flows from a file
    std::string trafficMode = "add"; //!< replace (the file alone) or add (and the generated mix)
    std::string events;              //!< --events: timed changes from a file
    double clientCps = 100;          //!< Ananta: connections per second per outside client
    double snatCps = 5;              //!< Ananta: outbound connections per second per DIP
    double dipChangeAt = -1; //!< Ananta: when (seconds into the traffic) VIP 0 changes a DIP
    double vipMoveAt = -1;   //!< Ananta: when VIP 1 moves to other VMs
    std::string encap = "vxlan";
    std::string directory = "on-demand";
    double sampleInterval = 0.01;
    uint64_t seed = 1;
    uint64_t run = 1;
    std::string out = "results/default";
    bool pcap = false;
    bool quiet = false;
    std::vector<std::string> attributes; //!< Name=Value defaults for any ns-3 attribute
    std::string policy; //!< --policy: the user's layers (UserPolicyHelper, docs/tutorial.md)

    /**
     * Parses and checks the command line, then sets the ns-3 defaults it implies (TCP,
     * the controllers' encapsulation, --attribute) and the random seed and run.
     * @return nothing when the scenario should run; otherwise the exit status (0 after
     *         --help, 2 after an error, printed naming the option)
     */
    std::optional<int> Parse(int argc, char** argv);
    /// What metrics.json records of the settings ("scenario").
    nlohmann::json Describe() const;
    /// Whether the generated traffic mix runs (not --traffic-mode replace with a file).
    bool GeneratesTraffic() const { return trafficFile.empty() || trafficMode == "add"; }

private:
    /// The MTU TCP segments are sized for: the VNICs', or less when the fabric's cannot
    /// carry them in their tunnel.
    uint16_t TcpMtu() const;
    /// Checks every option and converts the link, buffer and TCP texts.
    void Check();
};

} // namespace ns3

#endif
