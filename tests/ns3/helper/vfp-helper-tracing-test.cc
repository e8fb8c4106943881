/*
 * VfpHelper's ns-3 tracing mix-ins: EnablePcapAll and EnableAsciiAll trace every switch's
 * port devices and uplink (and nothing else), an explicit file name gives one file per
 * port, and the files fill with the packets that crossed them.
 */
#include "datacenter-fixture.h"

#include <filesystem>

namespace ns3
{
namespace
{

namespace fs = std::filesystem;
using VfpHelperTracing = DatacenterFixture;

constexpr uintmax_t PCAP_HEADER = 24; // bytes of an empty pcap file

/// The files in @p folder, by name.
std::set<std::string>
Files(const fs::path& folder)
{
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder))
    {
        names.insert(entry.path().filename().string());
    }
    return names;
}

fs::path
Folder(const std::string& name)
{
    const fs::path folder = fs::path(::testing::TempDir()) / ("vfp-helper-tracing-" + name);
    fs::remove_all(folder);
    fs::create_directories(folder);
    return folder;
}

TEST_F(VfpHelperTracing, PcapAllAndAsciiAllCoverEverySwitchPortAndUplink)
{
    Build();
    const fs::path folder = Folder("all");
    VfpHelper& vfp = helper.GetVfpHelper();
    vfp.EnablePcapAll((folder / "dc").string());
    AsciiTraceHelper ascii;
    vfp.EnableAsciiAll(ascii.CreateFileStream((folder / "dc.tr").string()));
    std::set<std::string> expected = {"dc.tr"};
    auto pcapOf = [](Ptr<NetDevice> device)
    {
        return "dc-" + std::to_string(device->GetNode()->GetId()) + "-" +
               std::to_string(device->GetIfIndex()) + ".pcap";
    };
    for (const auto& host : dc.hosts)
    {
        expected.insert(pcapOf(host.vswitch->GetUplink()));
        for (uint32_t vm : host.vms)
        {
            expected.insert(pcapOf(host.vswitch->GetPortDevice(dc.vms[vm].port)));
        }
    }
    const std::string vm0Port = pcapOf(dc.hosts[0].vswitch->GetPortDevice(dc.vms[0].port));
    Udp(0, 2, 5000, 10, 100, MilliSeconds(1));
    Simulator::Stop(Seconds(0.5));
    Simulator::Run();
    Simulator::Destroy();
    dc = VfpDatacenterHelper::Datacenter(); // the last references: the files close

    EXPECT_EQ(Files(folder), expected) << "the ports and uplinks, and no other device";
    EXPECT_GT(fs::file_size(folder / vm0Port), PCAP_HEADER + 10 * 100)
        << "the ten datagrams crossed vm0's port";
    EXPECT_GT(fs::file_size(folder / "dc.tr"), 0u);
}

TEST_F(VfpHelperTracing, AnExplicitFileNameGivesOneFilePerPort)
{
    Build();
    const fs::path folder = Folder("explicit");
    helper.GetVfpHelper().EnablePcap(
        (folder / "host0.pcap").string(), Ptr<NetDevice>(dc.hosts[0].vswitch), false, true);
    helper.GetVfpHelper().EnableAscii(
        (folder / "host0.tr").string(), Ptr<NetDevice>(dc.hosts[0].vswitch), true);
    Udp(0, 2, 5000, 10, 100, MilliSeconds(1));
    Simulator::Stop(Seconds(0.5));
    Simulator::Run();
    Simulator::Destroy();
    dc = VfpDatacenterHelper::Datacenter(); // the last references: the files close
    EXPECT_EQ(Files(folder),
              (std::set<std::string>{"host0-vm0.pcap",
                                     "host0-vm1.pcap",
                                     "host0-uplink.pcap",
                                     "host0-vm0.tr",
                                     "host0-vm1.tr",
                                     "host0-uplink.tr"}));
    EXPECT_GT(fs::file_size(folder / "host0-uplink.pcap"), PCAP_HEADER + 10 * 100)
        << "tunnelled towards host 1";
    EXPECT_EQ(fs::file_size(folder / "host0-vm1.pcap"), PCAP_HEADER) << "vm1 sent nothing";
}

} // namespace
} // namespace ns3
