/*
 * DatacenterTcp: the TCP every VM of a datacenter run uses, set as ns-3 attribute defaults
 * before the VMs' stacks are built. ns-3's own defaults are an Internet host's of the 1990s
 * (536-byte segments, a 1 s minimum RTO, a 200 ms delayed-ACK timer); a datacenter's
 * round trip is tens of microseconds, so those defaults turn every loss into a second of
 * silence. Each default below says where it comes from (docs/datacenter.md, "TCP").
 */
#ifndef VFP_DATACENTER_TCP_H
#define VFP_DATACENTER_TCP_H

#include "ns3/nstime.h"

#include <string>

namespace ns3
{

struct DatacenterTcp
{
    /// newreno, cubic or dctcp (Alizadeh et al., SIGCOMM 2010; needs ECN marking).
    std::string variant = "cubic";
    /// Minimum retransmission time-out. 10 ms: the RTOmin the DCTCP paper's testbed used
    /// (Alizadeh et al. 2010, §4), far below Linux's 200 ms and ns-3's 1 s.
    Time minRto = MilliSeconds(10);
    /// Initial congestion window in segments: 10 (RFC 6928, Linux's default since 2.6.39).
    uint32_t initialCwnd = 10;
    /// Segments received before an ACK is sent: 2 (RFC 5681 §4.2).
    uint32_t delAckCount = 2;
    /// The delayed-ACK timer. 1 ms: it must stay below the minimum RTO, or a lone
    /// un-ACKed segment times out spuriously (Vasudevan et al., SIGCOMM 2009, §6).
    Time delAckTimeout = MilliSeconds(1);
    /// Socket buffers in bytes: 4 MiB, Linux's tcp_wmem/tcp_rmem maximum on a current
    /// kernel, so that a window never limits a 10-100 Gbps transfer at datacenter RTTs.
    uint32_t socketBuffer = 4 << 20;
    /// Negotiate ECN (RFC 3168). DCTCP always does.
    bool ecn = false;

    /**
     * Sets the defaults of TcpL4Protocol, TcpSocket and TcpSocketBase. The segment size
     * follows @p vmMtu: the MTU less the IPv4 and TCP headers and the 12-byte timestamp
     * option ns-3 adds to every segment, so a full segment is exactly one MTU.
     * @throws std::invalid_argument naming the option when a value is impossible
     */
    void Apply(uint16_t vmMtu) const;
    /// The TCP payload of a full segment at @p mtu.
    static uint32_t SegmentSizeFor(uint16_t mtu);
    /// The ns-3 TypeId name of @p variant, or empty when there is none.
    static std::string TypeNameOf(const std::string& variant);
};

} // namespace ns3

#endif
