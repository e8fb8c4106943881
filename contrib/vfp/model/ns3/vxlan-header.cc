#include "vxlan-header.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(VxlanHeader);

TypeId
VxlanHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::VxlanHeader")
                            .SetParent<Header>()
                            .SetGroupName("Vfp")
                            .AddConstructor<VxlanHeader>();
    return tid;
}

TypeId
VxlanHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
VxlanHeader::GetSerializedSize() const
{
    return 8;
}

void
VxlanHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteU8(m_flags);
    start.WriteU8(0);
    start.WriteU16(0);
    start.WriteHtonU32(m_vni << 8); // VNI in the top 24 bits, then a reserved byte
}

uint32_t
VxlanHeader::Deserialize(Buffer::Iterator start)
{
    m_flags = start.ReadU8();
    start.ReadU8();
    start.ReadU16();
    m_vni = start.ReadNtohU32() >> 8;
    return 8;
}

void
VxlanHeader::Print(std::ostream& os) const
{
    os << "VXLAN vni=" << m_vni;
}

void
VxlanHeader::SetVni(uint32_t vni)
{
    m_vni = vni & 0xffffff;
}

uint32_t
VxlanHeader::GetVni() const
{
    return m_vni;
}

bool
VxlanHeader::IsValid() const
{
    return (m_flags & 0x08) != 0;
}

} // namespace ns3
