/*
 * Fuzz target: the packet codec from raw bytes, as a VfpSwitchNetDevice receives a frame
 * from a VM or from the fabric. The first byte picks the EtherType (even: IPv4; odd: the
 * next two bytes); the rest is the frame after its outer Ethernet header. A frame the
 * codec accepts must encode again (identity transposition) into one it accepts.
 * Seeds: corpus/packet-codec/ (TCP with options, UDP, VXLAN, NVGRE, IP-in-IP, ARP, and
 * the malformed TCP options of issue 12).
 */
#include "fuzz-target.h"
#include "ns3/vfp-packet-codec.h"

using namespace ns3;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 3)
    {
        return 0;
    }
    const uint16_t etherType = data[0] % 2 == 0 ? vfp::ETHER_TYPE_IPV4 : (data[1] << 8) | data[2];
    const size_t skip = data[0] % 2 == 0 ? 1 : 3;
    Ptr<Packet> frame = Create<Packet>(data + skip, size - skip);
    const Mac48Address src("00:1d:d8:00:00:01");
    const Mac48Address dst("12:34:56:78:9a:bc");
    VfpPacketCodec::Decoded decoded;
    std::string error;
    if (!VfpPacketCodec::Decode(frame, src, dst, etherType, decoded, error))
    {
        return 0; // dropped as "malformed: <error>"
    }
    Ptr<Packet> encoded =
        VfpPacketCodec::Encode(decoded, vfp::HeaderTransposition{}, decoded.stack);
    VfpPacketCodec::Decoded again;
    if (!VfpPacketCodec::Decode(encoded, src, dst, etherType, again, error))
    {
        vfp::fuzz::Fail("an encoded packet is refused: " + error);
    }
    return 0;
}
