#include "vfp-reassembler.h"

#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/uinteger.h"
#include "vfp-mtu.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VfpReassembler");
NS_OBJECT_ENSURE_REGISTERED(VfpReassembler);

namespace
{

constexpr uint32_t IPV4_BYTES = 20;
constexpr uint32_t MAX_DATA_BYTES = 65535 - IPV4_BYTES; // RFC 791: total length is 16 bits

} // namespace

TypeId
VfpReassembler::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::VfpReassembler")
            .SetParent<Object>()
            .SetGroupName("Vfp")
            .AddConstructor<VfpReassembler>()
            .AddAttribute("Timeout",
                          "How long after its first fragment an incomplete datagram is dropped "
                          "(reason reassembly_timeout). Linux's net.ipv4.ipfrag_time: 30 s.",
                          TimeValue(Seconds(30)),
                          MakeTimeAccessor(&VfpReassembler::m_timeout),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddAttribute("MaxBytes",
                          "Bytes of fragments (IPv4 header and data) held at most; the oldest "
                          "datagrams are evicted beyond (reason reassembly_evicted). Linux's "
                          "net.ipv4.ipfrag_high_thresh: 4 MiB. At least one largest datagram.",
                          UintegerValue(4 * 1024 * 1024),
                          MakeUintegerAccessor(&VfpReassembler::m_maxBytes),
                          MakeUintegerChecker<uint32_t>(65535))
            .AddTraceSource("Drop",
                            "A fragment dropped, as received, and why: reassembly_timeout, "
                            "reassembly_evicted or reassembly_malformed.",
                            MakeTraceSourceAccessor(&VfpReassembler::m_dropTrace),
                            "ns3::VfpReassembler::DropTracedCallback");
    return tid;
}

void
VfpReassembler::DoDispose()
{
    m_datagrams.clear();
    m_age.clear();
    m_heldBytes = 0;
    Object::DoDispose();
}

Ptr<const Packet>
VfpReassembler::Receive(Ptr<const Packet> packet, Time now)
{
    Expire(now);
    VfpMtu::Ipv4Fields ip;
    if (!VfpMtu::PeekIpv4(packet, ip) || (!ip.moreFragments && ip.fragmentOffset == 0))
    {
        return packet; // not a fragment
    }
    const Key key{ip.source, ip.destination, ip.protocol, ip.identification};
    const uint32_t dataBytes = ip.complete ? ip.totalLength - IPV4_BYTES : 0;
    if (dataBytes == 0 || (ip.moreFragments && dataBytes % 8 != 0) ||
        ip.fragmentOffset + dataBytes > MAX_DATA_BYTES)
    {
        NS_LOG_LOGIC("malformed fragment: truncated, empty, unaligned or too long");
        DropMalformed(key, packet);
        return nullptr;
    }
    Piece piece;
    piece.received = packet;
    piece.data = packet->Copy();
    piece.data->RemoveHeader(piece.header);
    piece.data->RemoveAtEnd(piece.data->GetSize() - dataBytes); // link-layer padding
    auto found = m_datagrams.find(key);
    if (found != m_datagrams.end() && !Fits(found->second, ip.fragmentOffset, piece))
    {
        NS_LOG_LOGIC("fragment at " << ip.fragmentOffset
                                    << " overlaps or contradicts its datagram");
        DropMalformed(key, packet);
        return nullptr;
    }
    return Hold(key, ip.fragmentOffset, std::move(piece), now);
}

void
VfpReassembler::DropMalformed(const Key& key, Ptr<const Packet> fragment)
{
    if (m_datagrams.count(key) != 0)
    {
        Kill(key, MALFORMED);
    }
    ++m_counters.malformed;
    m_dropTrace(fragment, MALFORMED);
}

bool
VfpReassembler::Fits(const Datagram& datagram, uint32_t offset, const Piece& piece)
{
    const uint32_t end = offset + piece.data->GetSize();
    const bool last = piece.header.IsLastFragment();
    if (datagram.lastSeen && (last ? end != datagram.end : end > datagram.end))
    {
        return false; // disagrees with the known end
    }
    auto next = datagram.pieces.lower_bound(offset);
    if (next != datagram.pieces.end() && next->first < end)
    {
        return false; // overlaps (or duplicates) the piece at or after it
    }
    if (last && next != datagram.pieces.end())
    {
        return false; // data held beyond the end this last fragment sets
    }
    if (next != datagram.pieces.begin())
    {
        auto previous = std::prev(next);
        return previous->first + previous->second.data->GetSize() <= offset;
    }
    return true;
}

Ptr<const Packet>
VfpReassembler::Hold(const Key& key, uint32_t offset, Piece piece, Time now)
{
    auto found = m_datagrams.find(key);
    if (found == m_datagrams.end())
    {
        found = m_datagrams.emplace(key, Datagram{}).first;
        found->second.deadline = now + m_timeout;
        found->second.age = m_age.insert(m_age.end(), key);
    }
    Datagram& datagram = found->second;
    const uint32_t size = IPV4_BYTES + piece.data->GetSize();
    datagram.dataBytes += piece.data->GetSize();
    datagram.heldBytes += size;
    m_heldBytes += size;
    if (piece.header.IsLastFragment())
    {
        datagram.lastSeen = true;
        datagram.end = offset + piece.data->GetSize();
    }
    datagram.pieces.emplace(offset, std::move(piece));
    if (datagram.lastSeen && datagram.dataBytes == datagram.end)
    {
        Ptr<Packet> whole = Assemble(datagram);
        m_heldBytes -= datagram.heldBytes;
        m_age.erase(datagram.age);
        m_datagrams.erase(found);
        ++m_counters.reassembled;
        return whole;
    }
    Evict();
    return nullptr;
}

Ptr<Packet>
VfpReassembler::Assemble(const Datagram& datagram)
{
    const Piece& first = datagram.pieces.begin()->second;
    Ptr<Packet> whole = first.data->Copy(); // with the first fragment's packet tags
    for (auto it = std::next(datagram.pieces.begin()); it != datagram.pieces.end(); ++it)
    {
        whole->AddAtEnd(it->second.data);
    }
    Ipv4Header header = first.header;
    header.SetLastFragment();
    header.SetFragmentOffset(0);
    header.SetPayloadSize(static_cast<uint16_t>(datagram.end));
    if (Node::ChecksumEnabled())
    {
        header.EnableChecksum();
    }
    whole->AddHeader(header);
    return whole;
}

void
VfpReassembler::Kill(Key key, const char* reason)
{
    auto found = m_datagrams.find(key);
    const Datagram& datagram = found->second;
    for (const auto& [offset, piece] : datagram.pieces)
    {
        m_dropTrace(piece.received, reason);
    }
    m_heldBytes -= datagram.heldBytes;
    m_age.erase(datagram.age);
    m_datagrams.erase(found);
}

void
VfpReassembler::Evict()
{
    while (m_heldBytes > m_maxBytes)
    {
        NS_LOG_LOGIC("over " << m_maxBytes << " bytes: evicting the oldest datagram");
        Kill(m_age.front(), EVICTED);
        ++m_counters.evicted;
    }
}

void
VfpReassembler::Expire(Time now)
{
    while (!m_age.empty() && m_datagrams.at(m_age.front()).deadline <= now)
    {
        NS_LOG_LOGIC("datagram timed out");
        Kill(m_age.front(), TIMEOUT);
        ++m_counters.timedOut;
    }
}

Time
VfpReassembler::GetNextExpiry() const
{
    return m_age.empty() ? Time::Max() : m_datagrams.at(m_age.front()).deadline;
}

} // namespace ns3
