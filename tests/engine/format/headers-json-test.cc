/*
 * The JSON header stack: a flat list parsed into header groups; truncated or
 * inconsistent stacks are refused naming the header; writing and reading round-trips.
 */
#include "../test-support.h"
#include "engine/format/headers-json.h"
#include "engine/format/transposition-json.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace test;

HeaderStack
Read(const std::string& text, uint32_t payload = 0)
{
    return ReadHeaderStack(Json::parse(text), "headers", payload);
}

std::string
ReadError(const std::string& text)
{
    try
    {
        Read(text);
    }
    catch (const PolicyError& error)
    {
        return error.what();
    }
    return "";
}

TEST(HeadersJson, FlatListBecomesHeaderGroups)
{
    HeaderStack stack = Read(R"([{"eth":{"src":"00:00:00:ff:00:01","dst":"00:00:00:aa:00:01"}},
        {"ipv4":{"src":"192.168.0.2","dst":"192.168.0.1"}}, {"udp":{"sport":50000,"dport":4789}},
        {"vxlan":{"vni":5001}}, {"eth":{"src":"12:34:56:78:9a:bc","dst":"00:1d:d8:00:00:01"}},
        {"ipv4":{"src":"10.0.0.2","dst":"10.0.0.1","ttl":63}}, {"tcp":{"sport":"80","dport":40000,"flags":"SA","seq":5,"ack":"0x10"}}])",
                             100);
    HeaderStack expected = Packet()
                               .Eth("00:00:00:ff:00:01", "00:00:00:aa:00:01")
                               .Ipv4("192.168.0.2", "192.168.0.1")
                               .Udp(50000, VXLAN_UDP_PORT)
                               .Vxlan(5001)
                               .Eth(GW_MAC, VM_MAC)
                               .Ipv4("10.0.0.2", "10.0.0.1")
                               .Tcp(80, 40000, "SA", 5, 16)
                               .Payload(100);
    expected[1].ip.ttl = 63;
    EXPECT_EQ(stack, expected);
}

TEST(HeadersJson, IpInIpAndNvgre)
{
    HeaderStack ipip = Read(R"([{"eth":{"src":"00:00:00:ff:00:01","dst":"00:00:00:aa:00:01"}},
        {"ipv4":{"src":"192.168.100.1","dst":"192.168.0.1"}}, {"ipv4":{"src":"198.51.100.7","dst":"203.0.113.10"}},
        {"tcp":{"sport":40000,"dport":80}}])");
    ASSERT_EQ(ipip.count, 2);
    EXPECT_EQ(ipip[0].tunnel, TunnelType::IpInIp);
    EXPECT_EQ(ipip[0].ip.protocol, IP_PROTOCOL_IPIP);
    EXPECT_FALSE(ipip[1].hasEthernet);

    HeaderStack nvgre = Read(R"([{"eth":{"src":"00:00:00:ff:00:01","dst":"00:00:00:aa:00:01"}},
        {"ipv4":{"src":"192.168.0.2","dst":"192.168.0.1"}}, {"gre":{"key":77}},
        {"eth":{"src":"12:34:56:78:9a:bc","dst":"00:1d:d8:00:00:01"}}, {"ipv4":{"src":"10.0.0.2","dst":"10.0.0.1","proto":1}}])");
    ASSERT_EQ(nvgre.count, 2);
    EXPECT_EQ(nvgre[0].tunnel, TunnelType::Nvgre);
    EXPECT_EQ(nvgre[0].tunnelKey, 77u);
    EXPECT_EQ(nvgre[1].ip.protocol, 1);
}

TEST(HeadersJson, WriteThenReadRoundTrips)
{
    HeaderStack stack = Packet()
                            .Eth("00:00:00:ff:00:01", "00:00:00:aa:00:01")
                            .Ipv4("192.168.100.1", "192.168.0.1")
                            .Ipv4("198.51.100.7", "203.0.113.10")
                            .Udp(53, 5353)
                            .Payload(12);
    EXPECT_EQ(ReadHeaderStack(WriteHeaderStack(stack), "headers", 12), stack);
}

