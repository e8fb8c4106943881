/*
 * A layer (paper §5.2): a stateful match-action table with its groups, its flow table and
 * a default action per direction.
 *
 * Processing a packet in one direction:
 *   1. a live flow under the packet's key wins: its HT applies and no rule is consulted;
 *   2. otherwise groups of the direction are visited in (priority, sequence) order,
 *      skipping groups whose conditions fail; a terminating rule is selected at once,
 *      otherwise the rule found by the last group that found one wins (§5.2.3);
 *   3. no rule: the layer's default action for the direction.
 * A selected stateful rule that allows the packet creates a flow pair (LayerFlowTable),
 * committed only when no later layer drops or holds the packet, so that dropped packets
 * (a SYN flood blocked further down, say) leave no state and hold no SNAT port.
 */
#ifndef VFP_ENGINE_LAYER_H
#define VFP_ENGINE_LAYER_H

#include "group.h"
#include "layer-flow-table.h"

#include <optional>
#include <unordered_map>

namespace vfp
{

enum class Verdict : uint8_t
{
    Allow, //!< the packet goes on
    Drop,  //!< the packet is dropped, for DropReason
    Hold,  //!< the packet waits for a resource event's answer (the caller holds it)
};
std::string_view VerdictName(Verdict verdict);

/// What one layer did with one packet.
struct LayerOutcome
{
    enum class Match : uint8_t
    {
        Flow,    //!< a layer flow
        Rule,    //!< a rule
        Default, //!< the default action
    };
    Verdict verdict = Verdict::Allow;
    DropReason reason = DropReason::DefaultBlock; //!< valid when verdict is Drop
    Match match = Match::Default;
    const Group* group = nullptr;       //!< Match::Rule: the group that found the rule
    const Rule* rule = nullptr;         //!< Match::Rule: the selected rule
    std::string flowRule;               //!< Match::Flow: id of the rule that created the flow
    FlowHandle flow;                    //!< Match::Flow: the pair
    PacketByteCounter* meter = nullptr; //!< the meter this layer counts the packet in, if any
    size_t keyHash = 0;                 //!< UfidHash of the packet's key at this layer
    /// A stateful rule selected the packet: its flow pair is created if the whole pipeline
    /// allows the packet (see pendingFlow).
    bool flowCreated = false;
    /// Commit mode: the pair to insert once the packet is allowed; it holds any SNAT port
    /// taken for it, which Layer::Abandon gives back otherwise.
    std::optional<FlowPair> pendingFlow;
    HeaderTransposition ht;             //!< the layer's transposition (Allow)
    std::optional<ResourceEvent> event; //!< an event the layer raises (port and time unset)
};
std::string_view MatchName(LayerOutcome::Match match);

class Layer
{
public:
    Layer(const LayerSpec& spec, uint64_t sequence);

    const std::string& GetName() const { return m_spec.name; }
    int32_t GetPriority() const { return m_spec.priority; }
    uint64_t GetSequence() const { return m_sequence; }
    DefaultAction GetDefault(Direction direction) const
    {
        return m_spec.defaults[static_cast<size_t>(direction)];
    }
    /// True when some rule of the layer is stateful (so flows may appear in it).
    bool HasStatefulRules() const;

    /**
     * Runs the layer on @p meta (the packet as it enters the layer).
     * @param commit false for diagnostics: no flow, counter, meter or resource changes
     */
    LayerOutcome Process(Direction direction, const HeaderStack& meta, double now, bool commit);

    /// Inserts the flow pair a committed packet's Process left pending.
    FlowHandle CommitFlow(FlowPair pair);
    /// Gives back what a pending pair holds, for a packet that was not allowed after all.
    static void Abandon(FlowPair& pair);

    /// The group of that name, or null.
    Group* FindGroup(const std::string& name);
    /// The group holding the rule with that id, or null (rule ids are unique in a layer).
    const Group* FindRuleGroup(const std::string& id) const;
    /// Adds a group with its rules; keeps (priority, sequence) order.
    Group& AddGroup(std::unique_ptr<Group> group);
    /// Replaces the group of the same name with @p group (which the caller gave the old
    /// one's creation sequence).
    void ReplaceGroup(std::unique_ptr<Group> group);
    bool RemoveGroup(const std::string& name);
    /// Adds a compiled rule to @p group, one of this layer's.
    void AddRule(Group& group, std::unique_ptr<Rule> rule);
    /// Removes the rule @p id from @p group; false when the group has none.
    bool RemoveRule(Group& group, const std::string& id);
    const std::vector<std::unique_ptr<Group>>& GetGroups() const { return m_groups; }

    LayerFlowTable& GetFlows() { return m_flows; }
    const LayerFlowTable& GetFlows() const { return m_flows; }
    LayerCounters& GetCounters() { return m_counters; }
    const LayerCounters& GetCounters() const { return m_counters; }
    LayerSpec ToSpec() const;
    /// @p spec with its groups, and each group's rules, in the order a Layer keeps them (by
    /// priority, ties in the spec's order): what ToSpec of a layer built from @p spec
    /// returns, so that a desired layer can be compared with a programmed one.
    static LayerSpec InEngineOrder(LayerSpec spec);

private:
    /// The rule selected by the groups of @p direction (steps 2 of the file comment).
    std::pair<Group*, Rule*> SelectRule(Direction direction, const HeaderStack& meta);
    void SortGroups();
    void Index(const Group& group);
    void Unindex(const Group& group);

    LayerSpec m_spec;                             //!< attributes; m_spec.groups stays empty
    uint64_t m_sequence;                          //!< creation order on the port
    std::vector<std::unique_ptr<Group>> m_groups; //!< sorted by (priority, sequence)
    std::unordered_map<std::string, const Group*> m_ruleGroups; //!< rule id -> its group
    LayerFlowTable m_flows;                                     //!< stateful connections
    LayerCounters m_counters;                                   //!< statistics
};

} // namespace vfp

#endif
