/*
 * A rule as the pipeline holds it: the spec as programmed, its compiled action, its
 * place in the tie-break order and its counter.
 */
#ifndef VFP_ENGINE_RULE_H
#define VFP_ENGINE_RULE_H

#include "rule-action.h"

namespace vfp
{

/// A rule's place in the selection order: lower priority number first, then the earlier
/// added. NONE (the default) ranks after every rule.
struct RuleRank
{
    int32_t priority = INT32_MAX;
    uint64_t sequence = UINT64_MAX;

    bool operator<(const RuleRank& other) const
    {
        return priority != other.priority ? priority < other.priority : sequence < other.sequence;
    }
};

struct Rule
{
    Rule(RuleSpec ruleSpec, RuleAction ruleAction, uint64_t ruleSequence)
        : rank{ruleSpec.priority, ruleSequence}
        , matcher(ruleSpec.conditions)
        , spec(std::move(ruleSpec))
        , action(std::move(ruleAction))
        , sequence(ruleSequence)
    {
    }

    // What lookups read comes first, together (classifiers check dozens of rules per packet).
    RuleRank rank;              //!< (spec.priority, sequence)
    CompiledConditions matcher; //!< spec.conditions, compiled for matching
    // The rest.
    RuleSpec spec;             //!< as programmed
    RuleAction action;         //!< compiled action
    uint64_t sequence = 0;     //!< insertion order, the tie-break among equal priorities
    PacketByteCounter counter; //!< packets that selected this rule
};

/// The selection order of rules (see RuleRank).
inline bool
RanksBefore(const Rule& a, const Rule& b)
{
    return a.rank < b.rank;
}

/// The rank of @p rule, or NONE for null.
inline RuleRank
RankOf(const Rule* rule)
{
    return rule ? rule->rank : RuleRank{};
}

} // namespace vfp

#endif
