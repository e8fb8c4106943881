#include "addresses.h"

#include <charconv>
#include <fmt/format.h>

namespace vfp
{

std::optional<uint64_t>
ParseUnsigned(std::string_view text, uint64_t max)
{
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    {
        base = 16;
        text.remove_prefix(2);
    }
    if (text.empty())
    {
        return std::nullopt;
    }
    uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (error != std::errc() || end != text.data() + text.size() || value > max)
    {
        return std::nullopt;
    }
    return value;
}

std::optional<uint32_t>
ParseIpv4(std::string_view text)
{
    uint32_t address = 0;
    for (int octet = 0; octet < 4; ++octet)
    {
        size_t dot = text.find('.');
        std::string_view part = octet < 3 ? text.substr(0, dot) : text;
        if ((octet < 3 && dot == std::string_view::npos) || part.empty() || part.size() > 3)
        {
            return std::nullopt;
        }
        uint32_t value = 0;
        auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (error != std::errc() || end != part.data() + part.size() || value > 255)
        {
            return std::nullopt;
        }
        address = (address << 8) | value;
        if (octet < 3)
        {
            text.remove_prefix(dot + 1);
        }
    }
    return address;
}

std::string
FormatIpv4(uint32_t address)
{
    return fmt::format("{}.{}.{}.{}",
                       address >> 24,
                       (address >> 16) & 0xff,
                       (address >> 8) & 0xff,
                       address & 0xff);
}

std::optional<uint64_t>
ParseMac(std::string_view text)
{
    if (text.size() != 17)
    {
        return std::nullopt;
    }
    uint64_t mac = 0;
    for (int octet = 0; octet < 6; ++octet)
    {
        std::string_view part = text.substr(octet * 3, 2);
        if (octet < 5 && text[octet * 3 + 2] != ':')
        {
            return std::nullopt;
        }
        uint32_t value = 0;
        auto [end, error] = std::from_chars(part.data(), part.data() + 2, value, 16);
        if (error != std::errc() || end != part.data() + 2)
        {
            return std::nullopt;
        }
        mac = (mac << 8) | value;
    }
    return mac;
}

std::string
FormatMac(uint64_t mac)
{
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                       (mac >> 40) & 0xff,
                       (mac >> 32) & 0xff,
                       (mac >> 24) & 0xff,
                       (mac >> 16) & 0xff,
                       (mac >> 8) & 0xff,
                       mac & 0xff);
}

} // namespace vfp
