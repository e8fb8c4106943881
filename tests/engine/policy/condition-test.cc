/*
 * Tests of policy/condition.h: parsing and formatting condition values of every type and
 * kind, the error messages of bad values, and matching: OR across the values of a
 * condition, AND across conditions, the header selectors, and absent fields that never
 * match. A property test checks Contains against a plain reference on random values.
 */
#include "../packet/stack-generator.h"
#include "engine/policy/condition.h"

#include <cstdio>
#include <functional>
#include <gtest/gtest.h>
#include <random>

namespace vfp
{
namespace
{

using packettest::HOST_IP;
using packettest::PEER_IP;
using packettest::REMOTE_IP;
using packettest::VM_IP;

constexpr uint16_t ETHER_TYPE_ARP = 0x0806;
constexpr uint64_t VM_MAC = 0x001dd8000001;
constexpr uint64_t GW_MAC = 0x123456789abc;

const std::vector<ConditionType> ALL_TYPES = {
    ConditionType::SrcMac,
    ConditionType::DstMac,
    ConditionType::EtherType,
    ConditionType::SrcIp,
    ConditionType::DstIp,
    ConditionType::Protocol,
    ConditionType::SrcPort,
    ConditionType::DstPort,
    ConditionType::TunnelKey,
    ConditionType::TcpFlags,
};

HeaderGroup
TcpGroup(uint32_t srcIp,
         uint32_t dstIp,
         uint16_t srcPort,
         uint16_t dstPort,
         uint8_t flags = TcpFlags::SYN)
{
    HeaderGroup group;
    group.hasEthernet = true;
    group.eth.src = VM_MAC;
    group.eth.dst = GW_MAC;
    group.hasIpv4 = true;
    group.ip.src = srcIp;
    group.ip.dst = dstIp;
    group.ip.protocol = IP_PROTOCOL_TCP;
    group.l4 = L4Type::Tcp;
    group.transport.srcPort = srcPort;
    group.transport.dstPort = dstPort;
    group.transport.tcpFlags = flags;
    return group;
}

HeaderGroup
VxlanGroup(uint32_t vni)
{
    HeaderGroup group;
    group.hasEthernet = true;
    group.eth.src = 0xaa;
    group.eth.dst = 0xbb;
    group.hasIpv4 = true;
    group.ip.src = HOST_IP;
    group.ip.dst = REMOTE_IP;
    group.ip.protocol = IP_PROTOCOL_UDP;
    group.l4 = L4Type::Udp;
    group.transport.srcPort = 50000;
    group.transport.dstPort = VXLAN_UDP_PORT;
    group.tunnel = TunnelType::Vxlan;
    group.tunnelKey = vni;
    return group;
}

HeaderStack
MakeStack(std::initializer_list<HeaderGroup> groups)
{
    HeaderStack stack;
    for (const HeaderGroup& group : groups)
    {
        stack.groups[stack.count++] = group;
    }
    return stack;
}

HeaderStack
PlainTcp()
{
    return MakeStack({TcpGroup(VM_IP, PEER_IP, 40000, 80)});
}

/// [eth ipv4 udp(4789) vxlan 5000] [eth ipv4 tcp 10.0.0.1:40000 -> 10.0.1.2:80]
HeaderStack
Vxlan()
{
    return MakeStack({VxlanGroup(5000), TcpGroup(VM_IP, PEER_IP, 40000, 80)});
}

/// Parses @p text, failing the test when it does not parse.
ConditionValue
Parse(ConditionType type, const std::string& text)
{
    std::string error;
    auto value = ParseConditionValue(type, text, error);
    EXPECT_TRUE(value.has_value()) << ConditionTypeName(type) << " \"" << text << "\": " << error;
    return value.value_or(ConditionValue{});
}

/// A condition from textual values.
Condition
Cond(ConditionType type,
     std::initializer_list<std::string> values,
     HeaderSelector header = HeaderSelector::Outer)
{
    Condition condition;
    condition.type = type;
    condition.header = header;
    for (const std::string& text : values)
    {
        condition.values.push_back(Parse(type, text));
    }
    return condition;
}

ConditionValue
Value(ConditionValue::Kind kind,
      uint64_t lo,
      uint64_t hi,
      uint64_t mask = 0,
      uint8_t prefixLength = 0)
{
    ConditionValue value;
    value.kind = kind;
    value.lo = lo;
    value.hi = hi;
    value.mask = mask;
    value.prefixLength = prefixLength;
    return value;
}

using Kind = ConditionValue::Kind;

// ---- names ------------------------------------------------------------------------------

TEST(ConditionTest, TypeNamesRoundTripAndHaveTheirWidths)
{
    const std::vector<std::pair<const char*, uint8_t>> expected = {
        {"src_mac", 48},
        {"dst_mac", 48},
        {"ether_type", 16},
        {"src_ip", 32},
        {"dst_ip", 32},
        {"protocol", 8},
        {"src_port", 16},
        {"dst_port", 16},
        {"tunnel_key", 24},
        {"tcp_flags", 8},
    };
    ASSERT_EQ(ALL_TYPES.size(), CONDITION_TYPE_COUNT);
    for (size_t i = 0; i < ALL_TYPES.size(); ++i)
    {
        EXPECT_EQ(ConditionTypeName(ALL_TYPES[i]), expected[i].first);
        EXPECT_EQ(ParseConditionType(expected[i].first), ALL_TYPES[i]);
        EXPECT_EQ(ConditionWidth(ALL_TYPES[i]), expected[i].second) << expected[i].first;
        EXPECT_NE(ConditionTypeNames().find(expected[i].first), std::string::npos);
    }
    EXPECT_EQ(ParseConditionType("dst-ip"), std::nullopt);
    EXPECT_EQ(ParseConditionType(""), std::nullopt);
}

TEST(ConditionTest, HeaderSelectorNamesRoundTrip)
{
    for (HeaderSelector selector :
         {HeaderSelector::Outer, HeaderSelector::Inner, HeaderSelector::Innermost})
    {
        EXPECT_EQ(ParseHeaderSelector(HeaderSelectorName(selector)), selector);
    }
    EXPECT_EQ(HeaderSelectorName(HeaderSelector::Inner), "inner");
    EXPECT_EQ(ParseHeaderSelector("middle"), std::nullopt);
}

// ---- parsing: every type, every kind ----------------------------------------------------

TEST(ConditionTest, ParseSingletonOfEveryType)
{
    struct Case
    {
        ConditionType type;
        const char* text;
        uint64_t value;
    };
    const std::vector<Case> cases = {
        {ConditionType::SrcMac, "00:1d:d8:b7:1c:01", 0x001dd8b71c01},
        {ConditionType::DstMac, "12:34:56:78:9A:bc", 0x123456789abc},
        {ConditionType::EtherType, "0x0800", 0x0800},
        {ConditionType::EtherType, "2054", 0x0806},
        {ConditionType::SrcIp, "10.0.0.1", 0x0a000001},
        {ConditionType::DstIp, "255.255.255.255", 0xffffffff},
        {ConditionType::Protocol, "6", 6},
        {ConditionType::Protocol, "255", 255},
        {ConditionType::SrcPort, "0", 0},
        {ConditionType::DstPort, "65535", 65535},
        {ConditionType::TunnelKey, "16777215", 0xffffff},
        {ConditionType::TunnelKey, "0x1388", 5000},
    };
    for (const Case& c : cases)
    {
        const ConditionValue value = Parse(c.type, c.text);
        EXPECT_TRUE(value == Value(Kind::Single, c.value, c.value)) << c.text;
        EXPECT_TRUE(value.Contains(c.value)) << c.text;
        EXPECT_FALSE(value.Contains(c.value + 1)) << c.text;
        if (c.value > 0)
        {
            EXPECT_FALSE(value.Contains(c.value - 1)) << c.text;
        }
    }
}

TEST(ConditionTest, ParseTcpFlagLettersMeanExactlyTheseFlags)
{
    const ConditionValue syn = Parse(ConditionType::TcpFlags, "S");
    EXPECT_TRUE(syn == Value(Kind::Masked, TcpFlags::SYN, TcpFlags::SYN, 0xff));
    EXPECT_TRUE(syn.Contains(TcpFlags::SYN));
    EXPECT_FALSE(syn.Contains(TcpFlags::SYN | TcpFlags::ACK));
    EXPECT_FALSE(syn.Contains(0));

    const ConditionValue synAck = Parse(ConditionType::TcpFlags, "as");
    EXPECT_EQ(synAck.kind, Kind::Masked);
    EXPECT_EQ(synAck.lo, uint64_t(TcpFlags::SYN | TcpFlags::ACK));
    EXPECT_EQ(synAck.mask, 0xffu);
    EXPECT_TRUE(synAck.Contains(TcpFlags::SYN | TcpFlags::ACK));
    EXPECT_FALSE(synAck.Contains(TcpFlags::SYN));

    EXPECT_EQ(Parse(ConditionType::TcpFlags, "FSRPAUEC").lo, 0xffu);
}

TEST(ConditionTest, ParseMaskedTcpFlags)
{
    // SYN set, ACK clear, everything else free: the first packet of a handshake.
    const ConditionValue value = Parse(ConditionType::TcpFlags, "S/SA");
    EXPECT_TRUE(value == Value(Kind::Masked, TcpFlags::SYN, 0, TcpFlags::SYN | TcpFlags::ACK));
    EXPECT_TRUE(value.Contains(TcpFlags::SYN));
    EXPECT_TRUE(value.Contains(TcpFlags::SYN | TcpFlags::PSH | TcpFlags::ECE));
    EXPECT_FALSE(value.Contains(TcpFlags::SYN | TcpFlags::ACK));
    EXPECT_FALSE(value.Contains(TcpFlags::ACK));
    EXPECT_FALSE(value.Contains(0));

    // No RST, whatever else.
    const ConditionValue noRst = Parse(ConditionType::TcpFlags, "/R");
    EXPECT_TRUE(noRst.Contains(TcpFlags::ACK));
    EXPECT_TRUE(noRst.Contains(0));
    EXPECT_FALSE(noRst.Contains(TcpFlags::RST | TcpFlags::ACK));
}

TEST(ConditionTest, ParseRangeOfEveryRangeableType)
{
    struct Case
    {
        ConditionType type;
        const char* text;
        uint64_t lo;
        uint64_t hi;
    };
    const std::vector<Case> cases = {
        {ConditionType::SrcMac,
         "00:1d:d8:00:00:00-00:1d:d8:00:00:ff",
         0x001dd8000000,
         0x001dd80000ff},
        {ConditionType::DstMac, "00:00:00:00:00:01-00:00:00:00:00:01", 1, 1},
        {ConditionType::EtherType, "0x0800-0x0806", 0x0800, 0x0806},
        {ConditionType::SrcIp, "10.1.1.1-10.1.1.9", 0x0a010101, 0x0a010109},
        {ConditionType::DstIp, "0.0.0.0-255.255.255.255", 0, 0xffffffff},
        {ConditionType::Protocol, "6-17", 6, 17},
        {ConditionType::SrcPort, "1024-2047", 1024, 2047},
        {ConditionType::DstPort, "80-80", 80, 80},
        {ConditionType::TunnelKey, "100-0xffffff", 100, 0xffffff},
    };
    for (const Case& c : cases)
    {
        const ConditionValue value = Parse(c.type, c.text);
        EXPECT_TRUE(value == Value(Kind::Range, c.lo, c.hi)) << c.text;
        EXPECT_TRUE(value.Contains(c.lo)) << c.text;
        EXPECT_TRUE(value.Contains(c.hi)) << c.text;
        EXPECT_FALSE(value.Contains(c.hi + 1)) << c.text;
        if (c.lo > 0)
        {
            EXPECT_FALSE(value.Contains(c.lo - 1)) << c.text;
        }
    }
}

TEST(ConditionTest, ParseIpPrefix)
{
    const ConditionValue slash8 = Parse(ConditionType::DstIp, "10.0.0.0/8");
    EXPECT_TRUE(slash8 == Value(Kind::Prefix, 0x0a000000, 0x0affffff, 0, 8));
    EXPECT_TRUE(slash8.Contains(0x0a123456));
    EXPECT_FALSE(slash8.Contains(0x0b000000));
    EXPECT_FALSE(slash8.Contains(0x09ffffff));

    // Host bits in the text are ignored.
    EXPECT_TRUE(Parse(ConditionType::SrcIp, "10.1.2.3/16") ==
                Value(Kind::Prefix, 0x0a010000, 0x0a01ffff, 0, 16));
    EXPECT_TRUE(Parse(ConditionType::SrcIp, "10.1.2.3/32") ==
                Value(Kind::Prefix, 0x0a010203, 0x0a010203, 0, 32));
    EXPECT_TRUE(Parse(ConditionType::SrcIp, "10.1.2.3/0") ==
                Value(Kind::Prefix, 0, 0xffffffff, 0, 0));
    EXPECT_TRUE(Parse(ConditionType::DstIp, "192.168.1.128/25") ==
                Value(Kind::Prefix, 0xc0a80180, 0xc0a801ff, 0, 25));
}

TEST(ConditionTest, ParseMacPrefix)
{
    const ConditionValue oui = Parse(ConditionType::SrcMac, "00:1d:d8:12:34:56/24");
    EXPECT_TRUE(oui == Value(Kind::Prefix, 0x001dd8000000, 0x001dd8ffffff, 0, 24));
    EXPECT_TRUE(oui.Contains(0x001dd8b71c01));
    EXPECT_FALSE(oui.Contains(0x001dd9000000));
    EXPECT_TRUE(Parse(ConditionType::DstMac, "ff:ff:ff:ff:ff:ff/48") ==
                Value(Kind::Prefix, 0xffffffffffff, 0xffffffffffff, 0, 48));
    EXPECT_TRUE(Parse(ConditionType::DstMac, "ff:ff:ff:ff:ff:ff/0") ==
                Value(Kind::Prefix, 0, 0xffffffffffff, 0, 0));
}

// ---- formatting -------------------------------------------------------------------------

TEST(ConditionTest, FormatGivesTheCanonicalText)
{
    struct Case
    {
        ConditionType type;
        const char* text;
        const char* canonical;
    };
    const std::vector<Case> cases = {
        {ConditionType::SrcMac, "00:1D:D8:B7:1C:01", "00:1d:d8:b7:1c:01"},
        {ConditionType::DstMac, "00:1d:d8:12:34:56/24", "00:1d:d8:00:00:00/24"},
        {ConditionType::SrcMac,
         "00:00:00:00:00:01-00:00:00:00:00:0A",
         "00:00:00:00:00:01-00:00:00:00:00:0a"},
        {ConditionType::EtherType, "2048", "0x0800"},
        {ConditionType::EtherType, "0x0800-0x86DD", "0x0800-0x86dd"},
        {ConditionType::SrcIp, "10.1.2.3/8", "10.0.0.0/8"},
        {ConditionType::DstIp, "10.1.1.1-10.1.1.9", "10.1.1.1-10.1.1.9"},
        {ConditionType::DstIp, "010.000.000.001", "10.0.0.1"},
        {ConditionType::Protocol, "0x11", "17"},
        {ConditionType::SrcPort, "1024-2047", "1024-2047"},
        {ConditionType::DstPort, "443", "443"},
        {ConditionType::TunnelKey, "5000", "5000"},
        {ConditionType::TcpFlags, "as", "SA"},
        {ConditionType::TcpFlags, "sa/as", "SA/SA"},
        {ConditionType::TcpFlags, "S/AS", "S/SA"},
        {ConditionType::TcpFlags, "/R", "/R"},
    };
    for (const Case& c : cases)
    {
        EXPECT_EQ(FormatConditionValue(c.type, Parse(c.type, c.text)), c.canonical)
            << ConditionTypeName(c.type) << " \"" << c.text << "\"";
    }
}

TEST(ConditionTest, FormatRoundTripsEveryTypeAndKind)
{
    const std::vector<std::pair<ConditionType, std::vector<const char*>>> cases = {
        {ConditionType::SrcMac,
         {"00:1d:d8:b7:1c:01", "00:1d:d8:00:00:00/24", "00:00:00:00:00:01-00:00:00:00:00:09"}},
        {ConditionType::DstMac,
         {"ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00/0", "12:34:56:78:9a:bc/48"}},
        {ConditionType::EtherType, {"0x0806", "0-65535", "0x0800-0x0800"}},
        {ConditionType::SrcIp, {"10.0.0.1", "10.0.0.0/8", "0.0.0.0/0", "1.2.3.4-5.6.7.8"}},
        {ConditionType::DstIp, {"172.16.0.0/12", "10.0.0.5/32", "10.0.0.1-10.0.0.1"}},
        {ConditionType::Protocol, {"6", "0-255"}},
        {ConditionType::SrcPort, {"0", "1024-65535"}},
        {ConditionType::DstPort, {"80", "8000-8080"}},
        {ConditionType::TunnelKey, {"16777215", "0-100"}},
        {ConditionType::TcpFlags, {"S", "SA", "FSRPAUEC", "S/SA", "/R", "FA/FA"}},
    };
    for (const auto& [type, texts] : cases)
    {
        for (const char* text : texts)
        {
            const ConditionValue value = Parse(type, text);
            const std::string formatted = FormatConditionValue(type, value);
            std::string error;
            auto again = ParseConditionValue(type, formatted, error);
            ASSERT_TRUE(again.has_value()) << text << " -> \"" << formatted << "\": " << error;
            EXPECT_TRUE(*again == value) << text << " -> " << formatted;
            EXPECT_EQ(FormatConditionValue(type, *again), formatted);
        }
    }
}

TEST(ConditionTest, FormatRoundTripsNoFlagsAtAll)
{
    const ConditionValue none = Parse(ConditionType::TcpFlags, "/FSRPAUEC");
    EXPECT_TRUE(none.Contains(0));
    EXPECT_FALSE(none.Contains(TcpFlags::ACK));
    const std::string formatted = FormatConditionValue(ConditionType::TcpFlags, none);
    std::string error;
    auto again = ParseConditionValue(ConditionType::TcpFlags, formatted, error);
    ASSERT_TRUE(again.has_value()) << "\"" << formatted << "\": " << error;
    EXPECT_TRUE(*again == none);
}

TEST(ConditionTest, TcpFlagLettersFormatInWireOrder)
{
    EXPECT_EQ(FormatTcpFlags(0), "");
    EXPECT_EQ(FormatTcpFlags(TcpFlags::ACK | TcpFlags::SYN), "SA");
    EXPECT_EQ(FormatTcpFlags(TcpFlags::FIN | TcpFlags::ACK), "FA");
    EXPECT_EQ(FormatTcpFlags(0xff), "FSRPAUEC");
    EXPECT_EQ(ParseTcpFlags("cEuApRsF"), std::optional<uint8_t>(0xff));
    EXPECT_EQ(ParseTcpFlags("X"), std::nullopt);
    EXPECT_EQ(ParseTcpFlags("SS"), std::optional<uint8_t>(TcpFlags::SYN));
}

// ---- errors -----------------------------------------------------------------------------

struct BadValue
{
    ConditionType type;
    std::string text;
    std::vector<std::string> mentions; //!< substrings the error must contain
};

TEST(ConditionTest, BadValuesAreRejectedWithAMessageNamingValueAndExpectation)
{
    const std::string ipExpected = "expected an IPv4 address, prefix a.b.c.d/n (n <= 32)";
    const std::string macExpected = "expected a MAC address, prefix mac/n (n <= 48)";
    const std::string flagsExpected = "expected TCP flag letters from FSRPAUEC";
    const std::vector<BadValue> cases = {
        // empty text
        {ConditionType::DstIp, "", {"\"\"", "dst_ip", "empty", ipExpected}},
        {ConditionType::SrcPort, "", {"\"\"", "src_port", "empty", "expected a number"}},
        {ConditionType::TcpFlags, "", {"\"\"", "tcp_flags", "empty", flagsExpected}},
        // prefix too long
        {ConditionType::SrcIp,
         "10.0.0.0/33",
         {"\"10.0.0.0/33\"", "src_ip", "prefix length 33 exceeds 32", ipExpected}},
        {ConditionType::DstIp,
         "10.0.0.0/255",
         {"\"10.0.0.0/255\"", "prefix length 255 exceeds 32"}},
        {ConditionType::DstMac,
         "00:1d:d8:00:00:00/49",
         {"\"00:1d:d8:00:00:00/49\"", "dst_mac", "prefix length 49 exceeds 48", macExpected}},
        // malformed prefixes
        {ConditionType::SrcIp, "10.0.0.0/", {"\"10.0.0.0/\"", "malformed prefix", ipExpected}},
        {ConditionType::SrcIp, "10.0.0/8", {"\"10.0.0/8\"", "malformed prefix"}},
        {ConditionType::SrcIp, "10.0.0.0/256", {"\"10.0.0.0/256\"", "malformed prefix"}},
        // inverted ranges
        {ConditionType::SrcPort,
         "2047-1024",
         {"\"2047-1024\"", "src_port", "inverted", "0..65535"}},
        {ConditionType::DstIp,
         "10.0.0.9-10.0.0.1",
         {"\"10.0.0.9-10.0.0.1\"", "inverted", ipExpected}},
        {ConditionType::SrcMac,
         "00:00:00:00:00:02-00:00:00:00:00:01",
         {"\"00:00:00:00:00:02-00:00:00:00:00:01\"", "inverted", macExpected}},
        // prefixes only for addresses
        {ConditionType::DstPort,
         "80/8",
         {"\"80/8\"",
          "dst_port",
          "prefixes are only for IP and MAC",
          "expected a number or range lo-hi within 0..65535"}},
        {ConditionType::Protocol,
         "6/4",
         {"\"6/4\"", "protocol", "prefixes are only for IP and MAC", "0..255"}},
        {ConditionType::TunnelKey,
         "5/1",
         {"\"5/1\"", "tunnel_key", "prefixes are only", "0..16777215"}},
        {ConditionType::EtherType,
         "0x0800/8",
         {"\"0x0800/8\"", "ether_type", "prefixes are only", "0..65535"}},
        // ranges of TCP flags
        {ConditionType::TcpFlags,
         "S-A",
         {"\"S-A\"", "tcp_flags", "ranges of TCP flags", flagsExpected}},
        // masked flags
        {ConditionType::TcpFlags, "SA/S", {"\"SA/S\"", "outside the mask", flagsExpected}},
        {ConditionType::TcpFlags, "S/", {"\"S/\"", "unknown flag letter"}},
        {ConditionType::TcpFlags, "S/X", {"\"S/X\"", "unknown flag letter"}},
        {ConditionType::TcpFlags, "SYN", {"\"SYN\"", "malformed value", flagsExpected}},
        // out-of-width numbers
        {ConditionType::SrcPort, "65536", {"\"65536\"", "src_port", "malformed value", "0..65535"}},
        {ConditionType::DstPort, "80-65536", {"\"80-65536\"", "malformed range", "0..65535"}},
        {ConditionType::Protocol, "256", {"\"256\"", "protocol", "0..255"}},
        {ConditionType::TunnelKey, "16777216", {"\"16777216\"", "tunnel_key", "0..16777215"}},
        {ConditionType::TunnelKey, "0x1000000", {"\"0x1000000\"", "0..16777215"}},
        {ConditionType::EtherType, "0x10000", {"\"0x10000\"", "ether_type", "0..65535"}},
        {ConditionType::SrcIp,
         "256.0.0.1",
         {"\"256.0.0.1\"", "src_ip", "malformed value", ipExpected}},
        {ConditionType::SrcMac,
         "00:1d:d8:b7:1c:100",
         {"\"00:1d:d8:b7:1c:100\"", "src_mac", macExpected}},
        // not numbers at all
        {ConditionType::DstPort, "http", {"\"http\"", "malformed value"}},
        {ConditionType::SrcPort, "-80", {"\"-80\"", "malformed range"}},
        {ConditionType::DstIp, "10.0.0.1-", {"\"10.0.0.1-\"", "malformed range"}},
        {ConditionType::SrcMac, "00:1d:d8:b7:1c:01-", {"malformed range"}},
    };
    for (const BadValue& c : cases)
    {
        std::string error;
        auto value = ParseConditionValue(c.type, c.text, error);
        EXPECT_FALSE(value.has_value())
            << ConditionTypeName(c.type) << " \"" << c.text << "\" parsed";
        for (const std::string& mention : c.mentions)
        {
            EXPECT_NE(error.find(mention), std::string::npos)
                << ConditionTypeName(c.type) << " \"" << c.text << "\": error \"" << error
                << "\" does not mention \"" << mention << "\"";
        }
    }
}

// ---- reading fields ---------------------------------------------------------------------

TEST(ConditionTest, SelectGroupPicksOuterInnerInnermost)
{
    const HeaderStack one = PlainTcp();
    EXPECT_EQ(SelectGroup(one, HeaderSelector::Outer), std::optional<size_t>(0));
    EXPECT_EQ(SelectGroup(one, HeaderSelector::Inner), std::nullopt);
    EXPECT_EQ(SelectGroup(one, HeaderSelector::Innermost), std::optional<size_t>(0));
    HeaderStack three = MakeStack({VxlanGroup(1), VxlanGroup(2), TcpGroup(VM_IP, PEER_IP, 1, 2)});
    EXPECT_EQ(SelectGroup(three, HeaderSelector::Outer), std::optional<size_t>(0));
    EXPECT_EQ(SelectGroup(three, HeaderSelector::Inner), std::optional<size_t>(1));
    EXPECT_EQ(SelectGroup(three, HeaderSelector::Innermost), std::optional<size_t>(2));
    EXPECT_EQ(SelectGroup(HeaderStack{}, HeaderSelector::Outer), std::nullopt);
    EXPECT_EQ(SelectGroup(HeaderStack{}, HeaderSelector::Innermost), std::nullopt);
}

TEST(ConditionTest, ReadFieldReadsEveryTypeFromTheSelectedGroup)
{
    const HeaderStack stack = Vxlan();
    const auto outer = HeaderSelector::Outer;
    const auto inner = HeaderSelector::Inner;
    EXPECT_EQ(ReadField(stack, ConditionType::SrcMac, outer), std::optional<uint64_t>(0xaa));
    EXPECT_EQ(ReadField(stack, ConditionType::DstMac, inner), std::optional<uint64_t>(GW_MAC));
    EXPECT_EQ(ReadField(stack, ConditionType::EtherType, inner),
              std::optional<uint64_t>(ETHER_TYPE_IPV4));
    EXPECT_EQ(ReadField(stack, ConditionType::SrcIp, outer), std::optional<uint64_t>(HOST_IP));
    EXPECT_EQ(ReadField(stack, ConditionType::DstIp, inner), std::optional<uint64_t>(PEER_IP));
    EXPECT_EQ(ReadField(stack, ConditionType::Protocol, outer),
              std::optional<uint64_t>(IP_PROTOCOL_UDP));
    EXPECT_EQ(ReadField(stack, ConditionType::Protocol, inner),
              std::optional<uint64_t>(IP_PROTOCOL_TCP));
    EXPECT_EQ(ReadField(stack, ConditionType::SrcPort, outer), std::optional<uint64_t>(50000));
    EXPECT_EQ(ReadField(stack, ConditionType::DstPort, inner), std::optional<uint64_t>(80));
    EXPECT_EQ(ReadField(stack, ConditionType::TunnelKey, outer), std::optional<uint64_t>(5000));
    EXPECT_EQ(ReadField(stack, ConditionType::TcpFlags, inner),
              std::optional<uint64_t>(TcpFlags::SYN));
}

// ---- matching ---------------------------------------------------------------------------

TEST(ConditionTest, MatchesWhenAnyValueContainsTheField)
{
    const HeaderStack stack = PlainTcp(); // 10.0.0.1:40000 -> 10.0.1.2:80
    EXPECT_TRUE(Cond(ConditionType::DstPort, {"443", "80"}).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::DstPort, {"1-10", "79-81"}).Matches(stack));
    EXPECT_FALSE(Cond(ConditionType::DstPort, {"443", "8080", "81-90"}).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::DstIp, {"192.168.0.0/16", "10.0.1.0/24"}).Matches(stack));
    EXPECT_FALSE(Cond(ConditionType::DstIp, {"192.168.0.0/16", "10.0.2.0/24"}).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::SrcIp, {"10.0.0.1"}).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::SrcMac, {"00:1d:d8:00:00:00/24"}).Matches(stack));
    EXPECT_FALSE(Cond(ConditionType::DstMac, {"00:1d:d8:00:00:00/24"}).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::EtherType, {"0x0806", "0x0800"}).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::Protocol, {"6"}).Matches(stack));
    EXPECT_FALSE(Cond(ConditionType::Protocol, {"17"}).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::SrcPort, {"32768-65535"}).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::TcpFlags, {"S/SA"}).Matches(stack));
    EXPECT_FALSE(Cond(ConditionType::TcpFlags, {"SA"}).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::TcpFlags, {"SA", "S"}).Matches(stack));
    // No values: nothing to match.
    Condition empty;
    empty.type = ConditionType::DstPort;
    EXPECT_FALSE(empty.Matches(stack));
}

