#include "hash-classifier.h"

namespace vfp
{

HashClassifier::HashClassifier(ConditionType type,
                               HeaderSelector header,
                               const NestingContext& parent)
    : m_type(type)
    , m_header(header)
    , m_context(ExtendContext(parent, type, header))
{
}

void
HashClassifier::Insert(Rule* rule, const Condition* key)
{
    for (const ConditionValue& value : key->values)
    {
        m_table.try_emplace(value.lo, &m_context).first->second.Insert(rule);
    }
    ++m_rules;
}

void
HashClassifier::Remove(Rule* rule, const Condition* key)
{
    for (const ConditionValue& value : key->values)
    {
        auto it = m_table.find(value.lo);
        if (it != m_table.end() && it->second.Remove(rule) && it->second.Empty())
        {
            m_table.erase(it);
        }
    }
    --m_rules;
}

Rule*
HashClassifier::Lookup(const PacketFields& fields, Rule* best) const
{
    uint64_t field = 0;
    if (!fields.Get(m_type, m_header, field))
    {
        return best;
    }
    auto it = m_table.find(field);
    return it == m_table.end() ? best : it->second.Lookup(fields, best);
}

size_t
HashClassifier::MemoryBytes() const
{
    size_t bytes = sizeof(*this) + m_table.bucket_count() * sizeof(void*);
    for (const auto& [value, candidates] : m_table)
    {
        // One node per entry: the key, the next pointer, the hash, and the set.
        bytes += sizeof(uint64_t) + 2 * sizeof(void*) + candidates.MemoryBytes();
    }
    return bytes;
}

} // namespace vfp
