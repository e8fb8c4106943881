/*
 * VfpReassembler: fragments from VfpMtu::Fragment come back byte for byte in any order, and
 * the codec decodes the result; the first fragment's tags ride on it; incomplete datagrams
 * time out, memory is bounded by eviction, and malformed fragments are counted, never fatal.
 */
#include "helper/mtu-packets.h"
#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/uinteger.h"
#include "ns3/vfp-mtu.h"
#include "ns3/vfp-packet-codec.h"
#include "ns3/vfp-reassembler.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <random>

namespace ns3
{
namespace
{

using mtutest::Bytes;
using mtutest::NumberTag;
using mtutest::TagOf;
using mtutest::VxlanDatagram;

/// @p datagram's fragments for a 1500-byte MTU.
std::vector<Ptr<Packet>>
FragmentsOf(Ptr<Packet> datagram)
{
    std::vector<Ptr<Packet>> fragments;
    EXPECT_EQ(VfpMtu::Fragment(datagram, 1500, fragments), VfpMtu::FragmentResult::Fragmented);
    return fragments;
}

/// A fragment with the given header fields over @p dataBytes bytes of data.
Ptr<Packet>
RawFragment(uint16_t offset, uint32_t dataBytes, bool more, uint16_t id = 1)
{
    Ptr<Packet> fragment = Create<Packet>(dataBytes);
    Ipv4Header ip;
    ip.SetSource(Ipv4Address("192.168.1.1"));
    ip.SetDestination(Ipv4Address("192.168.2.1"));
    ip.SetProtocol(17);
    ip.SetIdentification(id);
    ip.SetFragmentOffset(offset);
    if (more)
    {
        ip.SetMoreFragments();
    }
    ip.SetPayloadSize(static_cast<uint16_t>(dataBytes));
    fragment->AddHeader(ip);
    return fragment;
}

class VfpReassemblerTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        reassembler = CreateObject<VfpReassembler>();
        reassembler->TraceConnectWithoutContext("Drop",
                                                MakeCallback(&VfpReassemblerTest::OnDrop, this));
    }

    void OnDrop(Ptr<const Packet> fragment, const std::string& reason)
    {
        ++drops[reason];
        tagsDropped += TagOf(fragment) != 0;
    }

    /// Feeds @p fragments at @p now; returns what came out (null when nothing did).
    Ptr<const Packet> Feed(const std::vector<Ptr<Packet>>& fragments, Time now = Seconds(0))
    {
        Ptr<const Packet> out;
        for (const Ptr<Packet>& fragment : fragments)
        {
            Ptr<const Packet> result = reassembler->Receive(fragment, now);
            EXPECT_TRUE(result == nullptr || out == nullptr) << "one datagram, one result";
            out = result ? result : out;
        }
        return out;
    }

    Ptr<VfpReassembler> reassembler;
    std::map<std::string, uint64_t> drops; //!< fragments dropped, by reason
    uint64_t tagsDropped = 0;              //!< of which tagged
};

TEST_F(VfpReassemblerTest, DefaultsAreLinuxs)
{
    TimeValue timeout;
    reassembler->GetAttribute("Timeout", timeout);
    EXPECT_EQ(timeout.Get(), Seconds(30));
    UintegerValue maxBytes;
    reassembler->GetAttribute("MaxBytes", maxBytes);
    EXPECT_EQ(maxBytes.Get(), 4u * 1024 * 1024);
}

TEST_F(VfpReassemblerTest, NonFragmentsPassThrough)
{
    Ptr<const Packet> whole = VxlanDatagram(1000);
    EXPECT_EQ(reassembler->Receive(whole, Seconds(0)), whole);
    Ptr<const Packet> notIp = Create<Packet>(10);
    EXPECT_EQ(reassembler->Receive(notIp, Seconds(0)), notIp);
    EXPECT_EQ(reassembler->GetPendingDatagrams(), 0u);
}

TEST_F(VfpReassemblerTest, FragmentsComeBackByteForByteAndDecode)
{
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    Ptr<Packet> datagram = VxlanDatagram(9000);
    Ptr<const Packet> whole = Feed(FragmentsOf(datagram));
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(false));
    ASSERT_NE(whole, nullptr);
    EXPECT_EQ(Bytes(whole), Bytes(datagram));
    EXPECT_EQ(reassembler->GetCounters().reassembled, 1u);
    EXPECT_EQ(reassembler->GetPendingDatagrams(), 0u);
    EXPECT_EQ(reassembler->GetHeldBytes(), 0u);

    VfpPacketCodec::Decoded decoded;
    std::string error;
    ASSERT_TRUE(VfpPacketCodec::Decode(whole,
                                       Mac48Address("02:00:00:00:00:01"),
                                       Mac48Address("02:00:00:00:00:02"),
                                       0x0800,
                                       decoded,
                                       error))
        << error;
    ASSERT_EQ(decoded.stack.count, 2u);
    EXPECT_EQ(decoded.stack[0].tunnel, vfp::TunnelType::Vxlan);
    EXPECT_EQ(decoded.stack[0].tunnelKey, 5001u);
    EXPECT_EQ(decoded.stack.payloadBytes, 9000u - mtutest::VXLAN_BYTES - 28);
}