TEST(ConditionTest, OuterSelectorReadsTheOutermostGroup)
{
    const HeaderStack stack = Vxlan();
    // The outer group is the tunnel: its addresses, not the VM's.
    EXPECT_TRUE(Cond(ConditionType::DstIp, {"172.16.0.2"}).Matches(stack));
    EXPECT_FALSE(Cond(ConditionType::DstIp, {"10.0.1.2"}).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::DstPort, {"4789"}).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::TunnelKey, {"5000"}).Matches(stack));
    EXPECT_FALSE(Cond(ConditionType::TunnelKey, {"5001"}).Matches(stack));
    EXPECT_FALSE(Cond(ConditionType::TcpFlags, {"/R"}).Matches(stack)); // the outer group is UDP
}

TEST(ConditionTest, InnerAndInnermostSelectorsReadTheCarriedGroup)
{
    const HeaderStack stack = Vxlan();
    EXPECT_TRUE(Cond(ConditionType::DstIp, {"10.0.1.2"}, HeaderSelector::Inner).Matches(stack));
    EXPECT_FALSE(Cond(ConditionType::DstIp, {"172.16.0.2"}, HeaderSelector::Inner).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::DstPort, {"80"}, HeaderSelector::Innermost).Matches(stack));
    EXPECT_TRUE(Cond(ConditionType::TcpFlags, {"S"}, HeaderSelector::Innermost).Matches(stack));
    EXPECT_TRUE(
        Cond(ConditionType::SrcMac, {"00:1d:d8:00:00:01"}, HeaderSelector::Inner).Matches(stack));

    // Three groups: inner is the middle one, innermost the VM's.
    HeaderStack three =
        MakeStack({VxlanGroup(1), VxlanGroup(2), TcpGroup(VM_IP, PEER_IP, 40000, 80)});
    EXPECT_TRUE(Cond(ConditionType::TunnelKey, {"1"}).Matches(three));
    EXPECT_TRUE(Cond(ConditionType::TunnelKey, {"2"}, HeaderSelector::Inner).Matches(three));
    EXPECT_FALSE(Cond(ConditionType::TunnelKey, {"1"}, HeaderSelector::Inner).Matches(three));
    EXPECT_FALSE(
        Cond(ConditionType::TunnelKey, {"0-0xffffff"}, HeaderSelector::Innermost).Matches(three));
    EXPECT_TRUE(Cond(ConditionType::DstPort, {"80"}, HeaderSelector::Innermost).Matches(three));
    EXPECT_FALSE(Cond(ConditionType::DstPort, {"80"}, HeaderSelector::Inner).Matches(three));

    // On a one-group packet the innermost group is the outer one.
    EXPECT_TRUE(
        Cond(ConditionType::DstPort, {"80"}, HeaderSelector::Innermost).Matches(PlainTcp()));
}

