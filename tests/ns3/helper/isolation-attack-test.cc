/*
 * Isolation under attack, through real simulated VMs: a VM that forges its source MAC or
 * IP is stopped at its own port (the vnet-source layer) and, with that layer off, still
 * reaches no VM of another tenant; one that crafts VXLAN/NVGRE with another tenant's key
 * reaches no VM of another tenant;
 * a packet from the fabric with a forged tunnel key is dropped at decap; each drop is
 * counted with its reason. VMs 0 and 2 are tenant 0, VMs 1 and 3 tenant 1 (the same two
 * addresses); VMs 0 and 1 are on host 0, VMs 2 and 3 on host 1.
 */
#include "datacenter-fixture.h"
#include "nvgre-header.h"
#include "vxlan-header.h"

namespace ns3
{
namespace
{

class IsolationAttack : public DatacenterFixture
{
protected:
    void SetUp() override
    {
        DatacenterFixture::SetUp();
        Build();
        for (uint32_t vm = 0; vm < dc.vms.size(); ++vm)
        {
            dc.vms[vm].nic->TraceConnectWithoutContext(
                "MacRx",
                Callback<void, Ptr<const Packet>>([this, vm](Ptr<const Packet>)
                                                  { ++received[vm]; }));
        }
    }

    Mac48Address MacOf(uint32_t vm) const
    {
        return Mac48Address::ConvertFrom(dc.vms[vm].nic->GetAddress());
    }

    /// UDP to @p port from @p src to @p dst, with its IPv4 header and right checksums.
    static Ptr<Packet> UdpDatagram(Ipv4Address src, Ipv4Address dst, uint16_t port)
    {
        Ptr<Packet> packet = Create<Packet>(100);
        UdpHeader udp;
        udp.SetSourcePort(40000);
        udp.SetDestinationPort(port);
        udp.EnableChecksums();
        udp.InitializeChecksum(src, dst, 17);
        packet->AddHeader(udp);
        AddIpv4(packet, src, dst, 17);
        return packet;
    }

    static void AddIpv4(Ptr<Packet> packet, Ipv4Address src, Ipv4Address dst, uint8_t protocol)
    {
        Ipv4Header ip;
        ip.SetSource(src);
        ip.SetDestination(dst);
        ip.SetProtocol(protocol);
        ip.SetTtl(64);
        ip.SetPayloadSize(packet->GetSize());
        ip.EnableChecksum();
        packet->AddHeader(ip);
    }

    /// A frame for VM @p victim (its MAC, its address) carried in VXLAN or NVGRE with
    /// tenant @p tenant's key, sent to @p outerDst.
    Ptr<Packet> Tunnelled(bool nvgre, uint32_t tenant, uint32_t victim, Ipv4Address outerDst)
    {
        Ptr<Packet> packet = UdpDatagram(dc.vms[0].address, dc.vms[victim].address, 5000);
        EthernetHeader eth(false);
        eth.SetSource(MacOf(0));
        eth.SetDestination(MacOf(victim));
        eth.SetLengthType(0x0800);
        packet->AddHeader(eth);
        if (nvgre)
        {
            NvgreHeader gre;
            gre.SetVsid(VfpDatacenterHelper::VniOf(tenant));
            packet->AddHeader(gre);
            AddIpv4(packet, dc.vms[0].address, outerDst, 47);
            return packet;
        }
        VxlanHeader vxlan;
        vxlan.SetVni(VfpDatacenterHelper::VniOf(tenant));
        packet->AddHeader(vxlan);
        UdpHeader udp;
        udp.SetSourcePort(50000);
        udp.SetDestinationPort(4789);
        packet->AddHeader(udp);
        AddIpv4(packet, dc.vms[0].address, outerDst, 17);
        return packet;
    }

    /// VM 0 sends @p count copies of @p packet from source MAC @p src, from 0.1 s on.
    /// (Not through its IP stack: ns-3 3.37's raw socket crashes on a source address the
    /// node does not have.)
    void SendFromVm0(Ptr<Packet> packet, Mac48Address src, uint32_t count = 10)
    {
        const Mac48Address dst = MacOf(2);
        for (uint32_t i = 0; i < count; ++i)
        {
            Simulator::Schedule(
                Seconds(0.1) + MilliSeconds(i),
                [this, packet, src]()
                { dc.vms[0].nic->SendFrom(packet->Copy(), src, dc.hosts[0].gatewayMac, 0x0800); });
        }
    }

    void Run()
    {
        Simulator::Stop(Seconds(1));
        Simulator::Run();
    }

