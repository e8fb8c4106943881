/*
 * SynFlood: a VM that floods a peer with TCP SYNs, as an attacker or a broken client
 * does: Rate SYNs a second, evenly spaced, to Remote:Port, each from a new random source
 * port of the VM's own address (not spoofed), none ever completing a handshake. It sends
 * them through a raw IPv4 socket (the VM's TCP stack is not involved), so every SYN is a
 * new connection to the VM's switch port: the slow path, a half-open connection in the
 * tracker until HalfOpenTimeout or the peer's RST, and host CPU (the datacenter
 * scenario's syn_flood event, docs/datacenter.md "Events").
 */
#ifndef VFP_SYN_FLOOD_H
#define VFP_SYN_FLOOD_H

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/ipv4-address.h"
#include "ns3/random-variable-stream.h"
#include "ns3/socket.h"

namespace ns3
{

class SynFlood : public Application
{
public:
    static TypeId GetTypeId();

    /// SYNs sent so far.
    uint64_t GetSent() const { return m_sent; }
    /// Assigns the source-port stream; returns the streams used (1).
    int64_t AssignStreams(int64_t stream);

protected:
    void DoDispose() override;

private:
    void StartApplication() override;
    void StopApplication() override;
    /// Sends one SYN and schedules the next.
    void Send();

    Ipv4Address m_remote;               //!< attribute Remote
    uint16_t m_port;                    //!< attribute Port
    double m_rate;                      //!< attribute Rate, SYNs per second
    Ptr<UniformRandomVariable> m_ports; //!< source ports
    Ptr<Socket> m_socket;               //!< raw, protocol 6
    EventId m_next;                     //!< the next SYN
    uint64_t m_sent = 0;                //!< SYNs sent
};

} // namespace ns3

#endif
