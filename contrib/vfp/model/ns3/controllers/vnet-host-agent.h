/*
 * VnetHostAgent: the VNET controller's agent on one host (VL2's host agent). It resolves
 * mapping misses: when a port's CA -> PA mapping resource misses, the engine raises an
 * event and holds the packet; the agent asks the directory service over the simulated
 * network, programs the answer into every port that waits for it, and has the switch
 * release the held packets. One lookup is in flight per (virtual network, address) however
 * many packets and ports wait; an unanswered lookup is retried, then given up (the held
 * packets then time out in the switch). Answers are cached on the host, as VL2's agent
 * does, so another port of the same virtual network that misses the same address is
 * programmed from the cache, without a lookup.
 */
#ifndef VNET_HOST_AGENT_H
#define VNET_HOST_AGENT_H

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/ipv4-address.h"
#include "ns3/nstime.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"
#include "ns3/vfp-switch-net-device.h"

#include <map>
#include <set>

namespace ns3
{

class VnetHostAgent : public Application
{
public:
    static TypeId GetTypeId();

    /// The switch whose ports this agent serves.
    void SetSwitch(Ptr<VfpSwitchNetDevice> vswitch);
    /// Where the directory service listens.
    void SetDirectory(Ipv4Address address, uint16_t port);
    /// Resolves a mapping miss of @p port's @p resource for virtual network @p vni.
    void Resolve(const std::string& port,
                 const std::string& resource,
                 uint32_t vni,
                 uint32_t customer);

    uint64_t GetLookups() const { return m_lookups; }
    /// Misses answered from the host's cache.
    uint64_t GetCacheHits() const { return m_cacheHits; }
    uint64_t GetRetries() const { return m_retries; }
    uint64_t GetFailures() const { return m_failures; }

    /// Signature of the Resolved trace: virtual network, customer address, lookup latency.
    typedef void (*ResolvedCallback)(uint32_t vni, Ipv4Address customer, Time latency);

protected:
    void DoDispose() override;

private:
    /// A lookup in flight and who waits for it.
    struct Lookup
    {
        uint32_t requestId = 0;                                //!< of the latest attempt
        Time started;                                          //!< first attempt
        uint32_t attempts = 0;                                 //!< sent so far
        std::set<std::pair<std::string, std::string>> waiters; //!< (port, resource)
        EventId retry;                                         //!< the retry timer
    };
    using Key = std::pair<uint32_t, uint32_t>; //!< (vni, customer address)

    void StartApplication() override;
    void StopApplication() override;
    void Send(const Key& key);
    void Retry(Key key);
    void Receive(Ptr<Socket> socket);
    /// Programs a mapping into a port and lets its held packets go.
    void Program(const std::string& port,
                 const std::string& resource,
                 uint32_t customer,
                 uint32_t provider);

    Ptr<VfpSwitchNetDevice> m_switch; //!< the host's switch
    Ipv4Address m_directory;          //!< directory address
    uint16_t m_directoryPort = 6543;  //!< directory port
    Time m_retryTimeout;              //!< attribute RetryTimeout
    uint32_t m_maxAttempts;           //!< attribute MaxAttempts
    Ptr<Socket> m_socket;             //!< to the directory
    std::map<Key, Lookup> m_inFlight; //!< lookups waiting for an answer
    uint32_t m_nextRequestId = 1;     //!< request ids
    uint64_t m_lookups = 0;           //!< lookups started
    uint64_t m_retries = 0;           //!< lookups sent again
    uint64_t m_cacheHits = 0;         //!< misses answered from m_cache
    std::map<Key, uint32_t> m_cache;  //!< answers: (vni, CA) -> PA
    uint64_t m_failures = 0;          //!< lookups given up or answered "unknown"
    TracedCallback<uint32_t, Ipv4Address, Time> m_resolvedTrace; //!< answered lookups
};

} // namespace ns3

#endif
