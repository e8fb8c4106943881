#include "json-reader.h"

#include "../packet/addresses.h"

#include <cmath>
#include <fmt/format.h>

namespace vfp
{

void
FailAt(const std::string& path, const std::string& what)
{
    throw PolicyError(path.empty() ? what : fmt::format("{}: {}", path, what));
}

std::string
Describe(const Json& value)
{
    std::string text = value.dump();
    return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

std::string
ReadString(const Json& value, const std::string& path)
{
    if (!value.is_string())
    {
        FailAt(path, fmt::format("expected a string, got {}", Describe(value)));
    }
    return value.get<std::string>();
}

bool
ReadBool(const Json& value, const std::string& path)
{
    if (!value.is_boolean())
    {
        FailAt(path, fmt::format("expected true or false, got {}", Describe(value)));
    }
    return value.get<bool>();
}

double
ReadNumber(const Json& value, const std::string& path)
{
    if (!value.is_number() || !std::isfinite(value.get<double>()))
    {
        FailAt(path, fmt::format("expected a number, got {}", Describe(value)));
    }
    return value.get<double>();
}

int32_t
ReadInt(const Json& value, const std::string& path)
{
    if (!value.is_number_integer() || value.get<int64_t>() < INT32_MIN ||
        value.get<int64_t>() > INT32_MAX)
    {
        FailAt(path, fmt::format("expected a 32-bit integer, got {}", Describe(value)));
    }
    return static_cast<int32_t>(value.get<int64_t>());
}

uint64_t
ReadUnsigned(const Json& value, const std::string& path, uint64_t max)
{
    std::optional<uint64_t> number;
    if (value.is_number_unsigned())
    {
        number = value.get<uint64_t>();
    }
    else if (value.is_number_integer() && value.get<int64_t>() >= 0)
    {
        number = static_cast<uint64_t>(value.get<int64_t>()); // built in memory, not parsed
    }
    else if (value.is_string())
    {
        number = ParseUnsigned(value.get<std::string>(), UINT64_MAX);
    }
    if (!number || *number > max)
    {
        FailAt(path,
               fmt::format("expected a whole number from 0 to {}, got {}", max, Describe(value)));
    }
    return *number;
}

uint32_t
ReadIpv4(const Json& value, const std::string& path)
{
    std::optional<uint32_t> address;
    if (value.is_string())
    {
        address = ParseIpv4(value.get<std::string>());
    }
    if (!address)
    {
        FailAt(path,
               fmt::format("expected an IPv4 address like \"10.0.0.1\", got {}", Describe(value)));
    }
    return *address;
}

uint64_t
ReadMac(const Json& value, const std::string& path)
{
    std::optional<uint64_t> mac;
    if (value.is_string())
    {
        mac = ParseMac(value.get<std::string>());
    }
    if (!mac)
    {
        FailAt(path,
               fmt::format("expected a MAC address like \"00:1d:d8:00:00:01\", got {}",
                           Describe(value)));
    }
    return *mac;
}

std::string
ReadScalarText(const Json& value, const std::string& path)
{
    if (value.is_number_unsigned())
    {
        return std::to_string(value.get<uint64_t>());
    }
    if (value.is_string())
    {
        return value.get<std::string>();
    }
    FailAt(path, fmt::format("expected a string or a whole number, got {}", Describe(value)));
}

ObjectReader::ObjectReader(const Json& value, std::string path)
    : m_value(value)
    , m_path(std::move(path))
{
    if (!value.is_object())
    {
        FailAt(m_path, fmt::format("expected an object, got {}", Describe(value)));
    }
}

const Json*
ObjectReader::Find(const std::string& key)
{
    m_read.insert(key);
    auto it = m_value.find(key);
    return it == m_value.end() ? nullptr : &*it;
}

const Json&
ObjectReader::Require(const std::string& key)
{
    const Json* value = Find(key);
    if (value == nullptr)
    {
        FailAt(m_path, fmt::format("the required field \"{}\" is missing", key));
    }
    return *value;
}

std::string
ObjectReader::PathOf(const std::string& key) const
{
    return m_path.empty() ? key : m_path + "." + key;
}

void
ObjectReader::RejectUnknown(std::initializer_list<const char*> allowed) const
{
    for (const auto& item : m_value.items())
    {
        bool known = false;
        for (const char* name : allowed)
        {
            known = known || item.key() == name;
        }
        if (!known)
        {
            FailAt(PathOf(item.key()),
                   fmt::format("unknown field; expected one of: {}", fmt::join(allowed, ", ")));
        }
    }
}

void
ObjectReader::RejectUnread() const
{
    for (const auto& item : m_value.items())
    {
        if (m_read.count(item.key()) == 0)
        {
            FailAt(PathOf(item.key()),
                   fmt::format("unknown field; expected one of: {}", fmt::join(m_read, ", ")));
        }
    }
}

} // namespace vfp
