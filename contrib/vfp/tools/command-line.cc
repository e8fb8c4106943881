#include "command-line.h"

#include <iostream>

namespace vfp
{

std::optional<int>
ParseCommandLine(int argc,
                 char** argv,
                 const std::string& program,
                 const boost::program_options::options_description& options,
                 const boost::program_options::positional_options_description* positional)
{
    namespace po = boost::program_options;
    po::variables_map args;
    try
    {
        po::command_line_parser parser(argc, argv);
        parser.options(options);
        if (positional != nullptr)
        {
            parser.positional(*positional);
        }
        po::store(parser.run(), args);
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
