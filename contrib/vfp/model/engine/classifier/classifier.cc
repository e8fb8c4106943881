#include "classifier.h"

#include <algorithm>

namespace vfp
{

std::string_view
ClassifierKindName(ClassifierKind kind)
{
    switch (kind)
    {
    case ClassifierKind::List:
        return "list";
    case ClassifierKind::Hash:
        return "hash";
    case ClassifierKind::PrefixTrie:
        return "prefix_trie";
    case ClassifierKind::IntervalTree:
        return "interval_tree";
    }
    return "list";
}

void
InsertRanked(std::vector<Rule*>& list, Rule* rule)
{
    auto position = std::upper_bound(list.begin(), list.end(), rule, [](const Rule* a, const Rule* b) {
        return RanksBefore(*a, *b);
    });
    list.insert(position, rule);
}

bool
RemoveRanked(std::vector<Rule*>& list, Rule* rule)
{
    // Ranks are unique (sequences are), so the rule sits where its rank sorts.
    auto it = std::lower_bound(list.begin(), list.end(), rule, [](const Rule* a, const Rule* b) {
        return RanksBefore(*a, *b);
    });
    if (it == list.end() || *it != rule)
    {
        return false;
    }
    list.erase(it);
    return true;
}

Rule*
ScanRanked(const std::vector<Rule*>& list, const HeaderStack& meta, Rule* best)
{
    for (Rule* rule : list)
    {
        if (best && !RanksBefore(*rule, *best))
        {
            break; // every later candidate ranks after best too
        }
        if (MatchesAll(rule->spec.conditions, meta))
        {
            return rule;
        }
    }
    return best;
}

void
ListClassifier::Insert(Rule* rule, const Condition*)
{
    InsertRanked(m_rules, rule);
}

void
ListClassifier::Remove(Rule* rule, const Condition*)
{
    RemoveRanked(m_rules, rule);
}

Rule*
ListClassifier::Find(const HeaderStack& meta, Rule* best) const
{
    return ScanRanked(m_rules, meta, best);
}

size_t
ListClassifier::MemoryBytes() const
{
    return sizeof(*this) + m_rules.capacity() * sizeof(Rule*);
}

} // namespace vfp
