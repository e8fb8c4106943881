/*
 * vfp-first: the smallest tour of the module, in the ns-3 way (CommandLine, helpers,
 * traces, pcap). It builds a two-host VL2 datacenter whose hosts run VFP, lets the VNET,
 * ACL and metering controllers program every port, runs a UDP echo between two VMs of
 * one tenant, and half-way through starts a controller of our own (NoEchoController) that
 * adds a layer blocking the echo, through the same VFPAPI the others use. It prints what
 * the switches saw. docs/tutorial.md explains the controller.
 *
 *   build/bin/vfp-first [--pcap=true] [--blockAt=0.5]
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "vfp-datacenter-helper.h"

#include <iostream>
#include <map>

using namespace ns3;

/**
 * A controller of one's own: on every port it manages, a layer next to the VM ("my-layer",
 * priority 50, below metering's 100) that blocks UDP to one port and allows the rest. Like
 * every VfpController it programs when it starts, ProgrammingLatency later, through the
 * VFPAPI only; started while traffic runs, the unified flows it changes reconcile lazily.
 */
class NoEchoController : public VfpController
{
public:
    static TypeId GetTypeId()
    {
        static TypeId tid =
            TypeId("ns3::NoEchoController")
                .SetParent<VfpController>()
                .SetGroupName("Vfp")
                .AddConstructor<NoEchoController>()
                .AddAttribute("BlockedPort",
                              "UDP destination port the layer blocks.",
                              UintegerValue(5001),
                              MakeUintegerAccessor(&NoEchoController::m_blockedPort),
                              MakeUintegerChecker<uint16_t>(1));
        return tid;
    }

    static constexpr const char* LAYER = "my-layer"; //!< the layer it owns
    static constexpr int32_t PRIORITY = 50;          //!< below metering's 100: next to the VM

    std::vector<LayerClaim> GetLayerClaims() const override { return {{LAYER, PRIORITY}}; }

protected:
    void Configure(const ManagedPort& managed, vfp::Port& port) override
    {
        vfp::RuleSpec block;
        block.id = "no-echo";
        block.conditions = {
            vfp::MakeCondition(vfp::ConditionType::Protocol, {"17"}),
            vfp::MakeCondition(vfp::ConditionType::DstPort, {std::to_string(m_blockedPort)})};
        block.action.type = vfp::ActionType::Block;
        vfp::GroupSpec group;
        group.name = "research";
        group.direction = vfp::Direction::Outbound;
        group.rules = {block};
        vfp::LayerSpec layer;
        layer.name = LAYER;
        layer.priority = PRIORITY;
        layer.defaults = {vfp::DefaultAction::Allow, vfp::DefaultAction::Allow};
        layer.groups = {group};
        port.CreateLayer(layer);
        std::cout << Simulator::Now().GetSeconds() << " s: " << LAYER << " added on "
                  << managed.name << "\n";
    }

private:
    uint16_t m_blockedPort; //!< attribute BlockedPort
};

NS_OBJECT_ENSURE_REGISTERED(NoEchoController);

int
main(int argc, char* argv[])
{
    bool pcap = false;
    double blockAt = 0.5;
    CommandLine cmd(__FILE__);
    cmd.AddValue(
        "pcap", "write vfp-first-*.pcap and vfp-first.tr: every switch port and uplink", pcap);
    cmd.AddValue("blockAt", "when (s) our own controller blocks the echo", blockAt);
    cmd.Parse(argc, argv);

    // Two hosts in two racks, two VMs each; VMs 0 and 2 are tenant 0, 1 and 3 tenant 1.
    VfpDatacenterHelper::Options options;
    options.hosts = 2;
    options.hostsPerRack = 1;
    options.aggregations = 2;
    options.intermediates = 1;
    options.vmsPerHost = 2;
    options.tenants = 2;
    VfpDatacenterHelper helper;
    VfpDatacenterHelper::Datacenter dc = helper.Build(options);

    std::map<std::string, uint32_t> drops;
    for (const VfpDatacenterHelper::Host& host : dc.hosts)
    {
        host.vswitch->TraceConnectWithoutContext(
            "Drop",
            MakeCallback(+[](std::map<std::string, uint32_t>* counts,
                             Ptr<const Packet>,
                             const std::string& reason) {
                ++(*counts)[reason];
            }).Bind(&drops));
    }
    if (pcap) // the ns-3 way: every switch's ports and uplink, pcap and ascii
    {
        helper.GetVfpHelper().EnablePcapAll("vfp-first");
        AsciiTraceHelper ascii;
        helper.GetVfpHelper().EnableAsciiAll(ascii.CreateFileStream("vfp-first.tr"));
    }

    // A UDP echo from VM 0 to VM 2 (port 5001 is one the ACL lets in).
    UdpEchoServerHelper server(5001);
    server.Install(dc.vms[2].node).Start(Seconds(0));
    UdpEchoClientHelper client(dc.vms[2].address, 5001);
    client.SetAttribute("MaxPackets", UintegerValue(100));
    client.SetAttribute("Interval", TimeValue(MilliSeconds(10)));
    client.Install(dc.vms[0].node).Start(Seconds(0.01));

    // Our own controller, on a controller node of its own, programs VM 0's port when it
    // starts: while the echo runs.
    Ptr<NoEchoController> mine = CreateObject<NoEchoController>();
    mine->AddPort(dc.hosts[0].vswitch, dc.vms[0].port);
    CreateObject<Node>()->AddApplication(mine);
    mine->SetStartTime(Seconds(blockAt));

    Simulator::Stop(Seconds(1.5));
    Simulator::Run();

    const vfp::Port& port = dc.hosts[0].vswitch->GetEngine().GetPort(dc.vms[0].port);
    std::cout << "port " << port.GetName() << " layers:";
    for (const auto& layer : port.GetLayers())
    {
        std::cout << " " << layer->GetName();
    }
    std::cout << "\n  outbound allowed " << port.GetCounters().allowed[0].packets << ", UFT hits "
              << port.GetUftCounters().hits << ", reconciled " << port.GetUftCounters().reconciled
              << "\n";
    for (const auto& [name, meter] : port.GetMeters())
    {
        if (meter.packets > 0)
        {
            std::cout << "  meter " << name << ": " << meter.packets << " packets, " << meter.bytes
                      << " bytes\n";
        }
    }
    std::cout << "switch drops:";
    for (const auto& [reason, count] : drops)
    {
        std::cout << " " << reason << "=" << count;
    }
    std::cout << "\ndirectory lookups " << dc.directory->GetLookups() << "\n";
    Simulator::Destroy();
    return drops["rule_block"] > 0 ? 0 : 1; // the block must have worked
}
