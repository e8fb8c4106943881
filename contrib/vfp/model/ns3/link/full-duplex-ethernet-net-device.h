/*
 * FullDuplexEthernetNetDevice: a full-duplex Ethernet port (IEEE 802.3) on a
 * FullDuplexEthernetChannel, for links where ns-3.37 only offers the half-duplex CSMA
 * device or the PPP-framed point-to-point device.
 *
 * What it models:
 *  - Ethernet framing (IEEE 802.3 clause 3): destination MAC, source MAC, EtherType, the
 *    payload padded with zero bytes to the 46-byte minimum, and the FCS. The padding stays
 *    in the payload handed up, as with ns-3's CsmaNetDevice (IPv4 trims it).
 *  - Line rate (attribute DataRate): the transmitter is busy for preamble and SFD (8 B),
 *    the frame (header 14 B, padded payload, FCS 4 B) and the inter-frame gap (12 B,
 *    IEEE 802.3 clause 4.4.2). The receiver has the frame once its FCS has arrived:
 *    (8 B + frame) at the line rate plus the channel's Delay after transmission starts.
 *    A 1500-byte packet occupies 1538 bytes of wire time: 97.5% goodput at line rate.
 *  - A transmit queue (attribute TxQueue) with ns-3 flow control: a NetDeviceQueueInterface
 *    is aggregated and stopped/woken by the queue, so a queue disc above it holds the
 *    backlog instead of the device dropping it.
 *  - ECN marking at enqueue on the instantaneous backlog (attribute EcnThreshold, DCTCP's
 *    switch rule: Alizadeh et al., SIGCOMM 2010, §3.1).
 *  - Send, SendFrom with any source MAC (a bridge or virtual switch port), promiscuous
 *    receive, broadcast and multicast addresses, ARP.
 *
 * Every drop has its cause's trace source and counter (GetDropCount): queue overflow, a
 * packet over the MTU, the link down, a receive error (ReceiveErrorModel or bad FCS).
 * MacTxDrop fires for every transmit-side drop as well.
 *
 * Not modelled: autonegotiation, PAUSE/PFC frames, VLAN tags, bit errors unless an
 * ErrorModel is set.
 */
#ifndef FULL_DUPLEX_ETHERNET_NET_DEVICE_H
#define FULL_DUPLEX_ETHERNET_NET_DEVICE_H

#include "ns3/data-rate.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device.h"
#include "ns3/nstime.h"
#include "ns3/queue-fwd.h"
#include "ns3/queue-size.h"
#include "ns3/traced-callback.h"

#include <array>

namespace ns3
{

class ErrorModel;
class FullDuplexEthernetChannel;

class FullDuplexEthernetNetDevice : public NetDevice
{
public:
    /// Why a frame was dropped (one trace source and one counter each).
    enum DropReason
    {
        DROP_QUEUE_OVERFLOW = 0, //!< the transmit queue was full
        DROP_MTU,                //!< the packet was larger than the MTU
        DROP_LINK_DOWN,          //!< the link was down when it was sent or in flight
        DROP_RECEIVE_ERROR,      //!< the receive error model or the FCS rejected it
        DROP_REASON_COUNT        //!< number of reasons (not a reason)
    };

    /// Bytes around every frame on the wire: preamble and SFD (IEEE 802.3 clause 3.2.1-2).
    static constexpr uint32_t PREAMBLE_BYTES = 8;
    /// Idle bytes after every frame: the inter-frame gap (IEEE 802.3 clause 4.4.2).
    static constexpr uint32_t INTER_FRAME_GAP_BYTES = 12;
    /// Destination, source, EtherType (IEEE 802.3 clause 3.1.1).
    static constexpr uint32_t HEADER_BYTES = 14;
    /// Frame check sequence (IEEE 802.3 clause 3.2.9).
    static constexpr uint32_t FCS_BYTES = 4;
    /// Shortest payload; shorter ones are padded (IEEE 802.3 clause 3.2.7).
    static constexpr uint32_t MIN_PAYLOAD_BYTES = 46;
    /// Wire bytes per frame beyond its payload: 8 + 14 + 4 + 12 = 38.
    static constexpr uint32_t OVERHEAD_BYTES =
        PREAMBLE_BYTES + HEADER_BYTES + FCS_BYTES + INTER_FRAME_GAP_BYTES;

