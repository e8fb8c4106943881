#include "group.h"

#include <algorithm>
#include <fmt/format.h>

namespace vfp
{

Group::Group(const GroupSpec& spec, uint64_t sequence)
    : m_spec(spec),
      m_sequence(sequence)
{
    m_spec.rules.clear();
}

Rule*
Group::Select(const HeaderStack& meta)
{
    if (m_spec.type == GroupType::Priority)
    {
        for (const auto& rule : m_rules)
        {
            if (MatchesAll(rule->spec.conditions, meta))
            {
                return rule.get();
            }
        }
        return nullptr;
    }
    auto field = ReadField(meta, m_spec.lpmOn, HeaderSelector::Outer);
    Rule* best = nullptr;
    int bestLength = -1;
    for (const auto& rule : m_rules)
    {
        if (!MatchesAll(rule->spec.conditions, meta))
        {
            continue;
        }
        const int length = field ? LpmLength(*rule, *field) : 0;
        if (length > bestLength) // strictly longer: equal lengths keep the earlier rule
        {
            best = rule.get();
            bestLength = length;
        }
    }
    return best;
}

uint8_t
Group::LpmLength(const Rule& rule, uint64_t field) const
{
    uint8_t length = 0;
    for (const Condition& condition : rule.spec.conditions)
    {
        if (condition.type != m_spec.lpmOn)
        {
            continue;
        }
        for (const ConditionValue& value : condition.values)
        {
            if (value.Contains(field))
            {
                const uint8_t valueLength = value.kind == ConditionValue::Kind::Prefix
                                                ? value.prefixLength
                                                : ConditionWidth(condition.type);
                length = std::max(length, valueLength);
            }
        }
    }
    return length;
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
    auto position = std::upper_bound(
        m_rules.begin(),
        m_rules.end(),
        rule,
        [](const std::unique_ptr<Rule>& a, const std::unique_ptr<Rule>& b) { return RanksBefore(*a, *b); });
    m_rules.insert(position, std::move(rule));
}

bool
Group::Remove(const std::string& id)
{
    auto it = std::find_if(m_rules.begin(), m_rules.end(), [&id](const auto& rule) {
        return rule->spec.id == id;
    });
    if (it == m_rules.end())
    {
        return false;
    }
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
