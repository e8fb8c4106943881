#include "expectation.h"

#include <fmt/format.h>

namespace vfp
{

namespace
{

constexpr const char* ABSENT = "(absent)";

std::string
Child(const std::string& path, const std::string& key)
{
    return path.empty() ? key : path + "." + key;
}

/// The entry of a trace's "layers" array for layer @p name, or null.
const Json*
FindLayer(const Json& layers, const std::string& name)
{
    for (const Json& entry : layers)
    {
        if (entry.is_object() && entry.contains("layer") && entry["layer"] == name)
        {
            return &entry;
        }
    }
    return nullptr;
}

/// "layers" written as an object keyed by layer name, against the trace's array.
bool
IsLayersByName(const std::string& key, const Json& expected, const Json& actual)
{
    return key == "layers" && expected.is_object() && actual.is_array();
}

void Compare(const Json& expected,
             const Json& actual,
             const std::string& path,
             std::vector<Mismatch>& out);

/// One named field: null expects it absent; otherwise it must be there and match.
void
CompareField(const Json& expected,
             const Json* actual,
             const std::string& path,
             std::vector<Mismatch>& out)
{
    if (expected.is_null())
    {
        if (actual != nullptr)
        {
            out.push_back(Mismatch{path, ABSENT, actual->dump()});
        }
    }
    else if (actual == nullptr)
    {
        out.push_back(Mismatch{path, expected.dump(), ABSENT});
    }
    else
    {
        Compare(expected, *actual, path, out);
    }
}

void
Compare(const Json& expected,
        const Json& actual,
        const std::string& path,
        std::vector<Mismatch>& out)
{
    if (expected.is_object() && actual.is_object())
    {
        for (const auto& [key, value] : expected.items())
        {
            const std::string field = Child(path, key);
            const Json* found = actual.contains(key) ? &actual[key] : nullptr;
            if (found != nullptr && IsLayersByName(key, value, *found))
            {
                for (const auto& [layer, partial] : value.items())
                {
                    CompareField(partial, FindLayer(*found, layer), Child(field, layer), out);
                }
                continue;
            }
            CompareField(value, found, field, out);
        }
        return;
    }
    if (expected.is_array() && actual.is_array())
    {
        if (expected.size() != actual.size())
        {
            out.push_back(Mismatch{path, expected.dump(), actual.dump()});
            return;
        }
        for (size_t i = 0; i < expected.size(); ++i)
        {
            Compare(expected[i], actual[i], fmt::format("{}[{}]", path, i), out);
        }
        return;
    }
    if (expected != actual)
    {
        out.push_back(Mismatch{path, expected.dump(), actual.dump()});
    }
}

} // namespace

std::vector<Mismatch>
CompareExpected(const Json& expected, const Json& actual)
{
    std::vector<Mismatch> out;
    Compare(expected, actual, "", out);
    return out;
}

bool
MatchesExpected(const Json& expected, const Json& actual)
{
    return CompareExpected(expected, actual).empty();
}

Json
UpdateExpected(const Json& expected, const Json& actual)
{
    if (expected.is_object() && actual.is_object())
    {
        Json updated = Json::object();
        for (const auto& [key, value] : expected.items())
        {
            if (!actual.contains(key))
            {
                updated[key] = nullptr;
            }
            else if (IsLayersByName(key, value, actual[key]))
            {
                Json layers = Json::object();
                for (const auto& [layer, partial] : value.items())
                {
                    const Json* entry = FindLayer(actual[key], layer);
                    layers[layer] = entry ? UpdateExpected(partial, *entry) : Json(nullptr);
                }
                updated[key] = layers;
            }
            else
            {
                updated[key] = UpdateExpected(value, actual[key]);
            }
        }
        return updated;
    }
    if (expected.is_array() && actual.is_array() && expected.size() == actual.size())
    {
        Json updated = Json::array();
        for (size_t i = 0; i < expected.size(); ++i)
        {
            updated.push_back(UpdateExpected(expected[i], actual[i]));
        }
        return updated;
    }
    return actual;
}

} // namespace vfp
