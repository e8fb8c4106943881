#include "prefix-trie.h"

#include <algorithm>

namespace vfp
{

namespace
{

constexpr uint8_t STRIDE = PrefixTrie::STRIDE;
static_assert(STRIDE >= 1 && STRIDE <= 6, "a node's bitmaps are 64 bits");

/// The position of a node's prefix that is @p extra bits longer than the node's base and
/// contains chunk value @p chunk.
constexpr uint32_t
Position(uint8_t extra, uint32_t chunk)
{
    return (uint32_t(1) << extra) - 1 + (chunk >> (STRIDE - extra));
}

/// Per chunk value: the positions of the prefixes that contain it, one per extra length.
constexpr std::array<uint64_t, size_t(1) << STRIDE>
MakePathMasks()
{
    std::array<uint64_t, size_t(1) << STRIDE> masks{};
    for (uint32_t chunk = 0; chunk < masks.size(); ++chunk)
    {
        for (uint8_t extra = 0; extra < STRIDE; ++extra)
        {
            masks[chunk] |= uint64_t(1) << Position(extra, chunk);
        }
    }
    return masks;
}

constexpr std::array<uint64_t, size_t(1) << STRIDE> PATH_MASK = MakePathMasks();

constexpr uint32_t ROOT = 0;

/// The top @p length bits of a left-aligned key.
uint64_t
Mask(uint8_t length)
{
    return length == 0 ? 0 : ~uint64_t(0) << (64 - length);
}

/// The longest multiple of STRIDE not above @p length: the base of the node holding a
/// prefix of that length.
uint8_t
BaseOf(uint8_t length)
{
    return static_cast<uint8_t>(length / STRIDE * STRIDE);
}

} // namespace

template <typename T>
size_t
PrefixTrie::BlockPool<T>::OverheadBytes() const
{
    size_t bytes = (m_items.capacity() - m_items.size()) * sizeof(T);
    for (const auto& free : m_free)
    {
        bytes += free.capacity() * sizeof(uint32_t);
    }
    return bytes;
}

PrefixTrie::PrefixTrie(ConditionType type, HeaderSelector header, const NestingContext& parent)
    : m_type(type),
      m_header(header),
      m_width(ConditionWidth(type)),
      m_context(ExtendContext(parent, type, header))
{
    m_nodes.Allocate(1); // the root
}

PrefixTrie::~PrefixTrie() = default;

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
            const uint8_t length = value.kind == ConditionValue::Kind::Prefix ? value.prefixLength : m_width;
            InsertPrefix(Align(value.lo) & Mask(length), length, rule);
        }
    }
    ++m_rules;
}

void
PrefixTrie::InsertPrefix(uint64_t prefix, uint8_t length, Rule* rule)
{
    const RuleRank rank = RankOf(rule);
    const uint8_t base = BaseOf(length);
    uint32_t index = ROOT;
    while (m_nodes[index].length != base)
    {
        Node& node = m_nodes[index];
        node.subtreeBest = std::min(node.subtreeBest, rank); // the rule goes below
        const uint32_t chunk = Chunk(prefix, node.length);
        if (!(node.children >> chunk & 1))
        {
            Node leaf;
            leaf.prefix = prefix & Mask(base);
            leaf.length = base;
            index = AddChild(index, chunk, leaf);
            break;
        }
        const uint32_t childIndex = node.firstChild + Below(node.children, chunk);
        const Node& child = m_nodes[childIndex];
        // The longest common prefix of the child and the new prefix, within both, rounded
        // down to a base: where they part.
        const uint64_t differ = child.prefix ^ prefix;
        const uint8_t common = std::min<uint8_t>({differ == 0 ? uint8_t(64) : uint8_t(__builtin_clzll(differ)),
                                                  child.length, length});
        const uint8_t split = BaseOf(common);
        if (split == child.length)
        {
            index = childIndex;
            continue;
        }
        // Split: a node at the parting base takes the child's place, the child below it.
        Node middle;
        middle.prefix = prefix & Mask(split);
        middle.length = split;
        middle.subtreeBest = std::min(child.subtreeBest, rank);
        middle.children = uint64_t(1) << Chunk(child.prefix, split);
        middle.firstChild = m_nodes.Allocate(1);
        m_nodes[middle.firstChild] = m_nodes[childIndex];
        m_nodes[childIndex] = middle;
        index = childIndex;
        if (split != base)
        {
            Node leaf;
            leaf.prefix = prefix & Mask(base);
            leaf.length = base;
            index = AddChild(childIndex, Chunk(prefix, split), leaf);
        }
        break;
    }
    CandidateSet& set = SetAt(index, Position(length - base, Chunk(prefix, base)));
    set.Insert(rule);
    m_nodes[index].subtreeBest = std::min(m_nodes[index].subtreeBest, rank);
}

