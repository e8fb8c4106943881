#include "condition.h"

#include "../packet/addresses.h"

#include <array>
#include <fmt/format.h>

namespace vfp
{

namespace
{

constexpr std::array<std::string_view, CONDITION_TYPE_COUNT> CONDITION_TYPE_NAMES = {
    "src_mac",
    "dst_mac",
    "ether_type",
    "src_ip",
    "dst_ip",
    "protocol",
    "src_port",
    "dst_port",
    "tunnel_key",
    "tcp_flags",
};

constexpr std::string_view TCP_FLAG_LETTERS = "FSRPAUEC";

bool
IsIp(ConditionType type)
{
    return type == ConditionType::SrcIp || type == ConditionType::DstIp;
}

bool
IsMac(ConditionType type)
{
    return type == ConditionType::SrcMac || type == ConditionType::DstMac;
}

uint64_t
WidthMax(ConditionType type)
{
    return (uint64_t(1) << ConditionWidth(type)) - 1;
}

/// Parses one scalar of the type: an address, a number, or TCP flag letters.
std::optional<uint64_t>
ParseScalar(ConditionType type, std::string_view text)
{
    if (IsIp(type))
    {
        return ParseIpv4(text);
    }
    if (IsMac(type))
    {
        return ParseMac(text);
    }
    if (type == ConditionType::TcpFlags)
    {
        return ParseTcpFlags(text);
    }
    return ParseUnsigned(text, WidthMax(type));
}

std::string
FormatScalar(ConditionType type, uint64_t value)
{
    if (IsIp(type))
    {
        return FormatIpv4(static_cast<uint32_t>(value));
    }
    if (IsMac(type))
    {
        return FormatMac(value);
    }
    if (type == ConditionType::TcpFlags)
    {
        return FormatTcpFlags(static_cast<uint8_t>(value));
    }
    if (type == ConditionType::EtherType)
    {
        return fmt::format("{:#06x}", value);
    }
    return std::to_string(value);
}

std::string
ExpectedForm(ConditionType type)
{
    if (IsIp(type))
    {
        return "an IPv4 address, prefix a.b.c.d/n (n <= 32) or range a.b.c.d-e.f.g.h";
    }
    if (IsMac(type))
    {
        return "a MAC address, prefix mac/n (n <= 48) or range mac-mac";
    }
    if (type == ConditionType::TcpFlags)
    {
        return "TCP flag letters from FSRPAUEC, optionally with a mask (\"S/SA\")";
    }
    return fmt::format("a number or range lo-hi within 0..{}", WidthMax(type));
}

} // namespace

std::string_view
ConditionTypeName(ConditionType type)
{
    return CONDITION_TYPE_NAMES[static_cast<size_t>(type)];
}

std::optional<ConditionType>
ParseConditionType(std::string_view name)
{
    for (size_t i = 0; i < CONDITION_TYPE_NAMES.size(); ++i)
    {
        if (CONDITION_TYPE_NAMES[i] == name)
        {
            return static_cast<ConditionType>(i);
        }
    }
    return std::nullopt;
}

std::string
ConditionTypeNames()
{
    return fmt::format("{}", fmt::join(CONDITION_TYPE_NAMES, ", "));
}

uint8_t
ConditionWidth(ConditionType type)
{
    switch (type)
    {
        case ConditionType::SrcMac:
        case ConditionType::DstMac:
            return 48;
        case ConditionType::SrcIp:
        case ConditionType::DstIp:
            return 32;
        case ConditionType::TunnelKey:
            return 24;
        case ConditionType::EtherType:
        case ConditionType::SrcPort:
        case ConditionType::DstPort:
            return 16;
        case ConditionType::Protocol:
        case ConditionType::TcpFlags:
            return 8;
    }
    return 64;
}

std::string_view
HeaderSelectorName(HeaderSelector selector)
{
    switch (selector)
    {
        case HeaderSelector::Outer:
            return "outer";
        case HeaderSelector::Inner:
            return "inner";
        case HeaderSelector::Innermost:
            return "innermost";
    }
    return "outer";
}

std::optional<HeaderSelector>
ParseHeaderSelector(std::string_view name)
{
    for (HeaderSelector selector :
         {HeaderSelector::Outer, HeaderSelector::Inner, HeaderSelector::Innermost})
    {
        if (HeaderSelectorName(selector) == name)
        {
            return selector;
        }
    }
    return std::nullopt;
}

std::optional<size_t>
SelectGroup(const HeaderStack& stack, HeaderSelector selector)
{
    size_t index = 0;
    if (selector == HeaderSelector::Inner)
    {
        index = 1;
    }
    else if (selector == HeaderSelector::Innermost && stack.count > 0)
    {
        index = stack.count - 1;
    }
    return index < stack.count ? std::optional<size_t>(index) : std::nullopt;
}

namespace
{

std::optional<uint64_t>
ReadGroupField(const HeaderGroup& group, ConditionType type)
{
    switch (type)
    {
        case ConditionType::SrcMac:
            return group.hasEthernet ? std::optional<uint64_t>(group.eth.src) : std::nullopt;
        case ConditionType::DstMac:
            return group.hasEthernet ? std::optional<uint64_t>(group.eth.dst) : std::nullopt;
        case ConditionType::EtherType:
            // A group without L2 (inside IP-in-IP) is IPv4 by construction.
            return group.hasEthernet ? group.eth.etherType : ETHER_TYPE_IPV4;
        case ConditionType::SrcIp:
            return group.hasIpv4 ? std::optional<uint64_t>(group.ip.src) : std::nullopt;
        case ConditionType::DstIp:
            return group.hasIpv4 ? std::optional<uint64_t>(group.ip.dst) : std::nullopt;
        case ConditionType::Protocol:
            return group.hasIpv4 ? std::optional<uint64_t>(group.ip.protocol) : std::nullopt;
        case ConditionType::SrcPort:
            return group.l4 != L4Type::None ? std::optional<uint64_t>(group.transport.srcPort)
                                            : std::nullopt;
        case ConditionType::DstPort:
            return group.l4 != L4Type::None ? std::optional<uint64_t>(group.transport.dstPort)
                                            : std::nullopt;
        case ConditionType::TunnelKey:
            return group.tunnel == TunnelType::Vxlan || group.tunnel == TunnelType::Nvgre
                       ? std::optional<uint64_t>(group.tunnelKey)
                       : std::nullopt;
        case ConditionType::TcpFlags:
            return group.l4 == L4Type::Tcp ? std::optional<uint64_t>(group.transport.tcpFlags)
                                           : std::nullopt;
    }
    return std::nullopt;
}

} // namespace

std::optional<uint64_t>
ReadField(const HeaderStack& stack, ConditionType type, HeaderSelector selector)
{
    auto index = SelectGroup(stack, selector);
    return index ? ReadGroupField(stack[*index], type) : std::nullopt;
}

bool
ConditionValue::operator==(const ConditionValue& other) const
{
    return kind == other.kind && lo == other.lo && hi == other.hi && mask == other.mask &&
           prefixLength == other.prefixLength;
}

std::optional<ConditionValue>
ParseConditionValue(ConditionType type, std::string_view text, std::string& error)
{
    auto fail = [&](const std::string& why) -> std::optional<ConditionValue>
    {
        error = fmt::format("\"{}\" is not a valid {} value: {}; expected {}",
                            text,
                            ConditionTypeName(type),
                            why,
                            ExpectedForm(type));
        return std::nullopt;
    };
    if (text.empty())
    {
        return fail("the value is empty");
    }
    ConditionValue value;
    const size_t slash = text.find('/');
    const size_t dash = text.find('-');
    if (slash != std::string_view::npos)
    {
        std::string_view base = text.substr(0, slash);
        std::string_view suffix = text.substr(slash + 1);
        if (type == ConditionType::TcpFlags)
        {
            auto flags = ParseTcpFlags(base);
            auto mask = ParseTcpFlags(suffix);
            if (!flags || !mask || suffix.empty())
            {
                return fail("unknown flag letter");
            }
            if ((*flags & ~*mask) != 0)
            {
                return fail("a flag is set outside the mask");
            }
            value.kind = ConditionValue::Kind::Masked;
            value.lo = *flags;
            value.mask = *mask;
            return value;
        }
        if (!IsIp(type) && !IsMac(type))
        {
            return fail("prefixes are only for IP and MAC conditions");
        }
        auto address = ParseScalar(type, base);
        auto length = ParseUnsigned(suffix, 255);
        if (!address || !length)
        {
            return fail("malformed prefix");
        }
        const uint8_t width = ConditionWidth(type);
        if (*length > width)
        {
            return fail(fmt::format("prefix length {} exceeds {}", *length, width));
        }
        const uint64_t hostBits = *length == width ? 0 : (WidthMax(type) >> *length);
        value.kind = ConditionValue::Kind::Prefix;
        value.prefixLength = static_cast<uint8_t>(*length);
        value.lo = *address & ~hostBits & WidthMax(type);
        value.hi = value.lo | hostBits;
        return value;
    }
    if (dash != std::string_view::npos)
    {
        if (type == ConditionType::TcpFlags)
        {
            return fail("ranges of TCP flags are meaningless");
        }
        auto lo = ParseScalar(type, text.substr(0, dash));
        auto hi = ParseScalar(type, text.substr(dash + 1));
        if (!lo || !hi)
        {
            return fail("malformed range");
        }
        if (*lo > *hi)
        {
            return fail("the range is inverted (low end above high end)");
        }
        value.kind = ConditionValue::Kind::Range;
        value.lo = *lo;
        value.hi = *hi;
        return value;
    }
    auto scalar = ParseScalar(type, text);
    if (!scalar)
    {
        return fail("malformed value");
    }
    value.lo = value.hi = *scalar;
    if (type == ConditionType::TcpFlags)
    {
        // Plain letters mean exactly these flags.
        value.kind = ConditionValue::Kind::Masked;
        value.mask = 0xff;
    }
    return value;
}

std::string
FormatConditionValue(ConditionType type, const ConditionValue& value)
{
    switch (value.kind)
    {
        case ConditionValue::Kind::Single:
            return FormatScalar(type, value.lo);
        case ConditionValue::Kind::Range:
            return FormatScalar(type, value.lo) + "-" + FormatScalar(type, value.hi);
        case ConditionValue::Kind::Prefix:
            return fmt::format("{}/{}", FormatScalar(type, value.lo), value.prefixLength);
        case ConditionValue::Kind::Masked:
            // Plain letters mean "exactly these flags"; no flags at all needs the explicit mask.
            return value.mask == 0xff && value.lo != 0
                       ? FormatTcpFlags(static_cast<uint8_t>(value.lo))
                       : FormatTcpFlags(static_cast<uint8_t>(value.lo)) + "/" +
                             FormatTcpFlags(static_cast<uint8_t>(value.mask));
    }
    return "";
}

std::string
FormatTcpFlags(uint8_t flags)
{
    std::string letters;
    for (size_t bit = 0; bit < TCP_FLAG_LETTERS.size(); ++bit)
    {
        if (flags & (1 << bit))
        {
            letters += TCP_FLAG_LETTERS[bit];
        }
    }
    return letters;
}

std::optional<uint8_t>
ParseTcpFlags(std::string_view letters)
{
    uint8_t flags = 0;
    for (char letter : letters)
    {
        const char upper = (letter >= 'a' && letter <= 'z') ? char(letter - 'a' + 'A') : letter;
        const size_t bit = TCP_FLAG_LETTERS.find(upper);
        if (bit == std::string_view::npos)
        {
            return std::nullopt;
        }
        flags |= uint8_t(1 << bit);
    }
    return flags;
}

bool
Condition::Matches(const HeaderStack& stack) const
{
    auto field = ReadField(stack, type, header);
    if (!field)
    {
        return false;
    }
    for (const ConditionValue& value : values)
    {
        if (value.Contains(*field))
        {
            return true;
        }
    }
    return false;
}

bool
Condition::operator==(const Condition& other) const
{
    return type == other.type && header == other.header && values == other.values;
}

bool
MatchesAll(const std::vector<Condition>& conditions, const HeaderStack& stack)
{
    for (const Condition& condition : conditions)
    {
        if (!condition.Matches(stack))
        {
            return false;
        }
    }
    return true;
}

PacketFields::PacketFields(const HeaderStack& stack)
    : m_stack(stack)
{
    for (HeaderSelector selector :
         {HeaderSelector::Outer, HeaderSelector::Inner, HeaderSelector::Innermost})
    {
        auto group = SelectGroup(stack, selector);
        m_groupOf[static_cast<size_t>(selector)] = group ? static_cast<int8_t>(*group) : int8_t(-1);
    }
    for (size_t g = 0; g < stack.count; ++g)
    {
        for (size_t type = 0; type < CONDITION_TYPE_COUNT; ++type)
        {
            if (auto field = ReadGroupField(stack[g], static_cast<ConditionType>(type)))
            {
                m_values[g][type] = *field;
                m_present[g] |= uint16_t(1u << type);
            }
        }
    }
}

CompiledConditions::CompiledConditions(const std::vector<Condition>& conditions)
{
    std::vector<Term> terms;
    for (const Condition& condition : conditions)
    {
        for (size_t i = 0; i < condition.values.size(); ++i)
        {
            const ConditionValue& value = condition.values[i];
            const bool masked = value.kind == ConditionValue::Kind::Masked;
            terms.push_back(Term{value.lo,
                                 masked ? value.mask : value.hi,
                                 condition.type,
                                 condition.header,
                                 masked,
                                 i + 1 == condition.values.size()});
        }
    }
    m_count = static_cast<uint32_t>(terms.size());
    if (terms.size() <= INLINE_TERMS)
    {
        std::copy(terms.begin(), terms.end(), m_inline.begin());
    }
    else
    {
        m_overflow = std::move(terms);
    }
}

bool
CompiledConditions::Matches(const PacketFields& fields) const
{
    const Term* term = Terms();
    const Term* end = term + m_count;
    while (term < end)
    {
        uint64_t value = 0;
        const bool present = fields.Get(term->type, term->header, value);
        bool matched = false;
        for (;; ++term)
        {
            matched =
                matched || (present && (term->masked ? (value & term->hi) == term->lo
                                                     : (term->lo <= value && value <= term->hi)));
            if (term->last)
            {
                ++term;
                break;
            }
        }
        if (!matched)
        {
            return false;
        }
    }
    return true;
}

} // namespace vfp
