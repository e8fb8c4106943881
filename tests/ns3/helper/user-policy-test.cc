/*
 * A user's policy as data in the datacenter (UserPolicyHelper, --policy): the file's
 * layer lands on exactly the ports it names, next to the built-in controllers' layers,
 * and drops exactly the traffic its rule names; a layer that takes a built-in layer's
 * name or priority, a VM that does not exist and a malformed file are refused up front,
 * naming the file, the field and the reason.
 */
#include "datacenter-fixture.h"
#include "user-policy-helper.h"

#include <fstream>

namespace ns3
{
namespace
{

using UserPolicyInDatacenter = DatacenterFixture;

/// A user policy file blocking outbound UDP to port 5001, in layer @p layer at @p priority.
std::string
WritePolicy(const std::string& name,
            const std::string& applyTo,
            const std::string& layer = "research",
            int priority = 150)
{
    const std::string file = ::testing::TempDir() + "user-policy-" + name + ".json";
    std::ofstream(file) << R"({"version": 1, )" << applyTo << R"("layers": [{"name": ")" << layer
                        << R"(", "priority": )" << priority
                        << R"(, "default": {"outbound": "allow", "inbound": "allow"},
        "groups": [{"name": "no-echo", "direction": "outbound", "rules": [
          {"id": "block-udp-5001", "conditions": [{"type": "protocol", "values": [17]},
                                                  {"type": "dst_port", "values": [5001]}],
           "action": {"type": "block"}}]}]}]})";
    return file;
}

TEST_F(UserPolicyInDatacenter, DropsExactlyTheTrafficItsRuleNamesOnTheTenantItNames)
{
    Build();
    UserPolicyHelper::Install(dc, WritePolicy("tenant0", R"("apply_to": {"tenants": [0]}, )"));
    Ptr<PacketSink> named = Sink(2, 5001, "ns3::UdpSocketFactory");
    Ptr<PacketSink> otherPort = Sink(2, 5002, "ns3::UdpSocketFactory");
    Ptr<PacketSink> otherTenant = Sink(3, 5001, "ns3::UdpSocketFactory");
    Udp(0, 2, 5001, 10, 100, MilliSeconds(1)); // tenant 0, the named port: dropped
    Udp(0, 2, 5002, 10, 100, MilliSeconds(1)); // tenant 0, another port
    Udp(1, 3, 5001, 10, 100, MilliSeconds(1)); // tenant 1, not named
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(named->GetTotalRx(), 0u);
    EXPECT_EQ(otherPort->GetTotalRx(), 10u * 100);
    EXPECT_EQ(otherTenant->GetTotalRx(), 10u * 100);
    EXPECT_EQ(drops["rule_block"], 10u) << "the ten named packets and nothing else";
    EXPECT_EQ(drops.size(), 1u);

    const vfp::Port& port = dc.hosts[0].vswitch->GetEngine().GetPort(dc.vms[0].port);
    ASSERT_NE(port.FindLayer("research"), nullptr) << "alongside the built-in layers";
    EXPECT_NE(port.FindLayer("acl"), nullptr);
    EXPECT_EQ(dc.hosts[0].vswitch->GetEngine().GetPort(dc.vms[1].port).FindLayer("research"),
              nullptr)
        << "tenant 1's port is not named";
}

TEST_F(UserPolicyInDatacenter, WithoutApplyToEveryVmGetsTheLayer)
{
    Build();
    Ptr<UserPolicyController> controller = UserPolicyHelper::Install(dc, WritePolicy("all", ""));
    Ptr<PacketSink> tenant1 = Sink(3, 5001, "ns3::UdpSocketFactory");
    Udp(1, 3, 5001, 10, 100, MilliSeconds(1));
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(tenant1->GetTotalRx(), 0u);
    EXPECT_EQ(drops["rule_block"], 10u);
    EXPECT_EQ(controller->GetPendingChanges(), 0u);
    EXPECT_GT(controller->GetConvergedAt(), Seconds(0)) << "it programmed like any controller";
}

/// The message UserPolicyHelper::Install refuses @p file with (empty: it did not).
std::string
Refusal(VfpDatacenterHelper::Datacenter& dc, const std::string& file)
{
    try
    {
        UserPolicyHelper::Install(dc, file);
    }
    catch (const std::invalid_argument& error)
    {
        return error.what();
    }
    return "";
}

TEST_F(UserPolicyInDatacenter, ClashesAndBadInputAreRefusedNamingFileFieldAndReason)
{
    Build();
    const std::string acl = WritePolicy("acl-name", "", "acl", 150);
    EXPECT_EQ(Refusal(dc, acl).rfind(acl +
                                         ": layers[0].name: layer \"acl\" (priority 150) clashes "
                                         "with layer \"acl\" (priority 200) of ns3::AclController",
                                     0),
              0u)
        << Refusal(dc, acl);
    const std::string priority = WritePolicy("acl-priority", "", "mine", 200);
    EXPECT_NE(Refusal(dc, priority)
                  .find("layers[0].priority: layer \"mine\" (priority 200) clashes "
                        "with layer \"acl\""),
              std::string::npos)
        << Refusal(dc, priority);
    const std::string vm = WritePolicy("vm", R"("apply_to": {"vms": [0, 9]}, )");
    EXPECT_NE(Refusal(dc, vm).find("apply_to.vms[1]: no VM 9 (the datacenter has VMs 0 to 3)"),
              std::string::npos)
        << Refusal(dc, vm);
    const std::string bad = ::testing::TempDir() + "user-policy-bad.json";
    std::ofstream(bad) << R"({"version": 1, "layers": [{"name": "x", "colour": 1}]})";
    EXPECT_NE(Refusal(dc, bad).find(bad + ": layers[0].colour: unknown field"), std::string::npos)
        << Refusal(dc, bad);
    EXPECT_NE(Refusal(dc, "/no/such/file.json").find("cannot open"), std::string::npos);
}

} // namespace
} // namespace ns3
