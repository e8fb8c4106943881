/*
 * VfpProgrammableNic: the host's programmable NIC (AccelNet, NSDI'18; the VFP paper's
 * offload section), between the VFP switch and the uplink. Classification stays in
 * software; the NIC holds exact-match unified flows in a bounded two-tier table (the
 * engine's vfp::OffloadTable: its design comment gives capacities, latencies, insertion
 * and eviction) and forwards their packets without the host.
 *
 * Per packet, before the host CPU sees it (VfpSwitchNetDevice::Run):
 *   - TCP SYN, FIN and RST always go to software, so VFP keeps the connection state;
 *     a FIN or RST also takes its unified flow out of hardware (TCP close).
 *   - Otherwise the packet's unified flow key is looked up at the port's generation. A
 *     hit whose software unified flow still exists at that generation is forwarded in
 *     hardware: the entry's transposition, the lookup latency and the NIC's packet rate;
 *     no host CPU, no layer. Anything else (a miss, an entry still being written, an
 *     entry of an older generation: the lazy invalidation of a policy change) goes to
 *     software, which offloads the flow once OffloadAfter of its packets were allowed
 *     there (Andromeda's Hoverboard offloads only flows that prove busy).
 *   - Hardware counters flow back to the port every SyncInterval, and when an entry
 *     leaves the table, through vfp::Port::AccountOffloaded, so meters (billing) count
 *     every byte whether offloaded or not.
 *
 * One NIC per host, its table shared by the host's ports (entries are tagged with their
 * port). Defaults that shape results cite their source in the attribute help.
 */
#ifndef VFP_PROGRAMMABLE_NIC_H
#define VFP_PROGRAMMABLE_NIC_H

#include "engine/nic/offload-table.h"
#include "engine/pipeline/port.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/packet.h"
#include "ns3/traced-callback.h"
#include "ns3/traced-value.h"

#include <absl/container/flat_hash_map.h>
#include <memory>
#include <vector>

namespace ns3
{

class VfpProgrammableNic : public Object
{
public:
    static TypeId GetTypeId();
    VfpProgrammableNic();
    ~VfpProgrammableNic() override;

    /// What the NIC did with a packet it was offered.
    struct Forwarded
    {
        vfp::HeaderTransposition ht; //!< the transposition to apply
        Time latency;                //!< from now until the packet leaves the NIC
    };

    /**
     * Offers a packet of @p port whose unified flow key is @p key (Port::FlowKeyOf): on a
     * hardware hit, returns how the NIC forwards it; otherwise (an exception) nothing, and
     * the packet goes to software.
     */
    std::optional<Forwarded> Offer(vfp::Port& port,
                                   const vfp::UnifiedFlowKey& key,
                                   const vfp::HeaderStack& packet,
                                   Ptr<const Packet> frame);
    /// Tells the NIC what software did with a packet it did not forward (after Offer).
    void Learn(vfp::Port& port,
               const vfp::UnifiedFlowKey& key,
               const vfp::HeaderStack& packet,
               const vfp::ProcessResult& result);
    /**
     * A fault (the event file's nic_full and nic_free): while @p full, the table has no
     * room for anyone's flows (another tenant's, a firmware limit), so every offload
     * request is refused and counted, and those flows stay in software; resident entries
     * keep forwarding.
     */
    void SetFull(bool full) { m_full = full; }
    /// Whether the NIC applies port-level QoS (attribute QosOffload).
    bool GetQosOffload() const { return m_qosOffload; }
    /// Offload requests refused while SetFull(true).
    uint64_t GetRefusedWhileFull() const { return m_refusedWhileFull; }
    /// Syncs every entry's counters back to its port now (nothing before the first packet).
    void Sync();

    /// The table's counters (all zero before the first packet built the table).
    vfp::OffloadCounters GetTableCounters() const;
    uint64_t GetHardwarePackets() const { return m_hardware; }
    /// Packets that went to software, by cause: miss, pending, stale, tcp_control, gone.
    const std::map<std::string, uint64_t>& GetExceptions() const { return m_exceptions; }
    uint64_t GetExceptionPackets() const;
    uint64_t GetEntriesMax() const { return m_entriesMax; }
    uint32_t GetEntries() const { return m_entries; } //!< resident entries now
    uint32_t GetBacklog() const { return m_backlog; } //!< pending inserts now

    /// Signature of the Exception trace: the frame, and why it went to software.
    typedef void (*ExceptionCallback)(Ptr<const Packet> frame, const std::string& cause);

protected:
    /**
     * Builds the table from the attributes.
     * @throws std::invalid_argument naming the attribute when they cannot work together
     */
    void NotifyConstructionCompleted() override;
    void DoDispose() override;

private:
    /// The table; its first use starts the periodic sync-back.
    vfp::OffloadTable& Table();
    /// Counts an exception of @p cause and returns nothing.
    std::optional<Forwarded> Exception(Ptr<const Packet> frame, const std::string& cause);
    /// Index of @p port among the ports the NIC has seen (an entry's owner tag).
    uint32_t OwnerOf(vfp::Port& port);
    /// Accounts an entry's unsynced counters to its port.
    void Account(const vfp::UnifiedFlowKey& key, const vfp::OffloadEntry& entry);
    /// The periodic sync-back.
    void ScheduledSync();
    void UpdateGauges();

    // Attributes (construct-only: the table is built from them at construction).
    uint32_t m_capacity;
    uint32_t m_fastCapacity;
    Time m_fastLatency;
    Time m_largeLatency;
    Time m_insertLatency;
    double m_maxInsertRate;
    uint32_t m_maxBacklog;
    Time m_idleTimeout;
    std::string m_eviction;
    uint32_t m_offloadAfter;
    Time m_syncInterval;
    double m_packetRate;

    std::unique_ptr<vfp::OffloadTable> m_table;
    std::vector<vfp::Port*> m_owners;                 //!< by owner tag
    absl::flat_hash_map<vfp::Port*, uint32_t> m_tags; //!< port -> owner tag
    /// A flow not offloaded yet (OffloadAfter > 1): its port, and its software packets.
    struct Seen
    {
        vfp::Port* port = nullptr;
        uint32_t packets = 0;
    };
    /// Flows counting towards OffloadAfter; those whose software flow ended are dropped at
    /// each sync, so the map never outgrows the ports' unified flows.
    absl::flat_hash_map<vfp::UnifiedFlowKey, Seen, vfp::UnifiedFlowKeyHash> m_seen;
    Time m_busyUntil;           //!< the NIC's packet engine, PacketRate
    EventId m_sync;             //!< the next sync-back
    bool m_syncStarted = false; //!< the sync-back runs (from the first packet on)
    uint64_t m_hardware = 0;
    bool m_full = false;             //!< SetFull
    bool m_qosOffload = true;        //!< attribute QosOffload
    uint64_t m_refusedWhileFull = 0; //!< offload requests refused while full
    std::map<std::string, uint64_t> m_exceptions;
    uint64_t m_entriesMax = 0;
    TracedValue<uint32_t> m_entries; //!< resident entries
    TracedValue<uint32_t> m_backlog; //!< pending inserts
    TracedCallback<Ptr<const Packet>> m_hardwareTrace;
    TracedCallback<Ptr<const Packet>, const std::string&> m_exceptionTrace;
};

} // namespace ns3

#endif
