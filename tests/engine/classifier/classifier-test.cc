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
template<typename T>
struct KindTraits;

template<>
struct KindTraits<ListClassifier>
{
    static constexpr ValueKinds VALUES = ValueKinds::Ranges;
    static std::unique_ptr<Classifier> Make(ConditionType, HeaderSelector)
    {
        return std::make_unique<ListClassifier>();
    }
    static constexpr bool KEYED = false;
};

template<>
struct KindTraits<HashClassifier>
{
    static constexpr ValueKinds VALUES = ValueKinds::Singles;
    static std::unique_ptr<Classifier> Make(ConditionType type, HeaderSelector header)
    {
        return std::make_unique<HashClassifier>(type, header);
    }
    static constexpr bool KEYED = true;
};

template<>
struct KindTraits<PrefixTrie>
{
    static constexpr ValueKinds VALUES = ValueKinds::Prefixes;
    static std::unique_ptr<Classifier> Make(ConditionType type, HeaderSelector header)
    {
        return std::make_unique<PrefixTrie>(type, header);
    }
    static constexpr bool KEYED = true;
};

template<>
struct KindTraits<IntervalTree>
{
    static constexpr ValueKinds VALUES = ValueKinds::Ranges;
    static std::unique_ptr<Classifier> Make(ConditionType type, HeaderSelector header)
    {
        return std::make_unique<IntervalTree>(type, header);
    }
    static constexpr bool KEYED = true;
};

template<typename T>
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
            ASSERT_EQ(found, expected)
                << "packet " << i << ": found " << (found ? found->spec.id : "none") << ", linear "
                << (expected ? expected->spec.id : "none");
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
    this->Add(MakeRuleObject(
        MakeRule("udp-only", 0, {Cond("dst_port", {"80"}), Cond("protocol", {"17"})}, Allow()), 0));
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
    for (ConditionType keyType :
         {ConditionType::DstIp, ConditionType::SrcPort, ConditionType::Protocol})
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
    const size_t emptyMemory =
        TestFixture::Traits::Make(ConditionType::DstIp, HeaderSelector::Outer)->MemoryBytes();
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
    EXPECT_EQ(trie.NodeCount(), 2u) << "root and one compressed leaf, not 24 / STRIDE levels";
    trie.Insert(b.get(), &b->spec.conditions[0]);
    EXPECT_EQ(trie.NodeCount(), 4u)
        << "two leaves and a branch node at the multiple of STRIDE below "
           "bit 23, where they part";
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
    rules.push_back(
        MakeRuleObject(MakeRule("eight", 9, {Cond("dst_ip", {"10.0.0.0/8"})}, Allow()), 1));
    rules.push_back(MakeRuleObject(
        MakeRule("host", 5, {Cond("dst_ip", {"10.1.1.1"}), Cond("protocol", {"17"})}, Allow()), 2));
    for (const auto& rule : rules)
    {
        trie.Insert(rule.get(),
                    rule->spec.conditions.empty() ? nullptr : &rule->spec.conditions[0]);
    }
    EXPECT_EQ(trie.FindLongest(VmTcp("10.1.1.1"))->spec.id, "eight") << "host needs UDP";
    HeaderStack udp = Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "10.1.1.1").Udp(1, 2);
    EXPECT_EQ(trie.FindLongest(udp)->spec.id, "host");
    EXPECT_EQ(trie.FindLongest(VmTcp("8.8.8.8"))->spec.id, "default");
    HeaderStack arp = Packet().Eth(VM_MAC, GW_MAC);
    arp[0].eth.etherType = 0x0806;
    EXPECT_EQ(trie.FindLongest(arp)->spec.id, "default");
}

TEST(PrefixTrie, PrefixesWithinOneStrideShareANode)
{
    // Every prefix whose length lies between one multiple of STRIDE and the next, under
    // the same prefix of that multiple, lies in one node whatever its other bits: a
    // lookup tests them all with one bitmap, and removing them all leaves just the root.
    constexpr uint8_t BASE = 2 * PrefixTrie::STRIDE;
    const uint32_t ones = Ip("10.255.255.255");
    const uint32_t zeros = ones & ~(~uint32_t(0) >> BASE); // parts from ones at bit BASE
    PrefixTrie trie(ConditionType::DstIp, HeaderSelector::Outer);
    std::vector<std::unique_ptr<Rule>> rules;
    for (uint8_t length = BASE; length < BASE + PrefixTrie::STRIDE; ++length)
    {
        for (uint32_t address : {ones, zeros})
        {
            const std::string prefix =
                FormatIpv4(address & ~(~uint32_t(0) >> length)) + "/" + std::to_string(length);
            rules.push_back(MakeRuleObject(MakeRule(prefix, 0, {Cond("dst_ip", {prefix})}, Allow()),
                                           rules.size()));
            trie.Insert(rules.back().get(), &rules.back()->spec.conditions[0]);
        }
    }
    EXPECT_EQ(trie.NodeCount(), 2u);
    EXPECT_EQ(trie.Find(VmTcp("10.255.1.1"), nullptr), rules[0].get())
        << "the shortest, inserted first";
    EXPECT_EQ(trie.FindLongest(VmTcp("10.255.255.1")), rules[2 * PrefixTrie::STRIDE - 2].get());
    for (const auto& rule : rules)
    {
        trie.Remove(rule.get(), &rule->spec.conditions[0]);
    }
    EXPECT_EQ(trie.NodeCount(), 1u);
    EXPECT_EQ(trie.Find(VmTcp("10.255.1.1"), nullptr), nullptr);
}

