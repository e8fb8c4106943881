#include "vnet-directory-header.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(VnetDirectoryHeader);

TypeId
VnetDirectoryHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::VnetDirectoryHeader")
                            .SetParent<Header>()
                            .SetGroupName("Vfp")
                            .AddConstructor<VnetDirectoryHeader>();
    return tid;
}

TypeId
VnetDirectoryHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
VnetDirectoryHeader::GetSerializedSize() const
{
    return 18;
}

void
VnetDirectoryHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteU8(type);
    start.WriteU8(found ? 1 : 0);
    start.WriteHtonU32(requestId);
    start.WriteHtonU32(vni);
    start.WriteHtonU32(customer);
    start.WriteHtonU32(provider);
}

uint32_t
VnetDirectoryHeader::Deserialize(Buffer::Iterator start)
{
    type = static_cast<MessageType>(start.ReadU8());
    found = start.ReadU8() != 0;
    requestId = start.ReadNtohU32();
    vni = start.ReadNtohU32();
    customer = start.ReadNtohU32();
    provider = start.ReadNtohU32();
    return GetSerializedSize();
}

void
VnetDirectoryHeader::Print(std::ostream& os) const
{
    os << (type == LOOKUP ? "lookup" : "answer") << " id=" << requestId << " vni=" << vni
       << " ca=" << customer;
    if (type == ANSWER)
    {
        os << (found ? " pa=" + std::to_string(provider) : " unknown");
    }
}

} // namespace ns3
