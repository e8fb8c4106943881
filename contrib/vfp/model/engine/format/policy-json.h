/*
 * The JSON policy format (docs/policy-format.md): loading checks every field and names
 * the path of anything wrong; saving writes the canonical form, which loads back to an
 * equal policy.
 */
#ifndef VFP_ENGINE_POLICY_JSON_H
#define VFP_ENGINE_POLICY_JSON_H

#include "json-reader.h"

namespace vfp
{

constexpr int POLICY_FORMAT_VERSION = 1;

PolicySpec ReadPolicy(const Json& value);
Json WritePolicy(const PolicySpec& policy);

/// Reads and parses a policy file; errors start with the file's name.
PolicySpec LoadPolicyFile(const std::string& file);
/// Parses JSON text; every error is a PolicyError naming @p source, and the byte offset
/// (syntax) or the field (a number too large for a double).
Json ParseJsonText(const std::string& text, const std::string& source);

LayerSpec ReadLayer(const Json& value, const std::string& path);
GroupSpec ReadGroup(const Json& value, const std::string& path);
RuleSpec ReadRule(const Json& value, const std::string& path);
std::vector<Condition> ReadConditions(const Json& value, const std::string& path);
ActionSpec ReadAction(const Json& value, const std::string& path);
/// One resource; @p reader is the resource's object, its "ports" (top level) read by the caller.
ResourceSpec ReadResource(ObjectReader& reader, const std::string& name);

Json WriteLayer(const LayerSpec& layer);
Json WriteGroup(const GroupSpec& group);
Json WriteRule(const RuleSpec& rule);
Json WriteConditions(const std::vector<Condition>& conditions);
Json WriteAction(const ActionSpec& action);
Json WriteResource(const ResourceSpec& resource);

} // namespace vfp

#endif
