/*
 * The codec between ns-3 packets and the engine's header stacks: real ns-3 headers in,
 * the same bytes out when nothing changes, the engine's rewrites applied to real packets
 * (NAT, VXLAN, NVGRE, IP-in-IP, decap), checksums right, and refusal of truncated input.
 */
#include "engine/pipeline/port.h"
#include "ns3/boolean.h"
#include "ns3/ethernet-header.h"
#include "ns3/global-value.h"
#include "ns3/ipv4-header.h"
#include "ns3/node.h"
#include "ns3/tcp-header.h"
#include "ns3/udp-header.h"
#include "ns3/vfp-packet-codec.h"

#include <gtest/gtest.h>

namespace ns3
{
namespace
{

const Mac48Address VM("00:1d:d8:00:00:01");
const Mac48Address GW("12:34:56:78:9a:bc");

/// A TCP segment as a VM sends it, without its Ethernet header; window and options set
/// so that preserving them can be checked.
Ptr<Packet>
TcpSegment(const char* src, const char* dst, uint16_t sport, uint16_t dport, uint32_t payload = 100)
{
    Ptr<Packet> packet = Create<Packet>(payload);
    TcpHeader tcp;
    tcp.SetSourcePort(sport);
    tcp.SetDestinationPort(dport);
    tcp.SetFlags(TcpHeader::ACK | TcpHeader::PSH);
    tcp.SetSequenceNumber(SequenceNumber32(1000));
    tcp.SetAckNumber(SequenceNumber32(2000));
    tcp.SetWindowSize(4321);
    packet->AddHeader(tcp);
    Ipv4Header ip;
    ip.SetSource(Ipv4Address(src));
    ip.SetDestination(Ipv4Address(dst));
    ip.SetProtocol(6);
    ip.SetTtl(63);
    ip.SetIdentification(777);
    ip.SetPayloadSize(packet->GetSize());
    packet->AddHeader(ip);
    return packet;
}

std::vector<uint8_t>
Bytes(Ptr<const Packet> packet)
{
    std::vector<uint8_t> bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    return bytes;
}

/// Runs the engine on a decoded packet through a one-rule port and encodes the result.
struct Rewritten
{
    VfpPacketCodec::Decoded decoded;
    vfp::ProcessResult result;
    Ptr<Packet> packet;
};

Rewritten
Rewrite(Ptr<Packet> frame,
        Mac48Address src,
        Mac48Address dst,
        vfp::Direction direction,
        const vfp::ActionSpec& action)
{
    Rewritten out;
    std::string error;
    EXPECT_TRUE(VfpPacketCodec::Decode(frame, src, dst, 0x0800, out.decoded, error)) << error;
    vfp::PortSpec spec;
    spec.name = "vm";
    spec.mac = VfpPacketCodec::FromMac(VM);
    vfp::LayerSpec layer;
    layer.name = "l";
    vfp::GroupSpec group;
    group.name = "g";
    group.direction = direction;
    vfp::RuleSpec rule;
    rule.id = "r";
    rule.action = action;
    group.rules.push_back(rule);
    layer.groups.push_back(group);
    spec.layers.push_back(layer);
    vfp::Port port(spec);
    out.result = port.Process(direction, out.decoded.stack, 0);
    EXPECT_EQ(out.result.verdict, vfp::Verdict::Allow);
    out.packet = VfpPacketCodec::Encode(out.decoded, out.result.ht, out.result.packet);
    return out;
}

/// Decodes @p packet (as received after the outer Ethernet header) and expects @p stack.
void
ExpectDecodesTo(Ptr<Packet> packet, const vfp::HeaderStack& stack)
{
    VfpPacketCodec::Decoded decoded;
    std::string error;
    ASSERT_TRUE(VfpPacketCodec::Decode(packet,
                                       VfpPacketCodec::ToMac(stack[0].eth.src),
                                       VfpPacketCodec::ToMac(stack[0].eth.dst),
                                       stack[0].eth.etherType,
                                       decoded,
                                       error))
        << error;
    EXPECT_EQ(decoded.stack, stack);
}

TEST(VfpPacketCodec, DecodesATcpFrame)
{
    VfpPacketCodec::Decoded decoded;
    std::string error;
    ASSERT_TRUE(VfpPacketCodec::Decode(
        TcpSegment("10.0.0.1", "10.0.0.2", 40000, 80), VM, GW, 0x0800, decoded, error))
        << error;
    const vfp::HeaderStack& stack = decoded.stack;
    ASSERT_EQ(stack.count, 1);
    EXPECT_EQ(stack[0].eth.src, VfpPacketCodec::FromMac(VM));
    EXPECT_EQ(stack[0].ip.src, Ipv4Address("10.0.0.1").Get());
    EXPECT_EQ(stack[0].ip.ttl, 63);
    EXPECT_EQ(stack[0].transport.dstPort, 80);
    EXPECT_EQ(stack[0].transport.tcpFlags, vfp::TcpFlags::ACK | vfp::TcpFlags::PSH);
    EXPECT_EQ(stack[0].transport.seq, 1000u);
    EXPECT_EQ(stack.payloadBytes, 100u);
}

TEST(VfpPacketCodec, AnUnchangedPacketIsByteForByteTheSame)
{
    Ptr<Packet> frame = TcpSegment("10.0.0.1", "10.0.0.2", 40000, 80);
    Rewritten out = Rewrite(frame, VM, GW, vfp::Direction::Outbound, vfp::ActionSpec{});
    EXPECT_EQ(Bytes(out.packet), Bytes(frame));
}

TEST(VfpPacketCodec, NatRewritesTheRealHeadersAndKeepsTheRest)
{
    vfp::ActionSpec nat;
    nat.type = vfp::ActionType::Nat;
    nat.srcIp = Ipv4Address("203.0.113.10").Get();
    nat.srcPort = 1024;
    Rewritten out = Rewrite(
        TcpSegment("10.0.0.1", "198.51.100.1", 40000, 443), VM, GW, vfp::Direction::Outbound, nat);
    Ipv4Header ip;
    out.packet->RemoveHeader(ip);
    EXPECT_EQ(ip.GetSource(), Ipv4Address("203.0.113.10"));
    EXPECT_EQ(ip.GetIdentification(), 777) << "fields the engine does not model survive";
    TcpHeader tcp;
    out.packet->RemoveHeader(tcp);
    EXPECT_EQ(tcp.GetSourcePort(), 1024);
    EXPECT_EQ(tcp.GetWindowSize(), 4321);
    EXPECT_EQ(out.packet->GetSize(), 100u);
}

TEST(VfpPacketCodec, VxlanEncapBuildsARealTunnelThatDecodesBack)
{
    vfp::ActionSpec encap;
    encap.type = vfp::ActionType::Encap;
    encap.format = vfp::TunnelType::Vxlan;
    encap.key = 5001;
    encap.srcIp = Ipv4Address("192.168.0.1").Get();
    encap.dstIp = Ipv4Address("192.168.0.2").Get();
    encap.srcMac = VfpPacketCodec::FromMac(Mac48Address("00:00:00:aa:00:01"));
    encap.dstMac = VfpPacketCodec::FromMac(Mac48Address("00:00:00:ff:00:01"));
    Ptr<Packet> frame = TcpSegment("10.0.0.1", "10.0.0.2", 40000, 80);
    Rewritten out = Rewrite(frame, VM, GW, vfp::Direction::Outbound, encap);
    EXPECT_EQ(out.packet->GetSize(), frame->GetSize() + 50)
        << "outer IP, UDP, VXLAN and the inner Ethernet header";
    ExpectDecodesTo(out.packet, out.result.packet);
    // The innermost bytes are the original segment.
    Ipv4Header outerIp;
    UdpHeader udp;
    VxlanHeader vxlan;
    EthernetHeader innerEth(false);
    out.packet->RemoveHeader(outerIp);
    out.packet->RemoveHeader(udp);
    out.packet->RemoveHeader(vxlan);
    out.packet->RemoveHeader(innerEth);
    EXPECT_EQ(vxlan.GetVni(), 5001u);
    EXPECT_EQ(udp.GetDestinationPort(), 4789);
    EXPECT_EQ(innerEth.GetSource(), VM);
    EXPECT_EQ(Bytes(out.packet), Bytes(frame));
}

TEST(VfpPacketCodec, DecapOfNvgreAndIpInIpGivesTheInnerPacket)
{
    for (vfp::TunnelType tunnel : {vfp::TunnelType::Nvgre, vfp::TunnelType::IpInIp})
    {
        vfp::ActionSpec encap;
        encap.type = vfp::ActionType::Encap;
        encap.format = tunnel;
        encap.key = 77;
        encap.srcIp = Ipv4Address("192.168.0.1").Get();
        encap.dstIp = Ipv4Address("192.168.0.2").Get();
        Ptr<Packet> frame = TcpSegment("10.0.0.1", "10.0.0.2", 40000, 80);
        Rewritten tunnelled = Rewrite(frame, VM, GW, vfp::Direction::Outbound, encap);
        ExpectDecodesTo(tunnelled.packet, tunnelled.result.packet);
        vfp::ActionSpec decap;
        decap.type = vfp::ActionType::Decap;
        Rewritten back = Rewrite(tunnelled.packet, VM, GW, vfp::Direction::Inbound, decap);
        EXPECT_EQ(Bytes(back.packet), Bytes(frame)) << "tunnel " << int(tunnel);
    }
}

TEST(VfpPacketCodec, ChecksumsAreRightWhenEnabled)
{
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    vfp::ActionSpec nat;
    nat.type = vfp::ActionType::Nat;
    nat.dstIp = Ipv4Address("10.9.9.9").Get();
    Ptr<Packet> frame = TcpSegment("10.0.0.1", "10.0.0.2", 40000, 80);
    Rewritten out = Rewrite(frame, VM, GW, vfp::Direction::Outbound, nat);
    Ipv4Header ip;
    ip.EnableChecksum();
    out.packet->RemoveHeader(ip);
    EXPECT_TRUE(ip.IsChecksumOk());
    TcpHeader tcp;
    tcp.EnableChecksums();
    tcp.InitializeChecksum(ip.GetSource(), ip.GetDestination(), 6);
    out.packet->RemoveHeader(tcp);
    EXPECT_TRUE(tcp.IsChecksumOk());
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(false));
}

TEST(VfpPacketCodec, TruncatedAndUnsupportedPacketsAreRefusedWithAReason)
{
    auto refuse = [](Ptr<Packet> packet, const std::string& expected)
    {
        VfpPacketCodec::Decoded decoded;
        std::string error;
        EXPECT_FALSE(VfpPacketCodec::Decode(packet, VM, GW, 0x0800, decoded, error));
        EXPECT_NE(error.find(expected), std::string::npos) << "error: " << error;
    };
    refuse(Create<Packet>(10), "truncated IPv4 header");

    Ptr<Packet> shortTcp = Create<Packet>(8);
    Ipv4Header ip;
    ip.SetProtocol(6);
    ip.SetPayloadSize(8);
    shortTcp->AddHeader(ip);
    refuse(shortTcp, "truncated TCP header");

    Ptr<Packet> lying = Create<Packet>(30);
    ip.SetPayloadSize(500);
    lying->AddHeader(ip);
    refuse(lying, "truncated IPv4 payload");

    Ptr<Packet> vxlanNoInner = Create<Packet>(0);
    VxlanHeader vxlan;
    vxlanNoInner->AddHeader(vxlan);
    UdpHeader udp;
    udp.SetDestinationPort(4789);
    vxlanNoInner->AddHeader(udp);
    Ipv4Header outer;
    outer.SetProtocol(17);
    outer.SetPayloadSize(vxlanNoInner->GetSize());
    vxlanNoInner->AddHeader(outer);
    refuse(vxlanNoInner, "truncated inner Ethernet header");

    Ptr<Packet> plainGre = Create<Packet>(8);
    Ipv4Header greIp;
    greIp.SetProtocol(47);
    greIp.SetPayloadSize(8);
    plainGre->AddHeader(greIp);
    refuse(plainGre, "GRE other than NVGRE");
}

/// An IPv4 packet carrying a TCP header whose options are @p options (a multiple of 4
/// bytes), as raw bytes: ns-3's TcpHeader could not write the malformed ones.
Ptr<Packet>
RawTcp(const std::vector<uint8_t>& options)
{
    std::vector<uint8_t> tcp(20, 0);
    tcp[12] = static_cast<uint8_t>(((20 + options.size()) / 4) << 4);
    tcp[13] = 0x10; // ACK
    tcp.insert(tcp.end(), options.begin(), options.end());
    Ptr<Packet> packet = Create<Packet>(tcp.data(), tcp.size());
    Ipv4Header ip;
    ip.SetProtocol(6);
    ip.SetPayloadSize(packet->GetSize());
    packet->AddHeader(ip);
    return packet;
}

/// Issue 12: ns-3's TcpHeader::Deserialize looped forever on an option of length 0,
/// aborted on an MSS option of another length than 4, and read a SACK option longer than
/// the header past its end. The codec checks the option bytes before ns-3 sees them.
TEST(VfpPacketCodec, MalformedTcpOptionsNeverReachNs3)
{
    auto decode = [](const std::vector<uint8_t>& options, std::string& error)
    {
        VfpPacketCodec::Decoded decoded;
        return VfpPacketCodec::Decode(RawTcp(options), VM, GW, 0x0800, decoded, error);
    };
    auto refuse = [&decode](const std::vector<uint8_t>& options, const std::string& expected)
    {
        std::string error;
        EXPECT_FALSE(decode(options, error));
        EXPECT_NE(error.find(expected), std::string::npos) << "error: " << error;
    };
    refuse({99, 0, 0, 0}, "TCP option shorter than 2 bytes");
    refuse({1, 1, 1, 30}, "truncated TCP option");
    refuse({2, 3, 0, 0}, "TCP option with a wrong length for its kind");
    refuse({2, 8, 0, 0, 0, 0, 0, 0}, "TCP option with a wrong length for its kind");
    refuse({5, 34, 0, 0}, "TCP option longer than its header");
    refuse({5, 7, 0, 0, 0, 0, 0, 0}, "TCP option with a wrong length for its kind");
    refuse({3, 2, 0, 0}, "TCP option with a wrong length for its kind");
    refuse({8, 4, 0, 0}, "TCP option with a wrong length for its kind");
    refuse({4, 3, 0, 0}, "TCP option with a wrong length for its kind");

    // Well-formed options still pass, and survive a round trip byte for byte.
    const std::vector<uint8_t> good = {2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7, 99, 2, 0, 0};
    std::string error;
    EXPECT_TRUE(decode(good, error)) << error;
    VfpPacketCodec::Decoded decoded;
    Ptr<Packet> frame = RawTcp(good);
    ASSERT_TRUE(VfpPacketCodec::Decode(frame, VM, GW, 0x0800, decoded, error)) << error;
    EXPECT_EQ(Bytes(VfpPacketCodec::Encode(decoded, vfp::HeaderTransposition{}, decoded.stack)),
              Bytes(frame));
}

TEST(VfpPacketCodec, AnIpv4TotalLengthShorterThanItsHeaderIsRefused)
{
    Ptr<Packet> packet = RawTcp({});
    std::vector<uint8_t> bytes = Bytes(packet);
    bytes[2] = 0;
    bytes[3] = 12;
    VfpPacketCodec::Decoded decoded;
    std::string error;
    EXPECT_FALSE(VfpPacketCodec::Decode(
        Create<Packet>(bytes.data(), bytes.size()), VM, GW, 0x0800, decoded, error));
    EXPECT_EQ(error, "IPv4 total length shorter than its header");
}

TEST(VfpPacketCodec, NonIpFramesAreOneL2Group)
{
    VfpPacketCodec::Decoded decoded;
    std::string error;
    ASSERT_TRUE(VfpPacketCodec::Decode(Create<Packet>(28), VM, GW, 0x0806, decoded, error))
        << error;
    EXPECT_EQ(decoded.stack.count, 1);
    EXPECT_FALSE(decoded.stack[0].hasIpv4);
    EXPECT_EQ(decoded.stack.payloadBytes, 28u);
}

} // namespace
} // namespace ns3
