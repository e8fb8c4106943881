/*
 * Tests of packet/header-transposition.h: Apply of Push, Pop, Modify, Ignore and of the L2
 * Set/Strip actions; refusal (false, stack unchanged) when an HT does not fit; composition
 * with Then; Between. Property tests check, on thousands of random valid stacks and random
 * HTs, that composition equals applying one HT after the other and that Between(a, b)
 * turns a into b.
 */
#include "engine/packet/header-transposition.h"
#include "stack-generator.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace packettest;

constexpr uint32_t VIP = 0x0a0000c8; // 10.0.0.200

#define EXPECT_STACK_EQ(actual, expected) \
    EXPECT_TRUE((actual) == (expected))   \
        << "actual   " << Describe(actual) << "\n  expected " << Describe(expected)

HeaderStack
PlainTcp()
{
    return MakeStack({TcpGroup(VM_IP, PEER_IP, 40000, 80)});
}

HeaderTransposition
PushVxlan(uint32_t vni)
{
    HeaderTransposition ht;
    ht.pushCount = 1;
    ht.pushed[0] = VxlanGroup(HOST_IP, REMOTE_IP, vni);
    return ht;
}

HeaderTransposition
Pop()
{
    HeaderTransposition ht;
    ht.popCount = 1;
    return ht;
}

HeaderTransposition
NatDst(uint32_t ip, uint16_t port)
{
    HeaderTransposition ht;
    ht.edits[0].fields = EditField::DST_IP | EditField::DST_PORT;
    ht.edits[0].dstIp = ip;
    ht.edits[0].dstPort = port;
    return ht;
}

/// Expects @p ht not to fit @p stack: Apply returns false and leaves it unchanged.
void
ExpectDoesNotFit(const HeaderTransposition& ht, const HeaderStack& stack, const char* what)
{
    HeaderStack copy = stack;
    EXPECT_FALSE(ht.Apply(copy)) << what;
    EXPECT_STACK_EQ(copy, stack) << "\n  " << what;
    // Also the fields the equality operator skips stay as they were.
    EXPECT_EQ(copy.count, stack.count) << what;
    EXPECT_EQ(copy.groups[0].ip.ttl, stack.groups[0].ip.ttl) << what;
}

/// @p stack with the per-packet fields of @p reference (TTL, TCP flags and numbers), group
/// by group, and its payload length.
HeaderStack
WithPerPacketFieldsOf(HeaderStack stack, const HeaderStack& reference)
{
    for (size_t i = 0; i < stack.count && i < reference.count; ++i)
    {
        stack[i].ip.ttl = reference[i].ip.ttl;
        stack[i].transport.tcpFlags = reference[i].transport.tcpFlags;
        stack[i].transport.seq = reference[i].transport.seq;
        stack[i].transport.ack = reference[i].transport.ack;
    }
    stack.payloadBytes = reference.payloadBytes;
    return stack;
}

// ---- Apply ------------------------------------------------------------------------------

TEST(HeaderTranspositionTest, DefaultHtIsIgnoreEverywhereAndIdentity)
{
    const HeaderTransposition ht;
    EXPECT_TRUE(ht.IsIdentity());
    for (const GroupEdit& edit : ht.edits)
    {
        EXPECT_TRUE(edit.IsIgnore());
    }
    const HeaderStack stack =
        MakeStack({VxlanGroup(HOST_IP, REMOTE_IP, 7), TcpGroup(VM_IP, PEER_IP, 1, 2)});
    HeaderStack copy = stack;
    ASSERT_TRUE(ht.Apply(copy));
    EXPECT_STACK_EQ(copy, stack);
}

TEST(HeaderTranspositionTest, IsIdentityIsFalseForAnyAction)
{
    EXPECT_FALSE(PushVxlan(1).IsIdentity());
    EXPECT_FALSE(Pop().IsIdentity());
    EXPECT_FALSE(NatDst(VIP, 80).IsIdentity());
    HeaderTransposition strip;
    strip.edits[2].l2 = L2Action::Strip;
    EXPECT_FALSE(strip.IsIdentity());
}

TEST(HeaderTranspositionTest, PushAddsOuterGroupsAndKeepsTheRest)
{
    const HeaderStack stack = PlainTcp();
    HeaderStack result = stack;
    ASSERT_TRUE(PushVxlan(5000).Apply(result));
    ASSERT_EQ(result.count, 2);
    EXPECT_TRUE(result[0] == VxlanGroup(HOST_IP, REMOTE_IP, 5000));
    EXPECT_TRUE(result[1] == stack[0]);
    EXPECT_EQ(result.payloadBytes, stack.payloadBytes);
    EXPECT_EQ(result.SizeBytes(), stack.SizeBytes() + 50);
    EXPECT_EQ(ValidateHeaderStack(result), "");
}