/// Tries on fields of every width, with prefixes of every length piled on a few
/// addresses (so that nodes hold many lengths at once and branch at every stride),
/// checked in both modes against the linear references while rules come and go.
class PrefixTrieOverlaps : public ::testing::TestWithParam<ConditionType>
{
protected:
    /// A packet whose @p value is the field under test; the rest fixed.
    static HeaderStack PacketWith(ConditionType type, uint64_t value)
    {
        Packet packet;
        packet.Eth(FormatMac(type == ConditionType::SrcMac ? value : 0x020000000001), GW_MAC)
            .Ipv4("10.0.0.1",
                  FormatIpv4(type == ConditionType::DstIp ? static_cast<uint32_t>(value)
                                                          : 0x0a000002),
                  type == ConditionType::Protocol ? static_cast<uint8_t>(value) : 0);
        if (type == ConditionType::DstPort)
        {
            packet.Udp(1, static_cast<uint16_t>(value));
        }
        if (type == ConditionType::TunnelKey)
        {
            packet.Udp(1, VXLAN_UDP_PORT).Vxlan(static_cast<uint32_t>(value));
        }
        return packet;
    }

    /// A value near one of the addresses: a few bits flipped, anywhere.
    uint64_t Near(RandomRules& random) const
    {
        uint64_t value = m_addresses[random.Below(m_addresses.size())];
        for (uint64_t flips = random.Below(3); flips > 0; --flips)
        {
            value ^= uint64_t(1) << random.Below(m_width);
        }
        return value;
    }

    /// A rule keyed by one or two prefixes of any length near the addresses; some rules
    /// also need a source address that some packets lack.
    std::unique_ptr<Rule> MakeRandomRule(RandomRules& random)
    {
        Condition key;
        key.type = GetParam();
        for (uint64_t values = 1 + random.Below(2); values > 0; --values)
        {
            ConditionValue value;
            const auto length = static_cast<uint8_t>(random.Below(m_width + 1));
            const uint64_t hostBits =
                length == m_width ? 0 : (((uint64_t(1) << m_width) - 1) >> length);
            value.lo = Near(random) & ~hostBits & ((uint64_t(1) << m_width) - 1);
            value.hi = value.lo | hostBits;
            value.kind = length == m_width && random.Chance(0.5) ? ConditionValue::Kind::Single
                                                                 : ConditionValue::Kind::Prefix;
            value.prefixLength = length;
            key.values.push_back(value);
        }
        std::vector<Condition> conditions{key};
        if (random.Chance(0.3))
        {
            conditions.push_back(Cond("src_ip", {random.Chance(0.5) ? "10.0.0.1" : "10.0.0.9"}));
        }
        const auto priority = static_cast<int32_t>(random.Below(4));
        const uint64_t sequence = m_sequence++;
        return MakeRuleObject(
            MakeRule("r" + std::to_string(sequence), priority, conditions, Allow()), sequence);
    }

    void ExpectSameAsLinear(const PrefixTrie& trie, RandomRules& random)
    {
        for (int i = 0; i < 1500; ++i)
        {
            const uint64_t field =
                random.Chance(0.9) ? Near(random) : random.Below(uint64_t(1) << m_width);
            const HeaderStack packet = PacketWith(GetParam(), field);
            const Rule* best = LinearBest(m_rules, packet);
            ASSERT_EQ(trie.Find(packet, nullptr), best) << "field " << field;
            const Rule* longest = LinearLongest(m_rules, packet, GetParam());
            ASSERT_EQ(trie.FindLongest(packet), longest) << "field " << field;
            if (!m_rules.empty())
            {
                Rule* bound = m_rules[random.Below(m_rules.size())].get();
                const Rule* expected = best && RanksBefore(*best, *bound) ? best : bound;
                ASSERT_EQ(trie.Find(packet, bound), expected) << "field " << field;
            }
        }
    }

    /// The shape does not depend on the history: the trie has as many nodes as one built
    /// afresh from the rules it holds.
    void ExpectCanonicalShape(const PrefixTrie& trie) const
    {
        PrefixTrie fresh(GetParam(), HeaderSelector::Outer);
        for (const auto& rule : m_rules)
        {
            fresh.Insert(rule.get(), &rule->spec.conditions[0]);
        }
        EXPECT_EQ(trie.NodeCount(), fresh.NodeCount());
        EXPECT_EQ(trie.Size(), m_rules.size());
    }

