#include "prefix-trie.h"

#include <algorithm>

namespace vfp
{

namespace
{

/// A key value as (prefix, length): single values are full-length prefixes.
std::pair<uint64_t, uint8_t>
AsPrefix(const ConditionValue& value, uint8_t width)
{
    return value.kind == ConditionValue::Kind::Prefix ? std::make_pair(value.lo, value.prefixLength)
                                                      : std::make_pair(value.lo, width);
}

} // namespace

PrefixTrie::PrefixTrie(ConditionType type, HeaderSelector header, const NestingContext& parent)
    : m_type(type),
      m_header(header),
      m_width(ConditionWidth(type)),
      m_context(ExtendContext(parent, type, header)),
      m_root(std::make_unique<Node>(&m_context))
{
}

PrefixTrie::~PrefixTrie() = default;

uint64_t
PrefixTrie::Mask(uint8_t length) const
{
    if (length == 0)
    {
        return 0;
    }
    const uint64_t widthMask = m_width == 64 ? ~uint64_t(0) : (uint64_t(1) << m_width) - 1;
    return (widthMask << (m_width - length)) & widthMask;
}

int
PrefixTrie::Bit(uint64_t value, uint8_t position) const
{
    return static_cast<int>((value >> (m_width - 1 - position)) & 1);
}

void
PrefixTrie::Insert(Rule* rule, const Condition* key)
{
    if (key == nullptr)
    {
        InsertPrefix(0, 0, rule);
    }
    else
    {
        for (const ConditionValue& value : key->values)
        {
            auto [prefix, length] = AsPrefix(value, m_width);
            InsertPrefix(prefix, length, rule);
        }
    }
    ++m_rules;
}

void
PrefixTrie::InsertPrefix(uint64_t prefix, uint8_t length, Rule* rule)
{
    const RuleRank rank = RankOf(rule);
    auto addTo = [rule](Node& node) {
        node.rules.Insert(rule);
        UpdateSubtreeBest(node);
    };
    auto leaf = [&](uint64_t value, uint8_t bits) {
        auto node = std::make_unique<Node>(&m_context);
        node->prefix = value & Mask(bits);
        node->length = bits;
        return node;
    };
    Node* node = m_root.get();
    while (node->length != length)
    {
        node->subtreeBest = std::min(node->subtreeBest, rank); // the rule goes below
        std::unique_ptr<Node>& slot = node->children[Bit(prefix, node->length)];
        if (!slot)
        {
            slot = leaf(prefix, length);
            addTo(*slot);
            return;
        }
        // The longest common prefix of the child and the new prefix, within both.
        const uint8_t limit = std::min(slot->length, length);
        const uint64_t differ = (slot->prefix ^ prefix) & Mask(limit);
        const uint8_t common =
            differ == 0 ? limit : static_cast<uint8_t>(__builtin_clzll(differ) - (64 - m_width));
        if (common == slot->length)
        {
            node = slot.get();
            continue;
        }
        // Split: a new node for the common prefix takes the child's place.
        auto middle = leaf(prefix, common);
        middle->subtreeBest = std::min(slot->subtreeBest, rank);
        middle->children[Bit(slot->prefix, common)] = std::move(slot);
        if (common == length)
        {
            addTo(*middle);
        }
        else
        {
            auto added = leaf(prefix, length);
            addTo(*added);
            middle->children[Bit(prefix, common)] = std::move(added);
        }
        slot = std::move(middle);
        return;
    }
    addTo(*node);
}

void
PrefixTrie::Remove(Rule* rule, const Condition* key)
{
    if (key == nullptr)
    {
        RemovePrefix(m_root, 0, 0, rule);
    }
    else
    {
        for (const ConditionValue& value : key->values)
        {
            auto [prefix, length] = AsPrefix(value, m_width);
            RemovePrefix(m_root, prefix, length, rule);
        }
    }
    --m_rules;
}

bool
PrefixTrie::RemovePrefix(std::unique_ptr<Node>& slot, uint64_t prefix, uint8_t length, Rule* rule)
{
    Node& node = *slot;
    if ((prefix & Mask(node.length)) != node.prefix || node.length > length)
    {
        return false;
    }
    bool removed;
    if (node.length == length)
    {
        removed = node.rules.Remove(rule);
    }
    else
    {
        std::unique_ptr<Node>& child = node.children[Bit(prefix, node.length)];
        removed = child && RemovePrefix(child, prefix, length, rule);
    }
    if (removed)
    {
        UpdateSubtreeBest(node);
    }
    // Keep the trie compressed: an emptied node without a branch goes away.
    if (removed && &slot != &m_root && node.rules.Empty())
    {
        const bool left = node.children[0] != nullptr;
        const bool right = node.children[1] != nullptr;
        if (!left && !right)
        {
            slot.reset();
        }
        else if (left != right)
        {
            slot = std::move(node.children[left ? 0 : 1]);
        }
    }
    return removed;
}

void
PrefixTrie::UpdateSubtreeBest(Node& node)
{
    node.subtreeBest = node.rules.GetFirstRank();
    for (const auto& child : node.children)
    {
        if (child)
        {
            node.subtreeBest = std::min(node.subtreeBest, child->subtreeBest);
        }
    }
}

size_t
PrefixTrie::Path(uint64_t field, std::array<const Node*, 65>& path) const
{
    size_t count = 0;
    const Node* node = m_root.get();
    while (node && (field & Mask(node->length)) == node->prefix)
    {
        path[count++] = node;
        if (node->length >= m_width)
        {
            break;
        }
        node = node->children[Bit(field, node->length)].get();
    }
    return count;
}

Rule*
PrefixTrie::Lookup(const PacketFields& fields, Rule* best) const
{
    uint64_t field = 0;
    if (!fields.Get(m_type, m_header, field))
    {
        return best;
    }
    const Node* node = m_root.get();
    while (node && (field & Mask(node->length)) == node->prefix &&
           (best == nullptr || node->subtreeBest < RankOf(best)))
    {
        best = node->rules.Lookup(fields, best);
        if (node->length >= m_width)
        {
            break;
        }
        node = node->children[Bit(field, node->length)].get();
    }
    return best;
}

Rule*
PrefixTrie::LookupLongest(const PacketFields& fields) const
{
    uint64_t field = 0;
    if (!fields.Get(m_type, m_header, field))
    {
        return m_root->rules.Lookup(fields, nullptr);
    }
    std::array<const Node*, 65> path;
    for (size_t i = Path(field, path); i-- > 0;)
    {
        if (Rule* rule = path[i]->rules.Lookup(fields, nullptr))
        {
            return rule;
        }
    }
    return nullptr;
}

size_t
PrefixTrie::NodeCount() const
{
    size_t count = 0;
    std::vector<const Node*> stack{m_root.get()};
    while (!stack.empty())
    {
        const Node* node = stack.back();
        stack.pop_back();
        ++count;
        for (const auto& child : node->children)
        {
            if (child)
            {
                stack.push_back(child.get());
            }
        }
    }
    return count;
}

size_t
PrefixTrie::MemoryBytes() const
{
    size_t bytes = sizeof(*this);
    std::vector<const Node*> stack{m_root.get()};
    while (!stack.empty())
    {
        const Node* node = stack.back();
        stack.pop_back();
        bytes += sizeof(Node) - sizeof(CandidateSet) + node->rules.MemoryBytes();
        for (const auto& child : node->children)
        {
            if (child)
            {
                stack.push_back(child.get());
            }
        }
    }
    return bytes;
}

} // namespace vfp