TEST(ConditionTest, AbsentGroupOrFieldNeverMatches)
{
    const HeaderStack plain = PlainTcp();
    // No inner group: even a value covering the whole field does not match.
    EXPECT_FALSE(Cond(ConditionType::DstIp, {"0.0.0.0/0"}, HeaderSelector::Inner).Matches(plain));
    EXPECT_FALSE(
        Cond(ConditionType::EtherType, {"0-0xffff"}, HeaderSelector::Inner).Matches(plain));
    // No tunnel header in a plain packet.
    EXPECT_FALSE(Cond(ConditionType::TunnelKey, {"0-0xffffff"}).Matches(plain));

    // ICMP: no ports and no TCP flags.
    HeaderStack icmp = plain;
    icmp[0].ip.protocol = 1;
    icmp[0].l4 = L4Type::None;
    EXPECT_FALSE(Cond(ConditionType::SrcPort, {"0-65535"}).Matches(icmp));
    EXPECT_FALSE(Cond(ConditionType::DstPort, {"0-65535"}).Matches(icmp));
    EXPECT_FALSE(Cond(ConditionType::TcpFlags, {"/FSRPAUEC"}).Matches(icmp));
    EXPECT_TRUE(Cond(ConditionType::Protocol, {"1"}).Matches(icmp));

    // UDP: ports but no TCP flags.
    HeaderStack udp = plain;
    udp[0].ip.protocol = IP_PROTOCOL_UDP;
    udp[0].l4 = L4Type::Udp;
    udp[0].transport.tcpFlags = 0;
    EXPECT_TRUE(Cond(ConditionType::DstPort, {"80"}).Matches(udp));
    EXPECT_FALSE(Cond(ConditionType::TcpFlags, {"/S"}).Matches(udp));

    // ARP: MACs and EtherType, no IP fields.
    HeaderGroup arpGroup;
    arpGroup.hasEthernet = true;
    arpGroup.eth.src = VM_MAC;
    arpGroup.eth.dst = 0xffffffffffff;
    arpGroup.eth.etherType = ETHER_TYPE_ARP;
    const HeaderStack arp = MakeStack({arpGroup});
    EXPECT_TRUE(Cond(ConditionType::EtherType, {"0x0806"}).Matches(arp));
    EXPECT_TRUE(Cond(ConditionType::DstMac, {"ff:ff:ff:ff:ff:ff"}).Matches(arp));
    EXPECT_FALSE(Cond(ConditionType::SrcIp, {"0.0.0.0/0"}).Matches(arp));
    EXPECT_FALSE(Cond(ConditionType::Protocol, {"0-255"}).Matches(arp));

    // IP-in-IP inner group: no MACs, but it is IPv4 by construction.
    HeaderGroup ipip = VxlanGroup(0);
    ipip.ip.protocol = IP_PROTOCOL_IPIP;
    ipip.l4 = L4Type::None;
    ipip.tunnel = TunnelType::IpInIp;
    HeaderGroup carried = TcpGroup(VM_IP, PEER_IP, 40000, 80);
    carried.hasEthernet = false;
    const HeaderStack ipipStack = MakeStack({ipip, carried});
    EXPECT_FALSE(Cond(ConditionType::SrcMac, {"00:00:00:00:00:00/0"}, HeaderSelector::Inner)
                     .Matches(ipipStack));
    EXPECT_TRUE(
        Cond(ConditionType::EtherType, {"0x0800"}, HeaderSelector::Inner).Matches(ipipStack));
    EXPECT_FALSE(
        Cond(ConditionType::TunnelKey, {"0-0xffffff"}).Matches(ipipStack)); // no key in IP-in-IP
    EXPECT_TRUE(Cond(ConditionType::DstPort, {"80"}, HeaderSelector::Inner).Matches(ipipStack));
}

