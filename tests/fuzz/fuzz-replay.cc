/*
 * Replays fuzz inputs without libFuzzer: each argument is a file or a folder of files
 * (in name order), each file one input to LLVMFuzzerTestOneInput. CTest runs it over the
 * corpora, so an input that once broke a target keeps being checked in every build.
 */
#include "fuzz-target.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

namespace
{

std::vector<std::filesystem::path>
Inputs(const std::filesystem::path& argument)
{
    if (!std::filesystem::is_directory(argument))
    {
        return {argument};
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(argument))
    {
        if (entry.is_regular_file())
        {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

int
main(int argc, char** argv)
{
    size_t replayed = 0;
    for (int a = 1; a < argc; ++a)
    {
        for (const std::filesystem::path& file : Inputs(argv[a]))
        {
            std::ifstream in(file, std::ios::binary);
            if (!in)
            {
                std::cerr << file.string() << ": cannot open\n";
                return 1;
            }
            const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                             std::istreambuf_iterator<char>()};
            try
            {
                LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
            }
            catch (const std::exception& error)
            {
                std::cerr << file.string() << ": escaped as " << error.what() << "\n";
                return 1;
            }
            ++replayed;
        }
    }
    std::cout << replayed << " inputs replayed\n";
    return replayed > 0 ? 0 : 1;
}
