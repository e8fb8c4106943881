/*
 * Running the project's command-line tools from a test: exit status, standard output and
 * standard error, through files of the running test's own (CTest runs tests in parallel).
 */
#ifndef VFP_TEST_CLI_RUN_H
#define VFP_TEST_CLI_RUN_H

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace vfp::test
{

/// What a command did.
struct CliRun
{
    int status;      //!< its exit status
    std::string out; //!< standard output
    std::string err; //!< standard error
};

inline std::string
Slurp(const std::string& file)
{
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// A temporary path named after the running test and @p name.
inline std::string
TempFile(const std::string& name)
{
    const auto* test = testing::UnitTest::GetInstance()->current_test_info();
    return testing::TempDir() + "vfp-cli-" + test->test_suite_name() + "-" + test->name() + "-" +
           name;
}

/// Runs @p binary with @p args (a shell command line's arguments).
inline CliRun
RunCli(const std::string& binary, const std::string& args)
{
    const std::string out = TempFile("stdout");
    const std::string err = TempFile("stderr");
    const std::string command = binary + " " + args + " >" + out + " 2>" + err;
    const int status = std::system(command.c_str());
    return CliRun{WEXITSTATUS(status), Slurp(out), Slurp(err)};
}

/// Writes @p text to a temporary file named after @p name; returns its path.
inline std::string
WriteFile(const std::string& name, const std::string& text)
{
    const std::string file = TempFile(name);
    std::ofstream(file) << text;
    return file;
}

} // namespace vfp::test

#endif