uint32_t
PrefixTrie::AddChild(uint32_t parent, uint32_t chunk, const Node& child)
{
    const uint32_t count = PopCount(m_nodes[parent].children);
    const uint32_t at = Below(m_nodes[parent].children, chunk);
    const uint32_t block = m_nodes.Allocate(count + 1);
    const uint32_t old = m_nodes[parent].firstChild;
    for (uint32_t i = 0; i < count; ++i)
    {
        m_nodes[block + i + (i >= at ? 1 : 0)] = m_nodes[old + i];
    }
    m_nodes[block + at] = child;
    m_nodes.Release(old, count);
    m_nodes[parent].firstChild = block;
    m_nodes[parent].children |= uint64_t(1) << chunk;
    return block + at;
}

void
PrefixTrie::RemoveChild(uint32_t parent, uint32_t chunk)
{
    const uint32_t count = PopCount(m_nodes[parent].children);
    const uint32_t at = Below(m_nodes[parent].children, chunk);
    const uint32_t block = count > 1 ? m_nodes.Allocate(count - 1) : 0;
    const uint32_t old = m_nodes[parent].firstChild;
    for (uint32_t i = 0; i < count; ++i)
    {
        if (i != at)
        {
            m_nodes[block + i - (i > at ? 1 : 0)] = m_nodes[old + i];
        }
    }
    m_nodes.Release(old, count);
    m_nodes[parent].firstChild = block;
    m_nodes[parent].children &= ~(uint64_t(1) << chunk);
}

void
PrefixTrie::PullUpChild(uint32_t index)
{
    const uint32_t child = m_nodes[index].firstChild;
    m_nodes[index] = m_nodes[child];
    m_nodes.Release(child, 1);
}

CandidateSet&
PrefixTrie::SetAt(uint32_t index, uint32_t position)
{
    const uint64_t prefixes = m_nodes[index].prefixes;
    const uint32_t at = Below(prefixes, position);
    if (prefixes >> position & 1)
    {
        return m_sets[m_nodes[index].firstSet + at];
    }
    const uint32_t count = PopCount(prefixes);
    const uint32_t block = m_sets.Allocate(count + 1, &m_context);
    const uint32_t old = m_nodes[index].firstSet;
    for (uint32_t i = 0; i < count; ++i)
    {
        m_sets[block + i + (i >= at ? 1 : 0)] = std::move(m_sets[old + i]);
    }
    m_sets.Release(old, count, &m_context);
    m_nodes[index].firstSet = block;
    m_nodes[index].prefixes |= uint64_t(1) << position;
    return m_sets[block + at];
}

void
PrefixTrie::RemoveSet(uint32_t index, uint32_t position)
{
    const uint64_t prefixes = m_nodes[index].prefixes;
    const uint32_t count = PopCount(prefixes);
    const uint32_t at = Below(prefixes, position);
    const uint32_t block = count > 1 ? m_sets.Allocate(count - 1, &m_context) : 0;
    const uint32_t old = m_nodes[index].firstSet;
    for (uint32_t i = 0; i < count; ++i)
    {
        if (i != at)
        {
            m_sets[block + i - (i > at ? 1 : 0)] = std::move(m_sets[old + i]);
        }
    }
    m_sets.Release(old, count, &m_context);
    m_nodes[index].firstSet = block;
    m_nodes[index].prefixes &= ~(uint64_t(1) << position);
}

void
PrefixTrie::Remove(Rule* rule, const Condition* key)
{
    if (key == nullptr)
    {
        RemovePrefix(0, 0, rule);
    }
    else
    {
        for (const ConditionValue& value : key->values)
        {
            const uint8_t length = value.kind == ConditionValue::Kind::Prefix ? value.prefixLength : m_width;
            RemovePrefix(Align(value.lo) & Mask(length), length, rule);
        }
    }
    --m_rules;
}

void
PrefixTrie::RemovePrefix(uint64_t prefix, uint8_t length, Rule* rule)
{
    const uint8_t base = BaseOf(length);
    std::array<uint32_t, MAX_DEPTH> path;
    size_t depth = 0;
    uint32_t index = ROOT;
    while (true)
    {
        const Node& node = m_nodes[index];
        if ((prefix & Mask(node.length)) != node.prefix || node.length > base)
        {
            return;
        }
        path[depth++] = index;
        if (node.length == base)
        {
            break;
        }
        const uint32_t chunk = Chunk(prefix, node.length);
        if (!(node.children >> chunk & 1))
        {
            return;
        }
        index = node.firstChild + Below(node.children, chunk);
    }
    const uint32_t position = Position(length - base, Chunk(prefix, base));
    const Node& node = m_nodes[index];
    if (!(node.prefixes >> position & 1))
    {
        return;
    }
    CandidateSet& set = m_sets[node.firstSet + Below(node.prefixes, position)];
    if (!set.Remove(rule))
    {
        return;
    }
    if (set.Empty())
    {
        RemoveSet(index, position);
    }
    for (size_t i = depth; i-- > 0;)
    {
        UpdateSubtreeBest(path[i]);
    }
    // Keep the trie compressed: a non-root node without a set goes away if it has no
    // children, and gives way to its child if it has one; its parent, losing a child, may
    // then have to give way to its other child. Both leave the ranks above unchanged.
    if (depth < 2 || m_nodes[index].prefixes != 0)
    {
        return;
    }
    const uint32_t parent = path[depth - 2];
    const uint64_t children = m_nodes[index].children;
    if (children == 0)
    {
        RemoveChild(parent, Chunk(prefix, m_nodes[parent].length));
        const Node& above = m_nodes[parent];
        if (depth >= 3 && above.prefixes == 0 && PopCount(above.children) == 1)
        {
            PullUpChild(parent);
        }
    }
    else if (PopCount(children) == 1)
    {
        PullUpChild(index);
    }
}

