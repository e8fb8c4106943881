/*
 * The datacenter scenario's view of QoS (paper §7.3, docs/qos.md): every VM's caps,
 * reservation and weight, and what its port's queues did with its bytes (sent on
 * arrival, queued then sent, dropped), sampled over time into qos.csv and summed in
 * metrics.json "qos" and vm.csv's last columns (docs/datacenter.md lists every field).
 * Bytes are frames as the VM sends or receives them, Ethernet header included.
 */
#ifndef VFP_QOS_SERIES_H
#define VFP_QOS_SERIES_H

#include "vfp-datacenter-helper.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ns3
{

class QosSeries
{
public:
    /// Watches the ports of @p dc's VMs (none with the bridge), sampled every @p interval.
    QosSeries(const VfpDatacenterHelper::Datacenter& dc, Time interval);
    /// Samples every VM's counters at @p time; @p record false only sets the baselines.
    void Sample(bool record, double time);
    /// vm.csv's columns from here, each with a leading comma.
    static std::string VmCsvHeader();
    /// VM @p vm's values in VmCsvHeader's order, each with a leading comma.
    std::string VmCsvRow(uint32_t vm) const;
    /// Writes qos.csv into @p directory when any VM was shaped (else none is written).
    void WriteCsv(const std::string& directory) const;
    /// metrics.json "qos": per VM, and over all.
    nlohmann::json Json() const;

private:
    /// What a VM's queues passed, one way.
    struct Way
    {
        uint64_t sentBytes = 0;    //!< conforming plus queued-then-sent
        uint64_t queuedBytes = 0;  //!< of those, bytes that waited
        uint64_t droppedBytes = 0; //!< queue full
        uint64_t sentPackets = 0;
        uint64_t queuedPackets = 0;
        uint64_t droppedPackets = 0;
    };
    struct Counts
    {
        Way tx;
        Way rx;
    };
    /// One VM in one sample interval.
    struct Row
    {
        double time;
        uint32_t vm;
        Counts counts;      //!< in the interval
        double txCapBps;    //!< at the sample (0: none)
        double rxCapBps;    //!< likewise
        double shareBps;    //!< its share of the uplink (0: not shared)
        uint64_t txBacklog; //!< bytes waiting at the sample
        uint64_t rxBacklog; //!< likewise
    };
    /// VM @p vm's counters so far.
    Counts Measure(uint32_t vm) const;
    /// VM @p vm's QoS as its port has it now (none for the bridge or an unshaped port).
    std::optional<vfp::PortQosSpec> SpecOf(uint32_t vm) const;
    /// Whether VM @p vm's port passes a bucket either way now.
    bool Shaped(uint32_t vm) const;

    const VfpDatacenterHelper::Datacenter& m_dc;
    double m_interval;            //!< seconds between samples
    std::vector<Counts> m_before; //!< per VM, at the last sample
    std::vector<Row> m_rows;      //!< shaped VMs' samples
};

} // namespace ns3

#endif
