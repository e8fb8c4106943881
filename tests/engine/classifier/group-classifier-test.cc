/*
 * The group classifier (the heuristic combination of hash tables, tries, interval trees
 * and a list) against plain references, on random rule sets with overlapping prefixes,
 * nested ranges, equal priorities, wildcards, inner-header conditions and TCP flag
 * masks, with rules added and removed between lookups.
 */
#include "engine/pipeline/group.h"
#include "random-rules.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace test;

class GroupAgainstReference : public ::testing::TestWithParam<uint32_t>
{
protected:
    void Check(Group& group, RandomRules& random, size_t packets, ConditionType lpmOn)
    {
        for (size_t i = 0; i < packets; ++i)
        {
            const HeaderStack packet = random.Packet();
            const Rule* expected = group.GetType() == GroupType::Lpm
                                       ? LinearLongest(group.GetRules(), packet, lpmOn)
                                       : LinearBest(group.GetRules(), packet);
            const Rule* found = group.Select(packet);
            ASSERT_EQ(found, expected) << "seed " << GetParam() << " packet " << i << ": found "
                                       << (found ? found->spec.id : "none") << ", reference "
                                       << (expected ? expected->spec.id : "none");
        }
    }

    /// A random rule for the group; in LPM groups the LPM condition holds prefixes only.
    RuleSpec MakeSpec(RandomRules& random, size_t index, GroupType type)
    {
        RuleSpec spec = random.Spec(index, ValueKinds::Ranges);
        if (random.Chance(0.1))
        {
            spec.conditions.push_back(Cond("tcp_flags", {random.Chance(0.5) ? "S/SA" : "A/A"}));
        }
        if (type == GroupType::Lpm)
        {
            std::vector<Condition> kept;
            for (Condition& condition : spec.conditions)
            {
                if (condition.type != ConditionType::DstIp)
                {
                    kept.push_back(condition);
                }
            }
            if (random.Chance(0.85))
            {
                Condition lpm;
                lpm.type = ConditionType::DstIp;
                lpm.values.push_back(random.Value(ConditionType::DstIp, ValueKinds::Prefixes));
                kept.push_back(lpm);
            }
            spec.conditions = kept;
        }
        return spec;
    }

    uint64_t m_sequence = 0;
};

TEST_P(GroupAgainstReference, PriorityGroup)
{
    RandomRules random(GetParam());
    GroupSpec spec = MakeGroup("g", Direction::Outbound, 0, {});
    Group group(spec, 0);
    std::vector<std::unique_ptr<Rule>> rules;
    for (size_t i = 0; i < 3000; ++i)
    {
        rules.push_back(MakeRuleObject(MakeSpec(random, i, GroupType::Priority), m_sequence++));
    }
    group.InsertAll(std::move(rules));
    Check(group, random, 4000, ConditionType::DstIp);

    for (int round = 0; round < 5; ++round)
    {
        for (int i = 0; i < 200; ++i)
        {
            const auto& held = group.GetRules();
            group.Remove(held[random.Below(held.size())]->spec.id);
        }
        for (int i = 0; i < 150; ++i)
        {
            const uint64_t sequence = m_sequence++;
            group.Insert(
                MakeRuleObject(MakeSpec(random, 100000 + sequence, GroupType::Priority), sequence));
        }
        Check(group, random, 1000, ConditionType::DstIp);
    }

    // The heuristic used more than the list: most rules are in indexed structures.
    size_t listed = 0;
    size_t total = 0;
    for (const auto& part : group.GetClassifier().Describe())
    {
        total += part.rules;
        listed += part.kind == ClassifierKind::List ? part.rules : 0;
    }
    EXPECT_EQ(total, group.GetRules().size());
    EXPECT_LT(listed * 2, total);
}

TEST_P(GroupAgainstReference, LpmGroup)
{
    RandomRules random(GetParam() + 1000);
    GroupSpec spec = MakeGroup("routes", Direction::Outbound, 0, {});
    spec.type = GroupType::Lpm;
    Group group(spec, 0);
    std::vector<std::unique_ptr<Rule>> rules;
    for (size_t i = 0; i < 2000; ++i)
    {
        rules.push_back(MakeRuleObject(MakeSpec(random, i, GroupType::Lpm), m_sequence++));
    }
    group.InsertAll(std::move(rules));
    Check(group, random, 4000, ConditionType::DstIp);
    for (int i = 0; i < 500; ++i)
    {
        const auto& held = group.GetRules();
        group.Remove(held[random.Below(held.size())]->spec.id);
        const uint64_t sequence = m_sequence++;
        group.Insert(MakeRuleObject(MakeSpec(random, 100000 + sequence, GroupType::Lpm), sequence));
    }
    Check(group, random, 4000, ConditionType::DstIp);
}

INSTANTIATE_TEST_SUITE_P(Seeds, GroupAgainstReference, ::testing::Values(1u, 2u, 3u, 4u));

TEST(GroupClassifierHeuristic, KeysRulesWhereTheRuleSetSplitsBest)
{
    // Every rule has a distinct /32 destination and one of two protocols: the trie on
    // dst_ip (many distinct values) must be chosen over the hash on protocol (two).
    Group group(MakeGroup("g", Direction::Outbound, 0, {}), 0);
    std::vector<std::unique_ptr<Rule>> rules;
    for (int i = 0; i < 100; ++i)
    {
        RuleSpec spec = MakeRule("r" + std::to_string(i),
                                 i,
                                 {Cond("protocol", {i % 2 ? "6" : "17"}),
                                  Cond("dst_ip", {"10.0." + std::to_string(i) + ".0/24"})},
                                 Allow());
        rules.push_back(MakeRuleObject(spec, static_cast<uint64_t>(i)));
    }
    group.InsertAll(std::move(rules));
    auto parts = group.GetClassifier().Describe();
    ASSERT_EQ(parts.size(), 2u); // the trie and the (empty) list
    EXPECT_EQ(parts[0].kind, ClassifierKind::PrefixTrie);
    EXPECT_EQ(parts[0].type, ConditionType::DstIp);
    EXPECT_EQ(parts[0].rules, 100u);
    EXPECT_EQ(parts[1].rules, 0u);
}

TEST(GroupClassifierHeuristic, WildcardsAndWideConditionsGoToTheList)
{
    Group group(MakeGroup("g", Direction::Outbound, 0, {}), 0);
    group.Insert(MakeRuleObject(MakeRule("any", 0, {}, Allow()), 0));
    group.Insert(
        MakeRuleObject(MakeRule("high-ports", 0, {Cond("src_port", {"1024-65535"})}, Allow()), 1));
    group.Insert(MakeRuleObject(MakeRule("syn", 0, {Cond("tcp_flags", {"S/SA"})}, Allow()), 2));
    group.Insert(MakeRuleObject(MakeRule("web", 0, {Cond("dst_port", {"80", "443"})}, Allow()), 3));
    group.Insert(
        MakeRuleObject(MakeRule("range", 0, {Cond("dst_port", {"8000-8080"})}, Allow()), 4));
    std::map<ClassifierKind, size_t> byKind;
    for (const auto& part : group.GetClassifier().Describe())
    {
        byKind[part.kind] += part.rules;
    }
    EXPECT_EQ(byKind[ClassifierKind::List], 3u);
    EXPECT_EQ(byKind[ClassifierKind::Hash], 1u);
    EXPECT_EQ(byKind[ClassifierKind::IntervalTree], 1u);
}

} // namespace
} // namespace vfp
