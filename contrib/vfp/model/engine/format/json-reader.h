/*
 * Strict reading of JSON input: every error names the path of the offending value
 * ("ports[0].layers[1].groups[0].rules[2].action.type") and what was expected, and an
 * object with a key nobody asked for is an error, not a silent ignore.
 */
#ifndef VFP_ENGINE_JSON_READER_H
#define VFP_ENGINE_JSON_READER_H

#include "../policy/policy-spec.h"

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace vfp
{

using Json = nlohmann::ordered_json;

/// Throws PolicyError "<path>: <what>".
[[noreturn]] void FailAt(const std::string& path, const std::string& what);

/// A short rendering of a JSON value for error messages.
std::string Describe(const Json& value);

std::string ReadString(const Json& value, const std::string& path);
bool ReadBool(const Json& value, const std::string& path);
double ReadNumber(const Json& value, const std::string& path);
int32_t ReadInt(const Json& value, const std::string& path);
/// A JSON number or a string of digits (decimal or 0x hex), at most @p max.
uint64_t ReadUnsigned(const Json& value, const std::string& path, uint64_t max);
uint32_t ReadIpv4(const Json& value, const std::string& path);
uint64_t ReadMac(const Json& value, const std::string& path);
/// A JSON number or string as text (numbers in decimal), for condition values.
std::string ReadScalarText(const Json& value, const std::string& path);

/// Reads the keys of one JSON object, remembering which were read.
class ObjectReader
{
public:
    /// @throws PolicyError when @p value is not an object
    ObjectReader(const Json& value, std::string path);

    /// The value of @p key, or null when absent.
    const Json* Find(const std::string& key);
    /// The value of @p key; throws naming the missing field.
    const Json& Require(const std::string& key);
    /// The path of @p key inside this object.
    std::string PathOf(const std::string& key) const;
    const std::string& GetPath() const { return m_path; }
    /// Throws naming the first key that was never read, and the keys that are allowed.
    void RejectUnknown(std::initializer_list<const char*> allowed) const;
    /// The same, when every allowed key has been looked up with Find or Require.
    void RejectUnread() const;

private:
    const Json& m_value;          //!< the object
    std::string m_path;           //!< its path
    std::set<std::string> m_read; //!< keys looked up
};

} // namespace vfp

#endif
