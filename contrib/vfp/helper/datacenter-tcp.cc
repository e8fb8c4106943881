#include "datacenter-tcp.h"

#include "ns3/config.h"
#include "ns3/enum.h"
#include "ns3/string.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/type-id.h"
#include "ns3/uinteger.h"

#include <stdexcept>

namespace ns3
{

namespace
{

/// IPv4 header, TCP header and the timestamp option (10 bytes, padded to 12).
constexpr uint32_t TCP_OVERHEAD = 20 + 20 + 12;

} // namespace

uint32_t
DatacenterTcp::SegmentSizeFor(uint16_t mtu)
{
    return mtu > TCP_OVERHEAD ? mtu - TCP_OVERHEAD : 0;
}

std::string
DatacenterTcp::TypeNameOf(const std::string& variant)
{
    if (variant == "newreno")
    {
        return "ns3::TcpNewReno";
    }
    if (variant == "cubic")
    {
        return "ns3::TcpCubic";
    }
    if (variant == "dctcp")
    {
        return "ns3::TcpDctcp";
    }
    return "";
}

void
DatacenterTcp::Apply(uint16_t vmMtu) const
{
    const std::string type = TypeNameOf(variant);
    if (type.empty())
    {
        throw std::invalid_argument("--tcp: expected newreno, cubic or dctcp, got \"" + variant +
                                    "\"");
    }
    if (SegmentSizeFor(vmMtu) < 64)
    {
        throw std::invalid_argument("--vm-mtu: too small for TCP (at least " +
                                    std::to_string(TCP_OVERHEAD + 64) + " bytes)");
    }
    if (minRto <= Time(0) || delAckTimeout < Time(0) || initialCwnd < 1 || delAckCount < 1)
    {
        throw std::invalid_argument("--tcp-min-rto must be positive, --tcp-delack-timeout not "
                                    "negative, --tcp-initial-cwnd and --tcp-delack-count at "
                                    "least 1");
    }
    Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TypeId::LookupByName(type)));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(SegmentSizeFor(vmMtu)));
    Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(initialCwnd));
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(delAckCount));
    Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(delAckTimeout));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(socketBuffer));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(socketBuffer));
    Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(minRto));
    // The RTO is max(MinRto, SRTT + max(G, 4 RTTVAR)): a granularity above the datacenter
    // RTT would set the RTO's floor instead of MinRto (Linux's jiffy-free clock: 1 us).
    Config::SetDefault("ns3::TcpSocketBase::ClockGranularity", TimeValue(MicroSeconds(1)));
    Config::SetDefault(
        "ns3::TcpSocketBase::UseEcn",
        EnumValue(ecn || variant == "dctcp" ? TcpSocketState::On : TcpSocketState::Off));
}

} // namespace ns3
