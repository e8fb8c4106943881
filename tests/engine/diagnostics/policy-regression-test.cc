/*
 * Policy regression vectors: every folder under tests/policy/ is one case, run through
 * the trace runner and compared line by line with what it expects. Adding a case is
 * adding a folder, no code:
 *
 *   policy.json       the policy loaded onto the switch
 *   events.jsonl      packets and policy operations, one per line
 *   expected.jsonl    the runner's output lines, exactly (JSON-equal)
 *   expected-error.txt  instead of expected.jsonl: the run must fail at some event with
 *                     an error message containing this text (bad-input cases)
 *   README.md         what the case checks and why the expected output is right
 *
 * VFP_REGENERATE=1 rewrites expected.jsonl from the actual output; review the diff.
 */
#include "engine/diagnostics/trace-runner.h"
#include "engine/format/policy-json.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace vfp
{
namespace
{

namespace fs = std::filesystem;

std::vector<std::string>
CaseNames()
{
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(fs::path(VFP_TEST_DATA_DIR) / "policy"))
    {
        if (entry.is_directory())
        {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string
ReadText(const fs::path& file)
{
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Runs a case; returns the output lines, or sets @p error to the message that stopped it.
std::vector<Json>
RunCase(const fs::path& folder, std::string& error)
{
    std::vector<Json> output;
    try
    {
        Switch vswitch(LoadPolicyFile((folder / "policy.json").string()));
        TraceRunner runner(vswitch);
        std::ifstream events(folder / "events.jsonl");
        std::string text;
        size_t line = 0;
        while (std::getline(events, text))
        {
            ++line;
            if (text.find_first_not_of(" \t\r") == std::string::npos)
            {
                continue;
            }
            for (Json& result : runner.Run(ParseJsonText(text, "events.jsonl"), line))
            {
                output.push_back(std::move(result));
            }
        }
    }
    catch (const PolicyError& failure)
    {
        error = failure.what();
    }
    return output;
}

class PolicyRegression : public ::testing::TestWithParam<std::string>
{
};

TEST_P(PolicyRegression, MatchesExpectedTrace)
{
    const fs::path folder = fs::path(VFP_TEST_DATA_DIR) / "policy" / GetParam();
    ASSERT_TRUE(fs::exists(folder / "policy.json")) << folder;
    ASSERT_TRUE(fs::exists(folder / "events.jsonl")) << folder;
    ASSERT_TRUE(fs::exists(folder / "README.md")) << "every case explains itself: " << folder;

    std::string error;
    std::vector<Json> output = RunCase(folder, error);

    if (fs::exists(folder / "expected-error.txt"))
    {
        std::string expected = ReadText(folder / "expected-error.txt");
        expected.erase(expected.find_last_not_of("\r\n") + 1);
        ASSERT_FALSE(error.empty()) << "the case should fail with: " << expected;
        EXPECT_NE(error.find(expected), std::string::npos)
            << "error was: " << error << "\nexpected it to contain: " << expected;
        return;
    }
    ASSERT_TRUE(error.empty()) << error;

    if (std::getenv("VFP_REGENERATE"))
    {
        std::ofstream out(folder / "expected.jsonl");
        for (const Json& line : output)
        {
            out << line.dump() << "\n";
        }
        GTEST_SKIP() << "regenerated " << (folder / "expected.jsonl");
    }

    std::ifstream expectedFile(folder / "expected.jsonl");
    ASSERT_TRUE(expectedFile) << "missing expected.jsonl in " << folder;
    std::string text;
    size_t index = 0;
    while (std::getline(expectedFile, text))
    {
        if (text.find_first_not_of(" \t\r") == std::string::npos)
        {
            continue;
        }
        ASSERT_LT(index, output.size()) << "the run produced fewer lines than expected";
        const Json expected = ParseJsonText(text, "expected.jsonl");
        EXPECT_EQ(output[index], expected)
            << "output line " << index + 1 << " differs\n  actual:   " << output[index].dump()
            << "\n  expected: " << expected.dump()
            << "\n  diff: " << Json::diff(expected, output[index]).dump();
        ++index;
    }
    EXPECT_EQ(index, output.size()) << "the run produced more lines than expected";
}

INSTANTIATE_TEST_SUITE_P(Cases,
                         PolicyRegression,
                         ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info)
                         {
                             std::string name = info.param;
                             for (char& c : name)
                             {
                                 c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             }
                             return name;
                         });

} // namespace
} // namespace vfp
