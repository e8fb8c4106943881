#include "slb-range-header.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(SlbRangeHeader);

TypeId
SlbRangeHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SlbRangeHeader")
                            .SetParent<Header>()
                            .SetGroupName("Vfp")
                            .AddConstructor<SlbRangeHeader>();
    return tid;
}

TypeId
SlbRangeHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
SlbRangeHeader::GetSerializedSize() const
{
    return 21;
}

void
SlbRangeHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteU8(type);
    start.WriteHtonU32(requestId);
    start.WriteHtonU32(vip);
    start.WriteHtonU32(vni);
    start.WriteHtonU32(customer);
    start.WriteHtonU16(lo);
    start.WriteHtonU16(hi);
}

uint32_t
SlbRangeHeader::Deserialize(Buffer::Iterator start)
{
    type = static_cast<MessageType>(start.ReadU8());
    requestId = start.ReadNtohU32();
    vip = start.ReadNtohU32();
    vni = start.ReadNtohU32();
    customer = start.ReadNtohU32();
    lo = start.ReadNtohU16();
    hi = start.ReadNtohU16();
    return GetSerializedSize();
}

void
SlbRangeHeader::Print(std::ostream& os) const
{
    os << (type == REQUEST ? "request"
           : type == GRANT ? "grant"
                           : "refuse")
       << " id=" << requestId << " vip=" << vip << " vni=" << vni << " ca=" << customer;
    if (type == GRANT)
    {
        os << " ports=" << lo << "-" << hi;
    }
}

} // namespace ns3
