/*
 * The SNAT port range protocol between a host's SLB agent and the SLB manager (one UDP
 * datagram each way): a DIP whose port ranges are all in use asks for another range of
 * its VIP's ports; the manager grants one (or refuses when the VIP has none left).
 */
#ifndef SLB_RANGE_HEADER_H
#define SLB_RANGE_HEADER_H

#include "ns3/header.h"

namespace ns3
{

class SlbRangeHeader : public Header
{
public:
    enum MessageType : uint8_t
    {
        REQUEST = 1, //!< host agent -> manager
        GRANT = 2,   //!< manager -> host agent (lo..hi valid)
        REFUSE = 3,  //!< manager -> host agent: the VIP's ports are all handed out
    };

    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;
    void Print(std::ostream& os) const override;

    MessageType type = REQUEST; //!< what the message is
    uint32_t requestId = 0;     //!< echoed by the answer
    uint32_t vip = 0;           //!< the SNAT address (host order)
    uint32_t vni = 0;           //!< the DIP's virtual network
    uint32_t customer = 0;      //!< the DIP's customer address
    uint16_t lo = 0;            //!< GRANT: first port
    uint16_t hi = 0;            //!< GRANT: last port
};

} // namespace ns3

#endif
