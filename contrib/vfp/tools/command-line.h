/*
 * The command-line handling every program of the project shares (vfp-trace, the
 * scenarios): Boost.Program_options parsing, --help, and errors that name the program.
 */
#ifndef VFP_COMMAND_LINE_H
#define VFP_COMMAND_LINE_H

#include <boost/program_options.hpp>
#include <optional>
#include <string>

namespace vfp
{

/**
 * Parses @p argv into the variables @p options is bound to (it must have a "help" option).
 * @param positional which options take the arguments that name none (null: none may)
 * @return nothing when the program should go on; otherwise the status to exit with:
 *         0 after printing --help, 2 after an error (printed to stderr with the usage)
 */
std::optional<int> ParseCommandLine(
    int argc,
    char** argv,
    const std::string& program,
    const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description* positional = nullptr);

} // namespace vfp

#endif
