/*
 * Hash classifier: rules whose key condition lists exact values (singletons) only.
 *
 * Design: one hash table from field value to the rank-ordered list of rules that have
 * that value; a rule with several values sits in several lists. A lookup reads the
 * packet's field once, probes once, and scans that list best first.
 *
 * Invariants: no candidate set is empty (empty ones are erased).
 * Cost: lookup O(1) probe + the candidates scanned; insert and remove O(k) for a list of
 * k rules sharing a value.
 */
#ifndef VFP_ENGINE_HASH_CLASSIFIER_H
#define VFP_ENGINE_HASH_CLASSIFIER_H

#include "classifier.h"

#include <unordered_map>

namespace vfp
{

class HashClassifier : public Classifier
{
public:
    HashClassifier(ConditionType type, HeaderSelector header, const NestingContext& parent = {});

    ClassifierKind GetKind() const override { return ClassifierKind::Hash; }
    /// @p key must hold singleton values only.
    void Insert(Rule* rule, const Condition* key) override;
    void Remove(Rule* rule, const Condition* key) override;
    Rule* Lookup(const PacketFields& fields, Rule* best) const override;
    size_t Size() const override { return m_rules; }
    size_t MemoryBytes() const override;

private:
    ConditionType m_type;                               //!< the field indexed
    HeaderSelector m_header;                            //!< the group it is read from
    NestingContext m_context;                           //!< for the candidate sets
    size_t m_rules = 0;                                 //!< rules held
    std::unordered_map<uint64_t, CandidateSet> m_table; //!< value -> its rules
};

} // namespace vfp

#endif
