#include "nvgre-header.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(NvgreHeader);

TypeId
NvgreHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::NvgreHeader")
                            .SetParent<Header>()
                            .SetGroupName("Vfp")
                            .AddConstructor<NvgreHeader>();
    return tid;
}

TypeId
NvgreHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
NvgreHeader::GetSerializedSize() const
{
    return 8;
}

void
NvgreHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteHtonU16(m_flags);
    start.WriteHtonU16(m_protocol);
    start.WriteHtonU32((m_vsid << 8) | m_flowId);
}

uint32_t
NvgreHeader::Deserialize(Buffer::Iterator start)
{
    m_flags = start.ReadNtohU16();
    m_protocol = start.ReadNtohU16();
    const uint32_t key = start.ReadNtohU32();
    m_vsid = key >> 8;
    m_flowId = key & 0xff;
    return 8;
}

void
NvgreHeader::Print(std::ostream& os) const
{
    os << "NVGRE vsid=" << m_vsid << " flow=" << unsigned(m_flowId);
}

void
NvgreHeader::SetVsid(uint32_t vsid)
{
    m_vsid = vsid & 0xffffff;
}

uint32_t
NvgreHeader::GetVsid() const
{
    return m_vsid;
}

void
NvgreHeader::SetFlowId(uint8_t flowId)
{
    m_flowId = flowId;
}

bool
NvgreHeader::IsNvgre() const
{
    // K set; C and S clear; version 0.
    return (m_flags & 0x9007) == 0 && (m_flags & KEY_PRESENT) && m_protocol == TRANSPARENT_ETHERNET;
}

} // namespace ns3
