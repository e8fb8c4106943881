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

} // namespace vfp

#endif