TEST(ConditionTest, MatchesAllIsAndAcrossConditions)
{
    const HeaderStack stack = Vxlan();
    const Condition vni = Cond(ConditionType::TunnelKey, {"5000"});
    const Condition web = Cond(ConditionType::DstPort, {"80", "443"}, HeaderSelector::Inner);
    const Condition vmSubnet = Cond(ConditionType::SrcIp, {"10.0.0.0/24"}, HeaderSelector::Inner);
    const Condition otherSubnet =
        Cond(ConditionType::SrcIp, {"10.0.9.0/24"}, HeaderSelector::Inner);
    EXPECT_TRUE(MatchesAll({vni, web, vmSubnet}, stack));
    EXPECT_FALSE(MatchesAll({vni, web, otherSubnet}, stack));
    EXPECT_FALSE(MatchesAll({otherSubnet, vni, web}, stack));
    EXPECT_TRUE(MatchesAll({web}, stack));
    EXPECT_FALSE(MatchesAll({web}, PlainTcp() /* no inner group */));
}

TEST(ConditionTest, EmptyConditionListMatchesEverything)
{
    EXPECT_TRUE(MatchesAll({}, PlainTcp()));
    EXPECT_TRUE(MatchesAll({}, Vxlan()));
    EXPECT_TRUE(MatchesAll({}, HeaderStack{}));
}

