/*
 * The four classifier kinds, one typed suite: every kind must return exactly what a
 * linear scan over the rules it holds returns, with the same ranking and tie-break.
 */
#include "engine/classifier/hash-classifier.h"
#include "engine/classifier/interval-tree.h"
#include "engine/classifier/prefix-trie.h"
#include "random-rules.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace test;

/// How each kind is made and which key values it takes.
template <typename T>
struct KindTraits;

template <>
struct KindTraits<ListClassifier>
{
    static constexpr ValueKinds VALUES = ValueKinds::Ranges;
    static std::unique_ptr<Classifier> Make(ConditionType, HeaderSelector)
    {
        return std::make_unique<ListClassifier>();
    }
    static constexpr bool KEYED = false;
};

template <>
struct KindTraits<HashClassifier>
{
    static constexpr ValueKinds VALUES = ValueKinds::Singles;
    static std::unique_ptr<Classifier> Make(ConditionType type, HeaderSelector header)
    {
        return std::make_unique<HashClassifier>(type, header);
    }
    static constexpr bool KEYED = true;
};

template <>
struct KindTraits<PrefixTrie>
{
    static constexpr ValueKinds VALUES = ValueKinds::Prefixes;
    static std::unique_ptr<Classifier> Make(ConditionType type, HeaderSelector header)
    {
        return std::make_unique<PrefixTrie>(type, header);
    }
    static constexpr bool KEYED = true;
};

template <>
struct KindTraits<IntervalTree>
{
    static constexpr ValueKinds VALUES = ValueKinds::Ranges;
    static std::unique_ptr<Classifier> Make(ConditionType type, HeaderSelector header)
    {
        return std::make_unique<IntervalTree>(type, header);
    }
    static constexpr bool KEYED = true;
};

template <typename T>
class ClassifierKindTest : public ::testing::Test
{
  protected:
    using Traits = KindTraits<T>;

    /// Rules whose key condition (type @p keyType, first in the list) suits the kind.
    void Fill(RandomRules& random, size_t count, ConditionType keyType)
    {
        m_classifier = Traits::Make(keyType, HeaderSelector::Outer);
        for (size_t i = 0; i < count; ++i)
        {
            RuleSpec spec = random.Spec(i, ValueKinds::Ranges);
            if (Traits::KEYED)
            {
                Condition key;
                key.type = keyType;
                for (size_t v = 0, n = 1 + random.Below(2); v < n; ++v)
                {
                    key.values.push_back(random.Value(keyType, Traits::VALUES));
                }
                spec.conditions.insert(spec.conditions.begin(), key);
            }
            Add(MakeRuleObject(spec, m_sequence++));
        }
    }
    void Add(std::unique_ptr<Rule> rule)
    {
        m_classifier->Insert(rule.get(), Key(*rule));
        m_rules.push_back(std::move(rule));
    }
    void RemoveAt(size_t index)
    {
        m_classifier->Remove(m_rules[index].get(), Key(*m_rules[index]));
        m_rules.erase(m_rules.begin() + static_cast<long>(index));
    }
    const Condition* Key(const Rule& rule) const
    {
        return Traits::KEYED ? &rule.spec.conditions.front() : nullptr;
    }
    void ExpectSameAsLinear(RandomRules& random, size_t packets)
    {
        for (size_t i = 0; i < packets; ++i)
        {
            const HeaderStack packet = random.Packet();
            const Rule* expected = LinearBest(m_rules, packet);
            const Rule* found = m_classifier->Find(packet, nullptr);
            ASSERT_EQ(found, expected) << "packet " << i << ": found " << (found ? found->spec.id : "none")
                                       << ", linear " << (expected ? expected->spec.id : "none");
        }
    }

    std::unique_ptr<Classifier> m_classifier;
    std::vector<std::unique_ptr<Rule>> m_rules;
    uint64_t m_sequence = 0;
};

using Kinds = ::testing::Types<ListClassifier, HashClassifier, PrefixTrie, IntervalTree>;
TYPED_TEST_SUITE(ClassifierKindTest, Kinds);

TYPED_TEST(ClassifierKindTest, EmptyFindsNothingAndKeepsTheBound)
{
    this->m_classifier = TestFixture::Traits::Make(ConditionType::DstIp, HeaderSelector::Outer);
    EXPECT_EQ(this->m_classifier->Find(VmTcp("10.0.0.2"), nullptr), nullptr);
    auto bound = MakeRuleObject(MakeRule("bound", 0, {}, Allow()), 0);
    EXPECT_EQ(this->m_classifier->Find(VmTcp("10.0.0.2"), bound.get()), bound.get());
    EXPECT_EQ(this->m_classifier->Size(), 0u);
}