TEST(HeadersJson, TruncatedAndInconsistentStacksAreRefused)
{
    const std::string eth = R"({"eth":{"src":"00:00:00:00:00:01","dst":"00:00:00:00:00:02"}})";
    const std::string ip = R"({"ipv4":{"src":"10.0.0.1","dst":"10.0.0.2"}})";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[" + eth + R"(,{"ipv4":{"src":"10.0.0.1","dst":"10.0.0.2","proto":6}}])",
         "headers: group 0: ipv4 protocol 6 announces a tcp header, but none follows (truncated)"},
        {"[" + eth + "]",
         "headers: group 0: eth type 0x0800 announces an ipv4 header, but none follows "
         "(truncated)"},
        {"[" + eth + "," + ip + R"(,{"udp":{"sport":1,"dport":4789}},{"vxlan":{"vni":1}}])",
         "the tunnel header carries no inner group (truncated)"},
        {"[" + eth + "," + ip + R"(,{"udp":{"sport":1,"dport":4789}}])",
         "udp to port 4789 must carry a vxlan header"},
        {"[" + ip + R"(,{"tcp":{"sport":1,"dport":2}}])",
         "group 0: the outermost group needs an eth header"},
        {"[" + eth + "," + ip + R"(,{"tcp":{"sport":1,"dport":2}},{"udp":{"sport":1,"dport":2}}])",
         "headers[3]: a udp header follows an ipv4 header in its group"},
        {"[" + eth + "," + ip + R"(,{"tcp":{"sport":1}}])",
         R"(headers[2].tcp: the required field "dport" is missing)"},
        {"[" + eth + "," + ip + R"(,{"tcp":{"sport":1,"dport":2,"flags":"SX"}}])",
         "headers[2].tcp.flags: expected TCP flag letters"},
        {"[" + eth + "," + ip + R"(,{"sctp":{"sport":1,"dport":2}}])",
         R"(headers[2]: unknown header "sctp")"},
        {"[" + eth + R"(,{"ipv4":{"src":"10.0.0.1","dst":"10.0.0.2","color":"red"}}])",
         "headers[1].ipv4.color: unknown field"},
        {"[]", "headers: expected a non-empty list of headers"},
        {"[" + eth + "," + eth + "]", "headers[1]: eth starts a group"},
        {"[" + eth + "," + ip + R"(,{"gre":{"key":16777216}}])",
         "headers[2].gre.key: expected a whole number from 0 to 16777215"},
    };
    for (const auto& [text, expected] : cases)
    {
        const std::string error = ReadError(text);
        EXPECT_NE(error.find(expected), std::string::npos)
            << "input: " << text << "\nerror: " << error << "\nexpected: " << expected;
    }
}

TEST(TranspositionJson, WriteThenReadRoundTrips)
{
    HeaderStack from = Packet().Eth(VM_MAC, GW_MAC).Ipv4("10.0.0.1", "10.0.0.2").Tcp(1, 2);
    HeaderStack to = Packet()
                         .Eth("00:00:00:aa:00:01", "00:00:00:ff:00:01")
                         .Ipv4("192.168.0.1", "192.168.0.2")
                         .Udp(50000, VXLAN_UDP_PORT)
                         .Vxlan(5)
                         .Eth(VM_MAC, "02:00:00:00:00:09")
                         .Ipv4("10.0.0.1", "10.9.9.9")
                         .Tcp(1, 8080);
    HeaderTransposition ht = HeaderTransposition::Between(from, to);
    EXPECT_EQ(ReadTransposition(WriteTransposition(ht), "ht"), ht);
    HeaderTransposition back = HeaderTransposition::Between(to, from);
    EXPECT_EQ(ReadTransposition(WriteTransposition(back), "ht"), back);
}

} // namespace
} // namespace vfp
