/*
 * The property behind the unified flow table: for random policies and random packet
 * sequences, with policy changes and time passing between packets, the verdicts, drop
 * reasons and output headers with the UFT on equal those with it off, packet for packet,
 * and so do the meters.
 */
#include "../test-support.h"

#include <gtest/gtest.h>
#include <optional>
#include <random>

namespace vfp
{
namespace
{

using namespace test;

class Scenario
{
public:
    explicit Scenario(uint32_t seed)
        : m_random(seed)
    {
    }

    size_t Below(size_t bound)
    {
        return std::uniform_int_distribution<size_t>(0, bound - 1)(m_random);
    }
    bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(m_random) < p; }

    Condition RandomCondition()
    {
        switch (Below(6))
        {
            case 0:
                return Cond(
                    "dst_ip",
                    {Chance(0.5) ? "10.0.0.0/30" : "10.0.0." + std::to_string(2 + Below(4))});
            case 1:
                return Cond(
                    "src_ip",
                    {Chance(0.5) ? "10.0.0.0/29" : "10.0.0." + std::to_string(1 + Below(5))});
            case 2:
                return Cond("dst_port", {Chance(0.5) ? "80" : "1-1000"});
            case 3:
                return Cond("protocol", {Chance(0.7) ? "6" : "17"});
            case 4:
                return Cond("tcp_flags", {Chance(0.5) ? "S/SA" : "A/A"});
            default:
                return Cond("tunnel_key", {"7"});
        }
    }

    ActionSpec RandomAction(Direction direction)
    {
        switch (Below(direction == Direction::Outbound ? 7 : 6))
        {
            case 0:
            case 1:
                return Allow();
            case 2:
                return Block();
            case 3:
                return Meter(Chance(0.5) ? "a" : "b");
            case 4:
                return NatDst("10.0.0." + std::to_string(2 + Below(4)),
                              static_cast<uint16_t>(Chance(0.5) ? 80 : 8080));
            case 5:
                return Decap();
            default:
            {
                const bool mapped = Chance(0.5);
                return EncapVxlan(7, "192.168.0.1", mapped ? "map" : "192.168.0.2", mapped);
            }
        }
    }

    RuleSpec RandomRule(Direction direction)
    {
        RuleSpec rule = MakeRule("r" + std::to_string(m_nextRule++),
                                 static_cast<int32_t>(Below(4)),
                                 {},
                                 RandomAction(direction));
        for (size_t i = 0, n = Below(3); i < n; ++i)
        {
            rule.conditions.push_back(RandomCondition());
        }
        rule.terminating = Chance(0.2);
        rule.stateful = Chance(0.5) && rule.action.type != ActionType::Decap;
        rule.ttl = 1 + static_cast<double>(Below(6));
        return rule;
    }

    PortSpec RandomPort()
    {
        std::vector<LayerSpec> layers;
        for (size_t l = 0, n = 1 + Below(4); l < n; ++l)
        {
            std::vector<GroupSpec> groups;
            for (size_t g = 0, m = 1 + Below(3); g < m; ++g)
            {
                const Direction direction = Chance(0.5) ? Direction::Outbound : Direction::Inbound;
                std::vector<RuleSpec> rules;
                for (size_t r = 0, k = 1 + Below(4); r < k; ++r)
                {
                    rules.push_back(RandomRule(direction));
                }
                groups.push_back(MakeGroup(
                    "g" + std::to_string(g), direction, static_cast<int32_t>(Below(3)), rules));
            }
            layers.push_back(MakeLayer("l" + std::to_string(l),
                                       static_cast<int32_t>(l),
                                       Chance(0.8) ? DefaultAction::Allow : DefaultAction::Block,
                                       Chance(0.8) ? DefaultAction::Allow : DefaultAction::Block,
                                       groups));
        }
        return MakePort(
            layers,
            {MakeMapping("map", {{"10.0.0.2", "192.168.0.2"}, {"10.0.0.3", "192.168.0.3"}})});
    }

    /// A packet of one of a few flows, either direction, plain or VXLAN, with random flags.
    std::pair<Direction, HeaderStack> RandomPacket()
    {
        static const char* FLAGS[] = {"S", "SA", "A", "PA", "FA", "R"};
        const std::string peer = "10.0.0." + std::to_string(2 + Below(3));
        const uint16_t vmPort = static_cast<uint16_t>(40000 + Below(2));
        const uint16_t peerPort = Chance(0.7) ? 80 : 53;
        const bool udp = peerPort == 53;
        const std::string flags = Chance(0.75) ? "A" : FLAGS[Below(std::size(FLAGS))];
        const uint32_t seq = static_cast<uint32_t>(Below(3));
        Packet packet;
        if (Chance(0.5))
        {
            packet.Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", peer);
            udp ? packet.Udp(vmPort, peerPort) : packet.Tcp(vmPort, peerPort, flags, seq, seq);
            return {Direction::Outbound, packet.Payload(static_cast<uint32_t>(Below(100)))};
        }
        if (Chance(0.3))
        {
            packet.Eth("00:00:00:ff:00:01", VM_MAC)
                .Ipv4("192.168.0.2", "192.168.0.1")
                .Udp(50000, VXLAN_UDP_PORT)
                .Vxlan(7);
        }
        packet.Eth(GW_MAC, VM_MAC).Ipv4(peer, "10.0.0.1");
        udp ? packet.Udp(peerPort, vmPort) : packet.Tcp(peerPort, vmPort, flags, seq, seq);
        return {Direction::Inbound, packet.Payload(static_cast<uint32_t>(Below(100)))};
    }