TYPED_TEST(ClassifierKindTest, PriorityThenInsertionOrderDecide)
{
    this->m_classifier = TestFixture::Traits::Make(ConditionType::DstPort, HeaderSelector::Outer);
    // Inserted out of rank order on purpose.
    this->Add(MakeRuleObject(MakeRule("late-strong", 1, {Cond("dst_port", {"80"})}, Allow()), 5));
    this->Add(MakeRuleObject(MakeRule("weak", 9, {Cond("dst_port", {"80"})}, Allow()), 1));
    this->Add(MakeRuleObject(MakeRule("early-strong", 1, {Cond("dst_port", {"80"})}, Allow()), 2));
    this->Add(MakeRuleObject(MakeRule("other-port", 0, {Cond("dst_port", {"81"})}, Allow()), 0));
    EXPECT_EQ(this->m_classifier->Find(VmTcp("10.0.0.2", 1, 80), nullptr)->spec.id, "early-strong");
    EXPECT_EQ(this->m_classifier->Find(VmTcp("10.0.0.2", 1, 81), nullptr)->spec.id, "other-port");
    EXPECT_EQ(this->m_classifier->Find(VmTcp("10.0.0.2", 1, 82), nullptr), nullptr);
    EXPECT_EQ(this->m_classifier->Size(), 4u);
}

TYPED_TEST(ClassifierKindTest, EveryConditionMustMatchNotOnlyTheKey)
{
    this->m_classifier = TestFixture::Traits::Make(ConditionType::DstPort, HeaderSelector::Outer);
    this->Add(MakeRuleObject(MakeRule("udp-only", 0, {Cond("dst_port", {"80"}), Cond("protocol", {"17"})}, Allow()), 0));
    this->Add(MakeRuleObject(MakeRule("any", 5, {Cond("dst_port", {"80"})}, Allow()), 1));
    EXPECT_EQ(this->m_classifier->Find(VmTcp("10.0.0.2", 1, 80), nullptr)->spec.id, "any");
}

TYPED_TEST(ClassifierKindTest, ABetterBoundWins)
{
    this->m_classifier = TestFixture::Traits::Make(ConditionType::DstPort, HeaderSelector::Outer);
    this->Add(MakeRuleObject(MakeRule("r", 5, {Cond("dst_port", {"80"})}, Allow()), 3));
    auto better = MakeRuleObject(MakeRule("better", 5, {}, Allow()), 1);
    auto worse = MakeRuleObject(MakeRule("worse", 6, {}, Allow()), 0);
    EXPECT_EQ(this->m_classifier->Find(VmTcp("10.0.0.2", 1, 80), better.get()), better.get());
    EXPECT_EQ(this->m_classifier->Find(VmTcp("10.0.0.2", 1, 80), worse.get())->spec.id, "r");
}

TYPED_TEST(ClassifierKindTest, APacketWithoutTheFieldMatchesNoKeyedRule)
{
    this->m_classifier = TestFixture::Traits::Make(ConditionType::DstPort, HeaderSelector::Outer);
    this->Add(MakeRuleObject(MakeRule("r", 0, {Cond("dst_port", {"0"})}, Allow()), 0));
    HeaderStack icmp = Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "10.0.0.2", 1);
    EXPECT_EQ(this->m_classifier->Find(icmp, nullptr), nullptr);
}

TYPED_TEST(ClassifierKindTest, RandomRuleSetsAgreeWithLinearSearch)
{
    for (ConditionType keyType : {ConditionType::DstIp, ConditionType::SrcPort, ConditionType::Protocol})
    {
        RandomRules random(static_cast<uint32_t>(keyType) * 7919 + 1);
        this->m_rules.clear();
        this->Fill(random, 1500, keyType);
        this->ExpectSameAsLinear(random, 3000);
        // Remove a third of the rules, add some back, and compare again.
        for (size_t i = 0; i < 500; ++i)
        {
            this->RemoveAt(random.Below(this->m_rules.size()));
        }
        EXPECT_EQ(this->m_classifier->Size(), this->m_rules.size());
        for (size_t i = 0; i < 200; ++i)
        {
            RuleSpec spec = random.Spec(10000 + i, ValueKinds::Ranges);
            if (TestFixture::Traits::KEYED)
            {
                Condition key;
                key.type = keyType;
                key.values.push_back(random.Value(keyType, TestFixture::Traits::VALUES));
                spec.conditions.insert(spec.conditions.begin(), key);
            }
            this->Add(MakeRuleObject(spec, this->m_sequence++));
        }
        this->ExpectSameAsLinear(random, 3000);
    }
}

