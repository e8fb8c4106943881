#include "fuzz-target.h"

#include <cstdio>
#include <cstdlib>

namespace vfp::fuzz
{

void
Fail(const std::string& what)
{
    std::fprintf(stderr, "fuzz target invariant broken: %s\n", what.c_str());
    std::abort();
}

} // namespace vfp::fuzz
