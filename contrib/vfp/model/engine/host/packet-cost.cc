#include "packet-cost.h"

#include "../packet/hash-mix.h"

#include <algorithm>
#include <cstdlib>

namespace vfp
{

double
ServiceNanoseconds(const CpuCosts& costs, const PacketWork& work)
{
    double ns = work.fastPath ? costs.fastPathNs
                              : costs.slowPathNs + costs.layerNs * work.layersVisited +
                                    costs.classificationNs * work.layersClassified;
    if (costs.copyBytesPerNs > 0)
    {
        ns += work.bytes / costs.copyBytesPerNs;
    }
    return ns + costs.tunnelNs * work.tunnelChanges + (work.qosChecked ? costs.qosNs : 0);
}

std::string_view
SteeringName(Steering steering)
{
    return steering == Steering::Vmq ? "vmq" : "rss";
}

uint32_t
SteerCore(Steering steering, uint32_t cores, uint32_t rssQueues, uint32_t vm, uint64_t flowHash)
{
    if (steering == Steering::Vmq || rssQueues <= 1)
    {
        return vm % cores;
    }
    const uint64_t queue = flowHash % rssQueues;
    return static_cast<uint32_t>((uint64_t(vm) * rssQueues + queue) % cores);
}

uint64_t
SymmetricFlowHash(const HeaderStack& packet)
{
    if (packet.count == 0 || !packet[packet.count - 1].hasIpv4)
    {
        return 0;
    }
    const HeaderGroup& inner = packet[packet.count - 1];
    const uint32_t a = std::min(inner.ip.src, inner.ip.dst);
    const uint32_t b = std::max(inner.ip.src, inner.ip.dst);
    const uint16_t p = std::min(inner.transport.srcPort, inner.transport.dstPort);
    const uint16_t q = std::max(inner.transport.srcPort, inner.transport.dstPort);
    uint64_t hash = HashMix(0, (uint64_t(a) << 32) | b);
    hash = HashMix(hash, (uint64_t(p) << 24) | (uint64_t(q) << 8) | inner.ip.protocol);
    return hash;
}

uint8_t
TunnelChanges(const HeaderStack& before, const HeaderStack& after)
{
    return static_cast<uint8_t>(std::abs(int(after.count) - int(before.count)));
}

} // namespace vfp