TEST(HeaderTranspositionTest, PushOfTwoGroupsKeepsTheirOrder)
{
    HeaderTransposition ht;
    ht.pushCount = 2;
    ht.pushed[0] = IpInIpGroup(0x01010101, 0x02020202);
    ht.pushed[1] = WithoutEthernet(VxlanGroup(HOST_IP, REMOTE_IP, 9));
    HeaderStack result = PlainTcp();
    ASSERT_TRUE(ht.Apply(result));
    ASSERT_EQ(result.count, 3);
    EXPECT_EQ(result[0].tunnel, TunnelType::IpInIp);
    EXPECT_EQ(result[1].tunnel, TunnelType::Vxlan);
    EXPECT_TRUE(result[2] == PlainTcp()[0]);
    EXPECT_EQ(ValidateHeaderStack(result), "");
}

TEST(HeaderTranspositionTest, PopRemovesOuterGroups)
{
    const HeaderStack stack =
        MakeStack({VxlanGroup(HOST_IP, REMOTE_IP, 7), TcpGroup(VM_IP, PEER_IP, 1, 2)}, 33);
    HeaderStack result = stack;
    ASSERT_TRUE(Pop().Apply(result));
    ASSERT_EQ(result.count, 1);
    EXPECT_TRUE(result[0] == stack[1]);
    EXPECT_EQ(result.payloadBytes, 33u);
}

TEST(HeaderTranspositionTest, ModifyWritesOnlyTheGivenFields)
{
    const HeaderStack stack = PlainTcp();
    HeaderStack result = stack;
    ASSERT_TRUE(NatDst(VIP, 8080).Apply(result));
    HeaderStack expected = stack;
    expected[0].ip.dst = VIP;
    expected[0].transport.dstPort = 8080;
    EXPECT_STACK_EQ(result, expected);
    // Per-packet fields survive a Modify.
    EXPECT_EQ(result[0].ip.ttl, 57);
    EXPECT_EQ(result[0].transport.seq, 1000u);
}

TEST(HeaderTranspositionTest, ModifyOfEveryField)
{
    const HeaderStack stack =
        MakeStack({VxlanGroup(HOST_IP, REMOTE_IP, 7), TcpGroup(VM_IP, PEER_IP, 1, 2)});
    HeaderTransposition ht;
    GroupEdit& outer = ht.edits[0];
    outer.fields = EditField::SRC_MAC | EditField::DST_MAC | EditField::SRC_IP | EditField::DST_IP |
                   EditField::TUNNEL_KEY;
    outer.srcMac = 0x0a;
    outer.dstMac = 0x0b;
    outer.srcIp = 0x01020304;
    outer.dstIp = 0x05060708;
    outer.tunnelKey = 0xabcdef;
    GroupEdit& inner = ht.edits[1];
    inner.fields = EditField::SRC_PORT | EditField::DST_PORT | EditField::SRC_IP;
    inner.srcPort = 1111;
    inner.dstPort = 2222;
    inner.srcIp = VIP;
    HeaderStack result = stack;
    ASSERT_TRUE(ht.Apply(result));
    HeaderStack expected = stack;
    expected[0].eth.src = 0x0a;
    expected[0].eth.dst = 0x0b;
    expected[0].ip.src = 0x01020304;
    expected[0].ip.dst = 0x05060708;
    expected[0].tunnelKey = 0xabcdef;
    expected[1].transport.srcPort = 1111;
    expected[1].transport.dstPort = 2222;
    expected[1].ip.src = VIP;
    EXPECT_STACK_EQ(result, expected);
}

TEST(HeaderTranspositionTest, EditsAreIndexedAmongSurvivorsAfterPop)
{
    const HeaderStack stack =
        MakeStack({VxlanGroup(HOST_IP, REMOTE_IP, 7), TcpGroup(VM_IP, PEER_IP, 1, 2)});
    HeaderTransposition ht = NatDst(VIP, 8080);
    ht.popCount = 1;
    HeaderStack result = stack;
    ASSERT_TRUE(ht.Apply(result));
    ASSERT_EQ(result.count, 1);
    EXPECT_EQ(result[0].ip.dst, VIP);
    EXPECT_EQ(result[0].transport.dstPort, 8080);
    EXPECT_EQ(result[0].ip.src, VM_IP);
}

