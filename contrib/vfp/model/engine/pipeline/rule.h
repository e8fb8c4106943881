/*
 * A rule as the pipeline holds it: the spec as programmed, its compiled action, its
 * place in the tie-break order and its counter.
 */
#ifndef VFP_ENGINE_RULE_H
#define VFP_ENGINE_RULE_H

#include "rule-action.h"

namespace vfp
{

struct Rule
{
    RuleSpec spec;             //!< as programmed
    RuleAction action;         //!< compiled action
    uint64_t sequence = 0;     //!< insertion order, the tie-break among equal priorities
    PacketByteCounter counter; //!< packets that selected this rule
};

/// The selection order of rules: lower priority number first, then the earlier added.
inline bool
RanksBefore(const Rule& a, const Rule& b)
{
    return a.spec.priority != b.spec.priority ? a.spec.priority < b.spec.priority
                                              : a.sequence < b.sequence;
}

} // namespace vfp

#endif
