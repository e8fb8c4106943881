/*
 * Fuzz target: the datacenter scenario's event file reader (--events), on a datacenter of
 * 8 VMs in 2 tenants, links host0, host1 and tor0-agg0, the built-in layer "acl" and 1 s of
 * traffic; relative policy paths start at tests/fuzz/event-policies/. Its documented
 * refusal is std::invalid_argument ("FILE:LINE: field: ..."); the events it accepts must
 * be in bounds and in time order. Seeds: tests/fuzz/corpus/event-file/.
 */
#include "event-file.h"
#include "fuzz-target.h"

#include <sstream>
#include <stdexcept>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    ns3::EventBounds bounds;
    bounds.vms = 8;
    bounds.tenants = 2;
    bounds.links = {"host0", "host1", "tor0-agg0"};
    bounds.layers = {"acl"};
    bounds.duration = 1.0;
    bounds.policyDirectory = std::string(VFP_FUZZ_DIR) + "/event-policies";
    std::istringstream in(vfp::fuzz::Text(data, size));
    try
    {
        double last = 0;
        for (const ns3::ScenarioEvent& event : ns3::ReadEventFile(in, "input", bounds))
        {
            if (event.time < last || event.time >= bounds.duration ||
                (event.vm && *event.vm >= bounds.vms) ||
                (event.tenant && *event.tenant >= bounds.tenants))
            {
                vfp::fuzz::Fail("an event out of bounds or out of order was accepted");
            }
            last = event.time;
        }
    }
    catch (const std::invalid_argument&)
    {
        // the datacenter stops here with exit status 2
    }
    return 0;
}