TEST(HeaderTranspositionTest, EditsApplyToSurvivorsNotToPushedGroups)
{
    HeaderTransposition ht = PushVxlan(5);
    ht.edits[0] = NatDst(VIP, 8080).edits[0];
    HeaderStack result = PlainTcp();
    ASSERT_TRUE(ht.Apply(result));
    ASSERT_EQ(result.count, 2);
    EXPECT_EQ(result[0].ip.dst, REMOTE_IP);
    EXPECT_EQ(result[0].transport.dstPort, VXLAN_UDP_PORT);
    EXPECT_EQ(result[1].ip.dst, VIP);
    EXPECT_EQ(result[1].transport.dstPort, 8080);
}

TEST(HeaderTranspositionTest, L2SetAddsOrReplacesTheEthernetHeader)
{
    // Decap of IP-in-IP: pop the outer group and give the inner one an Ethernet header.
    const HeaderStack stack = MakeStack(
        {IpInIpGroup(HOST_IP, REMOTE_IP), WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 1, 2))});
    HeaderTransposition ht = Pop();
    ht.edits[0].l2 = L2Action::Set;
    ht.edits[0].l2Header = EthernetHeader{0x0c, 0x0d, ETHER_TYPE_IPV4};
    HeaderStack result = stack;
    ASSERT_TRUE(ht.Apply(result));
    ASSERT_EQ(result.count, 1);
    EXPECT_TRUE(result[0].hasEthernet);
    EXPECT_TRUE(result[0].eth == (EthernetHeader{0x0c, 0x0d, ETHER_TYPE_IPV4}));
    EXPECT_EQ(result[0].ip.src, VM_IP);
    EXPECT_EQ(ValidateHeaderStack(result), "");

    // On a group that has one it replaces it whole.
    HeaderTransposition replace;
    replace.edits[0].l2 = L2Action::Set;
    replace.edits[0].l2Header = EthernetHeader{0x0e, 0x0f, ETHER_TYPE_IPV4};
    HeaderStack plain = PlainTcp();
    ASSERT_TRUE(replace.Apply(plain));
    EXPECT_TRUE(plain[0].eth == (EthernetHeader{0x0e, 0x0f, ETHER_TYPE_IPV4}));
}

TEST(HeaderTranspositionTest, L2StripRemovesTheEthernetHeader)
{
    // Encap with IP-in-IP: push the outer group, strip the inner one's L2.
    HeaderTransposition ht;
    ht.pushCount = 1;
    ht.pushed[0] = IpInIpGroup(HOST_IP, REMOTE_IP);
    ht.edits[0].l2 = L2Action::Strip;
    HeaderStack result = PlainTcp();
    ASSERT_TRUE(ht.Apply(result));
    ASSERT_EQ(result.count, 2);
    EXPECT_FALSE(result[1].hasEthernet);
    EXPECT_EQ(result[1].ip.dst, PEER_IP);
    EXPECT_EQ(result[1].transport.srcPort, 40000);
    EXPECT_EQ(ValidateHeaderStack(result), "");
}

TEST(HeaderTranspositionTest, L2ActionRunsBeforeFieldWrites)
{
    GroupEdit edit;
    edit.l2 = L2Action::Set;
    edit.l2Header = EthernetHeader{0x01, 0x02, ETHER_TYPE_IPV4};
    edit.fields = EditField::SRC_MAC;
    edit.srcMac = 0x03;
    HeaderGroup group = WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 1, 2));
    ASSERT_TRUE(edit.ApplyTo(group));
    EXPECT_EQ(group.eth.src, 0x03u);
    EXPECT_EQ(group.eth.dst, 0x02u);

    // A MAC write after a Strip has nothing to write to.
    GroupEdit strip;
    strip.l2 = L2Action::Strip;
    strip.fields = EditField::DST_MAC;
    HeaderGroup withL2 = TcpGroup(VM_IP, PEER_IP, 1, 2);
    EXPECT_FALSE(strip.ApplyTo(withL2));
}

