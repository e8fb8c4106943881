/*
 * A group of rules inside a layer, for one direction (paper §5.2.3): the unit of
 * transactional update and of rule selection.
 *
 * Selection: in a priority group the first matching rule in (priority, sequence) order
 * wins, i.e. the lowest priority number, and among equals the one added first. In an LPM
 * group the matching rule with the longest prefix on the group's LPM condition type wins;
 * a rule without that condition has length 0 (a default route); ties fall back to
 * (priority, sequence).
 *
 * Cost: the group's classifier (classifier/group-classifier.h) finds the rule without
 * trying every rule, and always finds the one a linear scan in that order would.
 */
#ifndef VFP_ENGINE_GROUP_H
#define VFP_ENGINE_GROUP_H

#include "../classifier/group-classifier.h"
#include "rule.h"

#include <memory>
#include <vector>

namespace vfp
{

class Group
{
public:
    /// A group with the spec's attributes and no rules (rules are added by the owner,
    /// which compiles them against the port's resources).
    Group(const GroupSpec& spec, uint64_t sequence);

    const std::string& GetName() const { return m_spec.name; }
    Direction GetDirection() const { return m_spec.direction; }
    int32_t GetPriority() const { return m_spec.priority; }
    uint64_t GetSequence() const { return m_sequence; }
    GroupType GetType() const { return m_spec.type; }
    /// True when the group's own conditions match (otherwise the group is skipped).
    bool Applies(const PacketFields& fields) const { return m_conditions.Matches(fields); }
    /// The rule this group selects for the packet, or null (see the file comment).
    Rule* Select(const PacketFields& fields) const { return m_classifier.Lookup(fields, nullptr); }
    Rule* Select(const HeaderStack& meta) const { return Select(PacketFields(meta)); }

    /// Checks that @p rule may live in this group (LPM constraints); throws PolicyError.
    void CheckRule(const RuleSpec& rule, const std::string& owner) const;
    /// Inserts a compiled rule in (priority, sequence) order.
    void Insert(std::unique_ptr<Rule> rule);
    /// Inserts a whole compiled rule set (the classifier places it with statistics over
    /// all of it).
    void InsertAll(std::vector<std::unique_ptr<Rule>> rules);
    /// Removes the rule with @p id; false when there is none.
    bool Remove(const std::string& id);
    const std::vector<std::unique_ptr<Rule>>& GetRules() const { return m_rules; }
    GroupSpec ToSpec() const;
    /// True when one of its rules is stateful.
    bool HasStatefulRules() const { return m_statefulRules > 0; }
    /// True when a condition of the group or of one of its rules reads TCP flags.
    bool ReadsTcpFlags() const { return m_flagReaders > 0; }
    const GroupClassifier& GetClassifier() const { return m_classifier; }

private:
    GroupSpec m_spec;                           //!< attributes; m_spec.rules stays empty
    uint64_t m_sequence;                        //!< creation order within the layer
    std::vector<std::unique_ptr<Rule>> m_rules; //!< sorted by (priority, sequence)
    CompiledConditions m_conditions;            //!< m_spec.conditions, compiled
    size_t m_flagReaders = 0;                   //!< the group and rules with a tcp_flags condition
    size_t m_statefulRules = 0;                 //!< stateful rules
    GroupClassifier m_classifier;               //!< finds the selected rule
};

} // namespace vfp

#endif
