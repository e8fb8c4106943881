/*
 * ClassBench-style rule sets and lookup traces, for benchmarking and property-testing
 * packet classifiers (VFP paper §6.5 measures its classifier on rule sets of this kind;
 * ClassBench is Taylor & Turner, "ClassBench: A Packet Classification Benchmark",
 * INFOCOM 2005).
 *
 * A ClassBench rule is the classic 5-tuple filter: source and destination IPv4 prefixes,
 * source and destination port ranges, and the IP protocol as value/mask. ClassBench
 * describes real filter sets by "seed" parameter files (acl1, fw1, ipc1, ...) and grows
 * synthetic sets of any size from them. This file does the same in a much simpler way,
 * written from the published description of ClassBench, not from its code:
 *
 *   - per profile (acl, fw, ipc, after the seeds acl1, fw1, ipc1), tables at the top of
 *     classbench.cc give the protocol mix (wildcard / TCP / UDP / ICMP / other), the port
 *     class of each port of TCP and UDP rules (WC wildcard, HI 1024-65535, LO 0-1023, EM
 *     exact, AR arbitrary range), the prefix-length distributions of source and
 *     destination (and how often both are /0 at once), and how often a new prefix reuses
 *     an earlier one or nests inside an earlier, shorter one;
 *   - rules are drawn field by field from those tables; an exact duplicate of an earlier
 *     rule is re-drawn, and so is a rule that matches every packet (/0, /0, any ports, any
 *     protocol), which would make every lookup a hit. Rules that are /0 on both sides are
 *     mostly fixed by their classes alone, so many of their draws are duplicates: their
 *     share comes out below the table's for large sets (in the 20000-rule sets the tests
 *     generate, the other shares stay within about 1.5 percentage points of the tables).
 *
 * Honest about the approximations:
 *   - the numbers are approximations of the characteristics the published seeds show
 *     (read off their shape and off the paper's description), not the seeds themselves;
 *   - ClassBench draws the two ports jointly (25 port-pair classes per protocol) and the
 *     two prefix lengths jointly per port-pair class; here the ports are independent and
 *     the lengths are independent except for the share of rules that are /0 on both
 *     sides, which has its own entry (real sets have few "any to any" rules);
 *   - ClassBench builds its address space with a skewed binary trie and per-seed nesting
 *     thresholds; here nesting is a single probability per side of placing a new prefix
 *     inside a uniformly chosen earlier, shorter prefix;
 *   - ClassBench's scaling and smoothing parameters and its flags field are not modelled;
 *   - ports of rules that are not exactly TCP or UDP are wildcards (as in the seeds);
 *     "other" protocols exclude GRE (47) and IP-in-IP (4), so that every generated rule can
 *     be hit by a single-group header stack.
 *
 * Everything is deterministic for given inputs on every platform: the generators use
 * std::mt19937_64 (whose output the standard fixes) and their own integer arithmetic for
 * every draw, never the standard distributions (whose output differs between libraries).
 *
 * Matching semantics (ClassBenchRuleMatches, and ToRuleSpecs' conditions, agree): a rule
 * matches a packet's outer group when both addresses lie in the prefixes, the protocol
 * agrees under the mask and, for each port range that is not 0-65535, the packet has that
 * port (TCP or UDP) and it lies in the range; a packet without ports matches only rules
 * whose port ranges are both wildcards.
 */
#ifndef VFP_ENGINE_CLASSBENCH_H
#define VFP_ENGINE_CLASSBENCH_H

#include "../packet/header-stack.h"
#include "../policy/policy-spec.h"

