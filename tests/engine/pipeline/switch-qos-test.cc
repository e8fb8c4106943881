/*
 * The switch's QoS API (switch.h): a port's QoS is set in the port and the shaper
 * together or not at all, a removed port hands back the packets that waited in its
 * queues, and the switch's policy saves and loads after its ports change.
 */
#include "../test-support.h"
#include "engine/format/policy-json.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

using namespace test;

constexpr Direction TX = Direction::Outbound;

PortSpec
NamedPort(const std::string& name, const std::string& mac)
{
    PortSpec spec;
    spec.name = name;
    spec.mac = Mac(mac);
    return spec;
}

PortQosSpec
TxCap(double rateBps)
{
    PortQosSpec qos;
    qos.tx = RateLimitSpec{rateBps, QOS_MIN_BURST_BYTES, DEFAULT_QOS_QUEUE_BYTES};
    return qos;
}

TEST(SwitchQos, SetPortQosChangesPortAndShaperOrNothing)
{
    Switch vswitch;
    vswitch.AddPort(NamedPort("vm", VM_MAC));
    EXPECT_FALSE(vswitch.GetPort("vm").GetQos());
    EXPECT_FALSE(vswitch.GetQos().IsActive());

    vswitch.SetPortQos("vm", TxCap(8e6), 0);
    EXPECT_EQ(vswitch.GetPort("vm").GetQos(), std::optional(TxCap(8e6)));
    EXPECT_EQ(vswitch.ToSpec().ports[0].qos, std::optional(TxCap(8e6)));
    EXPECT_TRUE(vswitch.GetQos().IsActive());
    EXPECT_EQ(vswitch.GetQos().Enqueue("vm", TX, 1, 1514, 0), QosShaper::Admission::Sent);
    EXPECT_EQ(vswitch.GetQos().Enqueue("vm", TX, 2, 1514, 0), QosShaper::Admission::Queued);

    PortQosSpec reserved = TxCap(8e6);
    reserved.txReservationBps = 1e6; // and no link to reserve it on
    EXPECT_THROW(vswitch.SetPortQos("vm", reserved, 0), PolicyError);
    EXPECT_THROW(vswitch.SetPortQos("other", TxCap(8e6), 0), PolicyError);
    EXPECT_EQ(vswitch.GetPort("vm").GetQos(), std::optional(TxCap(8e6))) << "unchanged";

    vswitch.SetPortQos("vm", std::nullopt, 0.01);
    EXPECT_FALSE(vswitch.GetPort("vm").GetQos());
    EXPECT_FALSE(vswitch.ToSpec().ports[0].qos);
    EXPECT_EQ(vswitch.GetQos().Enqueue("vm", TX, 3, 1514, 0.01), QosShaper::Admission::Sent);
}

TEST(SwitchQos, RemovePortReturnsTheHandlesThatWaited)
{
    Switch vswitch;
    vswitch.AddPort(NamedPort("a", "00:1d:d8:00:00:01"));
    vswitch.AddPort(NamedPort("b", "00:1d:d8:00:00:02"));
    vswitch.SetPortQos("a", TxCap(8e6), 0);
    vswitch.SetPortQos("b", TxCap(8e6), 0);
    QosShaper& qos = vswitch.GetQos();
    for (uint64_t handle = 1; handle <= 4; ++handle)
    {
        qos.Enqueue("a", TX, handle, 1514, 0);
    }
    qos.Enqueue("b", TX, 9, 1514, 0);
    qos.Enqueue("b", TX, 10, 1514, 0);
    EXPECT_EQ(vswitch.RemovePort("a"), (std::vector<uint64_t>{2, 3, 4}));
    EXPECT_FALSE(vswitch.FindPort("a"));
    EXPECT_THROW(vswitch.RemovePort("a"), PolicyError);
    const std::vector<QosShaper::Released> released = qos.Release(1);
    ASSERT_EQ(released.size(), 1u);
    EXPECT_EQ(released[0].handle, 10u);
}

TEST(SwitchQos, RemovingAGroupsLastPortLeavesAPolicyThatLoads)
{
    Switch vswitch;
    vswitch.AddPort(NamedPort("a", "00:1d:d8:00:00:01"));
    vswitch.AddPort(NamedPort("b", "00:1d:d8:00:00:02"));
    vswitch.SetQosGroup({"tenant", TX, {"a"}, RateLimitSpec{1e9, 15'000, 100'000}}, 0);
    ASSERT_EQ(vswitch.ToSpec().qos.groups.size(), 1u);
    vswitch.RemovePort("a");
    const Json saved = WritePolicy(vswitch.ToSpec());
    try
    {
        Switch loaded(ReadPolicy(saved));
        EXPECT_EQ(WritePolicy(loaded.ToSpec()), saved);
    }
    catch (const PolicyError& error)
    {
        ADD_FAILURE() << "the switch's own policy does not load: " << error.what() << "\n"
                      << saved.dump();
    }
}

} // namespace
} // namespace vfp