    /// A random policy change, the same on both ports.
    void RandomChange(Port& on, Port& off)
    {
        const PortSpec spec = on.ToSpec();
        const LayerSpec& layer = spec.layers[Below(spec.layers.size())];
        const GroupSpec& group = layer.groups[Below(layer.groups.size())];
        switch (Below(4))
        {
            case 0:
            {
                const RuleSpec rule = RandomRule(group.direction);
                on.AddRule(layer.name, group.name, rule);
                off.AddRule(layer.name, group.name, rule);
                break;
            }
            case 1:
                if (!group.rules.empty())
                {
                    const std::string id = group.rules[Below(group.rules.size())].id;
                    const bool flush = Chance(0.5);
                    on.RemoveRule(layer.name, group.name, id, flush);
                    off.RemoveRule(layer.name, group.name, id, flush);
                }
                break;
            case 2:
            {
                const uint32_t pa = Ip("192.168.0." + std::to_string(10 + Below(5)));
                on.SetMapping("map", Ip("10.0.0.2"), pa);
                off.SetMapping("map", Ip("10.0.0.2"), pa);
                break;
            }
            default:
                on.ExpireFlows(m_now);
                off.ExpireFlows(m_now);
                break;
        }
    }

    /// @p uftLimit: the UFT side's PortConfig::maxUnifiedFlows, or the default.
    void Run(size_t packets, std::optional<size_t> uftLimit = std::nullopt)
    {
        const PortSpec spec = RandomPort();
        PortConfig onConfig;
        PortConfig offConfig;
        onConfig.maxUnifiedFlows = uftLimit.value_or(onConfig.maxUnifiedFlows);
        offConfig.uftEnabled = false;
        onConfig.tracker.halfOpenTimeout = offConfig.tracker.halfOpenTimeout = 3;
        onConfig.tracker.timeWait = offConfig.tracker.timeWait = 4;
        onConfig.tracker.establishedTimeout = offConfig.tracker.establishedTimeout = 6;
        Port on(spec, onConfig);
        Port off(spec, offConfig);
        for (size_t i = 0; i < packets; ++i)
        {
            m_now += static_cast<double>(Below(1000)) / 1000.0;
            if (Chance(0.02))
            {
                RandomChange(on, off);
            }
            auto [direction, packet] = RandomPacket();
            ProcessResult a = on.Process(direction, packet, m_now);
            ProcessResult b = off.Process(direction, packet, m_now);
            ASSERT_EQ(a.verdict, b.verdict) << "packet " << i;
            if (a.verdict != Verdict::Allow)
            {
                ASSERT_EQ(a.reason, b.reason) << "packet " << i;
                continue;
            }
            ASSERT_EQ(a.packet, b.packet) << "packet " << i;
            ASSERT_EQ(a.tcpState, b.tcpState) << "packet " << i;
            m_hits += a.path == PathTaken::Fast;
        }
        m_capacityEvicted += on.GetUftCounters().capacityEvicted;
        for (const auto& [name, meter] : off.GetMeters())
        {
            EXPECT_EQ(on.GetMeters().at(name).packets, meter.packets) << name;
            EXPECT_EQ(on.GetMeters().at(name).bytes, meter.bytes) << name;
        }
    }

    size_t m_hits = 0;
    size_t m_capacityEvicted = 0;

private:
    std::mt19937 m_random;
    size_t m_nextRule = 0;
    double m_now = 0;
};

TEST(UftEquivalence, OnAndOffAgreePacketForPacket)
{
    size_t hits = 0;
    for (uint32_t seed = 1; seed <= 400; ++seed)
    {
        Scenario scenario(seed);
        scenario.Run(400);
        if (HasFatalFailure())
        {
            FAIL() << "seed " << seed;
        }
        hits += scenario.m_hits;
    }
    EXPECT_GT(hits, 8000u) << "the fast path must actually be exercised";
}

TEST(UftEquivalence, AFullTableEvictsWithoutChangingAnyResult)
{
    // Four unified flows at most: eviction runs all the time, and an evicted flow's next
    // packet must still be treated exactly as without the cache.
    size_t hits = 0;
    size_t evicted = 0;
    for (uint32_t seed = 1; seed <= 200; ++seed)
    {
        Scenario scenario(seed);
        scenario.Run(400, 4);
        if (HasFatalFailure())
        {
            FAIL() << "seed " << seed;
        }
        hits += scenario.m_hits;
        evicted += scenario.m_capacityEvicted;
    }
    EXPECT_GT(evicted, 1000u) << "the limit must actually evict";
    EXPECT_GT(hits, 1000u) << "the fast path must still be exercised";
}

} // namespace
} // namespace vfp
