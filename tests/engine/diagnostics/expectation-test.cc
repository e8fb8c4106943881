/*
 * Partial expectations: an expected line names only what it cares about; unnamed fields
 * are never compared, null means absent, layers may be named, arrays compare entry by
 * entry, and --update keeps an expectation exactly as partial as it was.
 */
#include "engine/diagnostics/expectation.h"

#include <gtest/gtest.h>

namespace vfp
{
namespace
{

const Json ACTUAL = Json::parse(R"({"line": 2, "verdict": "drop", "time": 0.5,
    "drop": {"reason": "rule_block", "layer": "acl", "rule": "no-ssh"},
    "layers": [{"layer": "metering", "match": "default", "verdict": "allow"},
               {"layer": "acl", "match": "rule", "group": "g", "rule": "no-ssh", "verdict": "drop"}],
    "counters": {"port": {"dropped": 1}}})");

TEST(Expectation, UnnamedFieldsAreNotCompared)
{
    EXPECT_TRUE(CompareExpected(Json::parse(R"({"line": 2, "verdict": "drop"})"), ACTUAL).empty());
    EXPECT_TRUE(CompareExpected(Json::parse(R"({"drop": {"rule": "no-ssh"}})"), ACTUAL).empty())
        << "nested objects are partial too";
    EXPECT_TRUE(CompareExpected(Json::object(), ACTUAL).empty());
}

TEST(Expectation, NamedFieldsAreComparedWithTheirPath)
{
    const std::vector<Mismatch> mismatches = CompareExpected(
        Json::parse(
            R"({"verdict": "allow", "drop": {"reason": "default_block"}, "egress": "vm2"})"),
        ACTUAL);
    ASSERT_EQ(mismatches.size(), 3u);
    EXPECT_EQ(mismatches[0].field, "verdict");
    EXPECT_EQ(mismatches[0].expected, "\"allow\"");
    EXPECT_EQ(mismatches[0].actual, "\"drop\"");
    EXPECT_EQ(mismatches[1].field, "drop.reason");
    EXPECT_EQ(mismatches[2].field, "egress");
    EXPECT_EQ(mismatches[2].actual, "(absent)");
}

TEST(Expectation, NullMeansAbsentAndNumbersCompareByValue)
{
    EXPECT_TRUE(CompareExpected(Json::parse(R"({"egress": null, "time": 0.5})"), ACTUAL).empty());
    const std::vector<Mismatch> present = CompareExpected(Json::parse(R"({"drop": null})"), ACTUAL);
    ASSERT_EQ(present.size(), 1u);
    EXPECT_EQ(present[0].expected, "(absent)");
    EXPECT_TRUE(CompareExpected(Json::parse(R"({"line": 2.0})"), ACTUAL).empty());
}

TEST(Expectation, LayersByNameOrAsAList)
{
    EXPECT_TRUE(
        CompareExpected(Json::parse(R"({"layers": {"acl": {"rule": "no-ssh"}}})"), ACTUAL).empty());
    const std::vector<Mismatch> wrong = CompareExpected(
        Json::parse(R"({"layers": {"acl": {"rule": "other"}, "vnet": {"match": "rule"}}})"),
        ACTUAL);
    ASSERT_EQ(wrong.size(), 2u);
    EXPECT_EQ(wrong[0].field, "layers.acl.rule");
    EXPECT_EQ(wrong[1].field, "layers.vnet");
    EXPECT_EQ(wrong[1].actual, "(absent)") << "a layer the packet never visited";
    EXPECT_TRUE(CompareExpected(Json::parse(R"({"layers": {"vnet": null}})"), ACTUAL).empty());

    EXPECT_TRUE(
        CompareExpected(Json::parse(R"({"layers": [{"layer": "metering"}, {"rule": "no-ssh"}]})"),
                        ACTUAL)
            .empty());
    const std::vector<Mismatch> shorter =
        CompareExpected(Json::parse(R"({"layers": [{"layer": "metering"}]})"), ACTUAL);
    ASSERT_EQ(shorter.size(), 1u) << "lists compare entry by entry, at the same length";
    EXPECT_EQ(shorter[0].field, "layers");
}

TEST(Expectation, UpdateKeepsOnlyTheNamedFields)
{
    const Json updated =
        UpdateExpected(Json::parse(R"({"line": 2, "verdict": "allow", "egress": "uplink",
                        "layers": {"acl": {"rule": "old"}}, "drop": {"reason": "x"}})"),
                       ACTUAL);
    EXPECT_EQ(updated, Json::parse(R"({"line": 2, "verdict": "drop", "egress": null,
                              "layers": {"acl": {"rule": "no-ssh"}},
                              "drop": {"reason": "rule_block"}})"));
    EXPECT_TRUE(CompareExpected(updated, ACTUAL).empty());
}

} // namespace
} // namespace vfp
