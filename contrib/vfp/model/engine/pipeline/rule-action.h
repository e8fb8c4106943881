/*
 * A rule's action, compiled: resource references resolved once, and a per-packet
 * Evaluate that turns the packet's metadata into a header transposition (paper §6.1.2:
 * rule handlers take a FlowID and output a transposition, never touching the packet).
 */
#ifndef VFP_ENGINE_RULE_ACTION_H
#define VFP_ENGINE_RULE_ACTION_H

#include "../resources/resource-event.h"
#include "../resources/resource-set.h"
#include "counters.h"

#include <map>

namespace vfp
{

struct ActionOutcome
{
    enum class Status : uint8_t
    {
        Ok,             //!< ht is the packet's transposition
        Block,          //!< the action is block
        MappingMiss,    //!< the mapping resource had no entry for missKey
        PortsExhausted, //!< the SNAT range list had no free port
        NoTunnel,       //!< decap of a packet without a tunnel
        Mismatch,       //!< the action needs a header the packet lacks
    };
    Status status = Status::Ok;
    HeaderTransposition ht;
    uint32_t missKey = 0;      //!< MappingMiss: the customer address looked up
    RangeList* snat = nullptr; //!< set when a SNAT port was taken (commit) or would be
    uint16_t snatPort = 0;     //!< that port
};

class RuleAction
{
public:
    /**
     * Compiles @p spec, resolving its resources in @p resources and its meter in @p meters.
     * @param owner names the rule in error messages
     * @throws PolicyError when the action's data is incomplete or contradictory, or a
     *         resource it names does not exist
     */
    RuleAction(const ActionSpec& spec,
               bool stateful,
               ResourceSet& resources,
               std::map<std::string, PacketByteCounter>& meters,
               const std::string& owner);

    /// The transposition for @p meta. With @p commit false nothing is allocated (a SNAT
    /// port is only peeked), which is what diagnostics need.
    ActionOutcome Evaluate(const HeaderStack& meta, bool commit) const;
    /// The meter this action feeds, or null.
    PacketByteCounter* GetMeter() const { return m_meter; }
    const ActionSpec& GetSpec() const { return m_spec; }
    /// The resources this action references (to refuse deleting them).
    bool References(const std::string& resource) const;
    MissPolicy GetMissPolicy(ActionOutcome::Status status) const;

private:
    ActionOutcome EvaluateNat(const HeaderStack& meta, bool commit) const;
    ActionOutcome EvaluateEncap(const HeaderStack& meta) const;
    ActionOutcome EvaluateDecap(const HeaderStack& meta) const;

    ActionSpec m_spec;                    //!< as programmed
    MappingTable* m_mapping = nullptr;    //!< encap: resolved spec.mapping
    RangeList* m_snat = nullptr;          //!< nat: resolved spec.snat
    PacketByteCounter* m_meter = nullptr; //!< meter: resolved spec.meter
};

} // namespace vfp

#endif
