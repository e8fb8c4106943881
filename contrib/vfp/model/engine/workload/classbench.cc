#include "classbench.h"

#include "../packet/addresses.h"
#include "../packet/hash-mix.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <istream>
#include <random>
#include <tuple>
#include <unordered_set>

namespace vfp
{

namespace
{

/*
 * ---------------------------------------------------------------------------------------
 * Distribution tables, per profile. All weights are per mille.
 *
 * These are APPROXIMATIONS of what ClassBench's published seeds acl1, fw1 and ipc1
 * characterise (their shape as the seed files and the paper describe it), not the seeds
 * themselves. ClassBench keeps joint distributions (port-pair classes per protocol,
 * prefix-length pairs per port-pair class) and a skewed address trie; we keep marginals
 * per field, plus the share of rules that are /0 on both sides, plus one reuse and one
 * nesting probability per side. Tests check that generated sets follow these tables.
 * ---------------------------------------------------------------------------------------
 */

struct LengthWeight
{
    uint8_t length;    //!< prefix length
    uint32_t perMille; //!< share of rules with that length
};

/// How new prefixes relate to earlier ones (per mille): reuse an earlier prefix of the same
/// length, or nest inside an earlier, shorter one; otherwise the address is uniform.
struct AddressModel
{
    uint32_t srcReuse;
    uint32_t srcNest;
    uint32_t dstReuse;
    uint32_t dstNest;
};

// Order of the protocol tables:    { any, TCP, UDP, ICMP, other }
// Order of the port-class tables:  { WC,  HI,  LO,  EM,   AR }   (TCP and UDP rules only;
//                                   every other rule has wildcard ports, as in the seeds)

// ---- acl (after acl1) ----------------------------------------------------------------
// Access control lists protect specific servers: the destination is mostly a host (/32)
// or a small subnet (/24../31), the source is spread wide (a quarter /0, the rest from
// networks to hosts). Almost all rules are TCP, a few ICMP or protocol wildcards. The
// destination port is mostly an exact service port, with some arbitrary ranges; the
// source port is nearly always a wildcard. Destinations repeat a lot (many rules per
// protected server). Note: acl1 itself has even more /32 sources than this; "wide" here
// follows the acl family as a whole.
constexpr std::array<uint32_t, 5> ACL_PROTOCOLS = {80, 860, 25, 30, 5};
constexpr std::array<uint32_t, 5> ACL_SRC_PORTS = {940, 20, 10, 20, 10};
constexpr std::array<uint32_t, 5> ACL_DST_PORTS = {150, 20, 10, 650, 170};
constexpr LengthWeight ACL_SRC_LENGTHS[] = {
    {0, 250},
    {8, 40},
    {12, 30},
    {16, 80},
    {20, 50},
    {23, 30},
    {24, 120},
    {27, 30},
    {28, 50},
    {30, 30},
    {32, 290},
};
constexpr LengthWeight ACL_DST_LENGTHS[] = {
    {0, 30},
    {16, 20},
    {22, 20},
    {23, 30},
    {24, 150},
    {26, 30},
    {28, 50},
    {29, 30},
    {30, 60},
    {31, 30},
    {32, 550},
};
constexpr uint32_t ACL_BOTH_WILDCARD = 2;
constexpr AddressModel ACL_ADDRESSES = {200, 500, 350, 600};

// ---- fw (after fw1) ------------------------------------------------------------------
// Firewalls: many /0 wildcards on both sides (but rarely both at once), the rest mostly
// /24 networks and /32 hosts. A quarter of the rules match any protocol; more UDP, ICMP
// and other protocols than ACLs. Ports: more arbitrary ranges and HI (ephemeral) ranges
// on both sides, exact destination ports still the largest non-wildcard class.
constexpr std::array<uint32_t, 5> FW_PROTOCOLS = {250, 500, 150, 60, 40};
constexpr std::array<uint32_t, 5> FW_SRC_PORTS = {700, 120, 10, 80, 90};
constexpr std::array<uint32_t, 5> FW_DST_PORTS = {300, 120, 30, 350, 200};
constexpr LengthWeight FW_SRC_LENGTHS[] = {
    {0, 450},
    {8, 40},
    {16, 60},
    {21, 20},
    {24, 130},
    {28, 50},
    {29, 30},
    {30, 20},
    {32, 200},
};
constexpr LengthWeight FW_DST_LENGTHS[] = {
    {0, 350},
    {8, 30},
    {16, 50},
    {24, 170},
    {26, 30},
    {28, 50},
    {30, 20},
    {32, 300},
};
constexpr uint32_t FW_BOTH_WILDCARD = 10;
constexpr AddressModel FW_ADDRESSES = {300, 500, 300, 500};

// ---- ipc (after ipc1) ----------------------------------------------------------------
// IP chains: mid-length prefixes on both sides (/16 and /24 the commonest, a spread from
// /8 to /32, some /0). TCP and a sizeable share of UDP, some ICMP. Ports are mostly
// wildcards or exact matches (on both sides), with few ranges.
constexpr std::array<uint32_t, 5> IPC_PROTOCOLS = {100, 550, 250, 80, 20};
constexpr std::array<uint32_t, 5> IPC_SRC_PORTS = {800, 30, 20, 100, 50};
constexpr std::array<uint32_t, 5> IPC_DST_PORTS = {450, 40, 30, 420, 60};
constexpr LengthWeight IPC_SRC_LENGTHS[] = {
    {0, 120},
    {8, 60},
    {12, 40},
    {16, 160},
    {18, 40},
    {20, 80},
    {22, 60},
    {24, 200},
    {26, 40},
    {28, 50},
    {30, 30},
    {32, 120},
};
constexpr LengthWeight IPC_DST_LENGTHS[] = {
    {0, 100},
    {8, 50},
    {12, 30},
    {16, 150},
    {19, 40},
    {20, 70},
    {22, 60},
    {24, 220},
    {26, 40},
    {28, 60},
    {30, 40},
    {32, 140},
};
constexpr uint32_t IPC_BOTH_WILDCARD = 4;
constexpr AddressModel IPC_ADDRESSES = {250, 600, 250, 600};

// ---- values within a class, shared by the profiles -----------------------------------
// EM ports: 70% a common service port (weights below), 30% uniform over 0..65535 (the
// seeds list many application-specific ports too).
constexpr uint32_t EM_WELL_KNOWN_SHARE = 700;
constexpr std::array<std::pair<uint16_t, uint32_t>, 24> EM_PORTS = {{
    {80, 120},  {443, 100}, {53, 80},  {22, 60},  {25, 50},   {21, 40},   {23, 30},   {110, 30},
    {143, 20},  {135, 30},  {139, 30}, {445, 40}, {1433, 40}, {1521, 60}, {3306, 40}, {3389, 40},
    {8080, 40}, {161, 30},  {123, 30}, {389, 30}, {5060, 30}, {1723, 20}, {20, 20},   {69, 20},
}};
// AR ranges: half from typical service and ephemeral sub-ranges, half a random range whose
// width is one of AR_WIDTHS (never 0-1023, 1024-65535 or 0-65535, which are other classes).
constexpr uint32_t AR_TYPICAL_SHARE = 500;
constexpr std::array<std::pair<uint16_t, uint16_t>, 10> AR_RANGES = {{
    {20, 21},
    {137, 139},
    {1024, 4999},
    {5000, 5099},
    {6000, 6063},
    {8000, 8099},
    {16384, 32767},
    {33434, 33534},
    {49152, 65535},
    {60000, 60999},
}};
constexpr std::array<uint16_t, 8> AR_WIDTHS = {1, 9, 15, 49, 99, 255, 999, 4095};
// "Other" protocols, equally likely: IGMP, ESP, AH, OSPF, PIM. (GRE and IP-in-IP are
// left out: no single-group header stack carries them.)
constexpr std::array<uint8_t, 5> OTHER_PROTOCOLS = {2, 50, 51, 89, 103};

constexpr uint8_t IP_PROTOCOL_ICMP = 1;
constexpr uint32_t PER_MILLE = 1000;
/// Attempts to draw a rule that is neither an exact duplicate nor a rule matching every
/// packet; after that the last draw is kept (only tiny, degenerate rule spaces get there).
constexpr int MAX_DRAWS_PER_RULE = 100;

// ---------------------------------------------------------------------------------------

template<size_t N>
std::array<uint32_t, 33>
DenseLengths(const LengthWeight (&table)[N])
{
    std::array<uint32_t, 33> dense{};
    for (const LengthWeight& entry : table)
    {
        dense[entry.length] += entry.perMille;
    }
    return dense;
}

template<size_t NS, size_t ND>
ClassBenchDistribution
MakeDistribution(const std::array<uint32_t, 5>& protocols,
                 const std::array<uint32_t, 5>& srcPorts,
                 const std::array<uint32_t, 5>& dstPorts,
                 const LengthWeight (&srcLengths)[NS],
                 const LengthWeight (&dstLengths)[ND],
                 uint32_t bothWildcard,
                 const AddressModel& addresses)
{
    ClassBenchDistribution distribution;
    distribution.protocol = protocols;
    distribution.srcPort = srcPorts;
    distribution.dstPort = dstPorts;
    distribution.srcLength = DenseLengths(srcLengths);
    distribution.dstLength = DenseLengths(dstLengths);
    distribution.bothWildcard = bothWildcard;
    distribution.srcReuse = addresses.srcReuse;
    distribution.srcNest = addresses.srcNest;
    distribution.dstReuse = addresses.dstReuse;
    distribution.dstNest = addresses.dstNest;
    return distribution;
}

// ---- platform-independent random draws ------------------------------------------------

/// Uniform in [0, n), n > 0, by rejection (no modulo bias), from the raw 64-bit output.
uint64_t
UniformBelow(std::mt19937_64& rng, uint64_t n)
{
    const uint64_t threshold = (0 - n) % n; // 2^64 mod n: values below it are rejected
    for (;;)
    {
        const uint64_t x = rng();
        if (x >= threshold)
        {
            return x % n;
        }
    }
}

/// Uniform in [lo, hi].
uint32_t
UniformIn(std::mt19937_64& rng, uint32_t lo, uint32_t hi)
{
    return lo + static_cast<uint32_t>(UniformBelow(rng, uint64_t(hi) - lo + 1));
}

uint32_t
Random32(std::mt19937_64& rng)
{
    return static_cast<uint32_t>(rng() >> 32);
}

bool
Chance(std::mt19937_64& rng, uint32_t perMille)
{
    return UniformBelow(rng, PER_MILLE) < perMille;
}

/// An index drawn with probability weights[i] / sum(weights); the sum must be positive.
template<typename Weights>
size_t
PickWeighted(std::mt19937_64& rng, const Weights& weights)
{
    uint64_t total = 0;
    for (auto weight : weights)
    {
        total += weight;
    }
    uint64_t r = UniformBelow(rng, total);
    size_t index = 0;
    for (auto weight : weights)
    {
        if (r < weight)
        {
            return index;
        }
        r -= weight;
        ++index;
    }
    return index - 1; // not reached
}

// ---- rules ------------------------------------------------------------------------------

uint32_t
PrefixMask(uint8_t length)
{
    return length == 0 ? 0 : 0xffffffffu << (32 - length);
}

bool
PortsWildcard(const ClassBenchRule& rule)
{
    return rule.srcPortLo == 0 && rule.srcPortHi == 65535 && rule.dstPortLo == 0 &&
           rule.dstPortHi == 65535;
}

/// A rule every packet matches ("any to any"): re-drawn, since one would make every lookup a
/// hit and hide the structure of the rest of the set.
bool
IsMatchAll(const ClassBenchRule& rule)
{
    return rule.srcLength == 0 && rule.dstLength == 0 && rule.protocolMask == 0 &&
           PortsWildcard(rule);
}

struct RuleHash
{
    size_t operator()(const ClassBenchRule& rule) const
    {
        uint64_t hash = HashMix(0, (uint64_t(rule.srcIp) << 32) | rule.dstIp);
        hash = HashMix(hash, (uint64_t(rule.srcLength) << 8) | rule.dstLength);
        hash = HashMix(hash,
                       (uint64_t(rule.srcPortLo) << 48) | (uint64_t(rule.srcPortHi) << 32) |
                           (uint64_t(rule.dstPortLo) << 16) | rule.dstPortHi);
        hash = HashMix(hash, (uint64_t(rule.protocol) << 8) | rule.protocolMask);
        return static_cast<size_t>(hash);
    }
};

/// The prefixes generated so far on one side (source or destination), by length, in the
/// order they were first used (so draws from it are deterministic).
class PrefixPool
{
public:
    /// A prefix of @p length: with probability reuse an earlier one of the same length,
    /// else with probability nest a point inside an earlier prefix of length 1..length-1,
    /// else uniform. Falls through when the pool has no candidate.
    uint32_t Draw(std::mt19937_64& rng, uint8_t length, uint32_t reuse, uint32_t nest) const
    {
        if (length == 0)
        {
            return 0;
        }
        const uint32_t mask = PrefixMask(length);
        const uint64_t roll = UniformBelow(rng, PER_MILLE);
        const std::vector<uint32_t>& same = m_byLength[length];
        if (roll < reuse && !same.empty())
        {
            return same[UniformBelow(rng, same.size())];
        }
        if (roll < reuse + nest)
        {
            size_t shorter = 0;
            for (uint8_t l = 1; l < length; ++l)
            {
                shorter += m_byLength[l].size();
            }
            if (shorter > 0)
            {
                uint64_t index = UniformBelow(rng, shorter);
                uint8_t parentLength = 1;
                while (index >= m_byLength[parentLength].size())
                {
                    index -= m_byLength[parentLength].size();
                    ++parentLength;
                }
                const uint32_t parent = m_byLength[parentLength][index];
                return (parent | (Random32(rng) & ~PrefixMask(parentLength))) & mask;
            }
        }
        return Random32(rng) & mask;
    }