TEST_F(VfpReassemblerTest, AnyOrderGivesTheSameBytes)
{
    Ptr<Packet> datagram = VxlanDatagram(9000);
    std::vector<Ptr<Packet>> fragments = FragmentsOf(datagram);
    std::reverse(fragments.begin(), fragments.end());
    EXPECT_EQ(Bytes(Feed(fragments)), Bytes(datagram)) << "reversed";
    std::mt19937 random(5);
    for (int round = 0; round < 5; ++round)
    {
        std::shuffle(fragments.begin(), fragments.end(), random);
        Ptr<const Packet> whole = Feed(fragments);
        ASSERT_NE(whole, nullptr);
        EXPECT_EQ(Bytes(whole), Bytes(datagram)) << "shuffle " << round;
    }
    EXPECT_EQ(reassembler->GetCounters().reassembled, 6u);
}

TEST_F(VfpReassemblerTest, InterleavedDatagramsAreKeptApart)
{
    Ptr<Packet> a = VxlanDatagram(4000, 1);
    Ptr<Packet> b = VxlanDatagram(4000, 2);
    std::vector<Ptr<Packet>> fa = FragmentsOf(a);
    std::vector<Ptr<Packet>> fb = FragmentsOf(b);
    std::vector<Ptr<Packet>> outs;
    for (size_t i = 0; i < fa.size(); ++i)
    {
        for (Ptr<Packet> fragment : {fb[i], fa[i]})
        {
            if (Ptr<const Packet> out = reassembler->Receive(fragment, Seconds(0)))
            {
                outs.push_back(out->Copy());
            }
        }
    }
    ASSERT_EQ(outs.size(), 2u);
    EXPECT_EQ(Bytes(outs[0]), Bytes(b));
    EXPECT_EQ(Bytes(outs[1]), Bytes(a));
}

TEST_F(VfpReassemblerTest, TheResultCarriesTheFirstFragmentsTagsOnly)
{
    std::vector<Ptr<Packet>> fragments = FragmentsOf(VxlanDatagram(9000, 3, 41));
    fragments[2]->AddPacketTag(NumberTag(99)); // a later fragment's tag does not ride along
    std::reverse(fragments.begin(), fragments.end());
    Ptr<const Packet> whole = Feed(fragments);
    ASSERT_NE(whole, nullptr);
    EXPECT_EQ(TagOf(whole), 41u);
}

TEST_F(VfpReassemblerTest, LinkPaddingIsIgnored)
{
    Ptr<Packet> datagram = VxlanDatagram(3000);
    std::vector<Ptr<Packet>> fragments = FragmentsOf(datagram);
    fragments.back()->AddAtEnd(Create<Packet>(10));
    EXPECT_EQ(Bytes(Feed(fragments)), Bytes(datagram));
}

TEST_F(VfpReassemblerTest, AnIncompleteDatagramTimesOutAndIsCounted)
{
    std::vector<Ptr<Packet>> fragments = FragmentsOf(VxlanDatagram(9000, 5, 8));
    fragments.pop_back(); // lost in the fabric
    EXPECT_EQ(Feed(fragments, Seconds(1)), nullptr);
    EXPECT_EQ(reassembler->GetPendingDatagrams(), 1u);
    EXPECT_EQ(reassembler->GetNextExpiry(), Seconds(31));
    reassembler->Expire(Seconds(30.9));
    EXPECT_EQ(reassembler->GetPendingDatagrams(), 1u);
    reassembler->Expire(Seconds(31));
    EXPECT_EQ(reassembler->GetPendingDatagrams(), 0u);
    EXPECT_EQ(reassembler->GetHeldBytes(), 0u);
    EXPECT_EQ(reassembler->GetCounters().timedOut, 1u);
    EXPECT_EQ(drops[VfpReassembler::TIMEOUT], fragments.size());
    EXPECT_EQ(tagsDropped, 1u) << "one fate for the original packet";
    EXPECT_EQ(reassembler->GetNextExpiry(), Time::Max());
}

TEST_F(VfpReassemblerTest, ReceiveExpiresFirst)
{
    std::vector<Ptr<Packet>> fragments = FragmentsOf(VxlanDatagram(9000));
    Ptr<Packet> last = fragments.back();
    fragments.pop_back();
    Feed(fragments, Seconds(0));
    EXPECT_EQ(reassembler->Receive(last, Seconds(30)), nullptr) << "too late";
    EXPECT_EQ(reassembler->GetCounters().timedOut, 1u);
    EXPECT_EQ(reassembler->GetPendingDatagrams(), 1u) << "the late one starts anew";
}

