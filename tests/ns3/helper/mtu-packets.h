/*
 * Packets for the MTU tests: a VXLAN-encapsulated UDP datagram with patterned data (so that
 * bytes out of order would show), the bytes of a packet, and a packet tag to follow.
 */
#ifndef VFP_TEST_MTU_PACKETS_H
#define VFP_TEST_MTU_PACKETS_H

#include "ns3/ethernet-header.h"
#include "ns3/ipv4-header.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/tag.h"
#include "ns3/udp-header.h"
#include "ns3/vxlan-header.h"

#include <cstdint>
#include <vector>

namespace ns3
{
namespace mtutest
{

/// A packet tag carrying a number, as the packet audit's tag does.
class NumberTag : public Tag
{
public:
    explicit NumberTag(uint32_t number = 0)
        : m_number(number)
    {
    }

    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::MtuTestNumberTag")
                                .SetParent<Tag>()
                                .SetGroupName("Vfp")
                                .AddConstructor<NumberTag>();
        return tid;
    }

    TypeId GetInstanceTypeId() const override { return GetTypeId(); }
    uint32_t GetSerializedSize() const override { return 4; }
    void Serialize(TagBuffer buffer) const override { buffer.WriteU32(m_number); }
    void Deserialize(TagBuffer buffer) override { m_number = buffer.ReadU32(); }
    void Print(std::ostream& os) const override { os << m_number; }
    uint32_t GetNumber() const { return m_number; }

private:
    uint32_t m_number; //!< the number
};

/// The number of @p packet's NumberTag, or 0 when it has none.
inline uint32_t
TagOf(Ptr<const Packet> packet)
{
    NumberTag tag;
    return packet->PeekPacketTag(tag) ? tag.GetNumber() : 0;
}

inline std::vector<uint8_t>
Bytes(Ptr<const Packet> packet)
{
    std::vector<uint8_t> bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    return bytes;
}

/// Bytes VXLAN adds around the inner IPv4 packet (outer IPv4, UDP, VXLAN, inner Ethernet).
constexpr uint32_t VXLAN_BYTES = 20 + 8 + 8 + 14;

/**
 * A UDP datagram between two VMs, VXLAN-encapsulated between two hosts, @p totalBytes long
 * (outer IPv4 header included), its outer header with Identification @p id, DF clear, and
 * checksums as ns-3's ChecksumEnabled says; tagged @p tag unless 0.
 */
inline Ptr<Packet>
VxlanDatagram(uint32_t totalBytes, uint16_t id = 4242, uint32_t tag = 0)
{
    const bool checksums = Node::ChecksumEnabled();
    std::vector<uint8_t> data(totalBytes - VXLAN_BYTES - 20 - 8);
    for (size_t i = 0; i < data.size(); ++i)
    {
        data[i] = static_cast<uint8_t>(i * 7 + i / 251);
    }
    Ptr<Packet> packet = Create<Packet>(data.data(), data.size());
    auto addUdpAndIp = [&](uint16_t dport, const char* src, const char* dst, uint16_t ipId)
    {
        UdpHeader udp;
        udp.SetSourcePort(50000);
        udp.SetDestinationPort(dport);
        if (checksums)
        {
            udp.EnableChecksums();
            udp.InitializeChecksum(Ipv4Address(src), Ipv4Address(dst), 17);
        }
        packet->AddHeader(udp);
        Ipv4Header ip;
        ip.SetSource(Ipv4Address(src));
        ip.SetDestination(Ipv4Address(dst));
        ip.SetProtocol(17);
        ip.SetTtl(64);
        ip.SetIdentification(ipId);
        ip.SetMayFragment();
        ip.SetPayloadSize(packet->GetSize());
        if (checksums)
        {
            ip.EnableChecksum();
        }
        packet->AddHeader(ip);
    };
    addUdpAndIp(9, "10.0.0.1", "10.0.0.2", 17);
    EthernetHeader eth(false);
    eth.SetSource(Mac48Address("00:1d:d8:00:00:01"));
    eth.SetDestination(Mac48Address("00:1d:d8:00:00:02"));
    eth.SetLengthType(0x0800);
    packet->AddHeader(eth);
    VxlanHeader vxlan;
    vxlan.SetVni(5001);
    packet->AddHeader(vxlan);
    addUdpAndIp(4789, "192.168.1.1", "192.168.2.1", id);
    if (tag != 0)
    {
        packet->AddPacketTag(NumberTag(tag));
    }
    return packet;
}

} // namespace mtutest
} // namespace ns3

#endif