    uint8_t m_width = ConditionWidth(GetParam());
    std::vector<uint64_t> m_addresses;
    std::vector<std::unique_ptr<Rule>> m_rules;
    uint64_t m_sequence = 0;
};

TEST_P(PrefixTrieOverlaps, AgreesWithLinearSearchInBothModes)
{
    RandomRules random(static_cast<uint32_t>(GetParam()) + 77);
    for (int i = 0; i < 3; ++i)
    {
        m_addresses.push_back(random.Below(uint64_t(1) << m_width));
    }
    PrefixTrie trie(GetParam(), HeaderSelector::Outer);
    auto add = [&]
    {
        m_rules.push_back(MakeRandomRule(random));
        trie.Insert(m_rules.back().get(), &m_rules.back()->spec.conditions[0]);
    };
    auto removeOne = [&]
    {
        const size_t index = random.Below(m_rules.size());
        trie.Remove(m_rules[index].get(), &m_rules[index]->spec.conditions[0]);
        m_rules.erase(m_rules.begin() + static_cast<long>(index));
    };
    for (int i = 0; i < 400; ++i)
    {
        add();
    }
    ExpectSameAsLinear(trie, random);
    ExpectCanonicalShape(trie);
    for (int round = 0; round < 3; ++round)
    {
        for (int i = 0; i < 150; ++i)
        {
            removeOne();
        }
        for (int i = 0; i < 100; ++i)
        {
            add();
        }
        ExpectSameAsLinear(trie, random);
        ExpectCanonicalShape(trie);
    }
    while (!m_rules.empty())
    {
        removeOne();
    }
    EXPECT_EQ(trie.NodeCount(), 1u);
    EXPECT_EQ(trie.Size(), 0u);
    ExpectSameAsLinear(trie, random);
}

TEST_P(PrefixTrieOverlaps, FreedBlocksAreReusedUnderChurn)
{
    RandomRules random(static_cast<uint32_t>(GetParam()) + 99);
    for (int i = 0; i < 3; ++i)
    {
        m_addresses.push_back(random.Below(uint64_t(1) << m_width));
    }
    PrefixTrie trie(GetParam(), HeaderSelector::Outer);
    for (int i = 0; i < 300; ++i)
    {
        m_rules.push_back(MakeRandomRule(random));
        trie.Insert(m_rules.back().get(), &m_rules.back()->spec.conditions[0]);
    }
    // Adding and removing one rule over and over moves node and set blocks back and forth
    // between the same few blocks.
    auto extra = MakeRandomRule(random);
    trie.Insert(extra.get(), &extra->spec.conditions[0]);
    trie.Remove(extra.get(), &extra->spec.conditions[0]);
    const size_t settled = trie.MemoryBytes();
    for (int i = 0; i < 1000; ++i)
    {
        trie.Insert(extra.get(), &extra->spec.conditions[0]);
        trie.Remove(extra.get(), &extra->spec.conditions[0]);
    }
    EXPECT_EQ(trie.MemoryBytes(), settled);
    // Replacing rules at random keeps the memory within a small factor of a fresh build.
    for (int i = 0; i < 3000; ++i)
    {
        const size_t index = random.Below(m_rules.size());
        trie.Remove(m_rules[index].get(), &m_rules[index]->spec.conditions[0]);
        m_rules[index] = MakeRandomRule(random);
        trie.Insert(m_rules[index].get(), &m_rules[index]->spec.conditions[0]);
    }
    PrefixTrie fresh(GetParam(), HeaderSelector::Outer);
    for (const auto& rule : m_rules)
    {
        fresh.Insert(rule.get(), &rule->spec.conditions[0]);
    }
    EXPECT_LE(trie.MemoryBytes(), 2 * fresh.MemoryBytes());
}

INSTANTIATE_TEST_SUITE_P(Widths,
                         PrefixTrieOverlaps,
                         ::testing::Values(ConditionType::SrcMac,
                                           ConditionType::DstIp,
                                           ConditionType::TunnelKey,
                                           ConditionType::DstPort,
                                           ConditionType::Protocol),
                         [](const ::testing::TestParamInfo<ConditionType>& info)
                         { return std::string(ConditionTypeName(info.param)); });

TEST(IntervalTree, DepthIsBoundedByTheFieldWidthWhateverTheOrder)
{
    IntervalTree tree(ConditionType::DstPort, HeaderSelector::Outer);
    std::vector<std::unique_ptr<Rule>> rules;
    for (uint16_t port = 0; port < 2000; ++port) // sorted inserts would skew a naive BST
    {
        rules.push_back(MakeRuleObject(
            MakeRule(
                "p" + std::to_string(port), 0, {Cond("dst_port", {std::to_string(port)})}, Allow()),
            port));
        tree.Insert(rules.back().get(), &rules.back()->spec.conditions[0]);
    }
    EXPECT_LE(tree.Depth(), 17u);
    EXPECT_EQ(tree.Find(VmTcp("10.0.0.2", 1, 1234), nullptr)->spec.id, "p1234");
}

} // namespace
} // namespace vfp
