/*
 * VfpPacketAudit: follows every IPv4 frame a VM sends until its fate, so that a scenario
 * can prove two things the paper's controllers promise: no packet reaches another tenant,
 * and no packet disappears without a reason.
 *
 * Each IPv4 frame leaving a watched VNIC (or outside node) gets a tag (a serial number and its
 * tenant) and joins the in-flight set. It leaves the set when a watched VNIC receives it
 * (delivered; counted cross-tenant if the receiver's tenant differs) or when a watched drop point
 * drops it: the switches' per-cause drop traces, each device's per-cause drops (queue
 * overflow, MTU, link down, receive errors), the traffic-control layer, queue discs, IPv4
 * and ARP on routers. Every drop is counted at its place (a node's name), its device and
 * its reason, so a lost packet is never only a number. Tags survive the switch's rewrite,
 * encapsulation and the fabric, since ns-3 copies packet tags along.
 *
 * Invariant checked: sent = delivered + dropped + in flight, and no fate is reported twice
 * or for a frame never sent ("unmatched"). Cost: a hash-set insert and erase per frame.
 */
#ifndef VFP_PACKET_AUDIT_H
#define VFP_PACKET_AUDIT_H

#include "ns3/net-device.h"
#include "ns3/node-container.h"
#include "ns3/packet.h"
#include "ns3/vfp-switch-net-device.h"

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_set>

namespace ns3
{

class VfpPacketAudit : public SimpleRefCount<VfpPacketAudit>
{
public:
    /// Tags what @p vnic sends as @p tenant's and checks what it receives.
    void WatchVm(Ptr<NetDevice> vnic, uint32_t tenant);
    /// Tags what @p device of a node outside the datacenter sends, and counts what it
    /// receives as delivered (outside nodes belong to no tenant: no isolation check).
    void WatchOutside(Ptr<NetDevice> device);
    /// Counts the switch's drops of audited frames by the switch's reason, at @p place.
    void WatchSwitch(Ptr<VfpSwitchNetDevice> vswitch, const std::string& place);
    /// Counts drops of audited frames in @p node's devices, traffic control and queue
    /// discs, and (when @p router) its IPv4 and ARP layers, at @p place (e.g. "tor3").
    void WatchNode(Ptr<Node> node, const std::string& place, bool router);

    uint64_t GetSent() const { return m_sent; }
    uint64_t GetDelivered() const { return m_delivered; }
    uint64_t GetCrossTenant() const { return m_crossTenant; }
    uint64_t GetInFlight() const { return m_inFlight.size(); }
    /// Fates reported for frames not in flight (a double delivery or drop): must be zero.
    uint64_t GetUnmatched() const { return m_unmatched; }
    /// Where a drop happened: a place (a node's name), a device on it ("switch", "if2",
    /// "ipv4", "arp", "tc") and the reason.
    struct DropSite
    {
        std::string place;
        std::string device;
        std::string reason;
        bool operator<(const DropSite& other) const
        {
            return std::tie(place, device, reason) <
                   std::tie(other.place, other.device, other.reason);
        }
    };
    /// Dropped audited frames by site.
    const std::map<DropSite, uint64_t>& GetDroppedAt() const { return m_dropped; }
    /// Dropped audited frames by reason, over every site.
    std::map<std::string, uint64_t> GetDropped() const;
    uint64_t GetDroppedTotal() const;
    /// sent = delivered + dropped + in flight, with nothing unmatched.
    bool Balances() const;

    /// The tenant of frames from outside the datacenter.
    static constexpr uint32_t OUTSIDE = UINT32_MAX;

private:
    void Sent(uint32_t tenant, Ptr<const Packet> packet);
    void Received(uint32_t tenant, Ptr<const Packet> packet);
    void Dropped(const DropSite& site, Ptr<const Packet> packet);
    /// A stable copy of @p text that bound callbacks can point to.
    const std::string* Intern(const std::string& text);
    /// Counts audited frames that @p source's @p trace (signature: a packet) drops.
    void Connect(Ptr<Object> source,
                 const std::string& trace,
                 const std::string& place,
                 const std::string& device,
                 const std::string& reason);
    /// Connects @p device's drop traces (whichever of the known ones it has) at @p place.
    void WatchDevice(Ptr<NetDevice> device, const std::string& place, const std::string& name);
    /// Takes an audited frame out of the in-flight set; false if it was not in it.
    bool Settle(Ptr<const Packet> packet, uint32_t* tenant);

    uint64_t m_nextId = 0;                   //!< serial numbers
    uint64_t m_sent = 0;                     //!< frames tagged
    uint64_t m_delivered = 0;                //!< frames received by a VNIC
    uint64_t m_crossTenant = 0;              //!< of those, by another tenant's VNIC
    uint64_t m_unmatched = 0;                //!< fates of frames not in flight
    std::unordered_set<uint64_t> m_inFlight; //!< serial numbers
    std::map<DropSite, uint64_t> m_dropped;  //!< by site
    std::set<DropSite> m_sites;              //!< sites callbacks point to (never erased)
    std::set<std::string> m_names;           //!< names callbacks point to (never erased)
};

} // namespace ns3

#endif