    /**
     * Signature of the drop trace sources (QueueOverflowDrop, MtuDrop, LinkDownDrop,
     * ReceiveErrorDrop).
     * @param packet the packet dropped (with its Ethernet header once it has one)
     */
    typedef void (*DropTracedCallback)(Ptr<const Packet> packet);
    /**
     * Signature of the EcnMark trace source.
     * @param packet the packet whose IPv4 ECN field was set to CE
     * @param backlog the queue's backlog at enqueue, in EcnThreshold's unit
     */
    typedef void (*EcnMarkTracedCallback)(Ptr<const Packet> packet, uint32_t backlog);

    static TypeId GetTypeId();
    FullDuplexEthernetNetDevice();
    ~FullDuplexEthernetNetDevice() override;

    /// Connects the device to one end of @p channel.
    void Attach(Ptr<FullDuplexEthernetChannel> channel);
    /// Replaces the transmit queue (attribute TxQueue) and connects it to flow control.
    void SetQueue(Ptr<Queue<Packet>> queue);
    /// The transmit queue.
    Ptr<Queue<Packet>> GetQueue() const;
    /// Sets the line rate (attribute DataRate).
    void SetDataRate(DataRate rate);
    /// The line rate.
    DataRate GetDataRate() const;

    /// Frames dropped for @p reason since the start.
    uint64_t GetDropCount(DropReason reason) const;
    /// IPv4 packets marked CE since the start.
    uint64_t GetEcnMarkCount() const;
    /// Frames that finished transmission.
    uint64_t GetTxFrames() const;
    /// Bytes of the frames that finished transmission (header to FCS).
    uint64_t GetTxBytes() const;
    /// Frames received intact (whatever their destination).
    uint64_t GetRxFrames() const;
    /// Bytes of the frames received intact (header to FCS).
    uint64_t GetRxBytes() const;

    /// Called by the channel: @p frame (header to FCS) has fully arrived.
    void Receive(Ptr<Packet> frame);
    /// Called by the channel: @p frame was lost because the link is down.
    void DropLinkDown(Ptr<const Packet> frame);
    /// Called by the channel: the link went up or down.
    void NotifyLinkChange();

    // NetDevice
    void SetIfIndex(const uint32_t index) override;
    uint32_t GetIfIndex() const override;
    Ptr<Channel> GetChannel() const override;
    void SetAddress(Address address) override;
    Address GetAddress() const override;
    bool SetMtu(const uint16_t mtu) override;
    uint16_t GetMtu() const override;
    bool IsLinkUp() const override;
    void AddLinkChangeCallback(Callback<void> callback) override;
    bool IsBroadcast() const override;
    Address GetBroadcast() const override;
    bool IsMulticast() const override;
    Address GetMulticast(Ipv4Address multicastGroup) const override;
    Address GetMulticast(Ipv6Address addr) const override;
    bool IsPointToPoint() const override;
    bool IsBridge() const override;
    bool Send(Ptr<Packet> packet, const Address& dest, uint16_t protocolNumber) override;
    bool SendFrom(Ptr<Packet> packet,
                  const Address& source,
                  const Address& dest,
                  uint16_t protocolNumber) override;
    Ptr<Node> GetNode() const override;
    void SetNode(Ptr<Node> node) override;
    bool NeedsArp() const override;
    void SetReceiveCallback(NetDevice::ReceiveCallback cb) override;
    void SetPromiscReceiveCallback(NetDevice::PromiscReceiveCallback cb) override;
    bool SupportsSendFrom() const override;

protected:
    void NotifyConstructionCompleted() override;
    void DoDispose() override;

private:
    /// Counts a drop of @p packet for @p reason and fires its trace (and MacTxDrop when it
    /// is a transmit-side drop).
    void Drop(Ptr<const Packet> packet, DropReason reason);
    /// Sets an ECT IPv4 packet's ECN field to CE when the queue holds at least
    /// EcnThreshold; @p frameBytes is the frame it will become (for the overflow check).
    void MarkIfCongested(Ptr<Packet> packet, uint16_t protocol, uint32_t frameBytes);
    /// Adds the Ethernet header, padding and FCS to @p packet.
    static void AddFraming(Ptr<Packet> packet,
                           Mac48Address source,
                           Mac48Address destination,
                           uint16_t protocol);
    /// Wire time of @p bytes at the line rate, carrying the sub-step remainder.
    Time WireTime(uint32_t bytes);
    /// Starts serializing @p frame onto the channel.
    void TransmitStart(Ptr<Packet> frame);
    /// The inter-frame gap after the current frame has passed: next frame, if any.
    void TransmitComplete();
    /// Unicast to us, to another host, broadcast or multicast.
    PacketType Classify(Mac48Address destination) const;

