/*
 * Rule classifiers (paper §6.5): structures that find, for a packet's metadata, the rule
 * a group selects, faster than trying every rule.
 *
 * What?
 *   A classifier holds some of a group's rules, each indexed by one of its conditions
 *   (the key condition; the list holds rules without one). Find returns the best rule it
 *   holds that matches the packet: all of the rule's conditions, not only the key. "Best"
 *   is the group's order (RanksBefore: lower priority number, then earlier added), so a
 *   group whose rules are spread over several classifiers selects exactly the rule a
 *   linear scan would: the best of the classifiers' answers.
 *
 * Contract of Lookup(fields, best) (Find is the same on a header stack):
 *   returns the best rule this classifier holds that matches meta and ranks before
 *   `best`; returns `best` itself (possibly null) when there is none. Passing the best
 *   answer so far lets each classifier stop as soon as its candidates cannot win.
 *
 * Four kinds, each instantiable on any condition type and header group:
 *   list           every rule, in rank order; a linear scan (the reference)
 *   hash           exact values: one probe
 *   prefix trie    prefixes (and single values, as full-length prefixes): a walk of the
 *                  path-compressed trie along the packet's field
 *   interval tree  ranges: a stabbing query on a centred interval tree
 * Candidate lists inside every structure are CandidateSets (candidate-set.h): in rank
 * order, so a lookup visits candidates best first and stops at the first full match or at
 * `best`, and indexed again by the other fields when they grow large.
 */
#ifndef VFP_ENGINE_CLASSIFIER_H
#define VFP_ENGINE_CLASSIFIER_H

#include "../pipeline/rule.h"
#include "candidate-set.h"

#include <cstddef>
#include <string_view>
#include <vector>

namespace vfp
{

enum class ClassifierKind : uint8_t
{
    List,
    Hash,
    PrefixTrie,
    IntervalTree,
};
std::string_view ClassifierKindName(ClassifierKind kind);

class Classifier
{
public:
    virtual ~Classifier() = default;

    virtual ClassifierKind GetKind() const = 0;
    /// Adds @p rule, indexed by @p key (one of its conditions, or null for the list).
    virtual void Insert(Rule* rule, const Condition* key) = 0;
    /// Removes @p rule, inserted with the same @p key.
    virtual void Remove(Rule* rule, const Condition* key) = 0;
    /// See the file comment; @p fields are the packet's, extracted once per lookup.
    virtual Rule* Lookup(const PacketFields& fields, Rule* best) const = 0;
    /// Lookup on a header stack.
    Rule* Find(const HeaderStack& meta, Rule* best) const
    {
        return Lookup(PacketFields(meta), best);
    }
    /// Rules held.
    virtual size_t Size() const = 0;
    /// Bytes of memory the structure uses beyond the rules themselves (an estimate from
    /// node and container sizes).
    virtual size_t MemoryBytes() const = 0;
};

/// Inserts @p rule into a rank-ordered candidate list (after equals: they rank later).
void InsertRanked(std::vector<Rule*>& list, Rule* rule);
/// Removes @p rule from a rank-ordered candidate list; false when it is not there.
bool RemoveRanked(std::vector<Rule*>& list, Rule* rule);
/// Scans a rank-ordered candidate list: the first rule that ranks before @p best and
/// matches the packet, else @p best.
Rule* ScanRanked(const std::vector<Rule*>& list, const PacketFields& fields, Rule* best);

/// The nesting context of a keyed classifier's candidate sets: the parent's, plus its key.
NestingContext ExtendContext(const NestingContext& parent,
                             ConditionType type,
                             HeaderSelector header);

/// The linear reference: all rules, in rank order.
class ListClassifier : public Classifier
{
public:
    ClassifierKind GetKind() const override { return ClassifierKind::List; }
    void Insert(Rule* rule, const Condition* key) override;
    void Remove(Rule* rule, const Condition* key) override;
    Rule* Lookup(const PacketFields& fields, Rule* best) const override;
    size_t Size() const override { return m_rules.size(); }
    size_t MemoryBytes() const override;

private:
    std::vector<Rule*> m_rules; //!< in rank order
};

} // namespace vfp

#endif