TEST(ConditionTest, ConditionEqualityComparesTypeHeaderAndValues)
{
    const Condition a = Cond(ConditionType::DstPort, {"80", "443"});
    EXPECT_TRUE(a == Cond(ConditionType::DstPort, {"80", "443"}));
    EXPECT_FALSE(a == Cond(ConditionType::DstPort, {"443", "80"}));
    EXPECT_FALSE(a == Cond(ConditionType::SrcPort, {"80", "443"}));
    EXPECT_FALSE(a == Cond(ConditionType::DstPort, {"80", "443"}, HeaderSelector::Inner));
}

// ---- property: Contains agrees with a plain reference -----------------------------------

/// Writes @p value of @p type as the text a user would.
std::string
ScalarText(ConditionType type, uint64_t value)
{
    char buffer[32];
    switch (type)
    {
        case ConditionType::SrcIp:
        case ConditionType::DstIp:
            std::snprintf(buffer,
                          sizeof buffer,
                          "%u.%u.%u.%u",
                          unsigned(value >> 24),
                          unsigned((value >> 16) & 0xff),
                          unsigned((value >> 8) & 0xff),
                          unsigned(value & 0xff));
            return buffer;
        case ConditionType::SrcMac:
        case ConditionType::DstMac:
            std::snprintf(buffer,
                          sizeof buffer,
                          "%02x:%02x:%02x:%02x:%02x:%02x",
                          unsigned((value >> 40) & 0xff),
                          unsigned((value >> 32) & 0xff),
                          unsigned((value >> 24) & 0xff),
                          unsigned((value >> 16) & 0xff),
                          unsigned((value >> 8) & 0xff),
                          unsigned(value & 0xff));
            return buffer;
        case ConditionType::TcpFlags:
        {
            std::string letters;
            for (int bit = 0; bit < 8; ++bit)
            {
                if (value & (1u << bit))
                {
                    letters += "FSRPAUEC"[bit];
                }
            }
            return letters;
        }
        default:
            return std::to_string(value);
    }
}

