/*
 * Conditions (paper §5.3.1): a type and a list of values. A condition matches when any
 * of its values contains the packet's field (OR); a rule matches when all of its
 * conditions do (AND); an empty condition list matches everything.
 *
 * Every value compiles to integers over the field's width: a singleton is [v, v], a
 * range [lo, hi] (inclusive), a prefix a/n the range its top n bits span, and a masked
 * value (TCP flags only) a (value, mask) pair. Matching is therefore integer compares.
 * A packet without the field (ports of ICMP, a tunnel key of a plain packet, an inner
 * group of a one-group packet) does not match the condition.
 */
#ifndef VFP_ENGINE_CONDITION_H
#define VFP_ENGINE_CONDITION_H

#include "../packet/header-stack.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vfp
{

enum class ConditionType : uint8_t
{
    SrcMac,
    DstMac,
    EtherType,
    SrcIp,
    DstIp,
    Protocol,
    SrcPort,
    DstPort,
    TunnelKey,
    TcpFlags,
};
constexpr size_t CONDITION_TYPE_COUNT = 10;

/// Which header group a condition reads.
enum class HeaderSelector : uint8_t
{
    Outer,     //!< groups[0], the default; after a decap this is the former inner group
    Inner,     //!< groups[1], the group carried by the outermost tunnel
    Innermost, //!< groups[count - 1], the VM's own headers
};

/// The JSON name of a condition type ("dst_ip").
std::string_view ConditionTypeName(ConditionType type);
std::optional<ConditionType> ParseConditionType(std::string_view name);
/// Names of every condition type, comma-separated, for error messages.
std::string ConditionTypeNames();
/// The field's width in bits (48 for MACs, 32 for IPv4, 24 for tunnel keys ...).
uint8_t ConditionWidth(ConditionType type);

std::string_view HeaderSelectorName(HeaderSelector selector);
std::optional<HeaderSelector> ParseHeaderSelector(std::string_view name);

/// Index of the group @p selector names in @p stack, or nullopt when it has none.
std::optional<size_t> SelectGroup(const HeaderStack& stack, HeaderSelector selector);

/// Reads a condition's field from the selected group; nullopt when the packet lacks it.
std::optional<uint64_t> ReadField(const HeaderStack& stack,
                                  ConditionType type,
                                  HeaderSelector selector);

struct ConditionValue
{
    enum class Kind : uint8_t
    {
        Single, //!< lo == hi
        Range,  //!< lo..hi inclusive
        Prefix, //!< lo..hi spanned by the top prefixLength bits
        Masked, //!< (field & mask) == lo, TCP flags only
    };
    Kind kind = Kind::Single;
    uint64_t lo = 0;          //!< lowest value, or the value of a Masked match
    uint64_t hi = 0;          //!< highest value
    uint64_t mask = 0;        //!< bits compared by a Masked match
    uint8_t prefixLength = 0; //!< bits of a Prefix

    bool Contains(uint64_t field) const
    {
        return kind == Kind::Masked ? (field & mask) == lo : (lo <= field && field <= hi);
    }
    bool operator==(const ConditionValue& other) const;
};

/**
 * Parses a value written as text for a condition of @p type: "10.0.0.1", "10.0.0.0/8",
 * "10.1.1.1-10.1.1.9", "80", "1024-2047", "0x0800", "00:1d:d8:00:00:01", "S", "S/SA".
 * Prefixes are for IP and MAC types, masks for TCP flags.
 * @param error set to what was expected when the text is not a valid value
 */
std::optional<ConditionValue> ParseConditionValue(ConditionType type,
                                                  std::string_view text,
                                                  std::string& error);
/// The canonical text of a value (ParseConditionValue reads it back to an equal value).
std::string FormatConditionValue(ConditionType type, const ConditionValue& value);

/// TCP flags as letters in the order FSRPAUEC ("SA" for SYN+ACK); empty for none.
std::string FormatTcpFlags(uint8_t flags);
/// Parses TCP flag letters (any order, case-insensitive); nullopt on an unknown letter.
std::optional<uint8_t> ParseTcpFlags(std::string_view letters);

struct Condition
{
    ConditionType type = ConditionType::DstIp;
    HeaderSelector header = HeaderSelector::Outer;
    std::vector<ConditionValue> values;

    bool Matches(const HeaderStack& stack) const;
    bool operator==(const Condition& other) const;
};

/// True when every condition matches (AND); true for an empty list.
bool MatchesAll(const std::vector<Condition>& conditions, const HeaderStack& stack);

/**
 * Every field a condition can read, extracted from a header stack once, so that matching
 * many rules against one packet reads an array instead of walking the headers again
 * (the slow path's hot spot: a classifier checks dozens of candidate rules per packet).
 */
class PacketFields
{
public:
    explicit PacketFields(const HeaderStack& stack);

    /// Sets @p value to the field and returns true, or returns false if the packet lacks it.
    bool Get(ConditionType type, HeaderSelector header, uint64_t& value) const
    {
        const int8_t group = m_groupOf[static_cast<size_t>(header)];
        if (group < 0 || !(m_present[group] & (1u << static_cast<unsigned>(type))))
        {
            return false;
        }
        value = m_values[group][static_cast<size_t>(type)];
        return true;
    }
    const HeaderStack& GetStack() const { return m_stack; }

private:
    const HeaderStack& m_stack; //!< the packet the fields came from
    std::array<std::array<uint64_t, CONDITION_TYPE_COUNT>, MAX_HEADER_GROUPS>
        m_values{};                                      //!< by group, type
    std::array<uint16_t, MAX_HEADER_GROUPS> m_present{}; //!< by group: bit per type present
    std::array<int8_t, 3> m_groupOf{};                   //!< by selector: group index or -1
};

/**
 * A rule's conditions compiled into one flat array of terms (one per value), so that a
 * match is a linear walk over one allocation: OR over a condition's terms, AND across
 * conditions. Equivalent to MatchesAll over the source conditions.
 */
class CompiledConditions
{
public:
    CompiledConditions() = default;
    explicit CompiledConditions(const std::vector<Condition>& conditions);

    bool Matches(const PacketFields& fields) const;

private:
    struct Term
    {
        uint64_t lo;           //!< low end, or the value of a masked term
        uint64_t hi;           //!< high end, or the mask of a masked term
        ConditionType type;    //!< the field
        HeaderSelector header; //!< its group
        bool masked;           //!< (field & hi) == lo instead of lo <= field <= hi
        bool last;             //!< the last term of its condition
    };
    /// Terms stored in place: a 5-tuple rule's whole match then sits next to the rule's
    /// rank, and checking it loads no other memory.
    static constexpr size_t INLINE_TERMS = 5;

    const Term* Terms() const
    {
        return m_count <= INLINE_TERMS ? m_inline.data() : m_overflow.data();
    }

    uint32_t m_count = 0;                      //!< terms in all
    std::array<Term, INLINE_TERMS> m_inline{}; //!< the terms, when they fit
    std::vector<Term> m_overflow;              //!< the terms, when they do not
};

} // namespace vfp

#endif
