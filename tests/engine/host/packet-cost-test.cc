/*
 * The host model's engine half (engine/host/packet-cost.h): a packet's cost is the sum of
 * what the pipeline did, and steering puts a VM's packets (VMQ) or a flow's packets (RSS)
 * on one core, both directions of a flow together.
 */
#include "../test-support.h"
#include "engine/host/packet-cost.h"

#include <gtest/gtest.h>
#include <set>

namespace vfp
{
namespace
{

using namespace test;

CpuCosts
Costs()
{
    CpuCosts costs;
    costs.fastPathNs = 500;
    costs.slowPathNs = 2000;
    costs.layerNs = 300;
    costs.classificationNs = 800;
    costs.copyBytesPerNs = 10;
    costs.tunnelNs = 100;
    return costs;
}

TEST(PacketCost, TheFastPathPaysItsFixedCostTheCopyAndTheTunnel)
{
    PacketWork work;
    work.fastPath = true;
    work.layersVisited = 3; // not charged on the fast path
    work.bytes = 1000;
    work.tunnelChanges = 1;
    EXPECT_DOUBLE_EQ(ServiceNanoseconds(Costs(), work), 500 + 100 + 100);
}

TEST(PacketCost, TheSlowPathPaysPerLayerAndPerClassification)
{
    PacketWork work;
    work.layersVisited = 3;
    work.layersClassified = 2;
    EXPECT_DOUBLE_EQ(ServiceNanoseconds(Costs(), work), 2000 + 3 * 300 + 2 * 800);
    work.layersClassified = 3;
    EXPECT_GT(ServiceNanoseconds(Costs(), work), 2000 + 3 * 300 + 2 * 800)
        << "a layer that searched its rules costs more than one that found a flow";
    CpuCosts free = Costs();
    free.copyBytesPerNs = 0;
    work.bytes = 1500;
    EXPECT_DOUBLE_EQ(ServiceNanoseconds(free, work), 2000 + 3 * 300 + 3 * 800)
        << "a zero copy rate means copies are free, not infinite";
}

TEST(PacketCost, VmqPutsEveryPacketOfAVmOnItsCore)
{
    for (uint64_t hash : {0ull, 1ull, 12345ull, ~0ull})
    {
        EXPECT_EQ(SteerCore(Steering::Vmq, 4, 4, 1, hash), 1u);
        EXPECT_EQ(SteerCore(Steering::Vmq, 4, 4, 6, hash), 2u) << "VMs wrap round the cores";
    }
}

TEST(PacketCost, RssSpreadsAVmsFlowsOverItsQueuesAndKeepsEachFlowOnOneCore)
{
    std::set<uint32_t> cores;
    for (uint16_t port = 1000; port < 1100; ++port)
    {
        const HeaderStack out = VmTcp("10.0.0.2", port, 80, "S");
        HeaderStack back = out;
        std::swap(back[0].ip.src, back[0].ip.dst);
        std::swap(back[0].transport.srcPort, back[0].transport.dstPort);
        ASSERT_EQ(SymmetricFlowHash(out), SymmetricFlowHash(back)) << "both directions";
        const uint32_t core = SteerCore(Steering::Rss, 8, 4, 1, SymmetricFlowHash(out));
        cores.insert(core);
    }
    EXPECT_EQ(cores, (std::set<uint32_t>{4, 5, 6, 7})) << "VM 1's four queues, cores 4 to 7";
    EXPECT_EQ(SteerCore(Steering::Rss, 8, 1, 3, 99), 3u) << "one queue is VMQ";
}

TEST(PacketCost, TunnelChangesCountPushesAndPops)
{
    const HeaderStack inner = VmTcp("10.0.0.2", 1000, 80, "S");
    HeaderStack outer = inner;
    outer.count = 2;
    outer[1] = inner[0];
    EXPECT_EQ(TunnelChanges(inner, outer), 1);
    EXPECT_EQ(TunnelChanges(outer, inner), 1);
    EXPECT_EQ(TunnelChanges(inner, inner), 0);
}

} // namespace
} // namespace vfp
