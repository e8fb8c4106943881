/*
 * VfpHostCpu: the host cores that run VFP's data path, each a FIFO server, with packets
 * steered to cores the way a NIC spreads them (VMQ or RSS) and a service time computed
 * from what the engine did (engine/host/packet-cost.h: fast or slow path, layers walked,
 * classifier lookups, bytes copied, tunnel headers pushed or popped).
 *
 * Why: the paper's central performance argument (§6, Figure 9) is that the slow path,
 * classifying a new connection through every layer, costs far more than a unified flow
 * hit, so a host has a finite rate of new connections and a software data path saturates.
 * Per-core queues make that saturation local, as on a real host: under VMQ a hot VM
 * saturates its core and drops (cpu_overload) while a VM on another core is unaffected.
 *
 * How: the switch asks SelectCore for a packet's core, Admit whether that core would start
 * it within MaxQueueDelay (else the packet is dropped before the engine sees it, which
 * bounds the queue), then Charge the core the packet's ServiceTime; the packet leaves the
 * switch when its service ends. A core serves its packets in arrival order.
 *
 * Defaults, calibrated against published software vswitch figures (docs/datacenter.md,
 * "Host CPU"): a 64-byte VXLAN packet on the fast path costs 550 + 100 + 8 = ~660 ns,
 * about 1.5 Mpps per core, the fast path of Alibaba's production software vswitch
 * (Triton, SIGCOMM'24); Google's Andromeda (NSDI'18) budgets 300 ns per packet for its
 * most optimised fast path, a lower bound. A first packet through three layers that each
 * classify costs about 6 us (our classifier's measured lookup, docs/performance.md).
 *
 * Cost: SelectCore, Admit and Charge are O(1); no events of their own.
 */
#ifndef VFP_HOST_CPU_H
#define VFP_HOST_CPU_H

#include "engine/host/packet-cost.h"
#include "engine/pipeline/port.h"
#include "ns3/data-rate.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <vector>

namespace ns3
{

class VfpHostCpu : public Object
{
public:
    /// Signature of QueueDelay: how long a packet waited, and on which core.
    typedef void (*QueueDelayTracedCallback)(Time delay, uint32_t core);

    static TypeId GetTypeId();
    VfpHostCpu();

    /// The core that serves a packet of the host's @p vm-th port with flow hash @p flowHash.
    uint32_t SelectCore(uint32_t vm, uint64_t flowHash) const;
    /// Whether a packet arriving now on @p core would start service within MaxQueueDelay.
    bool Admit(uint32_t core);
    /// The service time of @p work.
    Time ServiceTime(const vfp::PacketWork& work) const;
    /**
     * Queues a job of @p service on @p core.
     * @return how long from now until it is done (queueing plus service)
     */
    Time Charge(uint32_t core, Time service);

    /// Core-seconds spent on packets so far, over all cores.
    Time GetBusyTime() const { return m_busy; }
    /// Seconds @p core spent on packets so far.
    Time GetCoreBusyTime(uint32_t core) const;
    uint32_t GetCores() const { return m_cores; }
    vfp::Steering GetSteering() const { return static_cast<vfp::Steering>(m_steering); }

private:
    /// Creates the cores' state on first use (Cores is known by then).
    void EnsureCores();
    vfp::CpuCosts Costs() const;

    uint32_t m_cores;                                 //!< attribute Cores
    int m_steering;                                   //!< attribute Steering (a vfp::Steering)
    uint32_t m_rssQueues;                             //!< attribute RssQueues
    Time m_fastPathTime;                              //!< attribute FastPathTime
    Time m_slowPathTime;                              //!< attribute SlowPathTime
    Time m_layerTime;                                 //!< attribute LayerTime
    Time m_classificationTime;                        //!< attribute ClassificationTime
    Time m_tunnelTime;                                //!< attribute TunnelTime
    Time m_qosTime;                                   //!< attribute QosTime
    DataRate m_copyRate;                              //!< attribute CopyRate
    Time m_maxQueueDelay;                             //!< attribute MaxQueueDelay
    std::vector<Time> m_freeAt;                       //!< per core, when its last job ends
    std::vector<Time> m_coreBusy;                     //!< per core, service time charged
    Time m_busy;                                      //!< total service time charged
    TracedCallback<Time, uint32_t> m_queueDelayTrace; //!< waiting time of every charged packet
};

} // namespace ns3

#endif