/// Puts @p value into the field @p type reads, in the outer group of @p stack.
void
WriteField(HeaderStack& stack, ConditionType type, uint64_t value)
{
    HeaderGroup& group = stack[0];
    switch (type)
    {
        case ConditionType::SrcMac:
            group.eth.src = value;
            break;
        case ConditionType::DstMac:
            group.eth.dst = value;
            break;
        case ConditionType::EtherType:
            group.eth.etherType = static_cast<uint16_t>(value);
            break;
        case ConditionType::SrcIp:
            group.ip.src = static_cast<uint32_t>(value);
            break;
        case ConditionType::DstIp:
            group.ip.dst = static_cast<uint32_t>(value);
            break;
        case ConditionType::Protocol:
            group.ip.protocol = static_cast<uint8_t>(value);
            break;
        case ConditionType::SrcPort:
            group.transport.srcPort = static_cast<uint16_t>(value);
            break;
        case ConditionType::DstPort:
            group.transport.dstPort = static_cast<uint16_t>(value);
            break;
        case ConditionType::TunnelKey:
            group.tunnelKey = static_cast<uint32_t>(value);
            break;
        case ConditionType::TcpFlags:
            group.transport.tcpFlags = static_cast<uint8_t>(value);
            break;
    }
}

TEST(ConditionTest, PropertyContainsAgreesWithAReference)
{
    std::mt19937_64 rng(5301);
    auto uniform = [&rng](uint64_t lo, uint64_t hi)
    { return std::uniform_int_distribution<uint64_t>(lo, hi)(rng); };
    int prefixes = 0;
    int ranges = 0;
    int masks = 0;
    int matched = 0;
    for (int i = 0; i < 20000; ++i)
    {
        const ConditionType type = ALL_TYPES[uniform(0, ALL_TYPES.size() - 1)];
        const unsigned width = type == ConditionType::SrcMac || type == ConditionType::DstMac ? 48
                               : type == ConditionType::SrcIp || type == ConditionType::DstIp ? 32
                               : type == ConditionType::TunnelKey                             ? 24
                               : type == ConditionType::EtherType ||
                                       type == ConditionType::SrcPort ||
                                       type == ConditionType::DstPort
                                   ? 16
                                   : 8;
        const uint64_t max = (uint64_t(1) << width) - 1;
        const bool isAddress = width >= 32;

        // A random value and the reference predicate for it.
        std::string text;
        std::function<bool(uint64_t)> reference;
        std::vector<uint64_t> edges;
        const uint64_t a = uniform(0, max);
        const uint64_t kind = uniform(0, 2);
        if (type == ConditionType::TcpFlags)
        {
            uint64_t mask = kind == 0 ? 0xff : uniform(1, 0xff);
            const uint64_t flags = a & mask;
            if (flags == 0 && mask == 0xff)
            {
                mask =
                    0x7f; // "no flag at all" does not round-trip (see FormatRoundTripsNoFlagsAtAll)
            }
            text = ScalarText(type, flags) +
                   (mask == 0xff && flags != 0 ? "" : "/" + ScalarText(type, mask));
            reference = [flags, mask](uint64_t x) { return (x & mask) == flags; };
            edges = {flags, flags | (~mask & 0xff), flags ^ 0x01, flags ^ 0x12};
            ++masks;
        }
        else if (isAddress && kind == 0)
        {
            const unsigned length = static_cast<unsigned>(uniform(0, width));
            text = ScalarText(type, a) + "/" + std::to_string(length);
            const unsigned shift = width - length;
            reference = [a, shift](uint64_t x)
            { return shift >= 64 || (x >> shift) == (a >> shift); };
            const uint64_t base = shift >= 64 ? 0 : (a >> shift) << shift;
            const uint64_t top = shift >= 64 ? max : base | ((uint64_t(1) << shift) - 1);
            edges = {base, top, base - 1, top + 1, a};
            ++prefixes;
        }
        else if (kind == 1)
        {
            const uint64_t b = uniform(0, max);
            const uint64_t lo = std::min(a, b);
            const uint64_t hi = std::max(a, b);
            text = ScalarText(type, lo) + "-" + ScalarText(type, hi);
            reference = [lo, hi](uint64_t x) { return lo <= x && x <= hi; };
            edges = {lo, hi, lo - 1, hi + 1};
            ++ranges;
        }
        else
        {
            text = ScalarText(type, a);
            reference = [a](uint64_t x) { return x == a; };
            edges = {a, a - 1, a + 1};
        }

        std::string error;
        auto value = ParseConditionValue(type, text, error);
        ASSERT_TRUE(value.has_value()) << ConditionTypeName(type)
                                       << " "
                                          " << text << "
                                          ": "
                                       << error;

        // Fields: the edges of the value (within the width) and random ones.
        std::vector<uint64_t> fields;
        for (uint64_t edge : edges)
        {
            if (edge <= max)
            {
                fields.push_back(edge);
            }
        }
        for (int k = 0; k < 4; ++k)
        {
            fields.push_back(uniform(0, max));
        }

        // A packet that has every field: [eth ipv4 udp(4789) vxlan] [eth ipv4 tcp], read as
        // the outer group, but with TCP so that tcp_flags exist (VXLAN key stays readable).
        HeaderStack stack = Vxlan();
        stack[0].ip.protocol = IP_PROTOCOL_TCP;
        stack[0].l4 = L4Type::Tcp;
        Condition condition;
        condition.type = type;
        condition.values = {*value};
        for (uint64_t field : fields)
        {
            const bool expected = reference(field);
            EXPECT_EQ(value->Contains(field), expected) << ConditionTypeName(type)
                                                        << " "
                                                           " << text << "
                                                           " field "
                                                        << field;
            WriteField(stack, type, field);
            EXPECT_EQ(condition.Matches(stack), expected) << ConditionTypeName(type)
                                                          << " "
                                                             " << text << "
                                                             " field "
                                                          << field;
            matched += expected;
        }
        // Formatting keeps the meaning.
        auto again = ParseConditionValue(type, FormatConditionValue(type, *value), error);
        ASSERT_TRUE(again.has_value()) << text << ": " << error;
        EXPECT_TRUE(*again == *value) << text;
    }
    EXPECT_GT(prefixes, 1000);
    EXPECT_GT(ranges, 3000);
    EXPECT_GT(masks, 1000);
    EXPECT_GT(matched, 20000);
}

} // namespace
} // namespace vfp
