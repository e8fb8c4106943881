/*
 * The VL2 directory protocol (one UDP datagram each way): a host agent asks where a
 * customer address of a virtual network lives, the directory answers with its provider
 * address or says it knows none.
 */
#ifndef VNET_DIRECTORY_HEADER_H
#define VNET_DIRECTORY_HEADER_H

#include "ns3/header.h"

namespace ns3
{

class VnetDirectoryHeader : public Header
{
public:
    enum MessageType : uint8_t
    {
        LOOKUP = 1, //!< host agent -> directory
        ANSWER = 2, //!< directory -> host agent
    };

    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;
    void Print(std::ostream& os) const override;

    MessageType type = LOOKUP; //!< lookup or answer
    bool found = false;        //!< answer: whether the directory knows the address
    uint32_t requestId = 0;    //!< echoed by the answer
    uint32_t vni = 0;          //!< the virtual network
    uint32_t customer = 0;     //!< the customer address (host order)
    uint32_t provider = 0;     //!< answer: the provider address (host order)
};

} // namespace ns3

#endif
