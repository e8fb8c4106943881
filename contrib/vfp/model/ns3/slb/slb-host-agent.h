/*
 * SlbHostAgent: the SLB controller's agent on a host (Ananta's host agent). When a DIP's
 * SNAT port ranges are all in use, the engine holds the new connection's packet and
 * raises a port-exhaustion event; the agent asks the SLB manager for another range over
 * the simulated network, adds the granted range to the port's range list and releases the
 * held packets. One request per port is in flight; an unanswered one is forgotten after
 * RequestTimeout, so that the next exhaustion asks again.
 */
#ifndef SLB_HOST_AGENT_H
#define SLB_HOST_AGENT_H

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/ipv4-address.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"
#include "ns3/vfp-switch-net-device.h"

#include <map>

namespace ns3
{

class SlbHostAgent : public Application
{
public:
    static TypeId GetTypeId();

    void SetSwitch(Ptr<VfpSwitchNetDevice> vswitch);
    void SetManager(Ipv4Address address, uint16_t port);
    /// Asks for another range of @p vip's ports for the DIP on @p port.
    void RequestRange(const std::string& port,
                      const std::string& resource,
                      uint32_t vip,
                      uint32_t vni,
                      uint32_t customer);

    uint64_t GetRequests() const { return m_requests; }
    uint64_t GetGrants() const { return m_grants; }
    uint64_t GetRefusals() const { return m_refusals; }

    /// Signature of the Granted trace: the port, the range, and the time since exhaustion.
    typedef void (*GrantedCallback)(const std::string& port,
                                    uint16_t lo,
                                    uint16_t hi,
                                    Time latency);

protected:
    void DoDispose() override;

private:
    struct Request
    {
        uint32_t id;          //!< request id
        std::string resource; //!< the range list to extend
        Time started;         //!< when the port ran out
        EventId timeout;      //!< forgets the request
    };

    void StartApplication() override;
    void StopApplication() override;
    void Receive(Ptr<Socket> socket);

    Ptr<VfpSwitchNetDevice> m_switch;
    Ipv4Address m_manager;
    uint16_t m_managerPort = 6544;
    Time m_requestTimeout; //!< attribute RequestTimeout
    Ptr<Socket> m_socket;
    std::map<std::string, Request> m_inFlight; //!< by port
    uint32_t m_nextId = 1;
    uint64_t m_requests = 0;
    uint64_t m_grants = 0;
    uint64_t m_refusals = 0;
    TracedCallback<const std::string&, uint16_t, uint16_t, Time> m_grantedTrace;
};

} // namespace ns3

#endif