    /// Frames the VMs of tenant 1 (VMs 1 and 3) received.
    uint32_t Tenant1Received() { return received[1] + received[3]; }

    std::map<uint32_t, uint32_t> received; //!< frames each VM's VNIC received
};

TEST_F(IsolationAttack, AForgedSourceMacOrIpReachesNoOtherTenant)
{
    // VM 0 (tenant 0) claims VM 1's MAC (tenant 1, the same host), or another address.
    const Ipv4Address victim = dc.vms[2].address;
    SendFromVm0(UdpDatagram(dc.vms[0].address, victim, 5000), MacOf(1));
    SendFromVm0(UdpDatagram(Ipv4Address("10.0.0.9"), victim, 5000), MacOf(0));
    Run();
    EXPECT_EQ(Tenant1Received(), 0u);
    EXPECT_EQ(received[2], 0u) << "not even its own tenant's VM: it never leaves VM 0's port";
    // The vnet-source layer nearest the VM admits only VM 0's own MAC and address.
    EXPECT_EQ(drops["default_block"], 20u);
    EXPECT_EQ(drops["no_port"], 0u);
}

/// The same datacenter with the vnet-source layer turned off.
class IsolationAttackWithoutAntiSpoofing : public IsolationAttack
{
protected:
    void SetUp() override
    {
        Config::SetDefault("ns3::VnetController::AntiSpoofing", BooleanValue(false));
        IsolationAttack::SetUp();
    }

    void TearDown() override
    {
        IsolationAttack::TearDown();
        Config::SetDefault("ns3::VnetController::AntiSpoofing", BooleanValue(true));
    }
};

TEST_F(IsolationAttackWithoutAntiSpoofing, AForgedSourceStillReachesNoOtherTenant)
{
    const Ipv4Address victim = dc.vms[2].address;
    SendFromVm0(UdpDatagram(dc.vms[0].address, victim, 5000), MacOf(1));
    SendFromVm0(UdpDatagram(Ipv4Address("10.0.0.9"), victim, 5000), MacOf(0));
    Run();
    EXPECT_EQ(Tenant1Received(), 0u);
    // The port is the VM's, whatever it claims: tenant 0's tunnel carries it. At host 1 the
    // frame names no port there (its destination MAC is the one VM 0's link gave it).
    EXPECT_EQ(drops["no_port"], 20u);
}

TEST_F(IsolationAttack, VxlanOrNvgreWithAnotherTenantsKeyReachesNoOtherTenant)
{
    // Inside the virtual network: the crafted tunnel is tenant 0's payload, carried in
    // tenant 0's own tunnel; at VM 3's port (tenant 1) the outer key is not its own.
    for (bool nvgre : {false, true})
    {
        SendFromVm0(Tunnelled(nvgre, 1, 3, dc.vms[2].address), MacOf(0));
    }
    // Straight at host 1's provider address, as if the VM were a host of the fabric.
    for (bool nvgre : {false, true})
    {
        SendFromVm0(Tunnelled(nvgre, 1, 3, dc.hosts[1].provider), MacOf(0));
    }
    Run();
    EXPECT_EQ(Tenant1Received(), 0u);
    EXPECT_EQ(drops["no_port"], 20u) << "inside tenant 0's tunnel: no port of host 1 for it";
    EXPECT_EQ(drops["rule_block"], 20u) << "tunnels from a VM to the fabric are refused";
}

TEST_F(IsolationAttack, AFabricPacketWithAForgedTunnelKeyIsDroppedAtDecap)
{
    // A node of the fabric (host 0 itself, through its NIC) sends VXLAN to host 1 with a
    // key no VM there has, then with tenant 1's key but for tenant 0's VM 2's MAC.
    Ptr<Packet> unknownKey = Tunnelled(false, 7, 3, dc.hosts[1].provider);
    Ptr<Packet> wrongTenant = Tunnelled(false, 1, 2, dc.hosts[1].provider);
    for (Ptr<Packet> packet : {unknownKey, wrongTenant})
    {
        Simulator::Schedule(
            Seconds(0.1),
            [this, packet]()
            { dc.hosts[0].nic->Send(packet->Copy(), dc.hosts[0].gatewayMac, 0x0800); });
    }
    Run();
    EXPECT_EQ(Tenant1Received(), 0u);
    EXPECT_EQ(received[2], 0u);
    EXPECT_EQ(drops["default_block"], 2u) << "the VNET layer decaps only its own key";
}

} // namespace
} // namespace ns3
