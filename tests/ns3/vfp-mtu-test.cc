/*
 * VfpMtu: the tunnel overheads match the real headers, MssFor's segments fit, ClampMss lowers
 * the MSS of SYNs only and keeps everything else (options of unknown kinds, tags, a right
 * checksum), and Fragment splits by RFC 791 (sizes, offsets, flags, tags, DF refused).
 */
#include "helper/mtu-packets.h"
#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/nvgre-header.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-option-rfc793.h"
#include "ns3/tcp-option-sack-permitted.h"
#include "ns3/tcp-option-ts.h"
#include "ns3/tcp-option-winscale.h"
#include "ns3/vfp-mtu.h"

#include <gtest/gtest.h>

namespace ns3
{
namespace
{

using mtutest::Bytes;
using mtutest::NumberTag;
using mtutest::TagOf;
using mtutest::VxlanDatagram;

const Ipv4Address VM_A("10.0.0.1");
const Ipv4Address VM_B("10.0.0.2");
constexpr uint32_t MSS_VALUE_AT = 20 + 20 + 2; // the MSS value when it is the first option

/// Turns ns-3's checksums on for one test.
class ChecksumsOn
{
public:
    ChecksumsOn() { GlobalValue::Bind("ChecksumEnabled", BooleanValue(true)); }
    ~ChecksumsOn() { GlobalValue::Bind("ChecksumEnabled", BooleanValue(false)); }
};

/// Puts an IPv4 header (TCP inside) on @p packet, checksummed when ns-3's checksums are on.
Ptr<Packet>
OverIpv4(Ptr<Packet> packet)
{
    Ipv4Header ip;
    ip.SetSource(VM_A);
    ip.SetDestination(VM_B);
    ip.SetProtocol(6);
    ip.SetIdentification(99);
    ip.SetPayloadSize(packet->GetSize());
    if (Node::ChecksumEnabled())
    {
        ip.EnableChecksum();
    }
    packet->AddHeader(ip);
    return packet;
}

/// A segment as ns-3's TCP would send it with @p flags, and options as a Linux SYN has them:
/// MSS @p mss (unless 0), window scale, SACK permitted, timestamps.
Ptr<Packet>
Segment(uint8_t flags, uint16_t mss, uint32_t payload = 0)
{
    TcpHeader tcp;
    tcp.SetSourcePort(40000);
    tcp.SetDestinationPort(80);
    tcp.SetFlags(flags);
    tcp.SetSequenceNumber(SequenceNumber32(123456));
    tcp.SetAckNumber(SequenceNumber32(flags & TcpHeader::ACK ? 654321 : 0));
    tcp.SetWindowSize(65535);
    if (mss != 0)
    {
        Ptr<TcpOptionMSS> option = CreateObject<TcpOptionMSS>();
        option->SetMSS(mss);
        tcp.AppendOption(option);
    }
    Ptr<TcpOptionWinScale> scale = CreateObject<TcpOptionWinScale>();
    scale->SetScale(7);
    tcp.AppendOption(scale);
    tcp.AppendOption(CreateObject<TcpOptionSackPermitted>());
    Ptr<TcpOptionTS> ts = CreateObject<TcpOptionTS>();
    ts->SetTimestamp(1111);
    ts->SetEcho(2222);
    tcp.AppendOption(ts);
    if (Node::ChecksumEnabled())
    {
        tcp.EnableChecksums();
        tcp.InitializeChecksum(VM_A, VM_B, 6);
    }
    Ptr<Packet> packet = Create<Packet>(payload);
    packet->AddHeader(tcp);
    return OverIpv4(packet);
}

/// A SYN whose TCP header is @p options after the fixed 20 bytes (a multiple of 4 long).
Ptr<Packet>
RawSyn(const std::vector<uint8_t>& options)
{
    std::vector<uint8_t> tcp = {0x9c, 0x40, 0x00, 0x50, 0, 0, 0x30, 0x39, 0, 0, 0, 0};
    tcp.push_back(static_cast<uint8_t>((20 + options.size()) / 4 << 4));
    tcp.insert(tcp.end(), {0x02 /* SYN */, 0xff, 0xff, 0, 0, 0, 0});
    tcp.insert(tcp.end(), options.begin(), options.end());
    return OverIpv4(Create<Packet>(tcp.data(), tcp.size()));
}

/// The MSS of @p packet's TCP header (0 when it has none).
uint16_t
MssOf(Ptr<const Packet> packet)
{
    Ptr<Packet> copy = packet->Copy();
    Ipv4Header ip;
    copy->RemoveHeader(ip);
    TcpHeader tcp;
    copy->RemoveHeader(tcp);
    auto mss = DynamicCast<const TcpOptionMSS>(tcp.GetOption(TcpOption::MSS));
    return mss ? mss->GetMSS() : 0;
}

/// @p before with the MSS option's value (at @p at) set to @p mss.
std::vector<uint8_t>
WithMss(std::vector<uint8_t> before, uint32_t at, uint16_t mss)
{
    before[at] = static_cast<uint8_t>(mss >> 8);
    before[at + 1] = static_cast<uint8_t>(mss);
    return before;
}

TEST(VfpMtu, TunnelOverheadsAreTheRealHeaders)
{
    const uint32_t inner = EthernetHeader(false).GetSerializedSize();
    const uint32_t ip = Ipv4Header().GetSerializedSize();
    EXPECT_EQ(VfpMtu::TunnelOverhead(vfp::TunnelType::Vxlan),
              ip + UdpHeader().GetSerializedSize() + VxlanHeader().GetSerializedSize() + inner);
    EXPECT_EQ(VfpMtu::TunnelOverhead(vfp::TunnelType::Nvgre),
              ip + NvgreHeader().GetSerializedSize() + inner);
    EXPECT_EQ(VfpMtu::TunnelOverhead(vfp::TunnelType::IpInIp), ip);
    EXPECT_EQ(VfpMtu::TunnelOverhead(vfp::TunnelType::None), 0);
    EXPECT_EQ(VfpMtu::VXLAN_OVERHEAD, 50);
    EXPECT_EQ(VfpMtu::NVGRE_OVERHEAD, 42);
}

TEST(VfpMtu, MssForLeavesRoomForHeadersAndOptions)
{
    EXPECT_EQ(VfpMtu::MssFor(1500, VfpMtu::VXLAN_OVERHEAD), 1500 - 50 - 40 - 12);
    EXPECT_EQ(VfpMtu::MssFor(1500, VfpMtu::NVGRE_OVERHEAD), 1500 - 42 - 40 - 12);
    EXPECT_EQ(VfpMtu::MssFor(1500, VfpMtu::VXLAN_OVERHEAD, 0), 1410) << "the RFC 6691 MSS";
    EXPECT_EQ(VfpMtu::MssFor(100, VfpMtu::VXLAN_OVERHEAD), 0) << "nothing fits";
}

TEST(VfpMtu, AFullSegmentAtTheClampedMssFitsTheFabricMtuWhenEncapsulated)
{
    // A data segment as ns-3's TCP sends it: SegmentSize bytes and the timestamp option.
    const uint16_t mss = VfpMtu::MssFor(1500, VfpMtu::VXLAN_OVERHEAD);
    Ptr<Packet> frame = Create<Packet>(mss);
    TcpHeader tcp;
    tcp.SetFlags(TcpHeader::ACK);
    tcp.AppendOption(CreateObject<TcpOptionTS>());
    frame->AddHeader(tcp);
    Ipv4Header inner;
    inner.SetPayloadSize(frame->GetSize());
    frame->AddHeader(inner);
    frame->AddHeader(EthernetHeader(false));
    frame->AddHeader(VxlanHeader());
    frame->AddHeader(UdpHeader());
    frame->AddHeader(Ipv4Header());
    EXPECT_EQ(frame->GetSize(), 1500u);
}

TEST(VfpMtu, ClampMssLowersTheMssOfASynAndKeepsEveryOtherByte)
{
    Ptr<Packet> syn = Segment(TcpHeader::SYN, 1460);
    const std::vector<uint8_t> before = Bytes(syn);
    ASSERT_TRUE(VfpMtu::ClampMss(syn, 1398));
    EXPECT_EQ(MssOf(syn), 1398);
    EXPECT_EQ(Bytes(syn), WithMss(before, MSS_VALUE_AT, 1398));
}

TEST(VfpMtu, ClampMssLowersTheMssOfASynAck)
{
    Ptr<Packet> synAck = Segment(TcpHeader::SYN | TcpHeader::ACK, 8960);
    ASSERT_TRUE(VfpMtu::ClampMss(synAck, 1398));
    EXPECT_EQ(MssOf(synAck), 1398);
}

TEST(VfpMtu, ClampMssLeavesOtherSegmentsAlone)
{
    auto untouched = [](Ptr<Packet> packet, const char* what)
    {
        const std::vector<uint8_t> before = Bytes(packet);
        EXPECT_FALSE(VfpMtu::ClampMss(packet, 1398)) << what;
        EXPECT_EQ(Bytes(packet), before) << what;
    };
    untouched(Segment(TcpHeader::ACK, 1460), "not a SYN");
    untouched(Segment(TcpHeader::SYN, 0), "no MSS option");
    untouched(Segment(TcpHeader::SYN, 1200), "MSS already below");
    untouched(Segment(TcpHeader::SYN, 1398), "MSS equal");
    untouched(VxlanDatagram(200), "not TCP");
    untouched(Create<Packet>(10), "not IPv4");
}

TEST(VfpMtu, ClampMssKeepsOptionsOfUnknownKinds)
{
    // kind 253 (RFC 4727 experiment), MSS 1460, NOP NOP NOP, End
    Ptr<Packet> syn = RawSyn({253, 4, 0xde, 0xad, 2, 4, 0x05, 0xb4, 1, 1, 1, 0});
    const std::vector<uint8_t> before = Bytes(syn);
    ASSERT_TRUE(VfpMtu::ClampMss(syn, 1000));
    EXPECT_EQ(Bytes(syn), WithMss(before, 20 + 20 + 4 + 2, 1000));
}

TEST(VfpMtu, ClampMssLowersEveryMssOption)
{
    // Receivers differ on which of two MSS options counts: neither may stay above.
    Ptr<Packet> syn = RawSyn({2, 4, 0x05, 0xb4, 2, 4, 0x23, 0x28});
    const std::vector<uint8_t> before = Bytes(syn);
    ASSERT_TRUE(VfpMtu::ClampMss(syn, 1000));
    EXPECT_EQ(Bytes(syn), WithMss(WithMss(before, 42, 1000), 46, 1000));
}

TEST(VfpMtu, ClampMssLeavesOptionListsItCannotWriteBackAlone)
{
    auto untouched = [](const std::vector<uint8_t>& options, const char* what)
    {
        Ptr<Packet> syn = RawSyn(options);
        const std::vector<uint8_t> before = Bytes(syn);
        EXPECT_FALSE(VfpMtu::ClampMss(syn, 1000)) << what;
        EXPECT_EQ(Bytes(syn), before) << what;
    };
    // ns-3's TcpOptionMSS aborts on a length other than 4: it must never be parsed.
    untouched({2, 5, 0x05, 0xb4, 0, 0, 0, 0}, "MSS of length 5");
    untouched({2, 4, 0x05, 0xb4, 3, 3, 15, 0}, "window scale above 14");
    untouched({2, 4, 0x05, 0xb4, 0, 0, 0, 0, 0, 0, 0, 0}, "more padding than ns-3 writes");
    untouched({2, 4, 0x05, 0xb4, 8, 20, 0, 0}, "option running past the header");
    untouched({2, 4, 0x05, 0xb4, 1, 1, 1, 6}, "option without its length byte");
}

TEST(VfpMtu, ClampMssKeepsTagsAndTheChecksumRight)
{
    ChecksumsOn on;
    Ptr<Packet> syn = Segment(TcpHeader::SYN, 1460);
    syn->AddPacketTag(NumberTag(7));
    ASSERT_TRUE(VfpMtu::ClampMss(syn, 1398));
    EXPECT_EQ(TagOf(syn), 7u);
    Ptr<Packet> copy = syn->Copy();
    Ipv4Header ip;
    ip.EnableChecksum();
    copy->RemoveHeader(ip);
    EXPECT_TRUE(ip.IsChecksumOk());
    TcpHeader tcp;
    tcp.EnableChecksums();
    tcp.InitializeChecksum(ip.GetSource(), ip.GetDestination(), 6);
    copy->RemoveHeader(tcp);
    EXPECT_TRUE(tcp.IsChecksumOk());
    auto mss = DynamicCast<const TcpOptionMSS>(tcp.GetOption(TcpOption::MSS));
    EXPECT_EQ(mss->GetMSS(), 1398);
}

TEST(VfpMtu, ClampMssRemovesLinkPadding)
{
    Ptr<Packet> syn = Segment(TcpHeader::SYN, 1460);
    const uint32_t size = syn->GetSize();
    syn->AddAtEnd(Create<Packet>(6));
    ASSERT_TRUE(VfpMtu::ClampMss(syn, 1398));
    EXPECT_EQ(syn->GetSize(), size);
}

/// The IPv4 header of @p packet, its checksum checked when ns-3's checksums are on.
Ipv4Header
HeaderOf(Ptr<const Packet> packet)
{
    Ipv4Header ip;
    if (Node::ChecksumEnabled())
    {
        ip.EnableChecksum();
    }
    packet->Copy()->RemoveHeader(ip);
    return ip;
}

TEST(VfpMtu, FragmentSplitsByRfc791)
{
    ChecksumsOn on;
    Ptr<Packet> datagram = VxlanDatagram(9000, 4242);
    std::vector<Ptr<Packet>> fragments;
    ASSERT_EQ(VfpMtu::Fragment(datagram, 1500, fragments), VfpMtu::FragmentResult::Fragmented);
    ASSERT_EQ(fragments.size(), 7u) << "8980 bytes of data, 1480 per fragment";
    uint32_t expectedOffset = 0;
    for (size_t i = 0; i < fragments.size(); ++i)
    {
        const Ipv4Header ip = HeaderOf(fragments[i]);
        EXPECT_LE(fragments[i]->GetSize(), 1500u);
        EXPECT_EQ(ip.GetFragmentOffset(), expectedOffset);
        EXPECT_EQ(ip.GetFragmentOffset() % 8, 0);
        EXPECT_EQ(ip.IsLastFragment(), i + 1 == fragments.size());
        EXPECT_EQ(ip.GetIdentification(), 4242);
        EXPECT_EQ(ip.GetProtocol(), 17);
        EXPECT_EQ(ip.GetSource(), Ipv4Address("192.168.1.1"));
        EXPECT_TRUE(ip.IsChecksumOk());
        EXPECT_EQ(ip.GetPayloadSize() + 20u, fragments[i]->GetSize());
        expectedOffset += ip.GetPayloadSize();
    }
    EXPECT_EQ(expectedOffset, 8980u);
    EXPECT_EQ(Bytes(datagram).size(), 9000u) << "the original is not modified";
}

TEST(VfpMtu, OnlyTheFirstFragmentKeepsTheTags)
{
    std::vector<Ptr<Packet>> fragments;
    VfpMtu::Fragment(VxlanDatagram(4000, 1, 77), 1500, fragments);
    ASSERT_EQ(fragments.size(), 3u);
    EXPECT_EQ(TagOf(fragments[0]), 77u);
    EXPECT_EQ(TagOf(fragments[1]), 0u);
    EXPECT_EQ(TagOf(fragments[2]), 0u);
}

TEST(VfpMtu, FragmentsOfAFragmentKeepItsOffsetAndMoreFragments)
{
    std::vector<Ptr<Packet>> halves;
    VfpMtu::Fragment(VxlanDatagram(5980), 3020, halves); // 3000 + 2960 bytes of data
    ASSERT_EQ(halves.size(), 2u);
    std::vector<Ptr<Packet>> pieces;
    ASSERT_EQ(VfpMtu::Fragment(halves[1], 1500, pieces), VfpMtu::FragmentResult::Fragmented);
    ASSERT_EQ(pieces.size(), 2u);
    EXPECT_EQ(HeaderOf(pieces[0]).GetFragmentOffset(), 3000);
    EXPECT_EQ(HeaderOf(pieces[1]).GetFragmentOffset(), 3000 + 1480);
    EXPECT_TRUE(HeaderOf(pieces.back()).IsLastFragment());
    ASSERT_EQ(VfpMtu::Fragment(halves[0], 1500, pieces), VfpMtu::FragmentResult::Fragmented);
    EXPECT_FALSE(HeaderOf(pieces.back()).IsLastFragment()) << "the first half's MF is kept";
}

TEST(VfpMtu, FragmentLeavesWhatFitsAndRefusesWhatItMustNotSplit)
{
    std::vector<Ptr<Packet>> out;
    Ptr<Packet> small = VxlanDatagram(1500);
    ASSERT_EQ(VfpMtu::Fragment(small, 1500, out), VfpMtu::FragmentResult::Fits);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], small);

    Ptr<Packet> df = VxlanDatagram(1000);
    Ipv4Header ip;
    df->RemoveHeader(ip);
    ip.SetDontFragment();
    df->AddHeader(ip);
    EXPECT_EQ(VfpMtu::Fragment(df, 900, out), VfpMtu::FragmentResult::DontFragment);
    EXPECT_TRUE(out.empty());

    EXPECT_EQ(VfpMtu::Fragment(VxlanDatagram(1000), 27, out),
              VfpMtu::FragmentResult::Unfragmentable)
        << "no room for 8 bytes of data";
    Ptr<Packet> truncated = VxlanDatagram(9000)->CreateFragment(0, 3000);
    EXPECT_EQ(VfpMtu::Fragment(truncated, 1500, out), VfpMtu::FragmentResult::Unfragmentable);
    EXPECT_EQ(VfpMtu::Fragment(Create<Packet>(2000), 1500, out),
              VfpMtu::FragmentResult::Unfragmentable);
    EXPECT_TRUE(out.empty());
}

} // namespace
} // namespace ns3
