#include "interval-tree.h"

#include <algorithm>

namespace vfp
{

IntervalTree::IntervalTree(ConditionType type, HeaderSelector header, const NestingContext& parent)
    : m_type(type)
    , m_header(header)
    , m_context(ExtendContext(parent, type, header))
{
    const uint8_t width = ConditionWidth(type);
    m_root = MakeNode(0, width == 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1);
}

IntervalTree::~IntervalTree() = default;

std::unique_ptr<IntervalTree::Node>
IntervalTree::MakeNode(uint64_t low, uint64_t high)
{
    auto node = std::make_unique<Node>();
    node->low = low;
    node->high = high;
    node->centre = low + (high - low) / 2;
    return node;
}

void
IntervalTree::Insert(Rule* rule, const Condition* key)
{
    for (const ConditionValue& value : key->values)
    {
        InsertInterval(value.lo, value.hi, rule);
    }
    ++m_rules;
}

void
IntervalTree::InsertInterval(uint64_t lo, uint64_t hi, Rule* rule)
{
    Node* node = m_root.get();
    while (hi < node->centre || lo > node->centre)
    {
        const int side = hi < node->centre ? 0 : 1;
        std::unique_ptr<Node>& child = node->children[side];
        if (!child)
        {
            child = side == 0 ? MakeNode(node->low, node->centre - 1)
                              : MakeNode(node->centre + 1, node->high);
        }
        node = child.get();
    }
    auto [slot, created] = node->intervals.try_emplace({lo, hi});
    if (created)
    {
        slot->second = std::make_unique<Interval>(lo, hi, &m_context);
        Interval* interval = slot->second.get();
        node->byLow.insert(std::upper_bound(node->byLow.begin(),
                                            node->byLow.end(),
                                            lo,
                                            [](uint64_t value, const Interval* i)
                                            { return value < i->lo; }),
                           interval);
        node->byHigh.insert(std::upper_bound(node->byHigh.begin(),
                                             node->byHigh.end(),
                                             hi,
                                             [](uint64_t value, const Interval* i)
                                             { return value > i->hi; }),
                            interval);
    }
    slot->second->rules.Insert(rule);
}

void
IntervalTree::Remove(Rule* rule, const Condition* key)
{
    for (const ConditionValue& value : key->values)
    {
        RemoveInterval(m_root, value.lo, value.hi, rule);
    }
    --m_rules;
}

bool
IntervalTree::RemoveInterval(std::unique_ptr<Node>& slot, uint64_t lo, uint64_t hi, Rule* rule)
{
    Node& node = *slot;
    bool removed = false;
    if (hi < node.centre || lo > node.centre)
    {
        std::unique_ptr<Node>& child = node.children[hi < node.centre ? 0 : 1];
        removed = child && RemoveInterval(child, lo, hi, rule);
    }
    else
    {
        auto it = node.intervals.find({lo, hi});
        if (it != node.intervals.end() && it->second->rules.Remove(rule))
        {
            removed = true;
            if (it->second->rules.Empty())
            {
                Interval* gone = it->second.get();
                node.byLow.erase(std::find(node.byLow.begin(), node.byLow.end(), gone));
                node.byHigh.erase(std::find(node.byHigh.begin(), node.byHigh.end(), gone));
                node.intervals.erase(it);
            }
        }
    }
    if (removed && &slot != &m_root && node.intervals.empty() && !node.children[0] &&
        !node.children[1])
    {
        slot.reset();
    }
    return removed;
}

Rule*
IntervalTree::Lookup(const PacketFields& fields, Rule* best) const
{
    uint64_t value = 0;
    if (!fields.Get(m_type, m_header, value))
    {
        return best;
    }
    const Node* node = m_root.get();
    while (node)
    {
        if (value < node->centre)
        {
            for (const Interval* interval : node->byLow)
            {
                if (interval->lo > value)
                {
                    break;
                }
                best = interval->rules.Lookup(fields, best);
            }
            node = node->children[0].get();
        }
        else if (value > node->centre)
        {
            for (const Interval* interval : node->byHigh)
            {
                if (interval->hi < value)
                {
                    break;
                }
                best = interval->rules.Lookup(fields, best);
            }
            node = node->children[1].get();
        }
        else
        {
            for (const Interval* interval : node->byLow)
            {
                best = interval->rules.Lookup(fields, best);
            }
            break;
        }
    }
    return best;
}

size_t
IntervalTree::Depth() const
{
    std::vector<std::pair<const Node*, size_t>> stack{{m_root.get(), 1}};
    size_t deepest = 0;
    while (!stack.empty())
    {
        auto [node, depth] = stack.back();
        stack.pop_back();
        deepest = std::max(deepest, depth);
        for (const auto& child : node->children)
        {
            if (child)
            {
                stack.emplace_back(child.get(), depth + 1);
            }
        }
    }
    return deepest;
}

size_t
IntervalTree::MemoryBytes() const
{
    size_t bytes = sizeof(*this);
    std::vector<const Node*> stack{m_root.get()};
    while (!stack.empty())
    {
        const Node* node = stack.back();
        stack.pop_back();
        bytes +=
            sizeof(Node) + (node->byLow.capacity() + node->byHigh.capacity()) * sizeof(Interval*);
        for (const auto& [bounds, interval] : node->intervals)
        {
            // A map node: the key, the pointer, three links and a colour.
            bytes += sizeof(bounds) + sizeof(interval) + 4 * sizeof(void*) + sizeof(Interval) -
                     sizeof(CandidateSet) + interval->rules.MemoryBytes();
        }
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
