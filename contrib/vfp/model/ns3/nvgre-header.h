/*
 * The GRE header as NVGRE uses it (RFC 7637): the K (key present) bit set, protocol type
 * 0x6558 (transparent Ethernet bridging), and a 32-bit key holding the 24-bit virtual
 * subnet id (VSID) and an 8-bit flow id. 8 bytes. ns-3 has none.
 */
#ifndef VFP_NVGRE_HEADER_H
#define VFP_NVGRE_HEADER_H

#include "ns3/header.h"

namespace ns3
{

class NvgreHeader : public Header
{
public:
    static constexpr uint16_t KEY_PRESENT = 0x2000;          //!< GRE K bit
    static constexpr uint16_t TRANSPARENT_ETHERNET = 0x6558; //!< GRE protocol type of NVGRE

    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;
    void Print(std::ostream& os) const override;

    void SetVsid(uint32_t vsid);
    uint32_t GetVsid() const;
    void SetFlowId(uint8_t flowId);
    /// True for NVGRE: key present, no checksum or sequence, Ethernet inside.
    bool IsNvgre() const;

private:
    uint16_t m_flags = KEY_PRESENT;             //!< C, K, S bits and version
    uint16_t m_protocol = TRANSPARENT_ETHERNET; //!< the payload's type
    uint32_t m_vsid = 0;                        //!< 24-bit virtual subnet id
    uint8_t m_flowId = 0;                       //!< entropy
};

} // namespace ns3

#endif
