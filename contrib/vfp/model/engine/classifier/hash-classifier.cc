#include "hash-classifier.h"

#include <algorithm>

namespace vfp
{

HashClassifier::HashClassifier(ConditionType type, HeaderSelector header)
    : m_type(type),
      m_header(header)
{
}

void
HashClassifier::Insert(Rule* rule, const Condition* key)
{
    for (const ConditionValue& value : key->values)
    {
        std::vector<Rule*>& list = m_table[value.lo];
        // Two equal values in one condition must not list the rule twice.
        if (std::find(list.begin(), list.end(), rule) == list.end())
        {
            InsertRanked(list, rule);
        }
    }
    ++m_rules;
}

void
HashClassifier::Remove(Rule* rule, const Condition* key)
{
    for (const ConditionValue& value : key->values)
    {
        auto it = m_table.find(value.lo);
        if (it != m_table.end() && RemoveRanked(it->second, rule) && it->second.empty())
        {
            m_table.erase(it);
        }
    }
    --m_rules;
}

Rule*
HashClassifier::Find(const HeaderStack& meta, Rule* best) const
{
    auto field = ReadField(meta, m_type, m_header);
    if (!field)
    {
        return best;
    }
    auto it = m_table.find(*field);
    return it == m_table.end() ? best : ScanRanked(it->second, meta, best);
}

size_t
HashClassifier::MemoryBytes() const
{
    size_t bytes = sizeof(*this) + m_table.bucket_count() * sizeof(void*);
    for (const auto& [value, list] : m_table)
    {
        // One node per entry: the key, the vector header, the next pointer, the hash.
        bytes += sizeof(uint64_t) + sizeof(std::vector<Rule*>) + 2 * sizeof(void*) +
                 list.capacity() * sizeof(Rule*);
    }
    return bytes;
}

} // namespace vfp
