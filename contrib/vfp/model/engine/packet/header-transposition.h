/*
 * Header transpositions (HTs, paper §6.1.2): the one action language every rule, layer
 * flow and unified flow speaks.
 *
 * What?
 *   An HT turns one header stack into another by header group: Push new outer groups,
 *   Pop outer groups, Modify fields of the groups that stay, Ignore the rest. Any valid
 *   stack can be turned into any other by exactly one HT (Between), so a layer's result,
 *   the inverse of a stateful rule and the composition of all layers are all HTs.
 *
 * Form (canonical, fixed-size, no heap):
 *   Apply(stack) = pushed[0..pushCount) ++ [edits[i](stack[popCount + i]) for each i]
 *   i.e. pop first, then modify what survives (edits indexed outermost-first among the
 *   survivors), then push. Within an edit, the L2 action (Set or Strip the Ethernet
 *   header) runs before field writes.
 *
 * Composition: A.Then(B) is the HT with A.Then(B).Apply(s) == B.Apply(A.Apply(s)) for
 *   every s that A and then B fit. Pushed groups are concrete values, so edits that B
 *   makes to groups A pushed are folded into them; edits to surviving groups merge with
 *   the later write winning. The result never has more pushes than the final stack has
 *   groups, so it stays within MAX_HEADER_GROUPS.
 *
 * Fitting: an edit only writes fields that exist (ports need a transport header, tunnel
 *   keys a VXLAN or NVGRE header, MACs an Ethernet header); Apply reports false instead
 *   of inventing headers. Per-packet fields (IP TTL, TCP flags, sequence numbers) are
 *   never written by Modify, so Between is exact up to them.
 *
 * Cost: Apply and Then are O(MAX_HEADER_GROUPS) field copies with no allocation.
 */
#ifndef VFP_ENGINE_HEADER_TRANSPOSITION_H
#define VFP_ENGINE_HEADER_TRANSPOSITION_H

#include "header-stack.h"

namespace vfp
{

/// Fields a Modify action can write, as bits of GroupEdit::fields.
namespace EditField
{
constexpr uint16_t SRC_MAC = 1 << 0;
constexpr uint16_t DST_MAC = 1 << 1;
constexpr uint16_t SRC_IP = 1 << 2;
constexpr uint16_t DST_IP = 1 << 3;
constexpr uint16_t SRC_PORT = 1 << 4;
constexpr uint16_t DST_PORT = 1 << 5;
constexpr uint16_t TUNNEL_KEY = 1 << 6;
constexpr uint16_t MAC_FIELDS = SRC_MAC | DST_MAC;
} // namespace EditField

/// What happens to a surviving group's Ethernet header.
enum class L2Action : uint8_t
{
    Keep,  //!< leave it (and its presence) as it is
    Set,   //!< add it, or replace it whole, with GroupEdit::l2Header
    Strip, //!< remove it (a group about to be carried by IP-in-IP)
};

/// The Modify (or, when empty, Ignore) action for one header group.
struct GroupEdit
{
    uint16_t fields = 0;          //!< EditField bits to write
    L2Action l2 = L2Action::Keep; //!< Ethernet header presence change
    EthernetHeader l2Header;      //!< the header written by L2Action::Set
    uint64_t srcMac = 0;          //!< written when fields has SRC_MAC
    uint64_t dstMac = 0;          //!< written when fields has DST_MAC
    uint32_t srcIp = 0;           //!< written when fields has SRC_IP
    uint32_t dstIp = 0;           //!< written when fields has DST_IP
    uint16_t srcPort = 0;         //!< written when fields has SRC_PORT
    uint16_t dstPort = 0;         //!< written when fields has DST_PORT
    uint32_t tunnelKey = 0;       //!< written when fields has TUNNEL_KEY

    bool IsIgnore() const { return fields == 0 && l2 == L2Action::Keep; }
    /// Applies the edit; false (group unspecified) when a written field does not exist.
    bool ApplyTo(HeaderGroup& group) const;
    /// The edit equal to applying this one and then @p later.
    GroupEdit Then(const GroupEdit& later) const;
    bool operator==(const GroupEdit& other) const;
};

struct HeaderTransposition
{
    uint8_t popCount = 0;                                //!< outer groups removed
    uint8_t pushCount = 0;                               //!< outer groups added
    std::array<GroupEdit, MAX_HEADER_GROUPS> edits{};    //!< per surviving group, outermost first
    std::array<HeaderGroup, MAX_HEADER_GROUPS> pushed{}; //!< pushed[0] becomes the outermost

    /// True when Apply leaves every stack unchanged.
    bool IsIdentity() const;
    /// Rewrites @p stack; returns false, leaving it unchanged, when the HT does not fit.
    bool Apply(HeaderStack& stack) const;
    /// This HT followed by @p next, as one HT (see the file comment).
    HeaderTransposition Then(const HeaderTransposition& next) const;
    bool operator==(const HeaderTransposition& other) const;
    bool operator!=(const HeaderTransposition& other) const { return !(*this == other); }

    /**
     * The HT that turns @p from into @p to. Groups are aligned from the innermost
     * outwards while their structure (IPv4 presence, protocol, transport, tunnel type and
     * EtherType) agrees; aligned groups are modified, the rest of @p from is popped and the
     * rest of @p to pushed. Exact up to per-packet fields (TTL, TCP flags and numbers) of
     * the aligned groups and the payload length.
     */
    static HeaderTransposition Between(const HeaderStack& from, const HeaderStack& to);
};

} // namespace vfp

#endif