    void Add(uint32_t address, uint8_t length)
    {
        if (length > 0 && m_known.insert((uint64_t(length) << 32) | address).second)
        {
            m_byLength[length].push_back(address);
        }
    }

private:
    std::array<std::vector<uint32_t>, 33> m_byLength; //!< distinct prefixes per length
    std::unordered_set<uint64_t> m_known;             //!< (length << 32 | address) in the pool
};

/// A length drawn from @p lengths without its /0 entry.
uint8_t
DrawNonZeroLength(std::mt19937_64& rng, const std::array<uint32_t, 33>& lengths)
{
    std::array<uint32_t, 33> nonZero = lengths;
    nonZero[0] = 0;
    return static_cast<uint8_t>(PickWeighted(rng, nonZero));
}

/// Source and destination lengths with the marginals of the tables and the given share of
/// both-/0 rules: P(both) = q, P(src /0 only) = ps - q, P(dst /0 only) = pd - q.
std::pair<uint8_t, uint8_t>
DrawLengths(std::mt19937_64& rng, const ClassBenchDistribution& table)
{
    const uint64_t ps = table.srcLength[0];
    const uint64_t pd = table.dstLength[0];
    const uint64_t q = table.bothWildcard;
    const uint64_t roll = UniformBelow(rng, PER_MILLE);
    if (roll < q)
    {
        return {0, 0};
    }
    if (roll < ps)
    {
        return {0, DrawNonZeroLength(rng, table.dstLength)};
    }
    if (roll < ps + pd - q)
    {
        return {DrawNonZeroLength(rng, table.srcLength), 0};
    }
    const uint8_t src = DrawNonZeroLength(rng, table.srcLength);
    return {src, DrawNonZeroLength(rng, table.dstLength)};
}

std::pair<uint16_t, uint16_t>
DrawPortRange(std::mt19937_64& rng, ClassBenchPortClass portClass)
{
    switch (portClass)
    {
        case ClassBenchPortClass::Wc:
            return {0, 65535};
        case ClassBenchPortClass::Hi:
            return {1024, 65535};
        case ClassBenchPortClass::Lo:
            return {0, 1023};
        case ClassBenchPortClass::Em:
        {
            if (Chance(rng, EM_WELL_KNOWN_SHARE))
            {
                std::array<uint32_t, EM_PORTS.size()> weights{};
                for (size_t i = 0; i < EM_PORTS.size(); ++i)
                {
                    weights[i] = EM_PORTS[i].second;
                }
                const uint16_t port = EM_PORTS[PickWeighted(rng, weights)].first;
                return {port, port};
            }
            const auto port = static_cast<uint16_t>(UniformIn(rng, 0, 65535));
            return {port, port};
        }
        case ClassBenchPortClass::Ar:
        {
            if (Chance(rng, AR_TYPICAL_SHARE))
            {
                return AR_RANGES[UniformBelow(rng, AR_RANGES.size())];
            }
            const uint16_t width = AR_WIDTHS[UniformBelow(rng, AR_WIDTHS.size())];
            // lo >= 1 keeps the range from being LO or WC; no width reaches HI's 64511.
            const auto lo = static_cast<uint16_t>(UniformIn(rng, 1, 65535 - width));
            return {lo, static_cast<uint16_t>(lo + width)};
        }
    }
    return {0, 65535};
}

ClassBenchRule
DrawRule(std::mt19937_64& rng,
         const ClassBenchDistribution& table,
         const PrefixPool& sources,
         const PrefixPool& destinations)
{
    ClassBenchRule rule;
    const auto protocolClass =
        static_cast<ClassBenchProtocolClass>(PickWeighted(rng, table.protocol));
    switch (protocolClass)
    {
        case ClassBenchProtocolClass::Any:
            break;
        case ClassBenchProtocolClass::Tcp:
            rule.protocol = IP_PROTOCOL_TCP;
            break;
        case ClassBenchProtocolClass::Udp:
            rule.protocol = IP_PROTOCOL_UDP;
            break;
        case ClassBenchProtocolClass::Icmp:
            rule.protocol = IP_PROTOCOL_ICMP;
            break;
        case ClassBenchProtocolClass::Other:
            rule.protocol = OTHER_PROTOCOLS[UniformBelow(rng, OTHER_PROTOCOLS.size())];
            break;
    }
    rule.protocolMask = protocolClass == ClassBenchProtocolClass::Any ? 0 : 0xff;

    if (protocolClass == ClassBenchProtocolClass::Tcp ||
        protocolClass == ClassBenchProtocolClass::Udp)
    {
        const auto srcClass = static_cast<ClassBenchPortClass>(PickWeighted(rng, table.srcPort));
        const auto dstClass = static_cast<ClassBenchPortClass>(PickWeighted(rng, table.dstPort));
        std::tie(rule.srcPortLo, rule.srcPortHi) = DrawPortRange(rng, srcClass);
        std::tie(rule.dstPortLo, rule.dstPortHi) = DrawPortRange(rng, dstClass);
    }

    std::tie(rule.srcLength, rule.dstLength) = DrawLengths(rng, table);
    rule.srcIp = sources.Draw(rng, rule.srcLength, table.srcReuse, table.srcNest);
    rule.dstIp = destinations.Draw(rng, rule.dstLength, table.dstReuse, table.dstNest);
    return rule;
}

// ---- packets -----------------------------------------------------------------------------

constexpr uint64_t PACKET_SRC_MAC = 0x020000000001;
constexpr uint64_t PACKET_DST_MAC = 0x020000000002;

HeaderStack
MakePacket(uint32_t srcIp, uint32_t dstIp, uint8_t protocol, uint16_t srcPort, uint16_t dstPort)
{
    HeaderStack stack;
    stack.count = 1;
    HeaderGroup& group = stack[0];
    group.hasEthernet = true;
    group.eth.src = PACKET_SRC_MAC;
    group.eth.dst = PACKET_DST_MAC;
    group.eth.etherType = ETHER_TYPE_IPV4;
    group.hasIpv4 = true;
    group.ip.src = srcIp;
    group.ip.dst = dstIp;
    group.ip.protocol = protocol;
    if (protocol == IP_PROTOCOL_TCP || protocol == IP_PROTOCOL_UDP)
    {
        group.l4 = protocol == IP_PROTOCOL_TCP ? L4Type::Tcp : L4Type::Udp;
        group.transport.srcPort = srcPort;
        group.transport.dstPort = dstPort;
        group.transport.tcpFlags = protocol == IP_PROTOCOL_TCP ? TcpFlags::SYN : 0;
    }
    return stack;
}

bool
ProtocolAdmits(const ClassBenchRule& rule, uint8_t protocol)
{
    return (protocol & rule.protocolMask) == (rule.protocol & rule.protocolMask);
}

/// The protocols a single-group packet hitting @p rule may carry, preferring the common
/// ones: TCP, UDP (not when the rule's destination is exactly 4789) and, when the rule has
/// no port ranges, ICMP; failing those, any other protocol the mask admits except GRE and
/// IP-in-IP. Empty when no single-group packet can hit the rule.
std::vector<uint8_t>
HitProtocols(const ClassBenchRule& rule)
{
    const bool anyPorts = PortsWildcard(rule);
    const bool onlyVxlanPort = rule.dstPortLo == VXLAN_UDP_PORT && rule.dstPortHi == VXLAN_UDP_PORT;
    std::vector<uint8_t> common;
    if (ProtocolAdmits(rule, IP_PROTOCOL_TCP))
    {
        common.push_back(IP_PROTOCOL_TCP);
    }
    if (ProtocolAdmits(rule, IP_PROTOCOL_UDP) && !onlyVxlanPort)
    {
        common.push_back(IP_PROTOCOL_UDP);
    }
    if (anyPorts && ProtocolAdmits(rule, IP_PROTOCOL_ICMP))
    {
        common.push_back(IP_PROTOCOL_ICMP);
    }
    if (!common.empty() || !anyPorts)
    {
        return common;
    }
    std::vector<uint8_t> others;
    for (uint32_t protocol = 0; protocol < 256; ++protocol)
    {
        if (protocol != IP_PROTOCOL_IPIP && protocol != IP_PROTOCOL_GRE &&
            ProtocolAdmits(rule, static_cast<uint8_t>(protocol)))
        {
            others.push_back(static_cast<uint8_t>(protocol));
        }
    }
    return others;
}

/// A port in [lo, hi]; for UDP destinations, never 4789 (the range has another port).
uint16_t
DrawPortIn(std::mt19937_64& rng, uint16_t lo, uint16_t hi, bool avoidVxlan)
{
    if (!avoidVxlan || VXLAN_UDP_PORT < lo || VXLAN_UDP_PORT > hi)
    {
        return static_cast<uint16_t>(UniformIn(rng, lo, hi));
    }
    const auto port = static_cast<uint16_t>(UniformIn(rng, lo, hi - 1));
    return port >= VXLAN_UDP_PORT ? static_cast<uint16_t>(port + 1) : port;
}

HeaderStack
HitPacket(std::mt19937_64& rng, const ClassBenchRule& rule, const std::vector<uint8_t>& protocols)
{
    const uint8_t protocol = protocols[UniformBelow(rng, protocols.size())];
    const uint32_t srcIp = rule.srcIp | (Random32(rng) & ~PrefixMask(rule.srcLength));
    const uint32_t dstIp = rule.dstIp | (Random32(rng) & ~PrefixMask(rule.dstLength));
    const uint16_t srcPort = DrawPortIn(rng, rule.srcPortLo, rule.srcPortHi, false);
    const uint16_t dstPort =
        DrawPortIn(rng, rule.dstPortLo, rule.dstPortHi, protocol == IP_PROTOCOL_UDP);
    return MakePacket(srcIp, dstIp, protocol, srcPort, dstPort);
}

HeaderStack
RandomPacket(std::mt19937_64& rng)
{
    static constexpr std::array<uint8_t, 3> PROTOCOLS = {
        IP_PROTOCOL_TCP, IP_PROTOCOL_UDP, IP_PROTOCOL_ICMP};
    const uint8_t protocol = PROTOCOLS[UniformBelow(rng, PROTOCOLS.size())];
    const uint32_t srcIp = Random32(rng);
    const uint32_t dstIp = Random32(rng);
    const uint16_t srcPort = DrawPortIn(rng, 0, 65535, false);
    const uint16_t dstPort = DrawPortIn(rng, 0, 65535, protocol == IP_PROTOCOL_UDP);
    return MakePacket(srcIp, dstIp, protocol, srcPort, dstPort);
}

// ---- reading -----------------------------------------------------------------------------

/// A cursor over one line of ClassBench text; every failure names source and line.
class LineParser
{
public:
    LineParser(std::string_view line, const std::string& source, size_t number)
        : m_line(line)
        , m_source(source)
        , m_number(number)
    {
    }

