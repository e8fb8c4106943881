/*
 * The switch device in a simulation: two VMs (real ns-3 internet stacks and UDP echo
 * applications) behind one host's VfpSwitchNetDevice. Their traffic crosses the VFP
 * pipeline of both ports: it passes when the policy allows it, is dropped with the
 * layer's reason when it does not, takes the fast path after the first packet, and is
 * NATed on the way.
 */
#include "engine/packet/addresses.h"
#include "ns3/applications-module.h"
#include "ns3/arp-cache.h"
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/vfp-switch-net-device.h"

#include <gtest/gtest.h>

namespace ns3
{
namespace
{

vfp::Condition
Cond(vfp::ConditionType type, const std::string& text)
{
    std::string error;
    vfp::Condition condition;
    condition.type = type;
    condition.values.push_back(*vfp::ParseConditionValue(type, text, error));
    return condition;
}

/// Two VMs, 10.0.0.1 and 10.0.0.2, each on its own link to a port of the host's switch.
class TwoVms
{
public:
    explicit TwoVms(const std::vector<vfp::LayerSpec>& layers)
    {
        host = CreateObject<Node>();
        vms.Create(2);
        InternetStackHelper internet;
        internet.Install(vms);
        vswitch = CreateObject<VfpSwitchNetDevice>();
        host->AddDevice(vswitch);
        CsmaHelper csma;
        csma.SetChannelAttribute("DataRate", StringValue("1Gbps"));
        csma.SetChannelAttribute("Delay", TimeValue(MicroSeconds(5)));
        Ipv4AddressHelper addresses("10.0.0.0", "255.255.255.0");
        for (uint32_t i = 0; i < 2; ++i)
        {
            NetDeviceContainer link = csma.Install(NodeContainer(vms.Get(i), host));
            vmInterfaces.Add(addresses.Assign(NetDeviceContainer(link.Get(0))));
            vfp::PortSpec spec;
            spec.name = "vm" + std::to_string(i + 1);
            spec.mac =
                VfpPacketCodec::FromMac(Mac48Address::ConvertFrom(link.Get(0)->GetAddress()));
            spec.layers = layers;
            vswitch->AddVmPort(link.Get(1), spec);
            vmDevices.Add(link.Get(0));
        }
        // The VMs know each other's MACs (an ARP responder in the switch is future work).
        for (uint32_t i = 0; i < 2; ++i)
        {
            Ptr<Ipv4L3Protocol> ip = vms.Get(i)->GetObject<Ipv4L3Protocol>();
            ArpCache::Entry* entry =
                ip->GetInterface(1)->GetArpCache()->Add(vmInterfaces.GetAddress(1 - i));
            entry->SetMacAddress(vmDevices.Get(1 - i)->GetAddress());
            entry->MarkPermanent();
        }
        vswitch->TraceConnectWithoutContext("Drop", MakeCallback(&TwoVms::OnDrop, this));
    }

    /// UDP echo from VM 1 to VM 2 port 9: @p count requests; returns the replies received.
    uint32_t Echo(uint32_t count, uint16_t port = 9)
    {
        UdpEchoServerHelper server(port);
        server.Install(vms.Get(1)).Start(Seconds(0));
        UdpEchoClientHelper client(vmInterfaces.GetAddress(1), port);
        client.SetAttribute("MaxPackets", UintegerValue(count));
        client.SetAttribute("Interval", TimeValue(MilliSeconds(10)));
        client.SetAttribute("PacketSize", UintegerValue(200));
        ApplicationContainer apps = client.Install(vms.Get(0));
        apps.Start(Seconds(0.1));
        uint32_t replies = 0;
        Config::ConnectWithoutContext(
            "/NodeList/" + std::to_string(vms.Get(0)->GetId()) +
                "/ApplicationList/*/$ns3::UdpEchoClient/Rx",
            MakeCallback(+[](uint32_t* counter, Ptr<const Packet>) { ++*counter; }).Bind(&replies));
        Simulator::Stop(Seconds(2));
        Simulator::Run();
        return replies;
    }

    ~TwoVms() { Simulator::Destroy(); }