#include <array>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vfp
{

/// The kind of filter set, after ClassBench's seeds acl1, fw1 and ipc1.
enum class ClassBenchProfile : uint8_t
{
    Acl, //!< access control lists: destination-specific, mostly exact destination ports
    Fw,  //!< firewalls: many wildcard addresses, more port ranges
    Ipc, //!< IP chains: mid-length prefixes on both sides, mostly wildcard or exact ports
};
constexpr size_t CLASSBENCH_PROFILE_COUNT = 3;

/// "acl", "fw" or "ipc".
std::string_view ClassBenchProfileName(ClassBenchProfile profile);
/// The profile of a name as ClassBenchProfileName gives it; nullopt for anything else.
std::optional<ClassBenchProfile> ParseClassBenchProfile(std::string_view name);

struct ClassBenchRule
{
    uint32_t srcIp = 0;         //!< source prefix, host order; bits past srcLength are zero
    uint8_t srcLength = 0;      //!< source prefix length, 0..32
    uint32_t dstIp = 0;         //!< destination prefix, host order; bits past dstLength are zero
    uint8_t dstLength = 0;      //!< destination prefix length, 0..32
    uint16_t srcPortLo = 0;     //!< lowest source port matched
    uint16_t srcPortHi = 65535; //!< highest source port matched (inclusive)
    uint16_t dstPortLo = 0;     //!< lowest destination port matched
    uint16_t dstPortHi = 65535; //!< highest destination port matched (inclusive)
    uint8_t protocol = 0;       //!< IP protocol; bits outside protocolMask are zero
    uint8_t protocolMask = 0;   //!< 0 = any protocol, 0xff = exactly protocol

    bool operator==(const ClassBenchRule& other) const;
    bool operator!=(const ClassBenchRule& other) const { return !(*this == other); }
};

/// ClassBench's port classes (paper §3.3).
enum class ClassBenchPortClass : uint8_t
{
    Wc, //!< wildcard, 0-65535
    Hi, //!< the ephemeral ports, 1024-65535
    Lo, //!< the well-known ports, 0-1023
    Em, //!< one exact port
    Ar, //!< any other range
};
constexpr size_t CLASSBENCH_PORT_CLASS_COUNT = 5;
std::string_view ClassBenchPortClassName(ClassBenchPortClass portClass); //!< "WC", "HI", ...
/// The class a port range falls in (lo <= hi).
ClassBenchPortClass ClassifyPortRange(uint16_t lo, uint16_t hi);

/// The protocol groups the profile tables distinguish.
enum class ClassBenchProtocolClass : uint8_t
{
    Any,   //!< mask 0
    Tcp,   //!< exactly 6
    Udp,   //!< exactly 17
    Icmp,  //!< exactly 1
    Other, //!< any other protocol or mask
};
constexpr size_t CLASSBENCH_PROTOCOL_CLASS_COUNT = 5;
std::string_view ClassBenchProtocolClassName(ClassBenchProtocolClass protocolClass);
ClassBenchProtocolClass ClassifyProtocol(uint8_t protocol, uint8_t mask);

/**
 * A profile's distribution tables, dense, as the generator uses them. Every weight is in
 * per mille, and each distribution sums to 1000. They are the tables written at the top
 * of classbench.cc; tests compare generated rule sets against them.
 */
struct ClassBenchDistribution
{
    std::array<uint32_t, 33> srcLength{}; //!< rules per source prefix length 0..32
    std::array<uint32_t, 33> dstLength{}; //!< rules per destination prefix length 0..32
    uint32_t bothWildcard = 0;            //!< rules that are /0 on both sides
    /// Source port classes of TCP and UDP rules, indexed by ClassBenchPortClass.
    std::array<uint32_t, CLASSBENCH_PORT_CLASS_COUNT> srcPort{};
    /// Destination port classes of TCP and UDP rules, indexed by ClassBenchPortClass.
    std::array<uint32_t, CLASSBENCH_PORT_CLASS_COUNT> dstPort{};
    /// Protocol mix, indexed by ClassBenchProtocolClass.
    std::array<uint32_t, CLASSBENCH_PROTOCOL_CLASS_COUNT> protocol{};
    uint32_t srcReuse = 0; //!< chance a new source prefix repeats an earlier one of its length
    uint32_t srcNest = 0;  //!< chance a new source prefix lies in an earlier, shorter one
    uint32_t dstReuse = 0; //!< the same for destinations
    uint32_t dstNest = 0;  //!< the same for destinations
};
const ClassBenchDistribution& GetClassBenchDistribution(ClassBenchProfile profile);

/**
 * A synthetic rule set of @p count rules. Deterministic for a (profile, count, seed):
 * same inputs, same rules, on any platform. The first n rules of a larger set equal the
 * set of n rules generated with the same seed.
 */
std::vector<ClassBenchRule> GenerateClassBenchRules(ClassBenchProfile profile,
                                                    size_t count,
                                                    uint64_t seed);

/**
 * The rules as VFP rule specs: id "r<index>", priority = index (earlier = stronger),
 * conditions src_ip, dst_ip (prefixes), src_port, dst_port (single ports or ranges) and
 * protocol, each omitted when it is a wildcard (/0, 0-65535, mask 0). A protocol mask
 * other than 0 and 0xff becomes the list of every protocol it admits. Action as given.
 */
std::vector<RuleSpec> ToRuleSpecs(const std::vector<ClassBenchRule>& rules,
                                  const ActionSpec& action);

/// ClassBench's text format, one rule per line:
/// "@<sa>/<len>\t<da>/<len>\t<splo> : <sphi>\t<dplo> : <dphi>\t0x<pp>/0x<mm>\n".
std::string WriteClassBench(const std::vector<ClassBenchRule>& rules);

/**
 * Reads ClassBench's text format: the fields above separated by any whitespace (the
 * " : " of a port range may also be written without spaces), optionally followed by the
 * flags field "0x0000/0x0000" of later ClassBench versions (checked, then ignored); blank
 * lines are skipped. Address bits past a prefix length and protocol bits outside the mask
 * are masked off (not refused), so the rules read are canonical.
 * @param source names the input in error messages
 * @throws PolicyError "<source>:<line>: <what was expected>" on malformed input
 */
std::vector<ClassBenchRule> ReadClassBench(std::istream& in, const std::string& source);

/// True when @p rule matches the outer group of @p stack (semantics in the file comment).
bool ClassBenchRuleMatches(const ClassBenchRule& rule, const HeaderStack& stack);

/**
 * Packet headers for lookups. round(count * hitFraction) of them (hitFraction clamped to
 * 0..1), at random positions, are built to fall inside a uniformly chosen rule: a point
 * inside each of its fields. The rest are random 5-tuples: addresses and ports uniform
 * over their whole range, the protocol TCP, UDP or ICMP with equal chance (a uniform
 * 8-bit protocol would almost never carry ports). Random packets may hit rules too.
 * Each packet is a valid single-group stack (ValidateHeaderStack): eth/ipv4/tcp or udp,
 * or eth/ipv4 for other protocols; UDP never goes to port 4789 (that would announce
 * VXLAN). Rules no such stack can hit (only GRE or IP-in-IP, or UDP to 4789 only) are
 * never chosen; when no rule can be hit, every packet is random.
 */
std::vector<HeaderStack> GenerateClassBenchPackets(const std::vector<ClassBenchRule>& rules,
                                                   size_t count,
                                                   double hitFraction,
                                                   uint64_t seed);

} // namespace vfp

#endif