TEST(HeaderTranspositionTest, ApplyRefusesWhatDoesNotFitAndLeavesTheStackUnchanged)
{
    const HeaderStack plain = PlainTcp();
    const HeaderStack vxlan =
        MakeStack({VxlanGroup(HOST_IP, REMOTE_IP, 7), TcpGroup(VM_IP, PEER_IP, 1, 2)});

    HeaderTransposition popTwo;
    popTwo.popCount = 2;
    ExpectDoesNotFit(popTwo, plain, "pop more groups than there are");
    ExpectDoesNotFit(Pop(), plain, "pop the only group, push nothing");

    HeaderTransposition pushThree;
    pushThree.pushCount = 3;
    ExpectDoesNotFit(pushThree, plain, "more than MAX_HEADER_GROUPS groups");
    HeaderTransposition pushTwo;
    pushTwo.pushCount = 2;
    ExpectDoesNotFit(pushTwo, vxlan, "more than MAX_HEADER_GROUPS groups");

    HeaderTransposition key;
    key.edits[0].fields = EditField::TUNNEL_KEY;
    key.edits[0].tunnelKey = 9;
    ExpectDoesNotFit(key, plain, "tunnel key of a group without VXLAN/NVGRE");
    HeaderTransposition ipipKey = key;
    ExpectDoesNotFit(ipipKey,
                     MakeStack({IpInIpGroup(HOST_IP, REMOTE_IP),
                                WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 1, 2))}),
                     "tunnel key of an IP-in-IP group");

    HeaderTransposition ports;
    ports.edits[0].fields = EditField::SRC_PORT;
    ExpectDoesNotFit(ports,
                     MakeStack({NvgreGroup(HOST_IP, REMOTE_IP, 3), TcpGroup(VM_IP, PEER_IP, 1, 2)}),
                     "port of a group without transport");

    HeaderTransposition ips;
    ips.edits[0].fields = EditField::DST_IP;
    ExpectDoesNotFit(ips, MakeStack({ArpGroup(1, 2)}), "ip of a group without ipv4");

    HeaderTransposition macs;
    macs.edits[1].fields = EditField::SRC_MAC;
    ExpectDoesNotFit(macs,
                     MakeStack({IpInIpGroup(HOST_IP, REMOTE_IP),
                                WithoutEthernet(TcpGroup(VM_IP, PEER_IP, 1, 2))}),
                     "mac of a group without ethernet");

    // A failing edit on the inner group after a successful one on the outer group.
    HeaderTransposition partial;
    partial.edits[0].fields = EditField::DST_IP;
    partial.edits[0].dstIp = 0x09090909;
    partial.edits[1].fields = EditField::TUNNEL_KEY;
    ExpectDoesNotFit(partial, vxlan, "second edit fails");

    // Push plus a failing edit.
    HeaderTransposition pushThenFail = PushVxlan(3);
    pushThenFail.edits[0].fields = EditField::TUNNEL_KEY;
    ExpectDoesNotFit(pushThenFail, plain, "push then failing edit");
}

// ---- GroupEdit --------------------------------------------------------------------------

TEST(HeaderTranspositionTest, GroupEditThenLaterWriteWins)
{
    GroupEdit first;
    first.fields = EditField::SRC_IP | EditField::DST_PORT;
    first.srcIp = 1;
    first.dstPort = 10;
    GroupEdit second;
    second.fields = EditField::SRC_IP | EditField::SRC_PORT;
    second.srcIp = 2;
    second.srcPort = 20;
    const GroupEdit both = first.Then(second);
    EXPECT_EQ(both.fields, EditField::SRC_IP | EditField::SRC_PORT | EditField::DST_PORT);
    EXPECT_EQ(both.srcIp, 2u);
    EXPECT_EQ(both.srcPort, 20);
    EXPECT_EQ(both.dstPort, 10);
}

TEST(HeaderTranspositionTest, GroupEditThenFoldsMacWritesIntoASetHeader)
{
    GroupEdit set;
    set.l2 = L2Action::Set;
    set.l2Header = EthernetHeader{0x01, 0x02, ETHER_TYPE_IPV4};
    GroupEdit mac;
    mac.fields = EditField::DST_MAC;
    mac.dstMac = 0x09;
    const GroupEdit both = set.Then(mac);
    EXPECT_EQ(both.l2, L2Action::Set);
    EXPECT_EQ(both.fields & EditField::MAC_FIELDS, 0);
    EXPECT_TRUE(both.l2Header == (EthernetHeader{0x01, 0x09, ETHER_TYPE_IPV4}));

    // A later Set or Strip replaces earlier MAC writes.
    GroupEdit strip;
    strip.l2 = L2Action::Strip;
    const GroupEdit stripped = mac.Then(strip);
    EXPECT_EQ(stripped.l2, L2Action::Strip);
    EXPECT_EQ(stripped.fields, 0);
    HeaderGroup group = TcpGroup(VM_IP, PEER_IP, 1, 2);
    ASSERT_TRUE(stripped.ApplyTo(group));
    EXPECT_FALSE(group.hasEthernet);
}

