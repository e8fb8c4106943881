/*
 * Fuzz target: the event reader of vfp-trace (events.jsonl: packets with their header
 * lists, and policy operations), run line by line on a fresh switch with the Figure 4
 * policy, as `vfp-trace --policy examples/figure4/policy.json --events INPUT` would.
 * Seeds: examples/figure4/events.jsonl and tests/policy/<case>/events.jsonl.
 */
#include "engine/diagnostics/trace-runner.h"
#include "engine/format/policy-json.h"
#include "fuzz-target.h"

#include <sstream>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const vfp::PolicySpec POLICY = vfp::LoadPolicyFile(VFP_FUZZ_FIGURE4_POLICY);
    vfp::Switch vswitch(POLICY);
    vfp::TraceRunner runner(vswitch);
    std::istringstream events(vfp::fuzz::Text(data, size));
    std::string text;
    size_t line = 0;
    try
    {
        while (std::getline(events, text))
        {
            ++line;
            runner.Run(vfp::ParseJsonText(text, "events"), line);
        }
    }
    catch (const vfp::PolicyError&)
    {
        // vfp-trace stops here with exit status 2
    }
    return 0;
}
