/*
 * A candidate set: the rules one slot of a classifier holds (a hash bucket, a trie node's
 * prefix, an interval), searched best first.
 *
 * Small sets are a rank-ordered vector scanned until the first full match. Rules that
 * share a key value can be many (ACLs repeat a protected server's address across dozens
 * of rules), so a set that grows past NEST_ABOVE rules is indexed again by a nested group
 * classifier over the *other* fields: the keys its ancestors used are excluded, so the
 * nested level splits on what still tells the rules apart. Nesting is kept only where it
 * pays: if the nested level would leave most rules in its list, the set stays flat until
 * it has doubled. Depth is bounded by MAX_NESTING_DEPTH.
 *
 * Invariants: the vector always holds every rule, in rank order (removal and rebuilding
 * read it); the nested classifier, when present, holds the same rules.
 */
#ifndef VFP_ENGINE_CANDIDATE_SET_H
#define VFP_ENGINE_CANDIDATE_SET_H

#include "../pipeline/rule.h"

#include <memory>
#include <utility>
#include <vector>

namespace vfp
{

class GroupClassifier;

/// A set nests once it holds more rules than this.
constexpr size_t NEST_ABOVE = 24;
/// Nested classifiers inside nested classifiers, at most.
constexpr int MAX_NESTING_DEPTH = 3;

/// Where a classifier sits: the keys already used above it, and how deep it is.
struct NestingContext
{
    std::vector<std::pair<ConditionType, HeaderSelector>> usedKeys; //!< keys of the levels above
    int depth = 0;                                                  //!< 0 at a group's top level
};

class CandidateSet
{
public:
    /// @param context the owning classifier's context, extended by its own key
    explicit CandidateSet(const NestingContext* context);
    ~CandidateSet();
    CandidateSet(CandidateSet&&) noexcept;
    CandidateSet& operator=(CandidateSet&&) noexcept;

    /// Adds @p rule unless it is already there.
    void Insert(Rule* rule);
    /// Removes @p rule; false when it is not there.
    bool Remove(Rule* rule);
    /// The best rule of the set that matches the packet and ranks before @p best, else @p best.
    Rule* Lookup(const PacketFields& fields, Rule* best) const
    {
        // The set's best rank is kept inline: a set that cannot win (or is empty, whose
        // rank is NONE) costs no rule load.
        return m_first < RankOf(best) ? Search(fields, best) : best;
    }
    /// The best rank in the set (RuleRank{} when empty).
    RuleRank GetFirstRank() const { return m_first; }
    bool Empty() const { return m_ranked.empty(); }
    size_t Size() const { return m_ranked.size(); }
    size_t MemoryBytes() const;

private:
    Rule* Search(const PacketFields& fields, Rule* best) const;
    void Rebalance();

    RuleRank m_first;                          //!< the rank of m_ranked.front(), NONE if empty
    std::vector<Rule*> m_ranked;               //!< every rule, in rank order
    const NestingContext* m_context;           //!< null: never nest
    std::unique_ptr<GroupClassifier> m_nested; //!< the same rules, indexed by other fields
    size_t m_retryAt = NEST_ABOVE + 1;         //!< size at which nesting is tried again
};

} // namespace vfp

#endif
