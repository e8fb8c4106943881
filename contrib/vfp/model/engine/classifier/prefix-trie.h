/*
 * Prefix trie classifier: rules whose key condition lists prefixes (or single values,
 * which are full-length prefixes), on any condition type; also the whole of an LPM group.
 *
 * Basic design: a path-compressed multibit trie over the field's width (32 bits for IPv4,
 * 48 for MACs, 16 for ports ...), read STRIDE bits at a time, in the manner of Eatherton,
 * Varghese and Dittia's tree bitmap. A node stands for a prefix whose length (its base)
 * is a multiple of STRIDE, and covers the next STRIDE bits, the node's *chunk*:
 *
 *   - prefixes whose length lies in [base, base + STRIDE) are the node's own. The 2^STRIDE
 *     - 1 possible ones (one of length base, two one bit longer, ... 2^(STRIDE-1) of length
 *     base + STRIDE - 1) have fixed positions, 2^l - 1 + (top l bits of the chunk) for
 *     length base + l, and a bitmap says which of them hold rules; each such prefix keeps
 *     its rank-ordered rules in one candidate set. A prefix is stored once, at its own
 *     length, never expanded over the chunk values it covers: a lookup finds all of a
 *     node's prefixes that contain the field by ANDing the bitmap with a per-chunk mask of
 *     the positions on the chunk's path (PATH_MASK), at most STRIDE of them.
 *   - children hang by chunk value (a second bitmap, one bit per value). Paths are
 *     compressed: a child's base may be any multiple of STRIDE past the parent's chunk,
 *     and its full prefix is checked on arrival, as in PATRICIA; a node exists only if it
 *     holds prefixes or branches (two children), so the depth is bounded by the number of
 *     distinct base lengths on a path (at most width / STRIDE + 1), not by the width.
 *
 * Memory: nodes live in one vector and refer to each other by 32-bit index. A node's
 * children are consecutive in that vector, in chunk order, and so are its candidate sets
 * (in a second vector), in position order; the i-th child or set is found by counting the
 * bitmap's bits below its own (a popcount), so a node is the fixed-size record below, one
 * cache line, whatever its fan-out. Adding or removing a child or a set moves the node's
 * block to a block one larger or smaller; freed blocks are kept per size for reuse.
 *
 * Lookup: walk from the root along the packet's field through the nodes whose prefix
 * contains it, one cache line per node (the next node is prefetched while this one's
 * candidate sets are searched). Priority mode (Lookup) searches each node's matching sets
 * against the best answer so far (shortest prefix first; the order does not change the
 * answer, which is the best rule of all matching sets) and stops descending as soon as no
 * rule below the current node can rank before it: every node keeps the best rank of its
 * subtree. LPM mode (LookupLongest) collects the path, searches the deepest node first and
 * its sets longest first, and returns the first full match: the longest matching prefix,
 * ties by rank. Rules without the LPM condition live at the root (length 0, a default
 * route).
 *
 * Invariants: keys are left-aligned in 64 bits (the field's top bit is bit 63), so all
 * widths walk alike; a node's prefix has no bits set past its base, which is a multiple of
 * STRIDE; a child extends its parent's prefix past the parent's chunk, and its chunk value
 * there is its slot; a node's subtree rank is the best rank among its sets and its
 * children's subtree ranks; every non-root node holds a set or has two children; the sets
 * of a node are exactly its bitmap's positions and none is empty; sets are in rank order.
 *
 * Cost: lookup O(width / STRIDE) node visits plus the candidates scanned; insert the same
 * walk plus at most one node split and one block move; remove the walk, a subtree-rank
 * update of the path (O(2^STRIDE) per node), and at most two nodes merged away.
 */
#ifndef VFP_ENGINE_PREFIX_TRIE_H
#define VFP_ENGINE_PREFIX_TRIE_H

#include "classifier.h"

#include <array>
#include <vector>

namespace vfp
{

class PrefixTrie : public Classifier
{
  public:
    /// Field bits a node branches on (at most 6: a node's bitmaps are 64 bits).
    static constexpr uint8_t STRIDE = 6;

    PrefixTrie(ConditionType type, HeaderSelector header, const NestingContext& parent = {});
    ~PrefixTrie() override;
    PrefixTrie(const PrefixTrie&) = delete;
    PrefixTrie& operator=(const PrefixTrie&) = delete;

    ClassifierKind GetKind() const override
    {
        return ClassifierKind::PrefixTrie;
    }
    /// @p key must hold single or prefix values; null puts the rule at the root.
    void Insert(Rule* rule, const Condition* key) override;
    void Remove(Rule* rule, const Condition* key) override;
    Rule* Lookup(const PacketFields& fields, Rule* best) const override;
    /// LPM mode: the matching rule with the longest key prefix containing the field, ties
    /// by rank; rules at the root when the packet lacks the field.
    Rule* LookupLongest(const PacketFields& fields) const;
    Rule* FindLongest(const HeaderStack& meta) const
    {
        return LookupLongest(PacketFields(meta));
    }
    size_t Size() const override
    {
        return m_rules;
    }
    size_t MemoryBytes() const override;
    /// Nodes in the trie, the root included (for tests and statistics).
    size_t NodeCount() const;

