/*
 * VfpHostCpu: the host CPU that runs VFP's data path, as a FIFO queue in front of a
 * fixed number of identical cores (an M/G/c server).
 *
 * Why: the paper's central performance argument (§6, Figure 9) is that the slow path,
 * classifying a new connection through every layer, costs far more than a unified flow
 * hit, so a host has a finite rate of new connections and a software data path saturates.
 * Modelling the CPU is what turns the engine's work into those limits in simulated time.
 *
 * How: every packet the switch processes is charged a service time derived from what the
 * engine actually did (ProcessResult: fast path, or layers visited and layers that had to
 * search their rules). The packet takes the earliest free core, FIFO; it leaves the switch
 * when its service ends. A packet that would wait longer than MaxQueueDelay is refused
 * before the engine sees it (the switch drops it as "cpu_overload"), which bounds the queue.
 *
 * The defaults are the order of magnitude of a software vswitch on one x86 core (about a
 * microsecond per cached-flow packet, a few microseconds for a first packet that
 * classifies through several tables, as in Open vSwitch's kernel datapath and upcall
 * measurements); the VFP paper gives relative figures only. Every cost is an attribute.
 *
 * Cost: Admit and Charge are O(cores); no events of their own.
 */
#ifndef VFP_HOST_CPU_H
#define VFP_HOST_CPU_H

#include "engine/pipeline/port.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <vector>

namespace ns3
{

class VfpHostCpu : public Object
{
public:
    static TypeId GetTypeId();
    VfpHostCpu();

    /// Whether a packet arriving now would start service within MaxQueueDelay.
    bool Admit();
    /// The service time of a packet the engine handled as @p result.
    Time ServiceTime(const vfp::ProcessResult& result) const;
    /**
     * Queues a job of @p service on the earliest free core.
     * @return how long from now until it is done (queueing plus service)
     */
    Time Charge(Time service);

    /// Core-seconds spent on packets so far.
    Time GetBusyTime() const { return m_busy; }
    uint32_t GetCores() const { return m_cores; }

private:
    /// The index of the core that becomes free first (creating the cores on first use).
    size_t EarliestCore();

    uint32_t m_cores;                       //!< attribute Cores
    Time m_fastPathTime;                    //!< attribute FastPathTime
    Time m_slowPathTime;                    //!< attribute SlowPathTime
    Time m_layerTime;                       //!< attribute LayerTime
    Time m_classificationTime;              //!< attribute ClassificationTime
    Time m_maxQueueDelay;                   //!< attribute MaxQueueDelay
    std::vector<Time> m_freeAt;             //!< per core, when its last job ends
    Time m_busy;                            //!< total service time charged
    TracedCallback<Time> m_queueDelayTrace; //!< waiting time of every charged packet
};

} // namespace ns3

#endif