TEST(HeaderTranspositionTest, GroupEditEqualityIgnoresUnwrittenValues)
{
    GroupEdit a;
    a.fields = EditField::SRC_IP;
    a.srcIp = 5;
    GroupEdit b = a;
    b.dstIp = 77;       // not written
    b.l2Header.src = 3; // no Set
    EXPECT_TRUE(a == b);
    b.srcIp = 6;
    EXPECT_FALSE(a == b);
    GroupEdit c = a;
    c.fields |= EditField::DST_IP;
    EXPECT_FALSE(a == c);
}

// ---- Then -------------------------------------------------------------------------------

TEST(HeaderTranspositionTest, ThenOfPushAndPopCancels)
{
    const HeaderTransposition both = PushVxlan(5).Then(Pop());
    EXPECT_TRUE(both.IsIdentity()) << Describe(both);
    HeaderStack stack = PlainTcp();
    ASSERT_TRUE(both.Apply(stack));
    EXPECT_STACK_EQ(stack, PlainTcp());
}

TEST(HeaderTranspositionTest, ThenFoldsEditsOfPushedGroupsIntoThem)
{
    // Encap, then a later layer rewrites the outer destination (e.g. a new PA).
    HeaderTransposition rewrite;
    rewrite.edits[0].fields = EditField::DST_IP;
    rewrite.edits[0].dstIp = 0xac1000ff;
    const HeaderTransposition both = PushVxlan(5).Then(rewrite);
    EXPECT_EQ(both.pushCount, 1);
    EXPECT_EQ(both.popCount, 0);
    EXPECT_EQ(both.pushed[0].ip.dst, 0xac1000ffu);
    EXPECT_TRUE(both.edits[0].IsIgnore());

    HeaderStack sequential = PlainTcp();
    ASSERT_TRUE(PushVxlan(5).Apply(sequential));
    ASSERT_TRUE(rewrite.Apply(sequential));
    HeaderStack composed = PlainTcp();
    ASSERT_TRUE(both.Apply(composed));
    EXPECT_STACK_EQ(composed, sequential);
}

TEST(HeaderTranspositionTest, ThenOfNatAndEncapEditsTheInnerGroup)
{
    const HeaderTransposition both = NatDst(VIP, 8080).Then(PushVxlan(5));
    EXPECT_EQ(both.pushCount, 1);
    EXPECT_EQ(both.edits[0].fields, EditField::DST_IP | EditField::DST_PORT);
    HeaderStack stack = PlainTcp();
    ASSERT_TRUE(both.Apply(stack));
    ASSERT_EQ(stack.count, 2);
    EXPECT_EQ(stack[1].ip.dst, VIP);
    EXPECT_EQ(stack[1].transport.dstPort, 8080);
    EXPECT_EQ(stack[0].tunnelKey, 5u);
}

TEST(HeaderTranspositionTest, ThenOfDecapAndNatPopsAndEditsTheFormerInner)
{
    const HeaderStack stack =
        MakeStack({VxlanGroup(HOST_IP, REMOTE_IP, 7), TcpGroup(VM_IP, PEER_IP, 1, 2)});
    const HeaderTransposition both = Pop().Then(NatDst(VIP, 8080));
    EXPECT_EQ(both.popCount, 1);
    EXPECT_EQ(both.pushCount, 0);
    HeaderStack result = stack;
    ASSERT_TRUE(both.Apply(result));
    ASSERT_EQ(result.count, 1);
    EXPECT_EQ(result[0].ip.dst, VIP);
    EXPECT_EQ(result[0].ip.src, VM_IP);
}

TEST(HeaderTranspositionTest, ThenOfReencapReplacesTheTunnel)
{
    // Pop the VXLAN outer group, then push an NVGRE one: one pop and one push.
    const HeaderStack stack =
        MakeStack({VxlanGroup(HOST_IP, REMOTE_IP, 7), TcpGroup(VM_IP, PEER_IP, 1, 2)});
    HeaderTransposition nvgre;
    nvgre.pushCount = 1;
    nvgre.pushed[0] = NvgreGroup(0x01010101, 0x02020202, 42);
    const HeaderTransposition both = Pop().Then(nvgre);
    EXPECT_EQ(both.popCount, 1);
    EXPECT_EQ(both.pushCount, 1);
    HeaderStack result = stack;
    ASSERT_TRUE(both.Apply(result));
    EXPECT_STACK_EQ(result, MakeStack({NvgreGroup(0x01010101, 0x02020202, 42), stack[1]}));
}

