#include "junit-report.h"

#include <fmt/format.h>

namespace vfp
{

namespace
{

std::string
Escape(const std::string& text)
{
    std::string out;
    for (char c : text)
    {
        switch (c)
        {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string
Join(const std::vector<std::string>& lines)
{
    std::string text;
    for (const std::string& line : lines)
    {
        text += line + "\n";
    }
    return text;
}

void
WriteCase(std::ostream& out, const std::string& suite, const CaseReport& report)
{
    // "policy/figure4-example": class "policy", name "figure4-example", as CI tools group.
    const std::string& name = report.regressionCase.name;
    const size_t slash = name.rfind('/');
    const std::string className = slash == std::string::npos ? suite : name.substr(0, slash);
    const std::string caseName = slash == std::string::npos ? name : name.substr(slash + 1);
    out << fmt::format(R"(    <testcase classname="{}" name="{}" time="{:.3f}")",
                       Escape(className),
                       Escape(caseName),
                       report.seconds);
    if (report.status == CaseStatus::Pass)
    {
        out << "/>\n";
        return;
    }
    const char* element = report.status == CaseStatus::Fail ? "failure" : "error";
    out << fmt::format(">\n      <{} message=\"{}\" type=\"{}\">{}</{}>\n    </testcase>\n",
                       element,
                       Escape(report.problems.front()),
                       CaseStatusName(report.status),
                       Escape(Join(report.problems)),
                       element);
}

} // namespace

void
WriteJunit(std::ostream& out, const std::string& suite, const std::vector<CaseReport>& reports)
{
    size_t failures = 0;
    size_t errors = 0;
    double seconds = 0;
    for (const CaseReport& report : reports)
    {
        failures += report.status == CaseStatus::Fail;
        errors += report.status == CaseStatus::Malformed;
        seconds += report.seconds;
    }
    const std::string counts = fmt::format(R"(tests="{}" failures="{}" errors="{}" time="{:.3f}")",
                                           reports.size(),
                                           failures,
                                           errors,
                                           seconds);
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format("<testsuites name=\"{}\" {}>\n", Escape(suite), counts);
    out << fmt::format("  <testsuite name=\"{}\" {}>\n", Escape(suite), counts);
    for (const CaseReport& report : reports)
    {
        WriteCase(out, suite, report);
    }
    out << "  </testsuite>\n</testsuites>\n";
}

} // namespace vfp
