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

NestingContext
ExtendContext(const NestingContext& parent, ConditionType type, HeaderSelector header)
{
    NestingContext context = parent;
    context.usedKeys.emplace_back(type, header);
    context.depth = parent.depth + 1;
    return context;
}

void
InsertRanked(std::vector<Rule*>& list, Rule* rule)
{
    auto position =
        std::upper_bound(list.begin(),
                         list.end(),
                         rule,
                         [](const Rule* a, const Rule* b) { return RanksBefore(*a, *b); });
    list.insert(position, rule);
}

bool
RemoveRanked(std::vector<Rule*>& list, Rule* rule)
{
    // Ranks are unique (sequences are), so the rule sits where its rank sorts.
    auto it = std::lower_bound(list.begin(),
                               list.end(),
                               rule,
                               [](const Rule* a, const Rule* b) { return RanksBefore(*a, *b); });
    if (it == list.end() || *it != rule)
    {
        return false;
    }
    list.erase(it);
    return true;
}

Rule*
ScanRanked(const std::vector<Rule*>& list, const PacketFields& fields, Rule* best)
{
    for (Rule* rule : list)
    {
        if (best && !RanksBefore(*rule, *best))
        {
            break; // every later candidate ranks after best too
        }
        if (rule->matcher.Matches(fields))
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
ListClassifier::Lookup(const PacketFields& fields, Rule* best) const
{
    return ScanRanked(m_rules, fields, best);
}

size_t
ListClassifier::MemoryBytes() const
{
    return sizeof(*this) + m_rules.capacity() * sizeof(Rule*);
}

} // namespace vfp
