/*
 * FullDuplexEthernetChannel: the cable between exactly two FullDuplexEthernetNetDevices.
 *
 * Each direction is its own wire: a frame one device sends never waits for, nor collides
 * with, a frame the other sends, so both directions carry their line rate at once (IEEE
 * 802.3 full-duplex operation, clause 4; ns-3.37's CsmaChannel instead shares one medium
 * between the directions). The channel adds the propagation delay (attribute Delay); the
 * serialization time belongs to the sending device.
 *
 * Link state: SetLinkUp(false) cuts the cable. Frames that start while it is down, and
 * frames still propagating when it goes down, are not delivered; the sending device
 * drops and counts them (its LinkDownDrop trace). Both devices' link-change callbacks
 * fire on every change.
 */
#ifndef FULL_DUPLEX_ETHERNET_CHANNEL_H
#define FULL_DUPLEX_ETHERNET_CHANNEL_H

#include "ns3/channel.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"

#include <array>

namespace ns3
{

class FullDuplexEthernetNetDevice;

class FullDuplexEthernetChannel : public Channel
{
public:
    static TypeId GetTypeId();
    FullDuplexEthernetChannel();

    /**
     * Connects @p device to one end of the cable. A third device is a fatal error.
     * Once both ends are attached the link is up (unless SetLinkUp(false) was called) and
     * both devices' link-change callbacks fire.
     */
    void Attach(Ptr<FullDuplexEthernetNetDevice> device);

    /**
     * Starts carrying @p frame from @p sender: it reaches the other end @p txTime (its
     * serialization time) plus Delay later, if the link stays up meanwhile.
     * @return false (frame not sent) when the link is down or the other end is missing
     */
    bool TransmitStart(Ptr<const Packet> frame,
                       Ptr<FullDuplexEthernetNetDevice> sender,
                       Time txTime);

    /// Brings the link up or down; both devices' link-change callbacks fire on a change.
    void SetLinkUp(bool up);
    /// True when both ends are attached and the link is not set down.
    bool IsLinkUp() const;
    /// The propagation delay (attribute Delay).
    Time GetDelay() const;

    std::size_t GetNDevices() const override;
    Ptr<NetDevice> GetDevice(std::size_t i) const override;

protected:
    void DoDispose() override;

private:
    /// Hands @p frame to the end opposite @p sender, unless the link went down (or down
    /// and up again) since it was sent in link epoch @p epoch.
    void Deliver(Ptr<Packet> frame, std::size_t sender, uint64_t epoch);
    /// Fires both devices' link-change callbacks.
    void NotifyLinkChange();

    Time m_delay;                                           //!< attribute Delay
    std::array<Ptr<FullDuplexEthernetNetDevice>, 2> m_ends; //!< the two devices
    std::size_t m_attached = 0;                             //!< devices attached so far
    bool m_adminUp = true;                                  //!< not set down by SetLinkUp
    uint64_t m_epoch = 0; //!< bumped at every link down: frames sent before are lost
};

} // namespace ns3

#endif