    Ptr<Node> m_node;                         //!< the node the device is on
    Ptr<FullDuplexEthernetChannel> m_channel; //!< the cable (null until Attach)
    Ptr<Queue<Packet>> m_queue;               //!< attribute TxQueue
    Ptr<ErrorModel> m_receiveErrorModel;      //!< attribute ReceiveErrorModel
    Ptr<Packet> m_currentFrame;               //!< the frame being serialized, or null
    Mac48Address m_address;                   //!< attribute Address
    DataRate m_rate;                          //!< attribute DataRate
    uint16_t m_mtu;                           //!< attribute Mtu
    QueueSize m_ecnThreshold;                 //!< attribute EcnThreshold
    uint32_t m_ifIndex = 0;                   //!< interface index on the node
    uint64_t m_txCarry = 0;                   //!< remainder of bits x steps / rate not yet elapsed
    NetDevice::ReceiveCallback m_rxCallback;  //!< the protocol stack's receive
    NetDevice::PromiscReceiveCallback m_promiscCallback; //!< promiscuous receive
    TracedCallback<> m_linkChangeCallbacks;              //!< link went up or down

    std::array<uint64_t, DROP_REASON_COUNT> m_drops{}; //!< drops by reason
    uint64_t m_ecnMarks = 0;                           //!< packets marked CE
    uint64_t m_txFrames = 0;                           //!< frames transmitted
    uint64_t m_txBytes = 0;                            //!< their bytes, header to FCS
    uint64_t m_rxFrames = 0;                           //!< frames received intact
    uint64_t m_rxBytes = 0;                            //!< their bytes, header to FCS

    TracedCallback<Ptr<const Packet>> m_macTxTrace;             //!< accepted for transmission
    TracedCallback<Ptr<const Packet>> m_macTxDropTrace;         //!< any transmit-side drop
    TracedCallback<Ptr<const Packet>> m_macRxTrace;             //!< handed to the stack
    TracedCallback<Ptr<const Packet>> m_macPromiscRxTrace;      //!< handed to the promisc callback
    TracedCallback<Ptr<const Packet>> m_phyTxBeginTrace;        //!< serialization starts
    TracedCallback<Ptr<const Packet>> m_phyTxEndTrace;          //!< serialization and gap done
    TracedCallback<Ptr<const Packet>> m_phyRxEndTrace;          //!< a frame fully arrived
    TracedCallback<Ptr<const Packet>> m_snifferTrace;           //!< frames to or from this host
    TracedCallback<Ptr<const Packet>> m_promiscSnifferTrace;    //!< every frame on the wire
    TracedCallback<Ptr<const Packet>> m_queueOverflowDropTrace; //!< DROP_QUEUE_OVERFLOW
    TracedCallback<Ptr<const Packet>> m_mtuDropTrace;           //!< DROP_MTU
    TracedCallback<Ptr<const Packet>> m_linkDownDropTrace;      //!< DROP_LINK_DOWN
    TracedCallback<Ptr<const Packet>> m_receiveErrorDropTrace;  //!< DROP_RECEIVE_ERROR
    TracedCallback<Ptr<const Packet>, uint32_t> m_ecnMarkTrace; //!< packets marked CE
};

} // namespace ns3

#endif
