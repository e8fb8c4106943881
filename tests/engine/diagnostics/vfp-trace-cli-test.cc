/*
 * The vfp-trace command: results on standard output or --out, input errors on standard
 * error naming the file, line and field, with exit status 2 and earlier lines kept.
 */
#include "cli-run.h"

namespace
{

using vfp::test::CliRun;
using vfp::test::Slurp;
using vfp::test::TempFile;
using vfp::test::WriteFile;

CliRun
RunTrace(const std::string& args)
{
    return vfp::test::RunCli(VFP_TRACE_BINARY, args);
}

const char* POLICY = R"({"version":1,"ports":[{"name":"vm","mac":"00:1d:d8:00:00:01","layers":[
  {"name":"acl","default":{"outbound":"allow","inbound":"block"}}]}]})";
const char* GOOD_PACKET =
    R"({"port":"vm","dir":"outbound","time":1,"headers":[{"eth":{"src":"00:1d:d8:00:00:01","dst":"00:00:00:00:00:09"}},)"
    R"({"ipv4":{"src":"10.0.0.1","dst":"10.0.0.2"}},{"tcp":{"sport":1,"dport":2,"flags":"S"}}]})";

TEST(VfpTraceCli, WritesOneLinePerPacket)
{
    const std::string policy = WriteFile("p.json", POLICY);
    const std::string events =
        WriteFile("e.jsonl", std::string(GOOD_PACKET) + "\n\n" + GOOD_PACKET + "\n");
    CliRun run = RunTrace("--policy " + policy + " --events " + events);
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find(R"("line":1,)"), std::string::npos);
    EXPECT_NE(run.out.find(R"("line":3,)"), std::string::npos) << "blank lines keep the numbering";
    EXPECT_NE(run.out.find(R"("verdict":"allow")"), std::string::npos);

    const std::string outFile = TempFile("result.jsonl");
    CliRun toFile = RunTrace("--policy " + policy + " --events " + events + " --out " + outFile);
    EXPECT_EQ(toFile.status, 0);
    EXPECT_EQ(Slurp(outFile), run.out);
}

TEST(VfpTraceCli, BadEventNamesFileLineAndFieldAndKeepsEarlierLines)
{
    const std::string policy = WriteFile("p.json", POLICY);
    const std::string events = WriteFile(
        "bad.jsonl",
        std::string(GOOD_PACKET) + "\n" +
            R"({"port":"vm","dir":"outbound","headers":[{"eth":{"src":"00:1d:d8:00:00:01","dst":"00:00:00:00:00:09"}},{"ipv4":{"src":"10.0.0.1","dst":"10.0.0.2","proto":6}}]})" +
            "\n" + GOOD_PACKET + "\n");
    CliRun run = RunTrace("--policy " + policy + " --events " + events);
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find(events + ":2: headers: group 0: ipv4 protocol 6 announces a tcp header"),
              std::string::npos)
        << run.err;
    EXPECT_NE(run.out.find(R"("line":1,)"), std::string::npos) << "the first line's result is kept";
    EXPECT_EQ(run.out.find(R"("line":3,)"), std::string::npos) << "nothing after the error runs";
}

TEST(VfpTraceCli, MalformedJsonLineAndBadPolicyAndMissingArguments)
{
    const std::string policy = WriteFile("p.json", POLICY);
    CliRun json =
        RunTrace("--policy " + policy + " --events " + WriteFile("j.jsonl", "{\"port\": \n"));
    EXPECT_EQ(json.status, 2);
    EXPECT_NE(json.err.find("j.jsonl:1: malformed JSON"), std::string::npos) << json.err;

    CliRun badPolicy = RunTrace(
        "--policy " + WriteFile("bad.json", R"({"version":1,"ports":[{"name":"vm","mac":"x"}]})") +
        " --events " + WriteFile("e.jsonl", ""));
    EXPECT_EQ(badPolicy.status, 2);
    EXPECT_NE(badPolicy.err.find("bad.json: ports[0].mac: expected a MAC address"),
              std::string::npos)
        << badPolicy.err;

    CliRun missing = RunTrace("--policy " + policy);
    EXPECT_EQ(missing.status, 2);
    EXPECT_NE(missing.err.find("events"), std::string::npos) << missing.err;

    CliRun unknownOp = RunTrace("--policy " + policy + " --events " +
                                WriteFile("op.jsonl",
                                          R"({"op":"reboot","port":"vm"})"
                                          "\n"));
    EXPECT_EQ(unknownOp.status, 2);
    EXPECT_NE(unknownOp.err.find(R"(op.jsonl:1: op: unknown operation "reboot")"),
              std::string::npos)
        << unknownOp.err;

    CliRun backwards = RunTrace("--policy " + policy + " --events " +
                                WriteFile("t.jsonl",
                                          std::string(GOOD_PACKET) + "\n" +
                                              R"({"op":"expire","time":0.5})"
                                              "\n"));
    EXPECT_EQ(backwards.status, 2);
    EXPECT_NE(backwards.err.find("t.jsonl:2: time: events must not go back in time"),
              std::string::npos)
        << backwards.err;
}

/// Issue 12: a number beyond a double escaped as nlohmann::out_of_range and aborted the
/// tool (exit 134) instead of the documented error and exit status 2.
TEST(VfpTraceCli, ANumberTooLargeForADoubleIsAnInputError)
{
    const std::string policy = WriteFile("p.json", POLICY);
    TraceRun event = RunTrace(
        "--policy " + policy + " --events " +
        WriteFile("big.jsonl",
                  std::string(GOOD_PACKET) + "\n" + R"({"op":"expire","time":1e999})" + "\n"));
    EXPECT_EQ(event.status, 2);
    EXPECT_NE(event.err.find("big.jsonl:2: time: malformed JSON"), std::string::npos) << event.err;
    EXPECT_NE(event.out.find(R"("line":1,)"), std::string::npos)
        << "the first line's result is kept";

    TraceRun badPolicy =
        RunTrace("--policy " + WriteFile("big.json", R"({"version":1e999,"ports":[]})") +
                 " --events " + WriteFile("e.jsonl", ""));
    EXPECT_EQ(badPolicy.status, 2);
    EXPECT_NE(badPolicy.err.find("big.json: version: malformed JSON"), std::string::npos)
        << badPolicy.err;
}

} // namespace