TEST(HeaderTranspositionTest, ThenOfPushedGroupsPoppedBeyondTheirNumber)
{
    // A pushes one group; B pops two (A's and the original outer one) and pushes one.
    const HeaderStack stack =
        MakeStack({VxlanGroup(HOST_IP, REMOTE_IP, 7), TcpGroup(VM_IP, PEER_IP, 1, 2)});
    HeaderTransposition b;
    b.popCount = 2;
    b.pushCount = 1;
    b.pushed[0] = IpInIpGroup(0x01010101, 0x02020202);
    b.edits[0].l2 = L2Action::Strip;
    const HeaderTransposition both = PushVxlan(9).Then(b);
    EXPECT_EQ(both.popCount, 1);
    EXPECT_EQ(both.pushCount, 1);
    HeaderStack sequential = stack;
    ASSERT_TRUE(PushVxlan(9).Apply(sequential));
    ASSERT_TRUE(b.Apply(sequential));
    HeaderStack composed = stack;
    ASSERT_TRUE(both.Apply(composed));
    EXPECT_STACK_EQ(composed, sequential);
    EXPECT_EQ(ValidateHeaderStack(composed), "");
}

TEST(HeaderTranspositionTest, ThenOfSetWithMacWritesInCanonicalForm)
{
    // An edit that Sets L2 and also writes SRC_MAC (legal: the L2 action runs first).
    // GroupEdit{}.Then(a) is its canonical form (the MACs folded into l2Header), the form
    // the JSON reader and Between produce; composition is exact on it. (Then on the
    // non-canonical form loses a later SRC_MAC write: see the test report.)
    GroupEdit a;
    a.l2 = L2Action::Set;
    a.l2Header = EthernetHeader{0x01, 0x02, ETHER_TYPE_IPV4};
    a.fields = EditField::SRC_MAC | EditField::SRC_IP;
    a.srcMac = 0x03;
    a.srcIp = VIP;
    const GroupEdit canonical = GroupEdit{}.Then(a);
    EXPECT_EQ(canonical.fields, EditField::SRC_IP);
    EXPECT_TRUE(canonical.l2Header == (EthernetHeader{0x03, 0x02, ETHER_TYPE_IPV4}));

    GroupEdit b;
    b.fields = EditField::SRC_MAC;
    b.srcMac = 0x04;
    HeaderGroup sequential = TcpGroup(VM_IP, PEER_IP, 1, 2);
    ASSERT_TRUE(a.ApplyTo(sequential));
    HeaderGroup viaCanonical = TcpGroup(VM_IP, PEER_IP, 1, 2);
    ASSERT_TRUE(canonical.ApplyTo(viaCanonical));
    EXPECT_TRUE(viaCanonical == sequential);
    ASSERT_TRUE(b.ApplyTo(sequential));
    EXPECT_EQ(sequential.eth.src, 0x04u);
    HeaderGroup composed = TcpGroup(VM_IP, PEER_IP, 1, 2);
    ASSERT_TRUE(canonical.Then(b).ApplyTo(composed));
    EXPECT_TRUE(composed == sequential);
}

TEST(HeaderTranspositionTest, EqualityIgnoresPushedSlotsBeyondPushCount)
{
    HeaderTransposition a = PushVxlan(5);
    HeaderTransposition b = a;
    b.pushed[1] = VxlanGroup(1, 2, 3);
    EXPECT_TRUE(a == b);
    b.pushed[0].tunnelKey = 6;
    EXPECT_TRUE(a != b);
    HeaderTransposition c = a;
    c.edits[1].fields = EditField::SRC_IP;
    EXPECT_TRUE(a != c);
}

// ---- Between ----------------------------------------------------------------------------

TEST(HeaderTranspositionTest, BetweenAStackAndItselfIsIdentity)
{
    const HeaderStack stack =
        MakeStack({VxlanGroup(HOST_IP, REMOTE_IP, 7), TcpGroup(VM_IP, PEER_IP, 1, 2)});
    EXPECT_TRUE(HeaderTransposition::Between(stack, stack).IsIdentity());
}

TEST(HeaderTranspositionTest, BetweenPlainAndEncapsulatedIsAPush)
{
    const HeaderStack plain = PlainTcp();
    const HeaderStack encapsulated = MakeStack({VxlanGroup(HOST_IP, REMOTE_IP, 7), plain[0]});
    const HeaderTransposition encap = HeaderTransposition::Between(plain, encapsulated);
    EXPECT_EQ(encap.popCount, 0);
    EXPECT_EQ(encap.pushCount, 1);
    EXPECT_TRUE(encap.pushed[0] == encapsulated[0]);
    EXPECT_TRUE(encap.edits[0].IsIgnore());

    const HeaderTransposition decap = HeaderTransposition::Between(encapsulated, plain);
    EXPECT_EQ(decap.popCount, 1);
    EXPECT_EQ(decap.pushCount, 0);
    EXPECT_TRUE(decap.edits[0].IsIgnore());
}

