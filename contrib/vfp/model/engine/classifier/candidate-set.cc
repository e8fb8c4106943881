#include "candidate-set.h"

#include "group-classifier.h"

#include <algorithm>

namespace vfp
{

CandidateSet::CandidateSet(const NestingContext* context)
    : m_context(context)
{
}

CandidateSet::~CandidateSet() = default;
CandidateSet::CandidateSet(CandidateSet&&) noexcept = default;
CandidateSet& CandidateSet::operator=(CandidateSet&&) noexcept = default;

void
CandidateSet::Insert(Rule* rule)
{
    auto position =
        std::lower_bound(m_ranked.begin(),
                         m_ranked.end(),
                         rule,
                         [](const Rule* a, const Rule* b) { return RanksBefore(*a, *b); });
    if (position != m_ranked.end() && *position == rule)
    {
        return;
    }
    m_ranked.insert(position, rule);
    if (m_nested)
    {
        m_nested->Insert(rule);
    }
    Rebalance();
}

bool
CandidateSet::Remove(Rule* rule)
{
    if (!RemoveRanked(m_ranked, rule))
    {
        return false;
    }
    if (m_nested)
    {
        m_nested->Remove(rule);
    }
    Rebalance();
    return true;
}

void
CandidateSet::Rebalance()
{
    m_first = RankOf(m_ranked.empty() ? nullptr : m_ranked.front());
    if (m_nested && m_ranked.size() <= NEST_ABOVE / 2)
    {
        m_nested.reset();
        m_retryAt = NEST_ABOVE + 1;
        return;
    }
    if (m_nested || m_context == nullptr || m_context->depth >= MAX_NESTING_DEPTH ||
        m_ranked.size() < m_retryAt)
    {
        return;
    }
    auto nested = std::make_unique<GroupClassifier>(*m_context);
    nested->Build(m_ranked);
    if (nested->ListedRules() * 2 > m_ranked.size())
    {
        m_retryAt = m_ranked.size() * 2; // not worth it now; try again when twice as big
        return;
    }
    m_nested = std::move(nested);
}

Rule*
CandidateSet::Search(const PacketFields& fields, Rule* best) const
{
    return m_nested ? m_nested->Lookup(fields, best) : ScanRanked(m_ranked, fields, best);
}

size_t
CandidateSet::MemoryBytes() const
{
    size_t bytes = sizeof(*this) + m_ranked.capacity() * sizeof(Rule*);
    if (m_nested)
    {
        for (const auto& part : m_nested->Describe())
        {
            bytes += part.memoryBytes;
        }
    }
    return bytes;
}

} // namespace vfp
