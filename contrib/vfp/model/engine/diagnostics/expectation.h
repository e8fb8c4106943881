/*
 * Partial expectations on trace output lines (vfp-check, docs/vfp-check.md). An expected
 * value states only what its author cares about:
 *
 * - an object names some keys; keys it does not name are not compared; a key whose
 *   expected value is null must be absent ("drop": null: the packet was not dropped);
 * - an array is compared entry by entry (the same length), each entry partially;
 * - "layers" may also be an object keyed by layer name ({"acl": {"rule": "allow-out"}}):
 *   each named layer must have been visited, with those fields;
 * - anything else (strings, numbers, booleans) must be equal (numbers by value).
 *
 * Mismatches name the field's path (layers.acl.rule, headers[1].ipv4.dst).
 */
#ifndef VFP_ENGINE_EXPECTATION_H
#define VFP_ENGINE_EXPECTATION_H

#include "../format/json-reader.h"

#include <vector>

namespace vfp
{

/// One field that differs from what was expected.
struct Mismatch
{
    std::string field;    //!< its path, e.g. layers.acl.rule
    std::string expected; //!< the expected value, as JSON text
    std::string actual;   //!< the actual value, as JSON text, or "(absent)"
};

/// The fields of @p actual that differ from the partial @p expected (empty: it matches).
std::vector<Mismatch> CompareExpected(const Json& expected, const Json& actual);

/// Whether @p actual has every field @p expected names, with its value.
bool MatchesExpected(const Json& expected, const Json& actual);

/**
 * @p expected with every field it names set to its value in @p actual (a field now
 * absent becomes null): what --update writes, keeping the expectation as partial as it was.
 */
Json UpdateExpected(const Json& expected, const Json& actual);

} // namespace vfp

#endif
