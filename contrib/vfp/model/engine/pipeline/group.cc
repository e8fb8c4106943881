#include "group.h"

#include <algorithm>
#include <fmt/format.h>

namespace vfp
{

namespace
{
bool
ReadsFlags(const std::vector<Condition>& conditions)
{
    return std::any_of(conditions.begin(),
                       conditions.end(),
                       [](const Condition& condition)
                       { return condition.type == ConditionType::TcpFlags; });
}

bool
RuleOrder(const std::unique_ptr<Rule>& a, const std::unique_ptr<Rule>& b)
{
    return RanksBefore(*a, *b);
}
} // namespace

Group::Group(const GroupSpec& spec, uint64_t sequence)
    : m_spec(spec)
    , m_sequence(sequence)
    , m_conditions(spec.conditions)
    , m_classifier(spec.type, spec.lpmOn)
{
    m_spec.rules.clear();
    m_flagReaders = ReadsFlags(m_spec.conditions);
}

void
Group::CheckRule(const RuleSpec& rule, const std::string& owner) const
{
    if (m_spec.type != GroupType::Lpm)
    {
        return;
    }
    int lpmConditions = 0;
    for (const Condition& condition : rule.conditions)
    {
        if (condition.type != m_spec.lpmOn)
        {
            continue;
        }
        if (++lpmConditions > 1)
        {
            throw PolicyError(fmt::format("{}: an lpm group's rule has at most one {} condition",
                                          owner,
                                          ConditionTypeName(m_spec.lpmOn)));
        }
        if (condition.header != HeaderSelector::Outer)
        {
            throw PolicyError(fmt::format("{}: the lpm condition reads the outer header", owner));
        }
        for (const ConditionValue& value : condition.values)
        {
            if (value.kind != ConditionValue::Kind::Prefix &&
                value.kind != ConditionValue::Kind::Single)
            {
                throw PolicyError(
                    fmt::format("{}: in an lpm group, {} values must be prefixes or addresses",
                                owner,
                                ConditionTypeName(m_spec.lpmOn)));
            }
        }
    }
}

void
Group::Insert(std::unique_ptr<Rule> rule)
{
    m_classifier.Insert(rule.get());
    m_flagReaders += ReadsFlags(rule->spec.conditions);
    m_statefulRules += rule->spec.stateful;
    m_rules.insert(std::upper_bound(m_rules.begin(), m_rules.end(), rule, RuleOrder),
                   std::move(rule));
}

void
Group::InsertAll(std::vector<std::unique_ptr<Rule>> rules)
{
    std::vector<Rule*> added;
    for (auto& rule : rules)
    {
        added.push_back(rule.get());
        m_flagReaders += ReadsFlags(rule->spec.conditions);
        m_statefulRules += rule->spec.stateful;
        m_rules.push_back(std::move(rule));
    }
    std::sort(m_rules.begin(), m_rules.end(), RuleOrder); // ranks are unique
    m_classifier.Build(added);
}

bool
Group::Remove(const std::string& id)
{
    auto it = std::find_if(
        m_rules.begin(), m_rules.end(), [&id](const auto& rule) { return rule->spec.id == id; });
    if (it == m_rules.end())
    {
        return false;
    }
    m_classifier.Remove(it->get());
    m_flagReaders -= ReadsFlags((*it)->spec.conditions);
    m_statefulRules -= (*it)->spec.stateful;
    m_rules.erase(it);
    return true;
}

GroupSpec
Group::ToSpec() const
{
    GroupSpec spec = m_spec;
    for (const auto& rule : m_rules)
    {
        spec.rules.push_back(rule->spec);
    }
    return spec;
}

} // namespace vfp
