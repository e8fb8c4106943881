#include "command-line.h"

#include <iostream>

namespace vfp
{

std::optional<int>
ParseCommandLine(int argc,
                 char** argv,
                 const std::string& program,
                 const boost::program_options::options_description& options)
{
    namespace po = boost::program_options;
    po::variables_map args;
    try
    {
        po::store(po::parse_command_line(argc, argv, options), args);
        if (args.count("help"))
        {
            std::cout << options << "\n";
            return 0;
        }
        po::notify(args);
    }
    catch (const po::error& error)
    {
        std::cerr << program << ": " << error.what() << "\n\n" << options << "\n";
        return 2;
    }
    return std::nullopt;
}

} // namespace vfp
