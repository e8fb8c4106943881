/*
 * State save and restore (SSR, paper §8.2): the whole state of a port as one versioned
 * JSON document, for rebootless updates and VM live migration. It holds the policy (in
 * the policy format), the generation, the SNAT ports in use, every layer's flow table
 * (slot by slot, so every handle into it stays valid), the connections with their TCP
 * state, the unified flows, and every counter and meter. Restoring it gives a port that
 * saves to the same document and processes the next packets exactly as the original would.
 *
 * Not saved: event handlers (callbacks of the controllers, which register again after a
 * restore, as VFPAPI clients re-plumb after a migration) and the port's configuration
 * (time-outs and limits are the new host's).
 *
 * Versioning: "version" names the document's format; Restore reads the versions it knows
 * (today: 1) and refuses others by name.
 */
#ifndef VFP_ENGINE_PORT_STATE_H
#define VFP_ENGINE_PORT_STATE_H

#include "../pipeline/port.h"
#include "json-reader.h"

#include <memory>

namespace vfp
{

/// The version Save writes. Restore also reads every earlier one: 1 (its UFT counters
/// lack capacity_evicted, which restores as 0).
constexpr int PORT_STATE_VERSION = 2;
constexpr int PORT_STATE_OLDEST_VERSION = 1;

class PortState
{
public:
    /// The port's whole state.
    static Json Save(const Port& port);
    /// A port with exactly the saved state; throws PolicyError naming the field when the
    /// document is malformed or of an unknown version. Nothing in the document is trusted:
    /// every list has its declared length, every number fits its field, and each slab's
    /// free list names exactly its free slots, once each. A refused document changes no
    /// port (the new one is discarded).
    static std::unique_ptr<Port> Restore(const Json& state, const PortConfig& config = {});

private:
    // Restore's parts, one per section of the document; each throws PolicyError naming
    // the field, before the part of the port it fills is touched.
    static std::unique_ptr<Port> RestoreChecked(const Json& state, const PortConfig& config);
    static void RestoreResources(Port& port, ObjectReader& top);
    static const Layer* RestoreLayer(Port& port, const Json& saved, const std::string& path);
    static LayerFlowTable::Slot ReadFlowSlot(Port& port,
                                             const Json& saved,
                                             const std::string& path);
    static void RestoreTracker(Port& port, const Json& saved);
    static ConnectionTracker::Slot ReadConnectionSlot(Port& port,
                                                      const Json& saved,
                                                      const std::string& path);
    static void RestoreUft(Port& port, const Json& saved, int version);
    static UnifiedFlow ReadUnifiedFlow(Port& port, ObjectReader& reader);
    static std::vector<LayerFlowRef> ReadLayerFlows(Port& port,
                                                    const Json& list,
                                                    const std::string& path);
    static void RestoreCounters(Port& port, const Json& saved);
};

} // namespace vfp

#endif
