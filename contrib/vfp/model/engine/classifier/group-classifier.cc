#include "group-classifier.h"

#include "hash-classifier.h"
#include "interval-tree.h"

#include <algorithm>
#include <cmath>

namespace vfp
{

namespace
{

/// The fraction of the field's values the condition matches (capped at 1).
double
Coverage(const Condition& condition)
{
    const double space = std::ldexp(1.0, ConditionWidth(condition.type));
    double covered = 0;
    for (const ConditionValue& value : condition.values)
    {
        covered += static_cast<double>(value.hi - value.lo) + 1;
    }
    return std::min(1.0, covered / space);
}

/// The structure a key condition's values call for.
ClassifierKind
KindFor(const Condition& condition)
{
    bool allSingle = true;
    bool prefixesOnly = true;
    for (const ConditionValue& value : condition.values)
    {
        allSingle = allSingle && value.kind == ConditionValue::Kind::Single;
        prefixesOnly = prefixesOnly && (value.kind == ConditionValue::Kind::Single ||
                                        value.kind == ConditionValue::Kind::Prefix);
    }
    return allSingle ? ClassifierKind::Hash
                     : (prefixesOnly ? ClassifierKind::PrefixTrie : ClassifierKind::IntervalTree);
}

bool
Indexable(const Condition& condition)
{
    return condition.type != ConditionType::TcpFlags && Coverage(condition) <= MAX_KEY_COVERAGE;
}

} // namespace

GroupClassifier::GroupClassifier(GroupType type, ConditionType lpmOn)
    : m_type(type)
    , m_lpmOn(lpmOn)
{
    if (type == GroupType::Lpm)
    {
        m_lpm = std::make_unique<PrefixTrie>(lpmOn, HeaderSelector::Outer, m_context);
    }
}

GroupClassifier::GroupClassifier(const NestingContext& context)
    : m_context(context)
    , m_type(GroupType::Priority)
    , m_lpmOn(ConditionType::DstIp)
{
}

GroupClassifier::~GroupClassifier() = default;

void
GroupClassifier::Count(const Rule& rule, int delta)
{
    for (const Condition& condition : rule.spec.conditions)
    {
        auto& values = m_values[{condition.type, condition.header}];
        for (const ConditionValue& value : condition.values)
        {
            auto it = values.try_emplace({value.lo, value.hi}, 0).first;
            it->second += delta;
            if (it->second == 0)
            {
                values.erase(it);
            }
        }
    }
}

Classifier&
GroupClassifier::SlotFor(ClassifierKind kind, const Condition& key)
{
    for (Slot& slot : m_slots)
    {
        if (slot.kind == kind && slot.type == key.type && slot.header == key.header)
        {
            return *slot.classifier;
        }
    }
    std::unique_ptr<Classifier> classifier;
    switch (kind)
    {
        case ClassifierKind::Hash:
            classifier = std::make_unique<HashClassifier>(key.type, key.header, m_context);
            break;
        case ClassifierKind::PrefixTrie:
            classifier = std::make_unique<PrefixTrie>(key.type, key.header, m_context);
            break;
        case ClassifierKind::IntervalTree:
        case ClassifierKind::List:
            classifier = std::make_unique<IntervalTree>(key.type, key.header, m_context);
            break;
    }
    m_slots.push_back(Slot{kind, key.type, key.header, std::move(classifier)});
    return *m_slots.back().classifier;
}

void
GroupClassifier::Place(Rule* rule)
{
    if (m_lpm)
    {
        const Condition* key = nullptr;
        for (const Condition& condition : rule->spec.conditions)
        {
            key = condition.type == m_lpmOn ? &condition : key;
        }
        m_lpm->Insert(rule, key);
        m_placement[rule] = Placement{m_lpm.get(), key};
        return;
    }
    const Condition* key = nullptr;
    size_t keySpread = 0;
    double keyCoverage = 0;
    for (const Condition& condition : rule->spec.conditions)
    {
        const auto keyName = std::make_pair(condition.type, condition.header);
        if (!Indexable(condition) ||
            std::find(m_context.usedKeys.begin(), m_context.usedKeys.end(), keyName) !=
                m_context.usedKeys.end())
        {
            continue;
        }
        const size_t spread = m_values[{condition.type, condition.header}].size();
        const double coverage = Coverage(condition);
        if (key == nullptr || spread > keySpread || (spread == keySpread && coverage < keyCoverage))
        {
            key = &condition;
            keySpread = spread;
            keyCoverage = coverage;
        }
    }
    Classifier& classifier = key ? SlotFor(KindFor(*key), *key) : static_cast<Classifier&>(m_list);
    classifier.Insert(rule, key);
    m_placement[rule] = Placement{&classifier, key};
}

void
GroupClassifier::Build(const std::vector<Rule*>& rules)
{
    for (const Rule* rule : rules)
    {
        Count(*rule, +1);
    }
    for (Rule* rule : rules)
    {
        Place(rule);
    }
}

void
GroupClassifier::Insert(Rule* rule)
{
    Count(*rule, +1);
    Place(rule);
}

void
GroupClassifier::Remove(Rule* rule)
{
    auto it = m_placement.find(rule);
    if (it == m_placement.end())
    {
        return;
    }
    it->second.classifier->Remove(rule, it->second.key);
    m_placement.erase(it);
    Count(*rule, -1);
}

Rule*
GroupClassifier::Lookup(const PacketFields& fields, Rule* best) const
{
    if (m_lpm)
    {
        return m_lpm->LookupLongest(fields);
    }
    for (const Slot& slot : m_slots)
    {
        best = slot.classifier->Lookup(fields, best);
    }
    return m_list.Lookup(fields, best);
}

std::vector<GroupClassifier::Part>
GroupClassifier::Describe() const
{
    std::vector<Part> parts;
    if (m_lpm)
    {
        parts.push_back(Part{ClassifierKind::PrefixTrie,
                             m_lpmOn,
                             HeaderSelector::Outer,
                             m_lpm->Size(),
                             m_lpm->MemoryBytes()});
        return parts;
    }
    for (const Slot& slot : m_slots)
    {
        parts.push_back(Part{slot.kind,
                             slot.type,
                             slot.header,
                             slot.classifier->Size(),
                             slot.classifier->MemoryBytes()});
    }
    parts.push_back(Part{ClassifierKind::List,
                         ConditionType::DstIp,
                         HeaderSelector::Outer,
                         m_list.Size(),
                         m_list.MemoryBytes()});
    return parts;
}

} // namespace vfp