TEST(HeaderTranspositionTest, BetweenNatedStacksIsAModifyOfTheChangedFieldsOnly)
{
    const HeaderStack before = PlainTcp();
    HeaderStack after = before;
    after[0].ip.dst = VIP;
    after[0].transport.dstPort = 8080;
    after[0].ip.ttl = 3; // per-packet: not written
    const HeaderTransposition nat = HeaderTransposition::Between(before, after);
    EXPECT_EQ(nat.popCount, 0);
    EXPECT_EQ(nat.pushCount, 0);
    EXPECT_EQ(nat.edits[0].fields, EditField::DST_IP | EditField::DST_PORT);
    EXPECT_EQ(nat.edits[0].dstIp, VIP);
    EXPECT_EQ(nat.edits[0].dstPort, 8080);
}

TEST(HeaderTranspositionTest, BetweenUsesStripAndSetForIpInIp)
{
    const HeaderStack plain = PlainTcp();
    const HeaderStack ipip =
        MakeStack({IpInIpGroup(HOST_IP, REMOTE_IP), WithoutEthernet(plain[0])});
    const HeaderTransposition encap = HeaderTransposition::Between(plain, ipip);
    EXPECT_EQ(encap.pushCount, 1);
    EXPECT_EQ(encap.popCount, 0);
    EXPECT_EQ(encap.edits[0].l2, L2Action::Strip);
    const HeaderTransposition decap = HeaderTransposition::Between(ipip, plain);
    EXPECT_EQ(decap.popCount, 1);
    EXPECT_EQ(decap.pushCount, 0);
    EXPECT_EQ(decap.edits[0].l2, L2Action::Set);
    EXPECT_TRUE(decap.edits[0].l2Header == plain[0].eth);
    HeaderStack result = ipip;
    ASSERT_TRUE(decap.Apply(result));
    EXPECT_STACK_EQ(result, plain);
}

TEST(HeaderTranspositionTest, BetweenPopsAndPushesWhereStructureDiffers)
{
    // Innermost groups differ in protocol: nothing aligns, everything is replaced.
    const HeaderStack tcp = PlainTcp();
    const HeaderStack udp = MakeStack({UdpGroup(VM_IP, PEER_IP, 5353, 53)});
    const HeaderTransposition ht = HeaderTransposition::Between(tcp, udp);
    EXPECT_EQ(ht.popCount, 1);
    EXPECT_EQ(ht.pushCount, 1);
    HeaderStack result = tcp;
    ASSERT_TRUE(ht.Apply(result));
    // Pushed groups are exact, per-packet fields included.
    EXPECT_STACK_EQ(result, udp);
}

TEST(HeaderTranspositionTest, BetweenNonIpGroupsOfDifferentEtherTypesReplacesTheGroup)
{
    const HeaderStack arp = MakeStack({ArpGroup(1, 2)});
    HeaderStack lldp = MakeStack({ArpGroup(1, 3)});
    lldp[0].eth.etherType = ETHER_TYPE_LLDP;
    const HeaderTransposition ht = HeaderTransposition::Between(arp, lldp);
    EXPECT_EQ(ht.popCount, 1);
    EXPECT_EQ(ht.pushCount, 1);
    HeaderStack result = arp;
    ASSERT_TRUE(ht.Apply(result));
    EXPECT_STACK_EQ(result, lldp);
}

// ---- properties -------------------------------------------------------------------------

TEST(HeaderTranspositionTest, PropertyThenEqualsApplyingOneAfterTheOther)
{
    StackGenerator generator(20170327);
    int withPops = 0;
    int withPushes = 0;
    int withEdits = 0;
    for (int i = 0; i < 5000; ++i)
    {
        const HeaderStack s = generator.Stack();
        const HeaderTransposition a = generator.HtFitting(s);
        HeaderStack afterA = s;
        ASSERT_TRUE(a.Apply(afterA)) << Describe(s) << "\n" << Describe(a);
        const HeaderTransposition b = generator.HtFitting(afterA);
        HeaderStack afterB = afterA;
        ASSERT_TRUE(b.Apply(afterB)) << Describe(afterA) << "\n" << Describe(b);

        const HeaderTransposition ab = a.Then(b);
        HeaderStack composed = s;
        ASSERT_TRUE(ab.Apply(composed)) << "s " << Describe(s) << "\nA " << Describe(a) << "\nB "
                                        << Describe(b) << "\nA.Then(B) " << Describe(ab);
        ASSERT_TRUE(composed == afterB)
            << "s " << Describe(s) << "\nA " << Describe(a) << "\nB " << Describe(b)
            << "\nA.Then(B) " << Describe(ab) << "\ncomposed " << Describe(composed)
            << "\nsequential " << Describe(afterB);
        EXPECT_LE(ab.pushCount, afterB.count);
        EXPECT_LE(ab.popCount, s.count);

        withPops += b.popCount > a.pushCount;
        withPushes += a.pushCount > 0 && b.popCount < a.pushCount;
        withEdits += !b.edits[0].IsIgnore() && !a.edits[0].IsIgnore();
    }
    // The generator reaches both branches of Then and edits on both sides.
    EXPECT_GT(withPops, 200);
    EXPECT_GT(withPushes, 200);
    EXPECT_GT(withEdits, 200);
}

