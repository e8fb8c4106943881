/*
 * Random rule sets and packets for classifier property tests: values are drawn from
 * small pools so that prefixes overlap and nest, ranges nest, priorities tie, and many
 * packets hit rules; a plain reference selects the way semantics.md says.
 */
#ifndef VFP_TEST_RANDOM_RULES_H
#define VFP_TEST_RANDOM_RULES_H

#include "../test-support.h"

#include <memory>
#include <random>

namespace vfp::test
{

/// Which value kinds a generated key condition may use.
enum class ValueKinds
{
    Singles,  //!< hash-able
    Prefixes, //!< trie-able: singles and prefixes
    Ranges,   //!< interval-able: singles, prefixes, ranges
};

class RandomRules
{
public:
    explicit RandomRules(uint32_t seed)
        : m_random(seed)
    {
    }

    uint64_t Below(uint64_t bound)
    {
        return std::uniform_int_distribution<uint64_t>(0, bound - 1)(m_random);
    }
    bool Chance(double probability)
    {
        return std::uniform_real_distribution<double>(0, 1)(m_random) < probability;
    }

    /// A value of a @p type condition of the given kinds, near the pools packets use.
    ConditionValue Value(ConditionType type, ValueKinds kinds)
    {
        const uint8_t width = ConditionWidth(type);
        const uint64_t base = PoolValue(type);
        ConditionValue value;
        const uint64_t pick =
            Below(kinds == ValueKinds::Singles ? 1 : (kinds == ValueKinds::Prefixes ? 2 : 3));
        if (pick == 0)
        {
            value.lo = value.hi = base;
            return value;
        }
        if (pick == 1)
        {
            const uint8_t length = static_cast<uint8_t>(Below(width + 1));
            const uint64_t hostBits =
                length == width ? 0 : (((uint64_t(1) << width) - 1) >> length);
            value.kind = ConditionValue::Kind::Prefix;
            value.prefixLength = length;
            value.lo = base & ~hostBits & ((uint64_t(1) << width) - 1);
            value.hi = value.lo | hostBits;
            return value;
        }
        const uint64_t span = uint64_t(1) << Below(width);
        value.kind = ConditionValue::Kind::Range;
        value.lo = base >= span ? base - Below(span) : 0;
        value.hi = std::min(base + Below(span), (uint64_t(1) << width) - 1);
        return value;
    }

    /// A field value from the pool (so that rules and packets meet often).
    uint64_t PoolValue(ConditionType type)
    {
        const uint8_t width = ConditionWidth(type);
        static const uint64_t POOL[] = {0x0a000001,
                                        0x0a000102,
                                        0x0a0001ff,
                                        0x0a010000,
                                        0xc0a80001,
                                        0xc0a80101,
                                        80,
                                        443,
                                        1024,
                                        6,
                                        17};
        uint64_t value = POOL[Below(std::size(POOL))];
        if (Chance(0.3))
        {
            value ^= Below(256);
        }
        return value & ((uint64_t(1) << width) - 1);
    }

    /// A rule with 0..3 conditions over a few types (some on the inner header), a
    /// priority from a small range (ties are common) and an allow action.
    RuleSpec Spec(size_t index, ValueKinds kinds)
    {
        static const ConditionType TYPES[] = {ConditionType::SrcIp,
                                              ConditionType::DstIp,
                                              ConditionType::SrcPort,
                                              ConditionType::DstPort,
                                              ConditionType::Protocol,
                                              ConditionType::TunnelKey};
        RuleSpec rule;
        rule.id = "r" + std::to_string(index);
        rule.priority = static_cast<int32_t>(Below(8));
        const size_t conditions = Below(4);
        for (size_t c = 0; c < conditions; ++c)
        {
            Condition condition;
            condition.type = TYPES[Below(std::size(TYPES))];
            condition.header = Chance(0.15) ? HeaderSelector::Inner : HeaderSelector::Outer;
            const size_t values = 1 + Below(Chance(0.8) ? 1 : 3);
            for (size_t v = 0; v < values; ++v)
            {
                condition.values.push_back(Value(condition.type, kinds));
            }
            rule.conditions.push_back(condition);
        }
        return rule;
    }

    /// A packet: TCP or UDP, sometimes VXLAN-encapsulated, fields from the pools.
    HeaderStack Packet()
    {
        auto ip = [this]
        { return FormatIpv4(static_cast<uint32_t>(PoolValue(ConditionType::SrcIp))); };
        auto port = [this] { return static_cast<uint16_t>(PoolValue(ConditionType::DstPort)); };
        test::Packet packet;
        if (Chance(0.25))
        {
            packet.Eth("00:00:00:ff:00:01", "00:00:00:aa:00:01")
                .Ipv4(ip(), ip())
                .Udp(port(), VXLAN_UDP_PORT)
                .Vxlan(static_cast<uint32_t>(PoolValue(ConditionType::TunnelKey)));
        }
        packet.Eth(GW_MAC, VM_MAC).Ipv4(ip(), ip(), 1); // ICMP unless a transport follows
        if (Chance(0.5))
        {
            packet.Tcp(port(), port());
        }
        else if (Chance(0.8))
        {
            packet.Udp(port(), port());
        }
        HeaderStack stack = packet.Build();
        return stack;
    }

    std::mt19937& Engine() { return m_random; }

private:
    std::mt19937 m_random;
};

/// A rule object as a group holds it (allow action, given sequence).
inline std::unique_ptr<Rule>
MakeRuleObject(const RuleSpec& spec, uint64_t sequence)
{
    static ResourceSet resources;
    static std::map<std::string, PacketByteCounter> meters;
    return std::make_unique<Rule>(
        spec, RuleAction(spec.action, false, resources, meters, spec.id), sequence);
}

/// The plain reference: the best-ranked rule whose conditions all match.
inline const Rule*
LinearBest(const std::vector<std::unique_ptr<Rule>>& rules, const HeaderStack& meta)
{
    const Rule* best = nullptr;
    for (const auto& rule : rules)
    {
        if (MatchesAll(rule->spec.conditions, meta) && (!best || RanksBefore(*rule, *best)))
        {
            best = rule.get();
        }
    }
    return best;
}

/// The plain LPM reference: longest prefix of the @p lpmOn condition containing the
/// field (a rule without it: 0), ties by rank.
inline const Rule*
LinearLongest(const std::vector<std::unique_ptr<Rule>>& rules,
              const HeaderStack& meta,
              ConditionType lpmOn)
{
    auto field = ReadField(meta, lpmOn, HeaderSelector::Outer);
    const Rule* best = nullptr;
    int bestLength = -1;
    for (const auto& rule : rules)
    {
        if (!MatchesAll(rule->spec.conditions, meta))
        {
            continue;
        }
        int length = 0;
        for (const Condition& condition : rule->spec.conditions)
        {
            for (const ConditionValue& value : condition.values)
            {
                if (condition.type == lpmOn && field && value.Contains(*field))
                {
                    length = std::max<int>(length,
                                           value.kind == ConditionValue::Kind::Prefix
                                               ? value.prefixLength
                                               : ConditionWidth(lpmOn));
                }
            }
        }
        if (length > bestLength || (length == bestLength && RanksBefore(*rule, *best)))
        {
            best = rule.get();
            bestLength = length;
        }
    }
    return best;
}

} // namespace vfp::test

#endif
