#include "regression-case.h"

#include "../format/policy-json.h"
#include "expectation.h"
#include "trace-runner.h"

#include <chrono>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace vfp
{

namespace
{

namespace fs = std::filesystem;

constexpr const char* POLICY = "policy.json";
constexpr const char* EVENTS = "events.jsonl";
constexpr const char* EXPECTED = "expected.jsonl";
constexpr const char* EXPECTED_ERROR = "expected-error.txt";
constexpr const char* INVARIANTS = "invariants.json";

/// A case that cannot be checked: the message names the file, line and reason.
class MalformedCase : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// What running a case's events gave: the output lines, and the error that stopped it.
struct CaseRun
{
    std::vector<Json> output;
    std::optional<std::string> error;
};

/// One line of expected.jsonl.
struct ExpectedLine
{
    size_t fileLine = 0; //!< its line in expected.jsonl
    size_t event = 0;    //!< the event line it is about
    bool retry = false;  //!< about the retry of a held packet
    Json value;          //!< the partial expectation
};

/// One entry of invariants.json.
struct Invariant
{
    std::string name; //!< what it guards
    Json where;       //!< the packets it applies to (partial)
    Json condition;   //!< what they must (or must never) show (partial)
    bool never = false;
};

std::string
ReadText(const fs::path& file)
{
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void
RequireFile(const fs::path& folder, const char* name)
{
    if (!fs::is_regular_file(folder / name))
    {
        throw MalformedCase(
            fmt::format("{}: missing (a case needs {} and {})", name, POLICY, EVENTS));
    }
}

CaseRun
Run(const fs::path& folder)
{
    CaseRun run;
    const std::string policyPath = (folder / POLICY).string();
    try
    {
        Switch vswitch(LoadPolicyFile(policyPath));
        TraceRunner runner(vswitch);
        std::ifstream events(folder / EVENTS);
        RunEventStream(
            runner, events, EVENTS, [&run](const Json& line) { run.output.push_back(line); });
    }
    catch (const PolicyError& error)
    {
        std::string message = error.what();
        if (message.rfind(policyPath, 0) == 0)
        {
            message = POLICY + message.substr(policyPath.size()); // the case's own name for it
        }
        run.error = message;
    }
    return run;
}

std::vector<ExpectedLine>
ReadExpected(const fs::path& file)
{
    std::vector<ExpectedLine> lines;
    std::ifstream in(file);
    std::string text;
    size_t number = 0;
    while (std::getline(in, text))
    {
        ++number;
        if (text.find_first_not_of(" \t\r") == std::string::npos)
        {
            continue;
        }
        const std::string where = fmt::format("{}:{}", EXPECTED, number);
        try
        {
            ExpectedLine line{number, 0, false, ParseJsonText(text, where)};
            ObjectReader reader(line.value, "");
            line.event = ReadUnsigned(reader.Require("line"), "line", UINT32_MAX);
            line.retry = line.value.contains("retry_of");
            lines.push_back(std::move(line));
        }
        catch (const PolicyError& error)
        {
            const std::string message = error.what();
            throw MalformedCase(message.rfind(where, 0) == 0
                                    ? message
                                    : fmt::format("{}: {} (each line is an object naming the "
                                                  "event \"line\" it expects something of)",
                                                  where,
                                                  message));
        }
    }
    return lines;
}

std::vector<Invariant>
ReadInvariants(const fs::path& file)
{
    std::vector<Invariant> invariants;
    try
    {
        const Json value = ParseJsonText(ReadText(file), INVARIANTS);
        if (!value.is_array())
        {
            FailAt("(top level)", "expected a list of invariants");
        }
        for (size_t i = 0; i < value.size(); ++i)
        {
            ObjectReader reader(value[i], fmt::format("[{}]", i));
            Invariant invariant;
            invariant.name = ReadString(reader.Require("name"), reader.PathOf("name"));
            const Json* where = reader.Find("where");
            invariant.where = where ? *where : Json::object();
            const Json* expect = reader.Find("expect");
            const Json* never = reader.Find("never");
            if ((expect == nullptr) == (never == nullptr))
            {
                FailAt(reader.GetPath(), "expected exactly one of \"expect\" and \"never\"");
            }
            invariant.never = never != nullptr;
            invariant.condition = never ? *never : *expect;
            for (const Json* partial : {&invariant.where, &invariant.condition})
            {
                if (!partial->is_object())
                {
                    FailAt(reader.GetPath(), "\"where\", \"expect\" and \"never\" are objects");
                }
            }
            reader.RejectUnknown({"name", "where", "expect", "never"});
            invariants.push_back(std::move(invariant));
        }
    }
    catch (const PolicyError& error)
    {
        const std::string message = error.what();
        throw MalformedCase(message.rfind(INVARIANTS, 0) == 0
                                ? message
                                : fmt::format("{}: {}", INVARIANTS, message));
    }
    return invariants;
}

/// The output line each expected line is about, in order (null: the run gave none).
std::vector<const Json*>
Pair(const std::vector<ExpectedLine>& expected, const std::vector<Json>& output)
{
    std::vector<bool> used(output.size(), false);
    std::vector<const Json*> pairs;
    for (const ExpectedLine& line : expected)
    {
        const Json* found = nullptr;
        for (size_t i = 0; i < output.size() && found == nullptr; ++i)
        {
            if (!used[i] && output[i]["line"] == line.event &&
                output[i].contains("retry_of") == line.retry)
            {
                used[i] = true;
                found = &output[i];
            }
        }
        pairs.push_back(found);
    }
    return pairs;
}

void
CheckExpected(const std::vector<ExpectedLine>& expected,
              const std::vector<Json>& output,
              CaseReport& report)
{
    const std::vector<const Json*> pairs = Pair(expected, output);
    for (size_t i = 0; i < expected.size(); ++i)
    {
        const ExpectedLine& line = expected[i];
        const std::string where = fmt::format("{}:{}: event line {}{}",
                                              EXPECTED,
                                              line.fileLine,
                                              line.event,
                                              line.retry ? " (retry)" : "");
        ++report.checks;
        if (pairs[i] == nullptr)
        {
            report.problems.push_back(fmt::format("{}: the run gave no output for it", where));
            continue;
        }
        for (const Mismatch& mismatch : CompareExpected(line.value, *pairs[i]))
        {
            report.problems.push_back(fmt::format("{}: {}: expected {}, actual {}",
                                                  where,
                                                  mismatch.field,
                                                  mismatch.expected,
                                                  mismatch.actual));
        }
    }
}

void
CheckInvariants(const std::vector<Invariant>& invariants,
                const std::vector<Json>& output,
                CaseReport& report)
{
    for (const Invariant& invariant : invariants)
    {
        ++report.checks;
        for (const Json& line : output)
        {
            if (!line.contains("verdict") || !MatchesExpected(invariant.where, line))
            {
                continue; // operations, and packets it is not about
            }
            const std::string where = fmt::format(
                "invariant \"{}\": event line {}", invariant.name, line["line"].get<size_t>());
            if (invariant.never)
            {
                if (MatchesExpected(invariant.condition, line))
                {
                    report.problems.push_back(fmt::format(
                        "{}: shows what it must never: {}", where, invariant.condition.dump()));
                }
                continue;
            }
            for (const Mismatch& mismatch : CompareExpected(invariant.condition, line))
            {
                report.problems.push_back(fmt::format("{}: {}: expected {}, actual {}",
                                                      where,
                                                      mismatch.field,
                                                      mismatch.expected,
                                                      mismatch.actual));
            }
        }
    }
}

std::string
ReadExpectedError(const fs::path& file)
{
    std::string expected = ReadText(file);
    expected.erase(expected.find_last_not_of(" \t\r\n") + 1);
    if (expected.empty())
    {
        throw MalformedCase(fmt::format("{}: empty (it holds text the error message must contain)",
                                        EXPECTED_ERROR));
    }
    return expected;
}

void
CheckError(const std::string& expected, const CaseRun& run, CaseReport& report)
{
    ++report.checks;
    if (!run.error)
    {
        report.problems.push_back(fmt::format(
            "{}: error: expected the run to stop with \"{}\", actual: it ran to the end",
            EXPECTED_ERROR,
            expected));
    }
    else if (run.error->find(expected) == std::string::npos)
    {
        report.problems.push_back(fmt::format("{}: error: expected a message containing \"{}\", "
                                              "actual \"{}\"",
                                              EXPECTED_ERROR,
                                              expected,
                                              *run.error));
    }
}

/// Checks the case in @p folder into @p report; throws MalformedCase.
void
Check(const fs::path& folder, CaseReport& report)
{
    RequireFile(folder, POLICY);
    RequireFile(folder, EVENTS);
    const bool expectsOutput = fs::exists(folder / EXPECTED);
    const bool expectsError = fs::exists(folder / EXPECTED_ERROR);
    if (expectsOutput == expectsError)
    {
        throw MalformedCase(
            fmt::format("{} or {}: a case needs exactly one (vfp-check --update writes the first)",
                        EXPECTED,
                        EXPECTED_ERROR));
    }
    const std::vector<Invariant> invariants = fs::exists(folder / INVARIANTS)
                                                  ? ReadInvariants(folder / INVARIANTS)
                                                  : std::vector<Invariant>{};
    if (expectsError)
    {
        const std::string expected = ReadExpectedError(folder / EXPECTED_ERROR);
        const CaseRun run = Run(folder);
        CheckError(expected, run, report);
        CheckInvariants(invariants, run.output, report);
        return;
    }
    const std::vector<ExpectedLine> expected = ReadExpected(folder / EXPECTED);
    const CaseRun run = Run(folder);
    if (run.error)
    {
        throw MalformedCase(*run.error);
    }
    CheckExpected(expected, run.output, report);
    CheckInvariants(invariants, run.output, report);
}

/// The fields a new expectation names for a packet: what a policy's author cares about.
Json
DefaultExpectation(const Json& line)
{
    Json expected = Json::object();
    for (const char* key : {"line", "retry_of", "verdict", "drop", "hold", "egress", "events"})
    {
        if (line.contains(key))
        {
            expected[key] = line[key];
        }
    }
    return expected;
}

/// Rewrites the expected files of the case in @p folder; returns the file written.
std::string
Update(const fs::path& folder)
{
    RequireFile(folder, POLICY);
    RequireFile(folder, EVENTS);
    const CaseRun run = Run(folder);
    if (fs::exists(folder / EXPECTED_ERROR))
    {
        if (run.error &&
            run.error->find(ReadExpectedError(folder / EXPECTED_ERROR)) == std::string::npos)
        {
            std::ofstream(folder / EXPECTED_ERROR) << *run.error << "\n";
            return EXPECTED_ERROR;
        }
        return ""; // still right, or the run now succeeds: the check says so
    }
    if (run.error)
    {
        if (fs::exists(folder / EXPECTED))
        {
            throw MalformedCase(*run.error);
        }
        std::ofstream(folder / EXPECTED_ERROR) << *run.error << "\n";
        return EXPECTED_ERROR;
    }
    std::vector<Json> lines;
    if (fs::exists(folder / EXPECTED))
    {
        const std::vector<ExpectedLine> expected = ReadExpected(folder / EXPECTED);
        const std::vector<const Json*> pairs = Pair(expected, run.output);
        for (size_t i = 0; i < expected.size(); ++i)
        {
            if (pairs[i] != nullptr)
            {
                lines.push_back(UpdateExpected(expected[i].value, *pairs[i]));
            }
        }
    }
    else
    {
        for (const Json& line : run.output)
        {
            if (line.contains("verdict"))
            {
                lines.push_back(DefaultExpectation(line));
            }
        }
    }
    std::ofstream out(folder / EXPECTED);
    for (const Json& line : lines)
    {
        out << line.dump() << "\n";
    }
    return EXPECTED;
}

/// Runs @p body on @p report, timing it and turning its findings into a status.
template<typename Body>
CaseReport
Report(const RegressionCase& regressionCase, Body body)
{
    CaseReport report;
    report.regressionCase = regressionCase;
    const auto start = std::chrono::steady_clock::now();
    try
    {
        body(report);
        report.status = report.problems.empty() ? CaseStatus::Pass : CaseStatus::Fail;
    }
    catch (const MalformedCase& error)
    {
        report.status = CaseStatus::Malformed;
        report.problems = {error.what()};
    }
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

} // namespace

std::vector<RegressionCase>
FindCases(const fs::path& root)
{
    if (!fs::is_directory(root))
    {
        throw PolicyError(fmt::format("{}: no such folder", root.string()));
    }
    // Cases are named from the folder that holds @p root: "policy/figure4-example".
    const fs::path base = fs::weakly_canonical(root).parent_path();
    std::vector<RegressionCase> cases;
    auto add = [&cases, &base](const fs::path& folder)
    {
        const std::string name = fs::relative(fs::weakly_canonical(folder), base).generic_string();
        cases.push_back(RegressionCase{name, folder});
    };
    if (fs::exists(root / POLICY))
    {
        add(root);
        return cases;
    }
    for (const auto& entry : fs::recursive_directory_iterator(root))
    {
        if (entry.is_directory() && fs::exists(entry.path() / POLICY))
        {
            add(entry.path());
        }
    }
    if (cases.empty())
    {
        throw PolicyError(
            fmt::format("{}: holds no case (a folder with a {})", root.string(), POLICY));
    }
    std::sort(cases.begin(),
              cases.end(),
              [](const RegressionCase& a, const RegressionCase& b) { return a.name < b.name; });
    return cases;
}

CaseReport
CheckCase(const RegressionCase& regressionCase)
{
    return Report(regressionCase,
                  [&](CaseReport& report) { Check(regressionCase.folder, report); });
}

CaseReport
UpdateCase(const RegressionCase& regressionCase)
{
    std::string updated;
    CaseReport report =
        Report(regressionCase, [&](CaseReport&) { updated = Update(regressionCase.folder); });
    if (report.status == CaseStatus::Malformed)
    {
        return report;
    }
    report = CheckCase(regressionCase);
    report.updated = updated;
    return report;
}

const char*
CaseStatusName(CaseStatus status)
{
    switch (status)
    {
        case CaseStatus::Pass:
            return "pass";
        case CaseStatus::Fail:
            return "fail";
        case CaseStatus::Malformed:
            return "malformed";
    }
    return "?";
}

} // namespace vfp
