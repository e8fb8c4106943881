/*
 * VnetDirectory: VL2's directory service, a node on the fabric that knows where every
 * customer address (CA) of every virtual network lives (its host's provider address, PA).
 * The VNET controller writes the records; host agents ask over UDP when a port's mapping
 * table misses, and the answer takes real network time plus ServiceTime. An outage
 * (SetAvailable(false), the event file's directory_down) leaves lookups unanswered: the
 * agents retry and give up, and the switches drop the packets they held.
 */
#ifndef VNET_DIRECTORY_H
#define VNET_DIRECTORY_H

#include "ns3/application.h"
#include "ns3/ipv4-address.h"
#include "ns3/nstime.h"
#include "ns3/socket.h"

#include <map>

namespace ns3
{

class VnetDirectory : public Application
{
public:
    static TypeId GetTypeId();

    /// Records that @p customer in virtual network @p vni lives at @p provider.
    void SetMapping(uint32_t vni, Ipv4Address customer, Ipv4Address provider);
    void RemoveMapping(uint32_t vni, Ipv4Address customer);
    /// Starts (@p available true) or ends an outage: while it lasts, lookups go unanswered.
    void SetAvailable(bool available) { m_available = available; }
    bool IsAvailable() const { return m_available; }
    uint64_t GetLookups() const { return m_lookups; }
    uint64_t GetUnknown() const { return m_unknown; }
    /// Lookups that arrived during an outage (not among GetLookups).
    uint64_t GetUnanswered() const { return m_unanswered; }

protected:
    void DoDispose() override;

private:
    void StartApplication() override;
    void StopApplication() override;
    void Receive(Ptr<Socket> socket);
    void Answer(Ptr<Packet> answer, Address to);

    uint16_t m_port;                                             //!< attribute Port
    Time m_serviceTime;                                          //!< attribute ServiceTime
    Ptr<Socket> m_socket;                                        //!< bound to m_port
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> m_records; //!< (vni, CA) -> PA
    uint64_t m_lookups = 0;                                      //!< lookups answered
    uint64_t m_unknown = 0;    //!< of those, for unknown addresses
    bool m_available = true;   //!< false during an outage
    uint64_t m_unanswered = 0; //!< lookups that arrived during an outage
};

} // namespace ns3

#endif
