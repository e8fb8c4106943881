/*
 * Fuzz target: the policy loader (policy JSON text to a switch), as vfp-trace and every
 * controller's policy file take it. Seeds: tests/policy/<case>/policy.json and
 * examples/figure4/policy.json.
 */
#include "engine/format/policy-json.h"
#include "engine/pipeline/switch.h"
#include "fuzz-target.h"

#include <optional>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::optional<vfp::PolicySpec> policy;
    try
    {
        policy = vfp::ReadPolicy(vfp::ParseJsonText(vfp::fuzz::Text(data, size), "policy"));
        vfp::Switch vswitch(*policy);
    }
    catch (const vfp::PolicyError&)
    {
        return 0; // refused with the documented error
    }
    // A policy that loads writes a document that reads back to itself.
    const vfp::Json written = vfp::WritePolicy(*policy);
    try
    {
        if (vfp::WritePolicy(vfp::ReadPolicy(written)) != written)
        {
            vfp::fuzz::Fail("a written policy reads back to another policy");
        }
    }
    catch (const vfp::PolicyError& error)
    {
        vfp::fuzz::Fail(std::string("a written policy is refused: ") + error.what());
    }
    return 0;
}
