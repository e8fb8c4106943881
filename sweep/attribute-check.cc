/*
 * vfp-attribute-check: does each ns-3 attribute assignment Name=Value name a real attribute
 * of a type this project's programs know (ns-3's and the vfp module's), and does the value
 * fit its checker? vfp-sweep asks before any run, so that a misspelt "ns3::VfpHostCpu::Corez"
 * in a sweep spec is refused up front instead of failing every run of the grid.
 *
 *   vfp-attribute-check --attribute ns3::VfpHostCpu::Cores=2 [--attribute ...]
 *
 * Prints one line per assignment that does not fit, "Name=Value: reason", and exits 2 if
 * there is any; exits 0 (printing nothing) when every assignment fits. ns-3 aborts the
 * process on some malformed values (a uinteger given "x"), so each value is tried in a
 * child process of its own and an abort counts as "does not fit".
 */
#include "command-line.h"
#include "ns3/core-module.h"
#include "ns3/vfp-host-cpu.h"

#include <fcntl.h>
#include <iostream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("VfpAttributeCheck");

namespace
{

/**
 * Whether ns-3 takes @p value for the attribute @p name, tried in a child process (with its
 * stderr silenced) because ns-3 aborts on some malformed values instead of returning false.
 */
bool
ValueFits(const std::string& name, const std::string& value)
{
    std::cout.flush(); // or ns-3's abort, which flushes std::cout, would print it twice
    const pid_t child = fork();
    if (child == 0)
    {
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, STDERR_FILENO);
        _exit(Config::SetDefaultFailSafe(name, StringValue(value)) ? 0 : 1);
    }
    int status = 0;
    return child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

/**
 * Why @p assignment does not fit, or an empty string when it does.
 * @param assignment "ns3::Type::Attribute=Value"
 */
std::string
Misfit(const std::string& assignment)
{
    const size_t equals = assignment.find('=');
    const std::string name = assignment.substr(0, equals);
    const size_t split = name.rfind("::");
    if (equals == std::string::npos || split == std::string::npos || split == 0)
    {
        return "expected ns3::Type::Attribute=Value";
    }
    TypeId tid;
    if (!TypeId::LookupByNameFailSafe(name.substr(0, split), &tid))
    {
        return "no type " + name.substr(0, split);
    }
    TypeId::AttributeInformation info;
    if (!tid.LookupAttributeByName(name.substr(split + 2), &info))
    {
        return name.substr(0, split) + " has no attribute " + name.substr(split + 2);
    }
    if (!ValueFits(name, assignment.substr(equals + 1)))
    {
        return "the value does not fit (expected " + info.checker->GetUnderlyingTypeInformation() +
               ")";
    }
    return "";
}

} // namespace

int
main(int argc, char** argv)
{
    namespace po = boost::program_options;
    std::vector<std::string> assignments;
    po::options_description options(
        "vfp-attribute-check: do ns-3 attribute assignments fit (the vfp module's types "
        "included)?\nOptions");
    options.add_options()("help,h", "print this help")(
        "attribute",
        po::value(&assignments)->composing(),
        "Name=Value, e.g. ns3::VfpHostCpu::Cores=4 (repeatable)");
    if (const auto status = vfp::ParseCommandLine(argc, argv, "vfp-attribute-check", options))
    {
        return *status;
    }
    // Loads the vfp library, whose types register themselves, even under --as-needed linking.
    VfpHostCpu::GetTypeId();
    int status = 0;
    for (const std::string& assignment : assignments)
    {
        const std::string misfit = Misfit(assignment);
        if (!misfit.empty())
        {
            std::cout << assignment << ": " << misfit << "\n";
            status = 2;
        }
    }
    return status;
}
