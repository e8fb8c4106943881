/*
 * The project's own policy regression cases (tests/policy/) run through vfp-check in
 * CTest (policy.regression), as a user's CI would run theirs. They hold themselves to more
 * than a user's cases need: every case explains itself in a README.md, and its
 * expected.jsonl has one line per output line of the run, so that an output line nobody
 * expected (a retry, say) fails as well. Adding a case is adding a folder, no code.
 */
#include "engine/diagnostics/regression-case.h"
#include "engine/diagnostics/trace-runner.h"
#include "engine/format/policy-json.h"

#include <fstream>
#include <gtest/gtest.h>

namespace vfp
{
namespace
{

namespace fs = std::filesystem;

/// The case folders' paths (strings, so that test names and messages print them).
std::vector<std::string>
ProjectCases()
{
    std::vector<std::string> folders;
    for (const RegressionCase& regressionCase : FindCases(fs::path(VFP_TEST_DATA_DIR) / "policy"))
    {
        folders.push_back(regressionCase.folder.string());
    }
    return folders;
}

size_t
NonBlankLines(const fs::path& file)
{
    std::ifstream in(file);
    std::string text;
    size_t lines = 0;
    while (std::getline(in, text))
    {
        lines += text.find_first_not_of(" \t\r") != std::string::npos;
    }
    return lines;
}

class ProjectPolicyCase : public ::testing::TestWithParam<std::string>
{
};

TEST_P(ProjectPolicyCase, ExplainsItselfAndExpectsEveryOutputLine)
{
    const fs::path folder = GetParam();
    EXPECT_TRUE(fs::exists(folder / "README.md")) << "every case explains itself: " << folder;
    if (fs::exists(folder / "expected-error.txt"))
    {
        return;
    }
    Switch vswitch(LoadPolicyFile((folder / "policy.json").string()));
    TraceRunner runner(vswitch);
    std::ifstream events(folder / "events.jsonl");
    size_t outputs = 0;
    RunEventStream(runner, events, "events.jsonl", [&outputs](const Json&) { ++outputs; });
    EXPECT_EQ(NonBlankLines(folder / "expected.jsonl"), outputs)
        << "one expected line per output line in " << folder;
}

INSTANTIATE_TEST_SUITE_P(Cases,
                         ProjectPolicyCase,
                         ::testing::ValuesIn(ProjectCases()),
                         [](const ::testing::TestParamInfo<std::string>& info)
                         {
                             std::string name = fs::path(info.param).filename().string();
                             for (char& c : name)
                             {
                                 c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             }
                             return name;
                         });

} // namespace
} // namespace vfp
