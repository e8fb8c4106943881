/*
 * The fixture of the QoS simulation tests (paper §7.3): the two-host datacenter of
 * DatacenterFixture (VMs 0 and 1 on host 0, VMs 2 and 3 on host 1; 0 and 2 are tenant 0,
 * 1 and 3 tenant 1) with the scenario's datacenter TCP, and a record of every frame each
 * VM of host 0 sends out of host 0's uplink, as the shaper counted it.
 */
#ifndef VFP_TEST_QOS_FIXTURE_H
#define VFP_TEST_QOS_FIXTURE_H

#include "../helper/datacenter-fixture.h"
#include "../helper/defaults-guard.h"
#include "datacenter-tcp.h"
#include "vxlan-header.h"

#include <limits>

namespace ns3
{

/// A frame a VM sent, as it left its host's switch for the uplink.
struct QosFrame
{
    double time;    //!< seconds
    uint32_t bytes; //!< the frame as the VM sent it, Ethernet header included
};

/**
 * The most bytes any window [t_i, t_j] of @p frames (in time order) carries beyond what a
 * rate of @p rateBps carries in its length: max over i <= j of
 * bytes(i..j) - rateBps * (t_j - t_i) / 8. One pass over every window at once: with S_j
 * the bytes of frames 0..j, that is max over j of S_j - R t_j / 8 + max over i <= j of
 * (R t_i / 8 - S_{i-1}), and the inner maximum is kept as j advances. Windows whose ends
 * are not frames hold no more than the frame-ended window inside them, so every window
 * is checked. A token bucket of burst b at rate R passes no more than b over any window.
 */
inline double
WorstExcessBytes(const std::vector<QosFrame>& frames, double rateBps)
{
    const double bytesPerSecond = rateBps / 8;
    double bestStart = -std::numeric_limits<double>::infinity();
    double sent = 0;
    double worst = 0;
    for (const QosFrame& frame : frames)
    {
        bestStart = std::max(bestStart, bytesPerSecond * frame.time - sent);
        sent += frame.bytes;
        worst = std::max(worst, sent - bytesPerSecond * frame.time + bestStart);
    }
    return worst;
}

/// Bytes of @p frames sent in [from, to).
inline uint64_t
BytesBetween(const std::vector<QosFrame>& frames, double from, double to)
{
    uint64_t bytes = 0;
    for (const QosFrame& frame : frames)
    {
        bytes += frame.time >= from && frame.time < to ? frame.bytes : 0;
    }
    return bytes;
}

class QosFixture : public DatacenterFixture
{
protected:
    void SetUp() override
    {
        DatacenterFixture::SetUp();
        // 1448-byte segments (a full segment is one 1514-byte frame), a 10 ms minimum RTO,
        // 4 MiB socket buffers: a greedy sender fills its cap's queue and overflows it.
        DatacenterTcp().Apply(options.vmMtu);
    }

    /// Builds the datacenter and records host 0's VMs' frames on host 0's uplink.
    void BuildAndRecord()
    {
        Build();
        dc.hosts[0].nic->TraceConnectWithoutContext("MacTx",
                                                    MakeCallback(&QosFixture::OnUplinkTx, this));
    }

    /// A tx cap of @p rateBps with the default burst (1 ms of the rate) and queue.
    static vfp::PortQosSpec TxCap(double rateBps)
    {
        vfp::PortQosSpec qos;
        qos.tx = vfp::RateLimitSpec{
            rateBps, vfp::DefaultQosBurst(rateBps), vfp::DEFAULT_QOS_QUEUE_BYTES};
        return qos;
    }

    /// A tx reservation of @p rateBps, no cap.
    static vfp::PortQosSpec TxReservation(double rateBps)
    {
        vfp::PortQosSpec qos;
        qos.txReservationBps = rateBps;
        return qos;
    }

    /// VM @p vm's QoS through the QoS controller (programmed when the controllers start).
    void SetQos(uint32_t vm, const vfp::PortQosSpec& qos)
    {
        dc.qos->SetPortQos(SwitchOf(vm), dc.vms[vm].port, qos);
    }

    Ptr<VfpSwitchNetDevice> SwitchOf(uint32_t vm) const
    {
        return dc.hosts[dc.vms[vm].host].vswitch;
    }

    const vfp::QosShaper::Counters& TxCounters(uint32_t vm) const
    {
        return SwitchOf(vm)->GetEngine().GetQos().GetCounters(dc.vms[vm].port,
                                                              vfp::Direction::Outbound);
    }

    /// A greedy TCP sender from VM @p from to VM @p to's sink on @p port, from @p start
    /// to @p stop; returns the sink.
    Ptr<PacketSink> Greedy(uint32_t from, uint32_t to, uint16_t port, Time start, Time stop)
    {
        Ptr<PacketSink> sink = Sink(to, port);
        BulkSendHelper sender("ns3::TcpSocketFactory", InetSocketAddress(dc.vms[to].address, port));
        sender.SetAttribute("SendSize", UintegerValue(DatacenterTcp::SegmentSizeFor(1500)));
        ApplicationContainer app = sender.Install(dc.vms[from].node);
        app.Start(start);
        app.Stop(stop);
        return sink;
    }

    /// @p sink's received bytes at @p at, into @p bytes.
    static void RxAt(Ptr<PacketSink> sink, Time at, uint64_t* bytes)
    {
        Simulator::Schedule(at, [sink, bytes]() { *bytes = sink->GetTotalRx(); });
    }

    /// Host 0's uplink frames: the VXLAN ones carry a VM's frame after 50 bytes of outer
    /// Ethernet, IPv4, UDP and VXLAN headers (and the outer frame's FCS); their inner source
    /// MAC names the VM.
    void OnUplinkTx(Ptr<const Packet> frame)
    {
        Ptr<Packet> packet = frame->Copy();
        EthernetHeader outer(false);
        packet->RemoveHeader(outer);
        if (outer.GetLengthType() != Ipv4L3Protocol::PROT_NUMBER)
        {
            return;
        }
        EthernetTrailer fcs;
        packet->RemoveTrailer(fcs);
        Ipv4Header ip;
        packet->RemoveHeader(ip);
        UdpHeader udp;
        if (ip.GetProtocol() != UdpL4Protocol::PROT_NUMBER || packet->RemoveHeader(udp) == 0 ||
            udp.GetDestinationPort() != 4789)
        {
            return; // the host's own traffic (directory look-ups)
        }
        VxlanHeader vxlan;
        packet->RemoveHeader(vxlan);
        EthernetHeader inner(false);
        packet->PeekHeader(inner);
        for (uint32_t vm : dc.hosts[0].vms)
        {
            if (inner.GetSource() == Mac48Address::ConvertFrom(dc.vms[vm].nic->GetAddress()))
            {
                frames[vm].push_back({Simulator::Now().GetSeconds(), packet->GetSize()});
            }
        }
    }

    DefaultsGuard guard{{"ns3::TcpL4Protocol", "ns3::TcpSocket", "ns3::TcpSocketBase"}};
    std::map<uint32_t, std::vector<QosFrame>> frames; //!< by VM, in time order
};

} // namespace ns3

#endif
