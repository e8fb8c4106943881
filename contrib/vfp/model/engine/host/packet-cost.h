/*
 * What a packet costs the host CPU that runs VFP, and which core runs it: the engine's
 * half of the host model (the ns-3 VfpHostCpu queues packets on the cores in simulated
 * time). Pure functions of what the engine did, so the model is testable without ns-3.
 *
 * Cost. A packet's service time is a sum over the work the pipeline reports:
 *   fast path (a unified flow hit): fastPath
 *   slow path (a miss or a reconciliation): slowPath + layer x layers visited
 *                                           + classification x layers that searched rules
 *   either path: + bytes / copyRate (the VMBus copy between VM and host)
 *                + tunnel x headers pushed or popped (encapsulation, decapsulation)
 *                + qos, when the packet's port shapes it in software (paper §7.3)
 * A dropped or held packet is charged what it did until the verdict (its path and layers).
 *
 * Steering. A NIC hands a VM's packets to the host on queues, and a queue to a core:
 *   VMQ: one queue per VM, so every packet of a VM runs on the VM's core, (vm mod cores);
 *   RSS: rssQueues queues per VM, the flow's symmetric 5-tuple hash picking one, on the
 *        cores (vm x rssQueues + queue) mod cores; both directions of a flow share a core.
 * A hot VM saturates its core under VMQ while other cores idle; RSS spreads its flows.
 * Packets of one flow always share a core, so the model never reorders a flow.
 */
#ifndef VFP_ENGINE_PACKET_COST_H
#define VFP_ENGINE_PACKET_COST_H

#include "../packet/header-stack.h"

#include <cstdint>
#include <string_view>

namespace vfp
{

/// What the pipeline did with one packet (from its ProcessResult and the frames).
struct PacketWork
{
    bool fastPath = false;        //!< a unified flow hit
    uint8_t layersVisited = 0;    //!< slow path: layers the packet went through
    uint8_t layersClassified = 0; //!< of those, layers that searched their rules
    uint32_t bytes = 0;           //!< frame bytes copied through the switch
    uint8_t tunnelChanges = 0;    //!< tunnel headers pushed plus popped
    bool qosChecked = false;      //!< it passed a QoS queue in software (not the NIC's)
};

/// Per-unit costs, in nanoseconds (VfpHostCpu's attributes give their sources).
struct CpuCosts
{
    double fastPathNs = 0;       //!< a unified flow hit: parse, lookup, rewrite
    double slowPathNs = 0;       //!< a miss: fixed part (parse, flow and connection creation)
    double layerNs = 0;          //!< slow path, per layer visited
    double classificationNs = 0; //!< slow path, per layer that searched its rules
    double copyBytesPerNs = 0;   //!< copy rate (bytes per ns; 0: copies are free)
    double tunnelNs = 0;         //!< per tunnel header pushed or popped
    double qosNs = 0;            //!< a QoS check in software (bucket update, queue)
};

/// The service time of @p work under @p costs, in nanoseconds.
double ServiceNanoseconds(const CpuCosts& costs, const PacketWork& work);

enum class Steering : uint8_t
{
    Vmq, //!< a VM's packets on one core
    Rss, //!< a VM's flows hashed over its queues
};
std::string_view SteeringName(Steering steering);

/**
 * The core (0..cores-1) that serves a packet of VM @p vm (its port's index on the host)
 * whose flow hashes to @p flowHash, under @p steering with @p rssQueues queues per VM.
 */
uint32_t SteerCore(
    Steering steering, uint32_t cores, uint32_t rssQueues, uint32_t vm, uint64_t flowHash);

/**
 * The RSS hash of @p packet's innermost 5-tuple, equal for both directions of a flow (a
 * symmetric hash, as NICs are configured for connection tracking); 0 without IPv4.
 */
uint64_t SymmetricFlowHash(const HeaderStack& packet);

/// Tunnel headers pushed plus popped between @p before and @p after (group counts).
uint8_t TunnelChanges(const HeaderStack& before, const HeaderStack& after);

} // namespace vfp

#endif