    [[noreturn]] void Fail(const std::string& what) const
    {
        throw PolicyError(fmt::format("{}:{}: {}", m_source, m_number, what));
    }

    void SkipSpace()
    {
        while (m_pos < m_line.size() && IsSpace(m_line[m_pos]))
        {
            ++m_pos;
        }
    }

    bool AtEnd()
    {
        SkipSpace();
        return m_pos == m_line.size();
    }

    /// What follows, for messages: the next token, or "the end of the line".
    std::string Found()
    {
        if (AtEnd())
        {
            return "the end of the line";
        }
        size_t end = m_pos;
        while (end < m_line.size() && !IsSpace(m_line[end]) && end - m_pos < 40)
        {
            ++end;
        }
        return fmt::format("\"{}\"", m_line.substr(m_pos, end - m_pos));
    }

    /// The next run of non-space characters (empty at the end of the line).
    std::string_view Token()
    {
        SkipSpace();
        const size_t start = m_pos;
        while (m_pos < m_line.size() && !IsSpace(m_line[m_pos]))
        {
            ++m_pos;
        }
        return m_line.substr(start, m_pos - start);
    }

    bool Accept(char c)
    {
        SkipSpace();
        if (m_pos < m_line.size() && m_line[m_pos] == c)
        {
            ++m_pos;
            return true;
        }
        return false;
    }

