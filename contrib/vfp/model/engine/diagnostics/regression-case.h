/*
 * Policy regression cases as data, the engine of vfp-check (docs/vfp-check.md). A case is
 * a folder:
 *
 *   policy.json         the policy loaded onto one switch (docs/policy-format.md)
 *   events.jsonl        packets and policy operations, one per line
 *   expected.jsonl      partial expectations, one per line, each naming the event "line"
 *                       it is about (and "retry_of" for a held packet's retry) and only
 *                       the trace fields its author cares about (expectation.h)
 *   expected-error.txt  instead of expected.jsonl: the run must stop at a bad policy or
 *                       event with an error message containing this text
 *   invariants.json     optional: checks over every packet of the case, each
 *                       {"name", "where": partial, "expect": partial} or {..., "never": ...}
 *
 * A case passes, fails (an expectation or invariant does not hold: each failure names the
 * event line, the field, the expected and the actual value), or is malformed (a file is
 * missing or unreadable, or the policy or an event is refused where the case expects a
 * clean run: the message names the file, the line and the reason).
 */
#ifndef VFP_ENGINE_REGRESSION_CASE_H
#define VFP_ENGINE_REGRESSION_CASE_H

#include "../format/json-reader.h"

#include <filesystem>
#include <optional>
#include <vector>

namespace vfp
{

/// A case folder and the name it is reported under.
struct RegressionCase
{
    std::string name;             //!< its path from the folder it was found under
    std::filesystem::path folder; //!< where it is
};

enum class CaseStatus
{
    Pass,
    Fail,
    Malformed,
};

/// What checking one case found.
struct CaseReport
{
    RegressionCase regressionCase;        //!< the case
    CaseStatus status = CaseStatus::Pass; //!< the outcome
    std::vector<std::string> problems;    //!< one line per failure, or the malformation
    size_t checks = 0;                    //!< expectations and invariants evaluated
    std::string updated;                  //!< --update: the file rewritten (empty: none)
    double seconds = 0;                   //!< wall time of the run
};

/**
 * The cases under @p root: @p root itself if it holds a policy.json, else every folder
 * below it that does (sorted by path).
 * @throws PolicyError when @p root does not exist or holds no case
 */
std::vector<RegressionCase> FindCases(const std::filesystem::path& root);

/// Runs @p regressionCase and checks what it expects.
CaseReport CheckCase(const RegressionCase& regressionCase);

/**
 * Runs @p regressionCase and rewrites what it expects from the actual output: every
 * expected line keeps the fields it names, with their actual values (a line whose event
 * gave no output is dropped); a case with no expectations yet gets expected.jsonl with
 * each packet's line, verdict, drop or hold, egress and events (or expected-error.txt when
 * the run stops at an error).
 */
CaseReport UpdateCase(const RegressionCase& regressionCase);

/// The status's name: pass, fail or malformed.
const char* CaseStatusName(CaseStatus status);

} // namespace vfp

#endif
