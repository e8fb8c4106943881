/*
 * The vfp-check command on its fixture cases (tests/check-cases/): exit status 0, 1 and 2
 * for passing, failing and malformed cases, each failure printed as case, line, field,
 * expected and actual, each malformation as file, line and reason; --update rewrites a
 * case's expectations, keeping them partial. The JUnit report is parsed by
 * tests/tools/junit_counts.py (CTest tools.vfp-check.junit).
 */
#include "cli-run.h"

#include <filesystem>

namespace
{

namespace fs = std::filesystem;
using vfp::test::CliRun;

const std::string CASES = std::string(VFP_TEST_DATA_DIR) + "/check-cases/";

CliRun
RunCheck(const std::string& args)
{
    return vfp::test::RunCli(VFP_CHECK_BINARY, args);
}

TEST(VfpCheckCli, PassingCasesExitZero)
{
    CliRun run = RunCheck(CASES + "passing");
    EXPECT_EQ(run.status, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("PASS passing/tenant-acl (5 checks)"), std::string::npos)
        << "three expected lines and two invariants: " << run.out;
    EXPECT_NE(run.out.find("1 cases: 1 passed, 0 failed, 0 malformed"), std::string::npos);
}

TEST(VfpCheckCli, AFailedExpectationNamesCaseLineFieldExpectedAndActual)
{
    CliRun run = RunCheck(CASES + "failing/wrong-verdict");
    EXPECT_EQ(run.status, 1) << run.out << run.err;
    EXPECT_NE(run.out.find("wrong-verdict: expected.jsonl:2: event line 2: verdict: expected "
                           "\"allow\", actual \"drop\""),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("event line 2: egress: expected \"uplink\", actual (absent)"),
              std::string::npos);
    EXPECT_EQ(run.out.find("event line 3"), std::string::npos)
        << "line 3 expects only its verdict, which holds";
}

TEST(VfpCheckCli, InvariantsAndExpectedErrorsFail)
{
    CliRun isolation = RunCheck(CASES + "failing/isolation-broken");
    EXPECT_EQ(isolation.status, 1);
    EXPECT_NE(isolation.out.find("invariant \"tenant A (vm1) never reaches tenant B's port "
                                 "(vm2)\": event line 3: shows what it must never"),
              std::string::npos)
        << isolation.out;
    CliRun error = RunCheck(CASES + "failing/error-never-comes");
    EXPECT_EQ(error.status, 1);
    EXPECT_NE(error.out.find("expected-error.txt: error: expected the run to stop"),
              std::string::npos)
        << error.out;
}

TEST(VfpCheckCli, MalformedCasesExitTwoNamingFileLineAndReason)
{
    CliRun run = RunCheck(CASES + "malformed");
    EXPECT_EQ(run.status, 2) << run.out << run.err;
    EXPECT_NE(run.out.find("expected-line-without-event: expected.jsonl:2: the required field "
                           "\"line\" is missing"),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("refused-event: events.jsonl:2: colour: unknown field"),
              std::string::npos);
    EXPECT_NE(run.out.find("no-expectations: expected.jsonl or expected-error.txt"),
              std::string::npos);
    EXPECT_NE(run.out.find("invariant-without-condition: invariants.json: [0]: expected exactly "
                           "one of \"expect\" and \"never\""),
              std::string::npos);

    CliRun mixed = RunCheck(CASES + "passing " + CASES + "failing " + CASES + "malformed");
    EXPECT_EQ(mixed.status, 2) << "a malformed case outranks a failed one";
    CliRun none = RunCheck(CASES + "no-such-folder");
    EXPECT_EQ(none.status, 2);
    EXPECT_NE(none.err.find("no-such-folder: no such folder"), std::string::npos) << none.err;
    EXPECT_EQ(RunCheck("").status, 2) << "a PATH is required";
}

TEST(VfpCheckCli, UpdateRewritesTheNamedFieldsForReview)
{
    const fs::path copy = vfp::test::TempFile("wrong-verdict");
    fs::remove_all(copy);
    fs::copy(CASES + "failing/wrong-verdict", copy);
    CliRun update = RunCheck("--update " + copy.string());
    EXPECT_EQ(update.status, 0) << update.out << update.err;
    EXPECT_NE(update.out.find("(updated expected.jsonl)"), std::string::npos) << update.out;
    const std::string expected = vfp::test::Slurp((copy / "expected.jsonl").string());
    EXPECT_NE(expected.find(R"({"line":2,"verdict":"drop","egress":null})"), std::string::npos)
        << expected;
    EXPECT_EQ(expected.find("counters"), std::string::npos) << "still partial";
    EXPECT_EQ(RunCheck(copy.string()).status, 0);

    fs::remove(copy / "expected.jsonl");
    EXPECT_EQ(RunCheck("--update " + copy.string()).status, 0);
    const std::string fresh = vfp::test::Slurp((copy / "expected.jsonl").string());
    EXPECT_NE(
        fresh.find(
            R"({"line":3,"verdict":"drop","drop":{"reason":"rule_block","layer":"acl","rule":"isolate"}})"),
        std::string::npos)
        << "a new case gets each packet's verdict, drop and egress: " << fresh;
    fs::remove_all(copy);
}

} // namespace
