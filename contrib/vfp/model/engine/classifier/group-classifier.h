/*
 * The classifier of one group: its rules spread over hash tables, prefix tries, interval
 * trees and a list, so that selection costs far less than a linear scan and still picks
 * exactly the rule a linear scan would (paper §6.5).
 *
 * The heuristic (docs/classification.md has the measurements):
 *   1. Each rule is indexed by one of its conditions, its key, chosen where the rule set
 *      splits best: among the rule's *specific* conditions (whose values cover at most
 *      MAX_KEY_COVERAGE of the field's space), the one whose condition type and header
 *      have the most distinct values across the group's rules (more distinct values,
 *      smaller buckets and shorter trie paths). Ties go to the smaller coverage, then to
 *      the earlier condition.
 *   2. The key's values decide the structure: all single values, a hash table; single
 *      values and prefixes, a prefix trie; any range, an interval tree. One structure per
 *      (kind, condition type, header) is shared by all rules keyed alike.
 *   3. Rules with no specific condition (wildcards, TCP flag masks) go to the list.
 *   A lookup asks every structure in turn, passing the best rule found so far, so that
 *   each stops as soon as its candidates cannot win.
 *
 * LPM groups use one prefix trie on their LPM condition type in LPM mode.
 *
 * Candidate sets that grow large inside any structure nest another GroupClassifier
 * (candidate-set.h), which excludes the keys already used above it.
 *
 * Updates are incremental: inserting or removing a rule touches only the structure that
 * holds it; the distinct-value counts that guide new placements are updated too, but
 * rules already placed stay where they are. Build places a whole rule set with counts
 * taken over all of it first (a transactional group replace builds a new group aside).
 */
#ifndef VFP_ENGINE_GROUP_CLASSIFIER_H
#define VFP_ENGINE_GROUP_CLASSIFIER_H

#include "classifier.h"
#include "prefix-trie.h"

#include <map>
#include <memory>
#include <unordered_map>

namespace vfp
{

/// A key condition must match at most this fraction of its field's values.
constexpr double MAX_KEY_COVERAGE = 0.25;

class GroupClassifier
{
public:
    /// A group's top-level classifier.
    GroupClassifier(GroupType type, ConditionType lpmOn);
    /// A nested priority classifier for one candidate set (candidate-set.h); it keys no
    /// rule by a key its context already used.
    explicit GroupClassifier(const NestingContext& context);
    ~GroupClassifier();
    GroupClassifier(const GroupClassifier&) = delete;
    GroupClassifier& operator=(const GroupClassifier&) = delete;

    /// Places a whole rule set, choosing keys with statistics over all of it.
    void Build(const std::vector<Rule*>& rules);
    void Insert(Rule* rule);
    void Remove(Rule* rule);
    /// The rule the group selects for @p meta (see group.h), or null.
    Rule* Find(const HeaderStack& meta) const { return Lookup(PacketFields(meta), nullptr); }
    /// The Classifier contract: the best rule ranking before @p best, else @p best.
    Rule* Lookup(const PacketFields& fields, Rule* best) const;
    /// Rules in the list, i.e. not indexed by any key.
    size_t ListedRules() const { return m_list.Size(); }

    /// One structure of the group and what it holds.
    struct Part
    {
        ClassifierKind kind;
        ConditionType type;    //!< the key condition type (unused for the list)
        HeaderSelector header; //!< the key's header group (unused for the list)
        size_t rules;          //!< rules held
        size_t memoryBytes;    //!< estimated structure memory
    };
    /// The structures in lookup order, the list last.
    std::vector<Part> Describe() const;

private:
    struct Slot
    {
        ClassifierKind kind;
        ConditionType type;
        HeaderSelector header;
        std::unique_ptr<Classifier> classifier;
    };
    struct Placement
    {
        Classifier* classifier; //!< where the rule is
        const Condition* key;   //!< by which condition (null in the list)
    };

    /// Counts (or uncounts, @p delta -1) the rule's condition values.
    void Count(const Rule& rule, int delta);
    void Place(Rule* rule);
    Classifier& SlotFor(ClassifierKind kind, const Condition& key);

    NestingContext m_context;          //!< keys used above (nested classifiers)
    GroupType m_type;                  //!< priority or LPM
    ConditionType m_lpmOn;             //!< LPM groups: the trie's field
    std::unique_ptr<PrefixTrie> m_lpm; //!< LPM groups: all rules
    std::vector<Slot> m_slots;         //!< priority groups: keyed structures
    ListClassifier m_list;             //!< priority groups: the rest
    std::unordered_map<const Rule*, Placement> m_placement; //!< where each rule is
    /// Per (condition type, header): how many rule values there are of each value.
    std::map<std::pair<ConditionType, HeaderSelector>,
             std::map<std::pair<uint64_t, uint64_t>, uint32_t>>
        m_values;
};

} // namespace vfp

#endif
