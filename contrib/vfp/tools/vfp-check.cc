/*
 * vfp-check: policy regression cases as a CI gate (docs/vfp-check.md).
 *
 *   vfp-check [--junit FILE] [--update] PATH...
 *
 * Each PATH is a case folder (policy.json, events.jsonl, and expected.jsonl or
 * expected-error.txt, optionally invariants.json) or a folder of case folders. Every case
 * runs on a switch of its own through the trace runner and is checked against what it
 * expects: only the fields an expected line names. Exit status: 0 when every case passes,
 * 1 when an expectation fails (each failure printed as case, line, field, expected,
 * actual), 2 when a case is malformed (file, line, reason) or the command line is wrong.
 * --junit writes a JUnit XML report; --update rewrites the expected files from the actual
 * output, for review (git diff).
 */
#include "command-line.h"
#include "engine/diagnostics/regression-case.h"
#include "junit-report.h"

#include <fmt/format.h>
#include <fstream>
#include <iostream>

namespace po = boost::program_options;

namespace
{

void
Print(const vfp::CaseReport& report)
{
    const std::string& name = report.regressionCase.name;
    static const char* LABELS[] = {"PASS", "FAIL", "MALFORMED"};
    std::cout << LABELS[static_cast<int>(report.status)] << " " << name;
    if (report.status != vfp::CaseStatus::Malformed)
    {
        std::cout << " (" << report.checks << " checks)";
    }
    if (!report.updated.empty())
    {
        std::cout << " (updated " << report.updated << ")";
    }
    std::cout << "\n";
    for (const std::string& problem : report.problems)
    {
        std::cout << "  " << name << ": " << problem << "\n";
    }
}

} // namespace

int
main(int argc, char** argv)
{
    std::vector<std::string> paths;
    std::string junitFile;
    bool update = false;
    po::options_description options(
        "vfp-check: run policy regression cases and check their expectations\n"
        "usage: vfp-check [--junit FILE] [--update] PATH...\n"
        "exit status: 0 all cases pass, 1 an expectation fails, 2 a case is malformed\n\n"
        "Options");
    options.add_options()("help,h", "print this help")(
        "junit", po::value(&junitFile), "write a JUnit XML report to FILE")(
        "update",
        po::bool_switch(&update),
        "rewrite expected.jsonl (or expected-error.txt) from the actual output, keeping the "
        "fields each expected line names")(
        "path",
        po::value(&paths)->required(),
        "a case folder or a folder of case folders (repeatable; also positional)");
    po::positional_options_description positional;
    positional.add("path", -1);
    if (std::optional<int> status =
            vfp::ParseCommandLine(argc, argv, "vfp-check", options, &positional))
    {
        return *status;
    }

    std::vector<vfp::CaseReport> reports;
    for (const std::string& path : paths)
    {
        std::vector<vfp::RegressionCase> cases;
        try
        {
            cases = vfp::FindCases(path);
        }
        catch (const vfp::PolicyError& error)
        {
            std::cerr << "vfp-check: " << error.what() << "\n";
            return 2;
        }
        for (const vfp::RegressionCase& regressionCase : cases)
        {
            reports.push_back(update ? vfp::UpdateCase(regressionCase)
                                     : vfp::CheckCase(regressionCase));
            Print(reports.back());
        }
    }

    size_t counts[3] = {0, 0, 0};
    for (const vfp::CaseReport& report : reports)
    {
        ++counts[static_cast<int>(report.status)];
    }
    std::cout << fmt::format("vfp-check: {} cases: {} passed, {} failed, {} malformed\n",
                             reports.size(),
                             counts[0],
                             counts[1],
                             counts[2]);
    if (!junitFile.empty())
    {
        std::ofstream junit(junitFile);
        if (!junit)
        {
            std::cerr << fmt::format("vfp-check: {}: cannot open for writing\n", junitFile);
            return 2;
        }
        vfp::WriteJunit(junit, "vfp-check", reports);
    }
    return counts[2] > 0 ? 2 : counts[1] > 0 ? 1 : 0;
}
