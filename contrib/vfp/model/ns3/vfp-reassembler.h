/*
 * VfpReassembler: puts RFC 791 fragments back together where VFP decapsulates them.
 *
 * In the paper's second MTU mode (see vfp-mtu.h) the sending host's switch fragments large
 * encapsulated non-TCP packets; the receiving host's switch feeds everything its uplink
 * receives through Receive before decoding the tunnel, so that its layers see whole packets
 * (fragments after the first carry no ports, and the packet codec refuses fragments).
 *
 * Design. Fragments are buffered per datagram, keyed (source, destination, protocol,
 * identification) as RFC 791 §3.2 says. A datagram completes when its last fragment (MF
 * clear) has arrived and its data bytes add up to the last fragment's end: fragments never
 * overlap here, so that sum means every byte is covered. The result is the first fragment's
 * IPv4 header (MF clear, offset 0, the whole length) over the data in offset order; it carries
 * the first fragment's packet tags only (ns-3's AddAtEnd copies no packet tags).
 *
 * Bounds, Linux's defaults (Documentation/networking/ip-sysctl.rst): a datagram is dropped
 * Timeout after its first fragment arrived (ipfrag_time, 30 s; the timer is not refreshed by
 * later fragments, as in Linux); at most MaxBytes of fragments (IPv4 header and data) are
 * held (ipfrag_high_thresh, 4 MiB; Linux counts buffer sizes, we count packet bytes), and
 * beyond it the oldest datagrams are evicted until the new fragment fits.
 *
 * Bad fragments (counted "malformed", never a crash): a truncated fragment, an empty one, one
 * whose data is not a multiple of 8 bytes though MF is set, one ending past 65535 bytes, one
 * that overlaps a fragment already held (RFC 5722's rule, which Linux also applies to IPv4)
 * or duplicates one (Linux drops only the duplicate), or a last fragment disagreeing with the
 * datagram's known end. The whole
 * datagram is dropped; as in Linux, fragments of it that arrive later start a new one, which
 * times out. Every fragment dropped fires the Drop trace with its reason, as received: the
 * first fragment carries the datagram's tags, so a tag-following audit sees one fate.
 *
 * Time. Receive and Expire take the current time, so that tests drive the reassembler without
 * a simulation; the switch passes Simulator::Now() and schedules Expire at GetNextExpiry().
 * Cost: a std::map lookup per fragment; non-fragments pass after reading 20 bytes.
 */
#ifndef VFP_REASSEMBLER_H
#define VFP_REASSEMBLER_H

#include "ns3/ipv4-header.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/packet.h"
#include "ns3/traced-callback.h"

#include <list>
#include <map>
#include <string>
#include <tuple>

namespace ns3
{

class VfpReassembler : public Object
{
public:
    static TypeId GetTypeId();

    /// Datagrams by fate (each counted once, however many fragments it had).
    struct Counters
    {
        uint64_t reassembled = 0; //!< completed and returned
        uint64_t timedOut = 0;    //!< incomplete after Timeout
        uint64_t evicted = 0;     //!< dropped to stay within MaxBytes
        uint64_t malformed = 0;   //!< dropped for a bad fragment (or a bad lone fragment)
    };

    /**
     * Takes a packet the uplink received (an IPv4 packet without its Ethernet header), after
     * expiring what has timed out at @p now (which must not go backwards).
     * @return @p packet itself when it is not a fragment (or not IPv4 at all: the codec
     *         judges those), the reassembled datagram when @p packet completes one, and null
     *         when it is held or dropped
     */
    Ptr<const Packet> Receive(Ptr<const Packet> packet, Time now);

    /// Drops the datagrams whose Timeout has passed at @p now.
    void Expire(Time now);

    /// When the oldest held datagram times out (Time::Max() when none is held).
    Time GetNextExpiry() const;

    const Counters& GetCounters() const { return m_counters; }

    /// Datagrams waiting for fragments.
    size_t GetPendingDatagrams() const { return m_datagrams.size(); }

    /// Bytes of fragments held (what MaxBytes bounds).
    uint32_t GetHeldBytes() const { return m_heldBytes; }

    /// Drop trace signature: a fragment as received, and the reason.
    typedef void (*DropTracedCallback)(Ptr<const Packet> fragment, const std::string& reason);

    /// Drop reasons.
    static constexpr const char* TIMEOUT = "reassembly_timeout";
    static constexpr const char* EVICTED = "reassembly_evicted";
    static constexpr const char* MALFORMED = "reassembly_malformed";

protected:
    void DoDispose() override;

private:
    /// RFC 791's datagram identity.
    using Key = std::tuple<uint32_t, uint32_t, uint8_t, uint16_t>;

    /// A fragment held.
    struct Piece
    {
        Ptr<const Packet> received; //!< as it arrived (for the Drop trace)
        Ptr<Packet> data;           //!< its data, header and link padding removed
        Ipv4Header header;          //!< its IPv4 header
    };

    /// A datagram being reassembled.
    struct Datagram
    {
        Time deadline;                    //!< first fragment's arrival + Timeout
        std::map<uint32_t, Piece> pieces; //!< by offset in bytes
        uint32_t dataBytes = 0;           //!< sum of the pieces' data
        uint32_t heldBytes = 0;           //!< sum of the pieces' IPv4 sizes
        bool lastSeen = false;            //!< a fragment with MF clear arrived
        uint32_t end = 0;                 //!< the datagram's data length, once lastSeen
        std::list<Key>::iterator age;     //!< its place in m_age
    };

    /// Whether @p piece can join @p datagram (no overlap, consistent end).
    static bool Fits(const Datagram& datagram, uint32_t offset, const Piece& piece);
    /// Holds @p piece (which Fits) in the datagram @p key; returns the datagram when it
    /// completes.
    Ptr<const Packet> Hold(const Key& key, uint32_t offset, Piece piece, Time now);
    /// The datagram put together, its first fragment's header on top.
    static Ptr<Packet> Assemble(const Datagram& datagram);
    /// Counts a malformed datagram: drops @p fragment and the datagram @p key if held.
    void DropMalformed(const Key& key, Ptr<const Packet> fragment);
    /// Drops the datagram @p key, firing Drop for each piece with @p reason.
    void Kill(Key key, const char* reason);
    /// Evicts the oldest datagrams while more than MaxBytes are held.
    void Evict();

    Time m_timeout;                      //!< attribute Timeout
    uint32_t m_maxBytes;                 //!< attribute MaxBytes
    std::map<Key, Datagram> m_datagrams; //!< held, by identity
    std::list<Key> m_age;                //!< held, oldest first (deadlines ascend)
    uint32_t m_heldBytes = 0;            //!< sum of the datagrams' heldBytes
    Counters m_counters;                 //!< datagrams by fate
    TracedCallback<Ptr<const Packet>, const std::string&> m_dropTrace; //!< every fragment dropped
};

} // namespace ns3

#endif
