/*
 * Prefix trie classifier: rules whose key condition lists prefixes (or single values,
 * which are full-length prefixes), on any condition type; also the whole of an LPM group.
 *
 * Basic design: a path-compressed multibit trie over the field's width (32 bits for IPv4,
 * 48 for MACs, 16 for ports ...), read STRIDE bits at a time, in the manner of Eatherton,
 * Varghese and Dittia's tree bitmap. A node stands for a prefix whose length, the node's
 * *base*, is a multiple of STRIDE, and covers the STRIDE bits after it, its *chunk*:
 *
 *   - The node's own prefixes are those of a length in [base, base + STRIDE) that extend
 *     its prefix. There are 2^STRIDE - 1 possible ones (one of length base, two one bit
 *     longer, ..., 2^(STRIDE-1) of length base + STRIDE - 1), at fixed positions:
 *     2^l - 1 + (the top l bits of the chunk) for length base + l. A bitmap says which
 *     positions hold rules; each keeps that prefix's rank-ordered rules in one candidate
 *     set. The prefixes of a node that contain a field are found with one AND, of the
 *     bitmap and the mask of the positions on the field's chunk's path (PATH_MASK): at
 *     most STRIDE of them.
 *   - Children hang by chunk value, a second bitmap saying which. Paths are compressed:
 *     a child's base may be any multiple of STRIDE past its parent's chunk, and the child's
 *     whole prefix is checked on arrival, as in PATRICIA. A node exists only where it
 *     holds a prefix or branches (two children), so a path has at most width / STRIDE + 1
 *     nodes, and fewer where the prefixes are sparse.
 *
 * A prefix is stored once, at its own length. The classic alternative, controlled prefix
 * expansion (Srinivasan and Varghese), would give each chunk value a list of references
 * to the sets of all the node's prefixes covering it, so a lookup reads one list instead
 * of ANDing two words; but a short prefix would be referenced from up to 2^(STRIDE-1)
 * lists, each insert and remove would rewrite them all, and the lists would cost memory
 * that the bitmap does not.
 *
 * Memory: nodes live in one vector and refer to each other by 32-bit index. A node's
 * children are consecutive there, in chunk order, and its candidate sets consecutive in a
 * second vector, in position order; the i-th child or set is found by counting the
 * bitmap's bits below its own (a popcount). A node is then a fixed record of one cache
 * line, whatever its fan-out, and a set another. Blocks have room for a power of two of
 * elements, so adding or removing a child or a set shifts the block in place, or moves it
 * when it crosses a power of two; freed blocks are reused (BlockPool).
 *
 * Lookup: walk from the root along the packet's field through the nodes whose prefix
 * contains it, one cache line per node (the next node is prefetched while this one's
 * candidate sets are searched). Priority mode (Lookup) searches each node's matching sets
 * against the best answer so far, and stops descending as soon as no rule below the
 * current node can rank before it: every node keeps the best rank of its subtree. LPM
 * mode (LookupLongest) collects the path, searches the deepest node first and its sets
 * longest first, and returns the first full match. Rules without the LPM condition live at
 * the root (length 0, a default route).
 *
 * Tie-breaks: priority mode returns the best-ranked rule (lower priority number, then the
 * earlier added) among all rules of all matching sets that match the packet, exactly what
 * a linear scan in rank order returns; the order in which sets are searched (shorter
 * prefixes first) changes only how much is pruned. A rule with several key values sits in
 * several sets and is found through any of them. LPM mode: the longest matching prefix,
 * then rank.
 *
 * Updates: insert walks down, lowering the subtree ranks on its way; where the new prefix
 * parts from a compressed child within the child's skipped bits, a node at the multiple
 * of STRIDE at or below the parting bit takes the child's place (a split). Remove walks
 * down, takes the rule out of its set (and the set out of the node, once empty), updates
 * the subtree ranks back up the path, then merges: a non-root node left without sets
 * goes if it has no child, or gives way to its only child; its parent, having lost a
 * child, may in turn give way to its other one. The shape therefore depends only on the
 * prefixes held, not on the order of updates.
 *
 * Invariants: keys are left-aligned in 64 bits (the field's top bit is bit 63), so all
 * widths walk alike; a node's prefix has no bits set past its base, a multiple of STRIDE;
 * a child extends its parent's prefix past the parent's chunk, and its chunk value there
 * is its bit in the parent's children bitmap; a node's subtree rank is the best rank among
 * its sets and its children's subtree ranks; every non-root node holds a set or has two
 * children; a node's sets are exactly its bitmap's positions and none is empty; sets are
 * in rank order.
 *
 * Choice of stride: 6 is the largest whose bitmaps fit 64-bit words (63 positions, 64
 * children). It measured fastest of 4, 5 and 6 on the ClassBench sets of
 * docs/classification.md, whose IPv4 paths it cuts to at most 6 nodes (bases 0, 6, ...,
 * 30) from up to 33 in the binary PATRICIA trie it replaced.
 *
 * Cost: lookup at most width / STRIDE + 1 node visits (6 for IPv4, 9 for MACs, 3 for
 * ports), each one cache line and a few bit operations, plus the candidates scanned;
 * insert the walk, at most one split, and one block move of at most 2^STRIDE nodes or
 * sets; remove the walk, an O(2^STRIDE) subtree-rank update per node on the path, and at
 * most two merges.
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

    ClassifierKind GetKind() const override { return ClassifierKind::PrefixTrie; }
    /// @p key must hold single or prefix values; null puts the rule at the root.
    void Insert(Rule* rule, const Condition* key) override;
    void Remove(Rule* rule, const Condition* key) override;
    Rule* Lookup(const PacketFields& fields, Rule* best) const override;
    /// LPM mode: the matching rule with the longest key prefix containing the field, ties
    /// by rank; rules at the root when the packet lacks the field.
    Rule* LookupLongest(const PacketFields& fields) const;
    Rule* FindLongest(const HeaderStack& meta) const { return LookupLongest(PacketFields(meta)); }
    size_t Size() const override { return m_rules; }
    size_t MemoryBytes() const override;
    /// Nodes in the trie, the root included (for tests and statistics).
    size_t NodeCount() const;

private:
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

    /// A candidate set on a cache line of its own: its best rank and its rule list, all a
    /// search reads of it, are then one load.
    struct alignas(64) AlignedSet : CandidateSet
    {
        using CandidateSet::CandidateSet;
    };

    /**
     * Blocks of consecutive elements in one vector, addressed by index. A block has room
     * for a power of two of elements, the least that holds its live ones, which come first;
     * the rest are blank (T(args...)). A block grows and shrinks in place within its room,
     * and moves to a block of the next size when it crosses a power of two, so a node that
     * gains 64 children one at a time moves 6 times, not 64. Freed blocks are kept by size
     * for the next block of that size, or split in halves for a smaller one. Indices stay
     * valid across allocations, references into the vector do not.
     */
    template<typename T>
    class BlockPool
    {
    public:
        /// A block with room for @p count elements, all blank; returns its first index.
        template<typename... Args>
        uint32_t Allocate(uint32_t count, const Args&... args);
        /// Makes room for one more element, blank, at @p at of the block at @p first that
        /// holds @p count; returns the block's first index, which changes if it moved.
        template<typename... Args>
        uint32_t Grow(uint32_t first, uint32_t count, uint32_t at, const Args&... args);
        /// Removes element @p at of the block at @p first that holds @p count; returns the
        /// block's first index, which changes if it moved (0 once empty).
        template<typename... Args>
        uint32_t Shrink(uint32_t first, uint32_t count, uint32_t at, const Args&... args);
        /// Frees the block at @p first that holds @p count elements, blanking them.
        template<typename... Args>
        void Release(uint32_t first, uint32_t count, const Args&... args);
        T& operator[](uint32_t index) { return m_items[index]; }
        const T& operator[](uint32_t index) const { return m_items[index]; }
        const std::vector<T>& Items() const { return m_items; }
        /// Bytes beyond the elements' own: spare capacity and free lists.
        size_t OverheadBytes() const;

    private:
        /// log2 of the room of a block holding @p count elements (at least one).
        static uint32_t SizeClass(uint32_t count)
        {
            return count <= 1 ? 0 : 64 - static_cast<uint32_t>(__builtin_clzll(count - 1));
        }

        std::vector<T> m_items; //!< every block, live or free
        std::array<std::vector<uint32_t>, STRIDE + 1>
            m_free; //!< free blocks' first index, by size class
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
    uint64_t Align(uint64_t value) const { return value << (64 - m_width); }

    void InsertPrefix(uint64_t prefix, uint8_t length, Rule* rule);
    void RemovePrefix(uint64_t prefix, uint8_t length, Rule* rule);
    /// Inserts @p child under the node at @p parent, at chunk value @p chunk; returns its index.
    uint32_t AddChild(uint32_t parent, uint32_t chunk, const Node& child);
    /// Replaces the node at @p index, holding no set, by its only child.
    void PullUpChild(uint32_t index);
    /// The candidate set at @p position of the node at @p index, made if missing.
    CandidateSet& SetAt(uint32_t index, uint32_t position);
    void UpdateSubtreeBest(uint32_t index);
    /// The nodes whose prefix contains @p key, root first; returns how many.
    size_t Path(uint64_t key, std::array<const Node*, MAX_DEPTH>& path) const;

    ConditionType m_type;         //!< the field indexed
    HeaderSelector m_header;      //!< the group it is read from
    uint8_t m_width;              //!< the field's width in bits
    NestingContext m_context;     //!< for the candidate sets
    size_t m_rules = 0;           //!< rules held
    BlockPool<Node> m_nodes;      //!< every node; the root (the empty prefix) is node 0
    BlockPool<AlignedSet> m_sets; //!< every node's candidate sets
};

} // namespace vfp

#endif
