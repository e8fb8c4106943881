/*
 * Interval tree classifier: rules whose key condition lists ranges (any value kind but
 * masks), on any condition type.
 *
 * Basic design: a centred interval tree over the field's whole universe [0, 2^width).
 * A node covers a segment [low, high] and its centre is the midpoint; an interval is
 * stored at the first node, from the root, whose centre it contains; intervals wholly
 * below the centre go left (segment [low, centre-1]), wholly above go right. Because the
 * segments are fixed halvings of the universe, the tree needs no rebalancing and its
 * depth is at most width + 1, whatever the insertion order: incremental inserts and
 * removes never rebuild it.
 *
 * A node keeps its distinct intervals (each with the rank-ordered rules that have it) in
 * two orders: by low end ascending and by high end descending. Every interval at a node
 * contains the centre, so for a field below the centre the intervals containing it are
 * exactly a prefix of the low-end order, and above the centre a prefix of the high-end
 * order: a stabbing query reads only intervals that contain the field.
 *
 * Invariants: every stored interval contains its node's centre and lies in its segment;
 * no interval's candidate set is empty; a node without intervals has children (empty leaves are
 * pruned).
 *
 * Cost: lookup O(depth + intervals containing the field + candidates scanned); insert and
 * remove O(depth + intervals at the node).
 */
#ifndef VFP_ENGINE_INTERVAL_TREE_H
#define VFP_ENGINE_INTERVAL_TREE_H

#include "classifier.h"

#include <array>
#include <map>
#include <memory>

namespace vfp
{

class IntervalTree : public Classifier
{
public:
    IntervalTree(ConditionType type, HeaderSelector header, const NestingContext& parent = {});
    ~IntervalTree() override;

    ClassifierKind GetKind() const override { return ClassifierKind::IntervalTree; }
    /// @p key must hold single, range or prefix values (not masks).
    void Insert(Rule* rule, const Condition* key) override;
    void Remove(Rule* rule, const Condition* key) override;
    Rule* Lookup(const PacketFields& fields, Rule* best) const override;
    size_t Size() const override { return m_rules; }
    size_t MemoryBytes() const override;
    /// The deepest node, the root at depth 1 (for tests and statistics).
    size_t Depth() const;

private:
    struct Interval
    {
        uint64_t lo = 0;    //!< low end, inclusive
        uint64_t hi = 0;    //!< high end, inclusive
        CandidateSet rules; //!< rules with this interval among their key values

        Interval(uint64_t low, uint64_t high, const NestingContext* context)
            : lo(low)
            , hi(high)
            , rules(context)
        {
        }
    };
    struct Node
    {
        uint64_t low = 0;    //!< the segment's low end
        uint64_t high = 0;   //!< the segment's high end
        uint64_t centre = 0; //!< low + (high - low) / 2
        std::map<std::pair<uint64_t, uint64_t>, std::unique_ptr<Interval>>
            intervals;                                 //!< by (lo, hi)
        std::vector<Interval*> byLow;                  //!< low end ascending
        std::vector<Interval*> byHigh;                 //!< high end descending
        std::array<std::unique_ptr<Node>, 2> children; //!< below and above the centre
    };

    static std::unique_ptr<Node> MakeNode(uint64_t low, uint64_t high);
    void InsertInterval(uint64_t lo, uint64_t hi, Rule* rule);
    bool RemoveInterval(std::unique_ptr<Node>& slot, uint64_t lo, uint64_t hi, Rule* rule);

    ConditionType m_type;         //!< the field indexed
    HeaderSelector m_header;      //!< the group it is read from
    NestingContext m_context;     //!< for the candidate sets
    size_t m_rules = 0;           //!< rules held
    std::unique_ptr<Node> m_root; //!< covers the whole universe; always present
};

} // namespace vfp

#endif
