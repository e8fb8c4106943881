/*
 * Tests of packet/addresses.h: the textual forms of IPv4 and MAC addresses and of
 * unsigned numbers that conditions, headers and transpositions are written in.
 */
#include "engine/packet/addresses.h"

#include <gtest/gtest.h>
#include <random>

namespace vfp
{
namespace
{

TEST(AddressesTest, ParseIpv4ReadsDottedQuadInHostOrder)
{
    EXPECT_EQ(ParseIpv4("10.0.0.1"), std::optional<uint32_t>(0x0a000001));
    EXPECT_EQ(ParseIpv4("192.168.1.254"), std::optional<uint32_t>(0xc0a801fe));
    EXPECT_EQ(ParseIpv4("0.0.0.0"), std::optional<uint32_t>(0));
    EXPECT_EQ(ParseIpv4("255.255.255.255"), std::optional<uint32_t>(0xffffffff));
}

TEST(AddressesTest, ParseIpv4RejectsAnythingButFourOctets)
{
    for (const char* text : {"",
                             "10.0.0",
                             "10.0.0.1.2",
                             "10.0.0.256",
                             "256.0.0.1",
                             "10..0.1",
                             "10.0.0.",
                             ".10.0.0",
                             "10.0.0.1 ",
                             " 10.0.0.1",
                             "10.0.0.-1",
                             "10.0.0.x",
                             "1000.0.0.1",
                             "10,0,0,1"})
    {
        EXPECT_EQ(ParseIpv4(text), std::nullopt) << "\"" << text << "\"";
    }
}

TEST(AddressesTest, FormatIpv4WritesDottedQuad)
{
    EXPECT_EQ(FormatIpv4(0x0a000001), "10.0.0.1");
    EXPECT_EQ(FormatIpv4(0xc0a801fe), "192.168.1.254");
    EXPECT_EQ(FormatIpv4(0), "0.0.0.0");
    EXPECT_EQ(FormatIpv4(0xffffffff), "255.255.255.255");
}

TEST(AddressesTest, ParseMacReadsSixHexOctets)
{
    EXPECT_EQ(ParseMac("00:1d:d8:b7:1c:01"), std::optional<uint64_t>(0x001dd8b71c01));
    EXPECT_EQ(ParseMac("FF:ff:Ff:00:00:0A"), std::optional<uint64_t>(0xffffff00000a));
    EXPECT_EQ(ParseMac("00:00:00:00:00:00"), std::optional<uint64_t>(0));
}

TEST(AddressesTest, ParseMacRejectsMalformedText)
{
    for (const char* text : {"",
                             "00:1d:d8:b7:1c",
                             "00:1d:d8:b7:1c:01:02",
                             "00-1d-d8-b7-1c-01",
                             "00:1d:d8:b7:1c:0g",
                             "0:1d:d8:b7:1c:011",
                             "00:1d:d8:b7:1c:1",
                             "001d.d8b7.1c01"})
    {
        EXPECT_EQ(ParseMac(text), std::nullopt) << "\"" << text << "\"";
    }
}

TEST(AddressesTest, FormatMacWritesLowerCaseOctetsOfTheLow48Bits)
{
    EXPECT_EQ(FormatMac(0x001dd8b71c01), "00:1d:d8:b7:1c:01");
    EXPECT_EQ(FormatMac(0xABCDEF012345), "ab:cd:ef:01:23:45");
    EXPECT_EQ(FormatMac(0xffff000000000001), "00:00:00:00:00:01");
}

TEST(AddressesTest, ParseUnsignedReadsDecimalAndHexUpToMax)
{
    EXPECT_EQ(ParseUnsigned("0", 10), std::optional<uint64_t>(0));
    EXPECT_EQ(ParseUnsigned("65535", 0xffff), std::optional<uint64_t>(65535));
    EXPECT_EQ(ParseUnsigned("0x0800", 0xffff), std::optional<uint64_t>(0x800));
    EXPECT_EQ(ParseUnsigned("0XfF", 0xff), std::optional<uint64_t>(0xff));
    EXPECT_EQ(ParseUnsigned("18446744073709551615", UINT64_MAX),
              std::optional<uint64_t>(UINT64_MAX));
}

TEST(AddressesTest, ParseUnsignedRejectsOutOfRangeAndMalformedNumbers)
{
    EXPECT_EQ(ParseUnsigned("65536", 0xffff), std::nullopt);
    EXPECT_EQ(ParseUnsigned("0x10000", 0xffff), std::nullopt);
    EXPECT_EQ(ParseUnsigned("18446744073709551616", UINT64_MAX), std::nullopt);
    EXPECT_EQ(ParseUnsigned("", 10), std::nullopt);
    EXPECT_EQ(ParseUnsigned("0x", 10), std::nullopt);
    EXPECT_EQ(ParseUnsigned("-1", 10), std::nullopt);
    EXPECT_EQ(ParseUnsigned("+1", 10), std::nullopt);
    EXPECT_EQ(ParseUnsigned("12a", 1000), std::nullopt);
    EXPECT_EQ(ParseUnsigned(" 1", 10), std::nullopt);
}

TEST(AddressesTest, FormatAndParseRoundTripForRandomAddresses)
{
    std::mt19937 rng(20170327);
    for (int i = 0; i < 2000; ++i)
    {
        const uint32_t ip = static_cast<uint32_t>(rng());
        EXPECT_EQ(ParseIpv4(FormatIpv4(ip)), std::optional<uint32_t>(ip)) << ip;
        const uint64_t mac = ((uint64_t(rng()) << 32) | rng()) & 0xffffffffffff;
        EXPECT_EQ(ParseMac(FormatMac(mac)), std::optional<uint64_t>(mac)) << mac;
    }
}

} // namespace
} // namespace vfp
