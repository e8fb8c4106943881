/*
 * The datacenter scenario's view of the programmable NICs (--nic offload, docs/nic.md):
 * packets forwarded in hardware against those the switches processed in software, the
 * flow tables' inserts, refusals, evictions and invalidations, and their occupancy and
 * insert backlog, sampled with the rest of timeseries.csv and summed in metrics.json
 * "nic" (docs/datacenter.md lists every field). With --nic none the same fields are
 * written, hardware ones zero, so that runs with and without offload compare column by
 * column.
 */
#ifndef VFP_NIC_SERIES_H
#define VFP_NIC_SERIES_H

#include "vfp-datacenter-helper.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ns3
{

class NicSeries
{
public:
    /// Watches the NICs of @p dc's VFP hosts (there are none with --nic none).
    explicit NicSeries(const VfpDatacenterHelper::Datacenter& dc);
    /// Samples the counters; @p record false only sets the baselines (the first sample).
    void Sample(bool record);
    /// timeseries.csv's columns from here, each with a leading comma.
    std::string CsvHeader() const;
    /// Sample @p i's values in CsvHeader's order: the interval's counts, and the most
    /// entries and pending inserts any one NIC held in it; each with a leading comma.
    std::string CsvRow(size_t i) const;
    /// Hands every NIC's unsynced hardware counters to the ports' meters (before the
    /// meters are written, so that billing counts every byte).
    void SyncAll() const;
    /// metrics.json "nic": the run's totals, and per host.
    nlohmann::json Json() const;

private:
    /// Counters summed over NICs (and the software path's packets over every switch).
    struct Totals
    {
        uint64_t hardware = 0;
        uint64_t software = 0;
        uint64_t exceptions = 0;
        uint64_t inserts = 0;
        uint64_t insertFailures = 0;
        uint64_t evictions = 0;
        uint64_t invalidations = 0;
        void Add(const Totals& other); //!< sums @p other into these
    };
    struct Row
    {
        Totals counts;           //!< in the interval
        uint32_t entriesMax = 0; //!< the most entries any NIC held in the interval
        uint32_t backlogMax = 0; //!< the most pending inserts any NIC held in it
    };
    /// Host @p h's counters so far.
    Totals Measure(size_t h) const;
    /// Every host's, summed.
    Totals MeasureAll() const;

    const VfpDatacenterHelper::Datacenter& m_dc;
    std::vector<size_t> m_vfpHosts; //!< indexes of hosts that run VFP
    Totals m_before;                //!< at the last sample
    uint32_t m_entriesMax = 0;      //!< the current interval's, any NIC
    uint32_t m_backlogMax = 0;      //!< likewise
    std::vector<Row> m_rows;        //!< the samples
};

} // namespace ns3

#endif