    void OnDrop(Ptr<const Packet>, const std::string& reason) { ++drops[reason]; }

    Ptr<Node> host;
    NodeContainer vms;
    NetDeviceContainer vmDevices;
    Ipv4InterfaceContainer vmInterfaces;
    Ptr<VfpSwitchNetDevice> vswitch;
    std::map<std::string, uint32_t> drops;
};

vfp::LayerSpec
Acl(const std::vector<vfp::RuleSpec>& outbound,
    vfp::DefaultAction inboundDefault = vfp::DefaultAction::Allow)
{
    vfp::LayerSpec layer;
    layer.name = "acl";
    layer.defaults = {vfp::DefaultAction::Allow, inboundDefault};
    vfp::GroupSpec group;
    group.name = "out";
    group.rules = outbound;
    layer.groups.push_back(group);
    return layer;
}

TEST(VfpSwitchNetDevice, VmsTalkThroughThePipelineAndHitTheFastPath)
{
    TwoVms net({Acl({})});
    uint32_t fast = 0;
    net.vswitch->TraceConnectWithoutContext(
        "FastPath", MakeCallback(+[](uint32_t* n, Ptr<const Packet>) { ++*n; }).Bind(&fast));
    EXPECT_EQ(net.Echo(10), 10u);
    EXPECT_TRUE(net.drops.empty());
    vfp::Port& vm1 = net.vswitch->GetEngine().GetPort("vm1");
    EXPECT_EQ(vm1.GetCounters().allowed[0].packets, 10u) << "requests out of vm1";
    EXPECT_EQ(vm1.GetCounters().allowed[1].packets, 10u) << "replies into vm1";
    EXPECT_GE(fast, 30u) << "after the first packet of each direction and port, the fast path";
}

TEST(VfpSwitchNetDevice, ABlockRuleDropsWithItsReasonAndStatefulReturnTrafficPasses)
{
    vfp::RuleSpec block;
    block.id = "no-echo";
    block.priority = 1;
    block.conditions = {Cond(vfp::ConditionType::DstPort, "9")};
    block.action.type = vfp::ActionType::Block;
    TwoVms blocked({Acl({block})});
    EXPECT_EQ(blocked.Echo(5), 0u);
    EXPECT_EQ(blocked.drops["rule_block"], 5u);
}

TEST(VfpSwitchNetDevice, StatefulAclLetsRepliesInOnly)
{
    // Inbound blocked by default; an outbound stateful allow admits the replies.
    vfp::RuleSpec allow;
    allow.id = "allow-out";
    allow.stateful = true;
    TwoVms net({Acl({allow}, vfp::DefaultAction::Block)});
    // vm1's request leaves vm1 (outbound, allowed, flow created) but must enter vm2
    // (inbound, default block): unsolicited inbound traffic is refused.
    EXPECT_EQ(net.Echo(3), 0u);
    EXPECT_EQ(net.drops["default_block"], 3u);
}

TEST(VfpSwitchNetDevice, MalformedFramesAreDroppedWithAReason)
{
    TwoVms net({Acl({})});
    Ptr<NetDevice> vmDevice = net.vmDevices.Get(0);
    // An IPv4 header that claims 1000 bytes in a minimum-size frame (CSMA pads it to 46).
    static const uint8_t LYING_HEADER[] = {0x45, 0, 0x03, 0xe8, 0, 0, 0,  0, 64, 17,
                                           0,    0, 10,   0,    0, 1, 10, 0, 0,  2};
    Simulator::Schedule(Seconds(0.1),
                        [vmDevice]()
                        {
                            vmDevice->Send(Create<Packet>(LYING_HEADER, sizeof(LYING_HEADER)),
                                           Mac48Address("00:00:00:00:00:09"),
                                           0x0800);
                        });
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(net.drops["malformed: truncated IPv4 payload"], 1u) << [&net]
    {
        std::string reasons;
        for (const auto& [reason, count] : net.drops)
        {
            reasons += reason + "; ";
        }
        return reasons;
    }();
}

} // namespace
} // namespace ns3
