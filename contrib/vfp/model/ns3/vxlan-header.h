/*
 * The VXLAN header (RFC 7348): 8 bytes after a UDP header to port 4789; flags with the I
 * bit set, a 24-bit VXLAN network identifier (VNI). ns-3 has none; VFP's VNET layer
 * pushes and pops it.
 */
#ifndef VFP_VXLAN_HEADER_H
#define VFP_VXLAN_HEADER_H

#include "ns3/header.h"

namespace ns3
{

class VxlanHeader : public Header
{
public:
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;
    void Print(std::ostream& os) const override;

    void SetVni(uint32_t vni);
    uint32_t GetVni() const;
    /// True when the I flag (a valid VNI) is set, as RFC 7348 requires.
    bool IsValid() const;

private:
    uint8_t m_flags = 0x08; //!< I flag: the VNI is valid
    uint32_t m_vni = 0;     //!< 24-bit VXLAN network identifier
};

} // namespace ns3

#endif