TYPED_TEST(ClassifierKindTest, RemovingEverythingEmptiesTheStructure)
{
    RandomRules random(42);
    this->Fill(random, 300, ConditionType::DstIp);
    const size_t emptyMemory = TestFixture::Traits::Make(ConditionType::DstIp, HeaderSelector::Outer)->MemoryBytes();
    EXPECT_GT(this->m_classifier->MemoryBytes(), emptyMemory);
    while (!this->m_rules.empty())
    {
        this->RemoveAt(random.Below(this->m_rules.size()));
    }
    EXPECT_EQ(this->m_classifier->Size(), 0u);
    EXPECT_EQ(this->m_classifier->Find(random.Packet(), nullptr), nullptr);
}

TEST(PrefixTrie, CompressesPathsAndMergesOnRemoval)
{
    PrefixTrie trie(ConditionType::DstIp, HeaderSelector::Outer);
    auto a = MakeRuleObject(MakeRule("a", 0, {Cond("dst_ip", {"10.1.2.0/24"})}, Allow()), 0);
    auto b = MakeRuleObject(MakeRule("b", 0, {Cond("dst_ip", {"10.1.3.0/24"})}, Allow()), 1);
    trie.Insert(a.get(), &a->spec.conditions[0]);
    EXPECT_EQ(trie.NodeCount(), 2u) << "root and one compressed leaf, not 24 levels";
    trie.Insert(b.get(), &b->spec.conditions[0]);
    EXPECT_EQ(trie.NodeCount(), 4u) << "a branch node for 10.1.2.0/23 and two leaves";
    trie.Remove(a.get(), &a->spec.conditions[0]);
    EXPECT_EQ(trie.NodeCount(), 2u) << "the branch node merged away";
    EXPECT_EQ(trie.Find(VmTcp("10.1.3.7"), nullptr), b.get());
    EXPECT_EQ(trie.Find(VmTcp("10.1.2.7"), nullptr), nullptr);
}

TEST(PrefixTrie, LongestPrefixModeWithDefaultRoute)
{
    PrefixTrie trie(ConditionType::DstIp, HeaderSelector::Outer);
    std::vector<std::unique_ptr<Rule>> rules;
    rules.push_back(MakeRuleObject(MakeRule("default", 0, {}, Allow()), 0));
    rules.push_back(MakeRuleObject(MakeRule("eight", 9, {Cond("dst_ip", {"10.0.0.0/8"})}, Allow()), 1));
    rules.push_back(MakeRuleObject(MakeRule("host", 5, {Cond("dst_ip", {"10.1.1.1"}), Cond("protocol", {"17"})}, Allow()), 2));
    for (const auto& rule : rules)
    {
        trie.Insert(rule.get(), rule->spec.conditions.empty() ? nullptr : &rule->spec.conditions[0]);
    }
    EXPECT_EQ(trie.FindLongest(VmTcp("10.1.1.1"))->spec.id, "eight") << "host needs UDP";
    HeaderStack udp = Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "10.1.1.1").Udp(1, 2);
    EXPECT_EQ(trie.FindLongest(udp)->spec.id, "host");
    EXPECT_EQ(trie.FindLongest(VmTcp("8.8.8.8"))->spec.id, "default");
    HeaderStack arp = Packet().Eth(VM_MAC, GW_MAC);
    arp[0].eth.etherType = 0x0806;
    EXPECT_EQ(trie.FindLongest(arp)->spec.id, "default");
}

TEST(IntervalTree, DepthIsBoundedByTheFieldWidthWhateverTheOrder)
{
    IntervalTree tree(ConditionType::DstPort, HeaderSelector::Outer);
    std::vector<std::unique_ptr<Rule>> rules;
    for (uint16_t port = 0; port < 2000; ++port) // sorted inserts would skew a naive BST
    {
        rules.push_back(MakeRuleObject(MakeRule("p" + std::to_string(port), 0,
                                                {Cond("dst_port", {std::to_string(port)})}, Allow()),
                                       port));
        tree.Insert(rules.back().get(), &rules.back()->spec.conditions[0]);
    }
    EXPECT_LE(tree.Depth(), 17u);
    EXPECT_EQ(tree.Find(VmTcp("10.0.0.2", 1, 1234), nullptr)->spec.id, "p1234");
}

} // namespace
} // namespace vfp
