/*
 * RequestResponseServer: the server side of short request/response TCP flows, the
 * typical traffic of a datacenter tenant (RPCs, key-value gets, web requests).
 *
 * Why: what a virtual switch's slow path costs shows up in the completion time of short
 * connections (every one starts with a SYN that misses the unified flow table), so the
 * simulator needs many short TCP flows whose size the client chooses and whose end it can
 * observe. Pairing a client that asks for N bytes with a server that sends exactly N bytes
 * gives flow completion times (FCT) without any application-level framing on the way back.
 *
 * Protocol (one request and one response per connection):
 *   - The client connects and sends a request of R bytes: an 8-byte prefix, uint32 R
 *     (the whole request, prefix included) and uint32 N (the response size), both in
 *     network byte order, followed by R - 8 bytes of padding.
 *   - Once the server has all R bytes it sends N zero bytes and closes the connection.
 *     A request prefix that claims R < 8 is read as R = 8.
 *   - The client counts the N bytes, records the FCT and closes its side.
 *
 * TCP is a byte stream, so the request may arrive in any number of pieces; the server
 * keeps per-connection state until it has the whole request. The response is written as
 * fast as the socket's transmit buffer allows and continued from the send callback.
 */
#ifndef VFP_REQUEST_RESPONSE_SERVER_H
#define VFP_REQUEST_RESPONSE_SERVER_H

#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/ptr.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"

#include <array>
#include <cstdint>
#include <map>

namespace ns3
{

class RequestResponseServer : public Application
{
public:
    static TypeId GetTypeId();
    RequestResponseServer();
    ~RequestResponseServer() override;

    /// Size of the request prefix: uint32 request bytes, uint32 response bytes.
    static constexpr uint32_t kPrefixBytes = 8;

    /**
     * TracedCallback signature of "Served".
     * @param [in] responseBytes the response size, when all of it has been queued
     */
    typedef void (*ServedCallback)(uint32_t responseBytes);

    /// Responses fully queued so far.
    uint64_t GetServed() const { return m_served; }
    /// Connections currently open (accepted and not yet closed).
    uint32_t GetOpen() const { return static_cast<uint32_t>(m_connections.size()); }

protected:
    void DoDispose() override;

private:
    /// What the server knows about one accepted connection.
    struct Connection
    {
        std::array<uint8_t, kPrefixBytes> prefix{}; //!< the prefix bytes read so far
        uint32_t received = 0;                      //!< request bytes read so far
        uint32_t requestBytes = 0;                  //!< from the prefix (valid once received >= 8)
        uint32_t responseBytes = 0;                 //!< from the prefix (valid once received >= 8)
        uint32_t sent = 0;                          //!< response bytes queued in the socket
        bool responding = false;                    //!< the whole request arrived
        uint64_t order = 0; //!< accept order (a deterministic order for closing)
    };

    void StartApplication() override;
    void StopApplication() override;

    /// A new connection: set its callbacks and start reading its request.
    void HandleAccept(Ptr<Socket> socket, const Address& from);
    /// Request bytes arrived: buffer them until the request is complete.
    void HandleRead(Ptr<Socket> socket);
    /// Transmit buffer space freed: continue the response.
    void HandleSend(Ptr<Socket> socket, uint32_t available);
    /**
     * The peer closed its side. A peer that half-closes after its request still gets the
     * whole response; one that closes before the request is complete is forgotten.
     */
    void HandlePeerClose(Ptr<Socket> socket);
    /// The connection broke (reset, timeout): forget it.
    void HandlePeerError(Ptr<Socket> socket);
    /// Queues as much of the response as the socket accepts; closes once all is queued.
    void SendResponse(Ptr<Socket> socket, Connection& connection);
    /// Drops the connection's state and its callbacks into this application, and closes it.
    void Forget(Ptr<Socket> socket);

    uint16_t m_port;                                 //!< attribute Port
    Ptr<Socket> m_listener;                          //!< the listening socket
    std::map<Ptr<Socket>, Connection> m_connections; //!< open connections
    uint64_t m_served;                               //!< responses fully queued
    uint64_t m_accepted;                             //!< connections accepted
    TracedCallback<uint32_t> m_servedTrace;          //!< "Served"
};

} // namespace ns3

#endif