void
PrefixTrie::UpdateSubtreeBest(uint32_t index)
{
    Node& node = m_nodes[index];
    RuleRank best;
    for (uint32_t i = 0, n = PopCount(node.prefixes); i < n; ++i)
    {
        best = std::min(best, m_sets[node.firstSet + i].GetFirstRank());
    }
    for (uint32_t i = 0, n = PopCount(node.children); i < n; ++i)
    {
        best = std::min(best, m_nodes[node.firstChild + i].subtreeBest);
    }
    node.subtreeBest = best;
}

Rule*
PrefixTrie::Lookup(const PacketFields& fields, Rule* best) const
{
    uint64_t value = 0;
    if (!fields.Get(m_type, m_header, value))
    {
        return best;
    }
    const uint64_t key = Align(value);
    const Node* node = &m_nodes[ROOT];
    while (best == nullptr || node->subtreeBest < best->rank)
    {
        const uint32_t chunk = Chunk(key, node->length);
        const Node* next = nullptr;
        if (node->children >> chunk & 1)
        {
            next = &m_nodes[node->firstChild + Below(node->children, chunk)];
            __builtin_prefetch(next);
        }
        for (uint64_t matched = node->prefixes & PATH_MASK[chunk]; matched != 0; matched &= matched - 1)
        {
            const uint32_t position = static_cast<uint32_t>(__builtin_ctzll(matched));
            best = m_sets[node->firstSet + Below(node->prefixes, position)].Lookup(fields, best);
        }
        // A child's length is at least STRIDE, so the shift is defined.
        if (next == nullptr || ((key ^ next->prefix) >> (64 - next->length)) != 0)
        {
            break;
        }
        node = next;
    }
    return best;
}

size_t
PrefixTrie::Path(uint64_t key, std::array<const Node*, MAX_DEPTH>& path) const
{
    size_t count = 0;
    const Node* node = &m_nodes[ROOT];
    while (true)
    {
        path[count++] = node;
        const uint32_t chunk = Chunk(key, node->length);
        if (!(node->children >> chunk & 1))
        {
            break;
        }
        node = &m_nodes[node->firstChild + Below(node->children, chunk)];
        if (((key ^ node->prefix) >> (64 - node->length)) != 0)
        {
            break;
        }
    }
    return count;
}

Rule*
PrefixTrie::LookupLongest(const PacketFields& fields) const
{
    uint64_t value = 0;
    if (!fields.Get(m_type, m_header, value))
    {
        const Node& root = m_nodes[ROOT];
        return root.prefixes & 1 ? m_sets[root.firstSet].Lookup(fields, nullptr) : nullptr;
    }
    const uint64_t key = Align(value);
    std::array<const Node*, MAX_DEPTH> path;
    for (size_t i = Path(key, path); i-- > 0;)
    {
        const Node& node = *path[i];
        for (uint64_t matched = node.prefixes & PATH_MASK[Chunk(key, node.length)]; matched != 0;)
        {
            const uint32_t position = 63 - static_cast<uint32_t>(__builtin_clzll(matched));
            matched &= ~(uint64_t(1) << position);
            if (Rule* rule = m_sets[node.firstSet + Below(node.prefixes, position)].Lookup(fields, nullptr))
            {
                return rule;
            }
        }
    }
    return nullptr;
}

size_t
PrefixTrie::NodeCount() const
{
    size_t count = 0;
    std::vector<uint32_t> stack{ROOT};
    while (!stack.empty())
    {
        const Node& node = m_nodes[stack.back()];
        stack.pop_back();
        ++count;
        for (uint32_t i = 0, n = PopCount(node.children); i < n; ++i)
        {
            stack.push_back(node.firstChild + i);
        }
    }
    return count;
}

size_t
PrefixTrie::MemoryBytes() const
{
    size_t bytes = sizeof(*this) + m_nodes.Items().size() * sizeof(Node) + m_nodes.OverheadBytes() +
                   m_sets.OverheadBytes();
    for (const CandidateSet& set : m_sets.Items())
    {
        bytes += set.MemoryBytes();
    }
    return bytes;
}

} // namespace vfp