  private:
    /// Children (chunk values) of a node.
    static constexpr uint32_t FANOUT = uint32_t(1) << STRIDE;
    /// Nodes on a path, at most: one per multiple of STRIDE up to 64.
    static constexpr size_t MAX_DEPTH = 64 / STRIDE + 1;

    /// Everything a visit reads, in one cache line.
    struct alignas(64) Node
    {
        uint64_t prefix = 0;     //!< left-aligned; bits past length are zero
        uint64_t prefixes = 0;   //!< bit per position holding a candidate set
        uint64_t children = 0;   //!< bit per chunk value holding a child
        RuleRank subtreeBest;    //!< best rank here or below
        uint32_t firstChild = 0; //!< the children's block in m_nodes, in chunk order
        uint32_t firstSet = 0;   //!< the sets' block in m_sets, in position order
        uint8_t length = 0;      //!< the base: prefix length, a multiple of STRIDE
    };

    /**
     * Blocks of consecutive elements in one vector, addressed by index; a freed block is
     * reset to blank elements and kept for the next request of its size. Indices stay
     * valid across allocations, references into the vector do not.
     */
    template <typename T>
    class BlockPool
    {
      public:
        /// A block of @p size blank elements, each T(args...); returns its first index.
        template <typename... Args>
        uint32_t Allocate(uint32_t size, const Args&... args)
        {
            std::vector<uint32_t>& free = m_free[size];
            if (!free.empty())
            {
                const uint32_t first = free.back();
                free.pop_back();
                return first;
            }
            const auto first = static_cast<uint32_t>(m_items.size());
            for (uint32_t i = 0; i < size; ++i)
            {
                m_items.emplace_back(args...);
            }
            return first;
        }
        /// Returns the block to the pool, blanking its elements with T(args...).
        template <typename... Args>
        void Release(uint32_t first, uint32_t size, const Args&... args)
        {
            if (size == 0)
            {
                return;
            }
            for (uint32_t i = first; i < first + size; ++i)
            {
                m_items[i] = T(args...);
            }
            m_free[size].push_back(first);
        }
        T& operator[](uint32_t index)
        {
            return m_items[index];
        }
        const T& operator[](uint32_t index) const
        {
            return m_items[index];
        }
        /// Bytes beyond the elements' own: spare capacity and free lists.
        size_t OverheadBytes() const;
        const std::vector<T>& Items() const
        {
            return m_items;
        }

      private:
        std::vector<T> m_items;                                //!< every block, live or free
        std::array<std::vector<uint32_t>, FANOUT + 1> m_free; //!< free blocks' first index, by size
    };

    /// The key bits [length, length + STRIDE) of a left-aligned @p key.
    static uint32_t Chunk(uint64_t key, uint8_t length)
    {
        return length < 64 ? static_cast<uint32_t>((key << length) >> (64 - STRIDE)) : 0;
    }
    /// Bits set in @p bitmap. Written out rather than __builtin_popcountll, which is a
    /// library call on targets without a population-count instruction (baseline x86-64).
    static uint32_t PopCount(uint64_t bitmap)
    {
        bitmap -= (bitmap >> 1) & 0x5555555555555555;
        bitmap = (bitmap & 0x3333333333333333) + ((bitmap >> 2) & 0x3333333333333333);
        bitmap = (bitmap + (bitmap >> 4)) & 0x0f0f0f0f0f0f0f0f;
        return static_cast<uint32_t>((bitmap * 0x0101010101010101) >> 56);
    }
    /// How many of @p bitmap's bits lie below bit @p bit: the index in the node's block.
    static uint32_t Below(uint64_t bitmap, uint32_t bit)
    {
        return PopCount(bitmap & ((uint64_t(1) << bit) - 1));
    }
    /// The left-aligned key of a field value (bits past the width dropped).
    uint64_t Align(uint64_t value) const
    {
        return value << (64 - m_width);
    }

    void InsertPrefix(uint64_t prefix, uint8_t length, Rule* rule);
    void RemovePrefix(uint64_t prefix, uint8_t length, Rule* rule);
    /// Inserts @p child under the node at @p parent, at chunk value @p chunk; returns its index.
    uint32_t AddChild(uint32_t parent, uint32_t chunk, const Node& child);
    /// Removes the child at @p chunk from the node at @p parent.
    void RemoveChild(uint32_t parent, uint32_t chunk);
    /// Replaces the node at @p index, holding no set, by its only child.
    void PullUpChild(uint32_t index);
    /// The candidate set at @p position of the node at @p index, made if missing.
    CandidateSet& SetAt(uint32_t index, uint32_t position);
    /// Drops the (empty) candidate set at @p position of the node at @p index.
    void RemoveSet(uint32_t index, uint32_t position);
    void UpdateSubtreeBest(uint32_t index);
    /// The nodes whose prefix contains @p key, root first; returns how many.
    size_t Path(uint64_t key, std::array<const Node*, MAX_DEPTH>& path) const;

    ConditionType m_type;             //!< the field indexed
    HeaderSelector m_header;          //!< the group it is read from
    uint8_t m_width;                  //!< the field's width in bits
    NestingContext m_context;         //!< for the candidate sets
    size_t m_rules = 0;               //!< rules held
    BlockPool<Node> m_nodes;          //!< every node; the root (the empty prefix) is node 0
    BlockPool<CandidateSet> m_sets;   //!< every node's candidate sets
};

} // namespace vfp

#endif
