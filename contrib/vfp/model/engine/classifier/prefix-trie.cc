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

/// The largest multiple of STRIDE not above @p length: the base of the node holding a
/// prefix of that length.
uint8_t
BaseOf(uint8_t length)
{
    return static_cast<uint8_t>(length / STRIDE * STRIDE);
}

} // namespace

template<typename T>
template<typename... Args>
uint32_t
PrefixTrie::BlockPool<T>::Allocate(uint32_t count, const Args&... args)
{
    const uint32_t wanted = SizeClass(count);
    for (uint32_t size = wanted; size < m_free.size(); ++size)
    {
        if (!m_free[size].empty())
        {
            const uint32_t first = m_free[size].back();
            m_free[size].pop_back();
            for (uint32_t half = size; half-- > wanted;) // keep the first part, free the rest
            {
                m_free[half].push_back(first + (uint32_t(1) << half));
            }
            return first;
        }
    }
    const auto first = static_cast<uint32_t>(m_items.size());
    if (m_items.size() + (size_t(1) << wanted) > m_items.capacity())
    {
        // Grow by a quarter rather than double: the pools are most of the trie's memory.
        m_items.reserve(m_items.size() + (size_t(1) << wanted) + m_items.size() / 4);
    }
    for (uint32_t i = 0; i < (uint32_t(1) << wanted); ++i)
    {
        m_items.emplace_back(args...);
    }
    return first;
}

template<typename T>
template<typename... Args>
uint32_t
PrefixTrie::BlockPool<T>::Grow(uint32_t first, uint32_t count, uint32_t at, const Args&... args)
{
    if (count > 0 && SizeClass(count + 1) == SizeClass(count))
    {
        for (uint32_t i = count; i > at; --i)
        {
            m_items[first + i] = std::move(m_items[first + i - 1]);
        }
        m_items[first + at] = T(args...);
        return first;
    }
    const uint32_t block = Allocate(count + 1, args...);
    for (uint32_t i = 0; i < count; ++i)
    {
        m_items[block + i + (i >= at ? 1 : 0)] = std::move(m_items[first + i]);
    }
    Release(first, count, args...);
    return block;
}

template<typename T>
template<typename... Args>
uint32_t
PrefixTrie::BlockPool<T>::Shrink(uint32_t first, uint32_t count, uint32_t at, const Args&... args)
{
    if (count > 1 && SizeClass(count - 1) == SizeClass(count))
    {
        for (uint32_t i = at + 1; i < count; ++i)
        {
            m_items[first + i - 1] = std::move(m_items[first + i]);
        }
        m_items[first + count - 1] = T(args...);
        return first;
    }
    const uint32_t block = count > 1 ? Allocate(count - 1, args...) : 0;
    for (uint32_t i = 0; i < count; ++i)
    {
        if (i != at)
        {
            m_items[block + i - (i > at ? 1 : 0)] = std::move(m_items[first + i]);
        }
    }
    Release(first, count, args...);
    return block;
}

template<typename T>
template<typename... Args>
void
PrefixTrie::BlockPool<T>::Release(uint32_t first, uint32_t count, const Args&... args)
{
    if (count == 0)
    {
        return;
    }
    for (uint32_t i = first; i < first + count; ++i)
    {
        m_items[i] = T(args...);
    }
    m_free[SizeClass(count)].push_back(first);
}

template<typename T>
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
    : m_type(type)
    , m_header(header)
    , m_width(ConditionWidth(type))
    , m_context(ExtendContext(parent, type, header))
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
            const uint8_t length =
                value.kind == ConditionValue::Kind::Prefix ? value.prefixLength : m_width;
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
    Node leaf; // the node for the prefix, should it need one
    leaf.prefix = prefix & Mask(base);
    leaf.length = base;
    uint32_t index = ROOT;
    while (m_nodes[index].length != base)
    {
        Node& node = m_nodes[index];
        node.subtreeBest = std::min(node.subtreeBest, rank); // the rule goes below
        const uint32_t chunk = Chunk(prefix, node.length);
        if (!(node.children >> chunk & 1))
        {
            index = AddChild(index, chunk, leaf);
            break;
        }
        const uint32_t childIndex = node.firstChild + Below(node.children, chunk);
        const Node& child = m_nodes[childIndex];
        // The longest common prefix of the child and the new prefix, within both, rounded
        // down to a base: where they part.
        const uint64_t differ = child.prefix ^ prefix;
        const uint8_t common = std::min<uint8_t>(
            {differ == 0 ? uint8_t(64) : uint8_t(__builtin_clzll(differ)), child.length, length});
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
    const Node& node = m_nodes[parent];
    const uint32_t at = Below(node.children, chunk);
    const uint32_t block = m_nodes.Grow(node.firstChild, PopCount(node.children), at);
    Node& grown = m_nodes[parent]; // Grow may have moved the nodes' storage
    grown.firstChild = block;
    grown.children |= uint64_t(1) << chunk;
    m_nodes[block + at] = child;
    return block + at;
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
    Node& node = m_nodes[index];
    const uint32_t at = Below(node.prefixes, position);
    if (!(node.prefixes >> position & 1))
    {
        node.firstSet = m_sets.Grow(node.firstSet, PopCount(node.prefixes), at, &m_context);
        node.prefixes |= uint64_t(1) << position;
    }
    return m_sets[node.firstSet + at];
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
            const uint8_t length =
                value.kind == ConditionValue::Kind::Prefix ? value.prefixLength : m_width;
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
    Node& node = m_nodes[index];
    if (!(node.prefixes >> position & 1))
    {
        return;
    }
    const uint32_t at = Below(node.prefixes, position);
    CandidateSet& set = m_sets[node.firstSet + at];
    if (!set.Remove(rule))
    {
        return;
    }
    if (set.Empty())
    {
        node.firstSet = m_sets.Shrink(node.firstSet, PopCount(node.prefixes), at, &m_context);
        node.prefixes &= ~(uint64_t(1) << position);
    }
    for (size_t i = depth; i-- > 0;)
    {
        UpdateSubtreeBest(path[i]);
    }
    // Keep the trie compressed: a non-root node without a set goes away if it has no
    // children, and gives way to its child if it has one; its parent, losing a child, may
    // then have to give way to its other child. Both leave the ranks above unchanged.
    if (depth < 2 || node.prefixes != 0)
    {
        return;
    }
    const uint32_t parent = path[depth - 2];
    const uint64_t children = node.children;
    if (children == 0)
    {
        const Node& above = m_nodes[parent];
        const uint32_t chunk = Chunk(prefix, above.length);
        const uint32_t block = m_nodes.Shrink(
            above.firstChild, PopCount(above.children), Below(above.children, chunk));
        Node& shrunk = m_nodes[parent]; // Shrink may have moved the nodes' storage
        shrunk.firstChild = block;
        shrunk.children &= ~(uint64_t(1) << chunk);
        if (depth >= 3 && shrunk.prefixes == 0 && PopCount(shrunk.children) == 1)
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
        for (uint64_t matched = node->prefixes & PATH_MASK[chunk]; matched != 0;
             matched &= matched - 1)
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
            if (Rule* rule =
                    m_sets[node.firstSet + Below(node.prefixes, position)].Lookup(fields, nullptr))
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
    for (const AlignedSet& set : m_sets.Items())
    {
        bytes += set.MemoryBytes() + sizeof(AlignedSet) - sizeof(CandidateSet);
    }
    return bytes;
}

} // namespace vfp