    /// A decimal number no larger than @p max.
    std::optional<uint32_t> Decimal(uint32_t max)
    {
        SkipSpace();
        const size_t start = m_pos;
        uint64_t value = 0;
        while (m_pos < m_line.size() && m_line[m_pos] >= '0' && m_line[m_pos] <= '9' &&
               m_pos - start < 10)
        {
            value = value * 10 + uint64_t(m_line[m_pos] - '0');
            ++m_pos;
        }
        if (m_pos == start || value > max)
        {
            m_pos = start;
            return std::nullopt;
        }
        return static_cast<uint32_t>(value);
    }

    size_t Position() const { return m_pos; }

    void Rewind(size_t position) { m_pos = position; }

private:
    static bool IsSpace(char c)
    {
        return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
    }

    std::string_view m_line;     //!< the line, without its newline
    const std::string& m_source; //!< the input's name, for messages
    size_t m_number;             //!< 1-based line number, for messages
    size_t m_pos = 0;            //!< the cursor
};

/// "0x<hex>" with 1..digits hex digits; nullopt otherwise.
std::optional<uint32_t>
ParseHex(std::string_view text, size_t digits)
{
    if (text.size() < 3 || text.size() > digits + 2 || text[0] != '0' ||
        (text[1] != 'x' && text[1] != 'X'))
    {
        return std::nullopt;
    }
    uint32_t value = 0;
    for (char c : text.substr(2))
    {
        uint32_t digit = 0;
        if (c >= '0' && c <= '9')
        {
            digit = uint32_t(c - '0');
        }
        else if (c >= 'a' && c <= 'f')
        {
            digit = uint32_t(c - 'a' + 10);
        }
        else if (c >= 'A' && c <= 'F')
        {
            digit = uint32_t(c - 'A' + 10);
        }
        else
        {
            return std::nullopt;
        }
        value = value * 16 + digit;
    }
    return value;
}

/// "<hex>/<hex>" as two values of at most @p digits hex digits each.
std::optional<std::pair<uint32_t, uint32_t>>
ParseHexPair(std::string_view text, size_t digits)
{
    const size_t slash = text.find('/');
    if (slash == std::string_view::npos)
    {
        return std::nullopt;
    }
    auto value = ParseHex(text.substr(0, slash), digits);
    auto mask = ParseHex(text.substr(slash + 1), digits);
    if (!value || !mask)
    {
        return std::nullopt;
    }
    return std::make_pair(*value, *mask);
}

void
ReadPrefix(LineParser& parser, const char* which, uint32_t& address, uint8_t& length)
{
    const std::string found = parser.Found();
    const std::string_view token = parser.Token();
    const size_t slash = token.find('/');
    if (token.empty() || slash == std::string_view::npos)
    {
        parser.Fail(
            fmt::format("expected the {} prefix as a.b.c.d/length, found {}", which, found));
    }
    auto ip = ParseIpv4(token.substr(0, slash));
    const std::string_view lengthText = token.substr(slash + 1);
    const bool digits = !lengthText.empty() && lengthText.size() <= 2 &&
                        lengthText.find_first_not_of("0123456789") == std::string_view::npos;
    if (!ip || !digits)
    {
        parser.Fail(
            fmt::format("expected the {} prefix as a.b.c.d/length, found {}", which, found));
    }
    const auto value = std::stoul(std::string(lengthText));
    if (value > 32)
    {
        parser.Fail(fmt::format("expected a {} prefix length of 0..32, found {}", which, value));
    }
    length = static_cast<uint8_t>(value);
    address = *ip & PrefixMask(length); // masked, not refused: bits past the length are noise
}

void
ReadPortRange(LineParser& parser, const char* which, uint16_t& lo, uint16_t& hi)
{
    const std::string found = parser.Found();
    auto low = parser.Decimal(65535);
    const bool colon = low && parser.Accept(':');
    auto high = colon ? parser.Decimal(65535) : std::nullopt;
    if (!low || !colon || !high)
    {
        parser.Fail(fmt::format(
            "expected the {} port range as lo : hi (ports 0..65535), found {}", which, found));
    }
    if (*low > *high)
    {
        parser.Fail(fmt::format("expected the {} port range's low end ({}) not above its high "
                                "end ({})",
                                which,
                                *low,
                                *high));
    }
    lo = static_cast<uint16_t>(*low);
    hi = static_cast<uint16_t>(*high);
}

ClassBenchRule
ParseRuleLine(LineParser& parser)
{
    ClassBenchRule rule;
    if (!parser.Accept('@'))
    {
        parser.Fail(fmt::format("expected '@' and the source prefix to start a rule, found {}",
                                parser.Found()));
    }
    ReadPrefix(parser, "source", rule.srcIp, rule.srcLength);
    ReadPrefix(parser, "destination", rule.dstIp, rule.dstLength);
    ReadPortRange(parser, "source", rule.srcPortLo, rule.srcPortHi);
    ReadPortRange(parser, "destination", rule.dstPortLo, rule.dstPortHi);

    const std::string protocolFound = parser.Found();
    auto protocol = ParseHexPair(parser.Token(), 2);
    if (!protocol)
    {
        parser.Fail(fmt::format("expected the protocol as 0xPP/0xMM (hex value/mask), found {}",
                                protocolFound));
    }
    rule.protocolMask = static_cast<uint8_t>(protocol->second);
    rule.protocol = static_cast<uint8_t>(protocol->first & protocol->second);

    if (!parser.AtEnd())
    {
        const std::string flagsFound = parser.Found();
        if (!ParseHexPair(parser.Token(), 4))
        {
            parser.Fail(fmt::format("expected the end of the rule or the flags field "
                                    "0xFFFF/0xFFFF after the protocol, found {}",
                                    flagsFound));
        }
        if (!parser.AtEnd())
        {
            parser.Fail(fmt::format("expected the end of the rule after the flags field, found {}",
                                    parser.Found()));
        }
    }
    return rule;
}

} // namespace

// ---- public API --------------------------------------------------------------------------

std::string_view
ClassBenchProfileName(ClassBenchProfile profile)
{
    switch (profile)
    {
        case ClassBenchProfile::Acl:
            return "acl";
        case ClassBenchProfile::Fw:
            return "fw";
        case ClassBenchProfile::Ipc:
            return "ipc";
    }
    return "";
}

std::optional<ClassBenchProfile>
ParseClassBenchProfile(std::string_view name)
{
    for (auto profile : {ClassBenchProfile::Acl, ClassBenchProfile::Fw, ClassBenchProfile::Ipc})
    {
        if (name == ClassBenchProfileName(profile))
        {
            return profile;
        }
    }
    return std::nullopt;
}

bool
ClassBenchRule::operator==(const ClassBenchRule& other) const
{
    return srcIp == other.srcIp && srcLength == other.srcLength && dstIp == other.dstIp &&
           dstLength == other.dstLength && srcPortLo == other.srcPortLo &&
           srcPortHi == other.srcPortHi && dstPortLo == other.dstPortLo &&
           dstPortHi == other.dstPortHi && protocol == other.protocol &&
           protocolMask == other.protocolMask;
}

std::string_view
ClassBenchPortClassName(ClassBenchPortClass portClass)
{
    switch (portClass)
    {
        case ClassBenchPortClass::Wc:
            return "WC";
        case ClassBenchPortClass::Hi:
            return "HI";
        case ClassBenchPortClass::Lo:
            return "LO";
        case ClassBenchPortClass::Em:
            return "EM";
        case ClassBenchPortClass::Ar:
            return "AR";
    }
    return "";
}

ClassBenchPortClass
ClassifyPortRange(uint16_t lo, uint16_t hi)
{
    if (lo == 0 && hi == 65535)
    {
        return ClassBenchPortClass::Wc;
    }
    if (lo == 1024 && hi == 65535)
    {
        return ClassBenchPortClass::Hi;
    }
    if (lo == 0 && hi == 1023)
    {
        return ClassBenchPortClass::Lo;
    }
    if (lo == hi)
    {
        return ClassBenchPortClass::Em;
    }
    return ClassBenchPortClass::Ar;
}

std::string_view
ClassBenchProtocolClassName(ClassBenchProtocolClass protocolClass)
{
    switch (protocolClass)
    {
        case ClassBenchProtocolClass::Any:
            return "any";
        case ClassBenchProtocolClass::Tcp:
            return "tcp";
        case ClassBenchProtocolClass::Udp:
            return "udp";
        case ClassBenchProtocolClass::Icmp:
            return "icmp";
        case ClassBenchProtocolClass::Other:
            return "other";
    }
    return "";
}

ClassBenchProtocolClass
ClassifyProtocol(uint8_t protocol, uint8_t mask)
{
    if (mask == 0)
    {
        return ClassBenchProtocolClass::Any;
    }
    if (mask != 0xff)
    {
        return ClassBenchProtocolClass::Other;
    }
    switch (protocol)
    {
        case IP_PROTOCOL_TCP:
            return ClassBenchProtocolClass::Tcp;
        case IP_PROTOCOL_UDP:
            return ClassBenchProtocolClass::Udp;
        case IP_PROTOCOL_ICMP:
            return ClassBenchProtocolClass::Icmp;
        default:
            return ClassBenchProtocolClass::Other;
    }
}

const ClassBenchDistribution&
GetClassBenchDistribution(ClassBenchProfile profile)
{
    static const std::array<ClassBenchDistribution, CLASSBENCH_PROFILE_COUNT> TABLES = {
        MakeDistribution(ACL_PROTOCOLS,
                         ACL_SRC_PORTS,
                         ACL_DST_PORTS,
                         ACL_SRC_LENGTHS,
                         ACL_DST_LENGTHS,
                         ACL_BOTH_WILDCARD,
                         ACL_ADDRESSES),
        MakeDistribution(FW_PROTOCOLS,
                         FW_SRC_PORTS,
                         FW_DST_PORTS,
                         FW_SRC_LENGTHS,
                         FW_DST_LENGTHS,
                         FW_BOTH_WILDCARD,
                         FW_ADDRESSES),
        MakeDistribution(IPC_PROTOCOLS,
                         IPC_SRC_PORTS,
                         IPC_DST_PORTS,
                         IPC_SRC_LENGTHS,
                         IPC_DST_LENGTHS,
                         IPC_BOTH_WILDCARD,
                         IPC_ADDRESSES),
    };
    return TABLES[static_cast<size_t>(profile)];
}

std::vector<ClassBenchRule>
GenerateClassBenchRules(ClassBenchProfile profile, size_t count, uint64_t seed)
{
    const ClassBenchDistribution& table = GetClassBenchDistribution(profile);
    std::mt19937_64 rng(seed);
    PrefixPool sources;
    PrefixPool destinations;
    std::unordered_set<ClassBenchRule, RuleHash> seen;
    std::vector<ClassBenchRule> rules;
    rules.reserve(count);
    while (rules.size() < count)
    {
        ClassBenchRule rule = DrawRule(rng, table, sources, destinations);
        for (int draw = 1; draw < MAX_DRAWS_PER_RULE && (seen.count(rule) != 0 || IsMatchAll(rule));
             ++draw)
        {
            rule = DrawRule(rng, table, sources, destinations);
        }
        seen.insert(rule);
        sources.Add(rule.srcIp, rule.srcLength);
        destinations.Add(rule.dstIp, rule.dstLength);
        rules.push_back(rule);
    }
    return rules;
}

std::vector<RuleSpec>
ToRuleSpecs(const std::vector<ClassBenchRule>& rules, const ActionSpec& action)
{
    auto prefix = [](ConditionType type, uint32_t address, uint8_t length)
    {
        ConditionValue value;
        value.kind = ConditionValue::Kind::Prefix;
        value.prefixLength = length;
        value.lo = address & PrefixMask(length);
        value.hi = value.lo | ~PrefixMask(length);
        return Condition{type, HeaderSelector::Outer, {value}};
    };
    auto ports = [](ConditionType type, uint16_t lo, uint16_t hi)
    {
        ConditionValue value;
        value.kind = lo == hi ? ConditionValue::Kind::Single : ConditionValue::Kind::Range;
        value.lo = lo;
        value.hi = hi;
        return Condition{type, HeaderSelector::Outer, {value}};
    };

    std::vector<RuleSpec> specs;
    specs.reserve(rules.size());
    for (size_t index = 0; index < rules.size(); ++index)
    {
        const ClassBenchRule& rule = rules[index];
        RuleSpec spec;
        spec.id = fmt::format("r{}", index);
        spec.priority = static_cast<int32_t>(index);
        spec.action = action;
        if (rule.srcLength > 0)
        {
            spec.conditions.push_back(prefix(ConditionType::SrcIp, rule.srcIp, rule.srcLength));
        }
        if (rule.dstLength > 0)
        {
            spec.conditions.push_back(prefix(ConditionType::DstIp, rule.dstIp, rule.dstLength));
        }
        if (rule.srcPortLo != 0 || rule.srcPortHi != 65535)
        {
            spec.conditions.push_back(
                ports(ConditionType::SrcPort, rule.srcPortLo, rule.srcPortHi));
        }
        if (rule.dstPortLo != 0 || rule.dstPortHi != 65535)
        {
            spec.conditions.push_back(
                ports(ConditionType::DstPort, rule.dstPortLo, rule.dstPortHi));
        }
        if (rule.protocolMask != 0)
        {
            Condition protocol{ConditionType::Protocol, HeaderSelector::Outer, {}};
            for (uint32_t p = 0; p < 256; ++p)
            {
                if (ProtocolAdmits(rule, static_cast<uint8_t>(p)))
                {
                    ConditionValue value;
                    value.lo = value.hi = p;
                    protocol.values.push_back(value);
                }
            }
            spec.conditions.push_back(protocol);
        }
        specs.push_back(std::move(spec));
    }
    return specs;
}

std::string
WriteClassBench(const std::vector<ClassBenchRule>& rules)
{
    std::string text;
    text.reserve(rules.size() * 64);
    for (const ClassBenchRule& rule : rules)
    {
        text += fmt::format("@{}/{}\t{}/{}\t{} : {}\t{} : {}\t0x{:02X}/0x{:02X}\n",
                            FormatIpv4(rule.srcIp),
                            rule.srcLength,
                            FormatIpv4(rule.dstIp),
                            rule.dstLength,
                            rule.srcPortLo,
                            rule.srcPortHi,
                            rule.dstPortLo,
                            rule.dstPortHi,
                            rule.protocol,
                            rule.protocolMask);
    }
    return text;
}

std::vector<ClassBenchRule>
ReadClassBench(std::istream& in, const std::string& source)
{
    std::vector<ClassBenchRule> rules;
    std::string line;
    size_t number = 0;
    while (std::getline(in, line))
    {
        ++number;
        LineParser parser(line, source, number);
        if (parser.AtEnd())
        {
            continue; // blank line
        }
        rules.push_back(ParseRuleLine(parser));
    }
    return rules;
}

bool
ClassBenchRuleMatches(const ClassBenchRule& rule, const HeaderStack& stack)
{
    if (stack.count == 0 || !stack[0].hasIpv4)
    {
        return false;
    }
    const HeaderGroup& group = stack[0];
    if (((group.ip.src ^ rule.srcIp) & PrefixMask(rule.srcLength)) != 0 ||
        ((group.ip.dst ^ rule.dstIp) & PrefixMask(rule.dstLength)) != 0 ||
        !ProtocolAdmits(rule, group.ip.protocol))
    {
        return false;
    }
    const bool anySrcPort = rule.srcPortLo == 0 && rule.srcPortHi == 65535;
    const bool anyDstPort = rule.dstPortLo == 0 && rule.dstPortHi == 65535;
    if (anySrcPort && anyDstPort)
    {
        return true;
    }
    if (group.l4 == L4Type::None)
    {
        return false;
    }
    const uint16_t srcPort = group.transport.srcPort;
    const uint16_t dstPort = group.transport.dstPort;
    return rule.srcPortLo <= srcPort && srcPort <= rule.srcPortHi && rule.dstPortLo <= dstPort &&
           dstPort <= rule.dstPortHi;
}

std::vector<HeaderStack>
GenerateClassBenchPackets(const std::vector<ClassBenchRule>& rules,
                          size_t count,
                          double hitFraction,
                          uint64_t seed)
{
    std::mt19937_64 rng(seed);

    std::vector<size_t> hittable;
    std::vector<std::vector<uint8_t>> protocols(rules.size());
    for (size_t i = 0; i < rules.size(); ++i)
    {
        protocols[i] = HitProtocols(rules[i]);
        if (!protocols[i].empty())
        {
            hittable.push_back(i);
        }
    }

    const double fraction =
        std::isnan(hitFraction) ? 0.0 : std::min(1.0, std::max(0.0, hitFraction));
    size_t hitsLeft =
        hittable.empty() ? 0 : static_cast<size_t>(std::llround(fraction * double(count)));
    std::vector<HeaderStack> packets;
    packets.reserve(count);
    for (size_t i = 0; i < count; ++i)
    {
        // Selection sampling: exactly hitsLeft of the remaining count - i positions are hits.
        if (hitsLeft > 0 && UniformBelow(rng, count - i) < hitsLeft)
        {
            --hitsLeft;
            const size_t rule = hittable[UniformBelow(rng, hittable.size())];
            packets.push_back(HitPacket(rng, rules[rule], protocols[rule]));
        }
        else
        {
            packets.push_back(RandomPacket(rng));
        }
    }
    return packets;
}

} // namespace vfp