TEST(HeaderTranspositionTest, PropertyThenIsAssociative)
{
    StackGenerator generator(99);
    for (int i = 0; i < 2000; ++i)
    {
        const HeaderStack s = generator.Stack();
        const HeaderTransposition a = generator.HtFitting(s);
        HeaderStack t = s;
        ASSERT_TRUE(a.Apply(t));
        const HeaderTransposition b = generator.HtFitting(t);
        ASSERT_TRUE(b.Apply(t));
        const HeaderTransposition c = generator.HtFitting(t);
        ASSERT_TRUE(c.Apply(t));
        HeaderStack left = s;
        HeaderStack right = s;
        ASSERT_TRUE(a.Then(b).Then(c).Apply(left));
        ASSERT_TRUE(a.Then(b.Then(c)).Apply(right));
        EXPECT_STACK_EQ(left, t);
        EXPECT_STACK_EQ(right, t);
    }
}

TEST(HeaderTranspositionTest, PropertyBetweenTurnsOneStackIntoTheOther)
{
    StackGenerator generator(7);
    for (int i = 0; i < 5000; ++i)
    {
        const HeaderStack from = generator.Stack();
        const HeaderStack to = generator.Stack();
        const HeaderTransposition ht = HeaderTransposition::Between(from, to);
        HeaderStack result = from;
        ASSERT_TRUE(ht.Apply(result)) << Describe(from) << "\n -> " << Describe(to);
        ASSERT_EQ(result.count, to.count);
        EXPECT_STACK_EQ(WithPerPacketFieldsOf(result, to), to) << "\n  from " << Describe(from);
        EXPECT_EQ(ValidateHeaderStack(result), "");
        ASSERT_EQ(ht.pushCount - ht.popCount, int(to.count) - int(from.count));
        // Pushed groups are exact; aligned groups keep their own per-packet fields.
        for (size_t g = 0; g < ht.pushCount; ++g)
        {
            EXPECT_TRUE(result[g] == to[g]) << "pushed group " << g;
        }
        for (size_t g = ht.pushCount; g < result.count; ++g)
        {
            const HeaderGroup& original = from[ht.popCount + g - ht.pushCount];
            EXPECT_EQ(result[g].ip.ttl, original.ip.ttl);
            EXPECT_EQ(result[g].transport.seq, original.transport.seq);
            EXPECT_EQ(result[g].transport.tcpFlags, original.transport.tcpFlags);
        }
        EXPECT_EQ(result.payloadBytes, from.payloadBytes);
        // Between a stack and itself does nothing.
        EXPECT_TRUE(HeaderTransposition::Between(from, from).IsIdentity());
    }
}

TEST(HeaderTranspositionTest, PropertyBetweenComposesAlongAPath)
{
    // Between(a, b).Then(Between(b, c)) turns a into c, like Between(a, c), up to
    // per-packet fields.
    StackGenerator generator(11);
    for (int i = 0; i < 3000; ++i)
    {
        const HeaderStack a = generator.Stack();
        const HeaderStack b = generator.Stack();
        const HeaderStack c = generator.Stack();
        const HeaderTransposition path =
            HeaderTransposition::Between(a, b).Then(HeaderTransposition::Between(b, c));
        HeaderStack viaPath = a;
        HeaderStack direct = a;
        ASSERT_TRUE(path.Apply(viaPath));
        ASSERT_TRUE(HeaderTransposition::Between(a, c).Apply(direct));
        EXPECT_STACK_EQ(WithPerPacketFieldsOf(viaPath, c), c);
        EXPECT_STACK_EQ(WithPerPacketFieldsOf(direct, c), c);
    }
}

} // namespace
} // namespace vfp
