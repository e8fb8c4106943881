/*
 * Prefix trie classifier: rules whose key condition lists prefixes (or single values,
 * which are full-length prefixes), on any condition type; also the whole of an LPM group.
 *
 * Basic design: a path-compressed binary trie (PATRICIA) over the field's width (32 bits
 * for IPv4, 48 for MACs, 16 for ports ...). Every node stands for one prefix and holds
 * the rank-ordered rules that have exactly that prefix among their key values; a node
 * exists only if it holds rules or branches (two children), so the depth is bounded by
 * the number of distinct prefix lengths on a path, not by the width.
 *
 * Lookup: walk from the root along the packet's field through the nodes whose prefix
 * contains it (at most width + 1). Priority mode (Lookup) searches each node's rules
 * against the best answer so far, and stops descending as soon as no rule below the
 * current node can rank before it: every node keeps the best rank of its subtree. LPM
 * mode (LookupLongest) collects the path, searches the deepest node first and returns
 * the first full match: the longest matching prefix, ties by rank.
 * Rules without the LPM condition live at the root (length 0, a default route).
 *
 * Invariants: a node's prefix has no bits set past its length; its subtree rank is the
 * best rank among its rules and its children's subtree ranks; a child extends its parent's
 * prefix by at least one bit, the first of which is the child's slot (0 or 1); every
 * non-root node holds rules or has two children; lists are in rank order.
 *
 * Cost: lookup O(path) node visits plus the candidates scanned; insert O(path) plus one
 * node split; remove O(path) plus merging the emptied node into its child.
 */
#ifndef VFP_ENGINE_PREFIX_TRIE_H
#define VFP_ENGINE_PREFIX_TRIE_H

#include "classifier.h"

#include <array>
#include <memory>

namespace vfp
{

class PrefixTrie : public Classifier
{
  public:
    PrefixTrie(ConditionType type, HeaderSelector header, const NestingContext& parent = {});
    ~PrefixTrie() override;

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
    struct Node
    {
        // Laid out so that a lookup's visit reads one cache line: these, and the
        // candidate set's inline best rank.
        uint64_t prefix = 0;                       //!< bits past length are zero
        uint8_t length = 0;                        //!< prefix length in bits
        RuleRank subtreeBest;                      //!< best rank here or below
        std::array<std::unique_ptr<Node>, 2> children; //!< by the bit after the prefix
        CandidateSet rules;                        //!< rules with exactly this prefix

        explicit Node(const NestingContext* context)
            : rules(context)
        {
        }
    };

    uint64_t Mask(uint8_t length) const;
    int Bit(uint64_t value, uint8_t position) const;
    void InsertPrefix(uint64_t prefix, uint8_t length, Rule* rule);
    bool RemovePrefix(std::unique_ptr<Node>& slot, uint64_t prefix, uint8_t length, Rule* rule);
    static void UpdateSubtreeBest(Node& node);
    /// The nodes whose prefix contains @p field, root first; returns how many.
    size_t Path(uint64_t field, std::array<const Node*, 65>& path) const;

    ConditionType m_type;         //!< the field indexed
    HeaderSelector m_header;      //!< the group it is read from
    uint8_t m_width;              //!< the field's width in bits
    NestingContext m_context;     //!< for the candidate sets
    size_t m_rules = 0;           //!< rules held
    std::unique_ptr<Node> m_root; //!< the empty prefix; always present
};

} // namespace vfp

#endif
