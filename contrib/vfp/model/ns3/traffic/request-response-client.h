/*
 * RequestResponseClient: opens short request/response TCP connections to
 * RequestResponseServer peers and measures their flow completion time (FCT).
 *
 * Why: datacenter traffic is dominated by many short connections; their FCT, and the
 * connection setup time inside it, is where a virtual switch's per-connection cost (the
 * slow path every SYN takes) becomes visible to a tenant. Open-loop arrivals (a new
 * connection at random intervals whether or not earlier ones finished) keep the offered
 * load independent of how slow the switch is, which is what a saturation study needs.
 *
 * Protocol (see RequestResponseServer): each flow connects to a peer chosen uniformly at
 * random, sends a request of RequestSize bytes whose 8-byte prefix carries, in network
 * byte order, uint32 RequestSize and uint32 N (a sample of ResponseSize), then counts
 * response bytes. When N bytes arrived the flow is complete (FCT = time from Connect to
 * the last byte) and the client closes it. A failed connect, an error, or a close before
 * N bytes arrived make the flow fail.
 *
 * Accounting: every start gets a flow id (consecutive from 0 per client) and ends exactly
 * once, as "Completed" or "Failed", so Started == Completed + Failed + Open at all times.
 * A start while MaxOpen flows are open fails immediately with reason "max_open"; flows
 * still open at StopApplication fail with reason "stopped".
 */
#ifndef VFP_REQUEST_RESPONSE_CLIENT_H
#define VFP_REQUEST_RESPONSE_CLIENT_H

#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

class RequestResponseClient : public Application
{
public:
    static TypeId GetTypeId();
    RequestResponseClient();
    ~RequestResponseClient() override;

    /**
     * TracedCallback signature of "Established".
     * @param [in] flowId the flow
     * @param [in] setupTime from Connect until the connection succeeded
     */
    typedef void (*EstablishedCallback)(uint64_t flowId, Time setupTime);
    /**
     * TracedCallback signature of "Completed".
     * @param [in] flowId the flow
     * @param [in] peer the server it talked to
     * @param [in] responseBytes the response size
     * @param [in] fct from Connect until the last response byte arrived
     */
    typedef void (*CompletedCallback)(uint64_t flowId,
                                      const Address& peer,
                                      uint32_t responseBytes,
                                      Time fct);
    /**
     * TracedCallback signature of "Failed".
     * @param [in] flowId the flow
     * @param [in] reason max_open, connect_failed, error, closed_early or stopped
     */
    typedef void (*FailedCallback)(uint64_t flowId, const std::string& reason);

    /// Adds a server (an InetSocketAddress or Inet6SocketAddress) new flows may go to.
    void AddPeer(const Address& server);

    /**
     * Assigns fixed streams to the random variables (Interval, ResponseSize and the peer
     * choice), so that a run depends only on the seed, the run number and @p stream.
     * @return the number of streams used (3)
     */
    int64_t AssignStreams(int64_t stream);

    /// Flows started (including those refused by MaxOpen).
    uint64_t GetStarted() const { return m_started; }
    /// Flows that received their whole response.
    uint64_t GetCompleted() const { return m_completed; }
    /// Flows that ended without their whole response.
    uint64_t GetFailed() const { return m_failed; }
    /// Flows open now (connecting or waiting for their response).
    uint64_t GetOpen() const { return m_flows.size(); }

protected:
    void DoDispose() override;

private:
    /// One open flow.
    struct Flow
    {
        uint64_t id = 0;            //!< flow id
        Address peer;               //!< the server
        Time connectTime;           //!< when Connect was called
        uint32_t responseBytes = 0; //!< asked for
        uint32_t received = 0;      //!< response bytes so far
        uint32_t requestSent = 0;   //!< request bytes queued so far
        bool established = false;   //!< the connection succeeded
    };

    void StartApplication() override;
    void StopApplication() override;

    /// Schedules the next flow start an Interval sample from now.
    void ScheduleNext();
    /// Starts one flow (or refuses it when MaxOpen are open) and schedules the next.
    void StartFlow();
    /// A sample of ResponseSize as a whole number of bytes in [1, 2^32 - 1].
    uint32_t SampleResponseSize();

    void ConnectionSucceeded(Ptr<Socket> socket);
    void ConnectionFailed(Ptr<Socket> socket);
    void HandleRead(Ptr<Socket> socket);
    void HandleSend(Ptr<Socket> socket, uint32_t available);
    void HandleNormalClose(Ptr<Socket> socket);
    void HandleErrorClose(Ptr<Socket> socket);
    /// Queues as much of the request as the socket accepts (the rest on HandleSend).
    void SendRequest(Ptr<Socket> socket, Flow& flow);
    /// Ends a flow that did not complete: counts it, fires "Failed", closes the socket.
    void Fail(Ptr<Socket> socket, const std::string& reason);
    /// Forgets a flow's socket: removes its callbacks into this application and closes it.
    void Release(Ptr<Socket> socket);
    /// The open flows' sockets by flow id (map order is by pointer, which varies per run).
    std::vector<Ptr<Socket>> SocketsInFlowOrder() const;

    Ptr<RandomVariableStream> m_interval;     //!< attribute Interval (seconds)
    Ptr<RandomVariableStream> m_responseSize; //!< attribute ResponseSize (bytes)
    Ptr<UniformRandomVariable> m_peerChoice;  //!< picks a peer per flow
    uint32_t m_requestSize;                   //!< attribute RequestSize
    uint32_t m_maxOpen;                       //!< attribute MaxOpen
    uint32_t m_maxFlows;                      //!< attribute MaxFlows

    std::vector<Address> m_peers;        //!< servers
    std::map<Ptr<Socket>, Flow> m_flows; //!< open flows by socket
    EventId m_nextStart;                 //!< the next StartFlow
    bool m_running;                      //!< between Start and StopApplication
    uint64_t m_nextId;                   //!< id of the next flow
    uint64_t m_started;                  //!< flows started
    uint64_t m_completed;                //!< flows completed
    uint64_t m_failed;                   //!< flows failed

    TracedCallback<uint64_t, Time> m_establishedTrace;                         //!< "Established"
    TracedCallback<uint64_t, const Address&, uint32_t, Time> m_completedTrace; //!< "Completed"
    TracedCallback<uint64_t, const std::string&> m_failedTrace;                //!< "Failed"
};

} // namespace ns3

#endif