TEST_F(VfpReassemblerTest, MemoryIsBoundedByEvictingTheOldest)
{
    reassembler->SetAttribute("MaxBytes", UintegerValue(65535));
    std::vector<std::vector<Ptr<Packet>>> datagrams;
    for (uint16_t id = 1; id <= 8; ++id)
    {
        datagrams.push_back(FragmentsOf(VxlanDatagram(9000, id)));
        EXPECT_EQ(Feed({datagrams.back().begin(), datagrams.back().end() - 1}), nullptr);
        EXPECT_LE(reassembler->GetHeldBytes(), 65535u);
    }
    EXPECT_EQ(reassembler->GetCounters().evicted, 1u)
        << "held: 6 fragments of 1500 bytes each, 8 x 9000 > 65535";
    EXPECT_EQ(reassembler->GetPendingDatagrams(), 7u);
    EXPECT_EQ(drops[VfpReassembler::EVICTED], 6u);
    EXPECT_EQ(reassembler->Receive(datagrams[0].back(), Seconds(0)), nullptr) << "evicted";
    EXPECT_NE(reassembler->Receive(datagrams[1].back(), Seconds(0)), nullptr) << "kept";
}

TEST_F(VfpReassemblerTest, OverlapsAndDuplicatesDropTheWholeDatagram)
{
    std::vector<Ptr<Packet>> fragments = FragmentsOf(VxlanDatagram(9000));
    Feed({fragments[0], fragments[1]});
    EXPECT_EQ(reassembler->Receive(fragments[1], Seconds(0)), nullptr);
    EXPECT_EQ(reassembler->GetCounters().malformed, 1u) << "duplicate";
    EXPECT_EQ(reassembler->GetPendingDatagrams(), 0u);
    EXPECT_EQ(drops[VfpReassembler::MALFORMED], 3u) << "the two held and the duplicate";

    Feed({RawFragment(0, 1480, true), RawFragment(1480, 1480, true)});
    EXPECT_EQ(reassembler->Receive(RawFragment(1000, 800, true), Seconds(0)), nullptr);
    EXPECT_EQ(reassembler->GetCounters().malformed, 2u) << "overlap";
    EXPECT_EQ(reassembler->GetPendingDatagrams(), 0u);
    EXPECT_EQ(reassembler->GetHeldBytes(), 0u);
}

TEST_F(VfpReassemblerTest, InconsistentEndsDropTheWholeDatagram)
{
    auto malformedAfter = [this](std::vector<Ptr<Packet>> fragments, const char* what)
    {
        const uint64_t before = reassembler->GetCounters().malformed;
        EXPECT_EQ(Feed(fragments), nullptr) << what;
        EXPECT_EQ(reassembler->GetCounters().malformed, before + 1) << what;
        EXPECT_EQ(reassembler->GetPendingDatagrams(), 0u) << what;
    };
    malformedAfter(
        {RawFragment(0, 800, true), RawFragment(1600, 80, false), RawFragment(1600, 160, false)},
        "two different last fragments");
    malformedAfter({RawFragment(2400, 800, true), RawFragment(800, 80, false)},
                   "a last fragment before held data");
    malformedAfter({RawFragment(800, 80, false), RawFragment(800, 800, true)},
                   "data past the known end");
    EXPECT_EQ(reassembler->GetCounters().reassembled, 0u);
}

TEST_F(VfpReassemblerTest, ABadFragmentDropsTheDatagramItNames)
{
    Feed({RawFragment(0, 1480, true), RawFragment(1480, 1480, true)});
    EXPECT_EQ(reassembler->Receive(RawFragment(2960, 1001, true), Seconds(0)), nullptr);
    EXPECT_EQ(reassembler->GetCounters().malformed, 1u);
    EXPECT_EQ(reassembler->GetPendingDatagrams(), 0u);
    EXPECT_EQ(drops[VfpReassembler::MALFORMED], 3u);
}

TEST_F(VfpReassemblerTest, BadLoneFragmentsAreCountedAndNeverHeld)
{
    auto malformed = [this](Ptr<Packet> fragment, const char* what)
    {
        const uint64_t before = reassembler->GetCounters().malformed;
        EXPECT_EQ(reassembler->Receive(fragment, Seconds(0)), nullptr) << what;
        EXPECT_EQ(reassembler->GetCounters().malformed, before + 1) << what;
        EXPECT_EQ(reassembler->GetPendingDatagrams(), 0u) << what;
    };
    malformed(RawFragment(0, 1001, true), "data not a multiple of 8 with MF");
    malformed(RawFragment(800, 0, false), "empty");
    malformed(RawFragment(65000, 600, false), "ends past 65535 bytes");
    malformed(RawFragment(0, 1480, true)->CreateFragment(0, 600), "truncated");
    EXPECT_EQ(drops[VfpReassembler::MALFORMED], 4u);
}

} // namespace
} // namespace ns3
