/*
 * Fuzz target: the datacenter scenario's traffic file reader (--traffic), on a datacenter
 * of 64 VMs in 2 tenants and 1 s of traffic. Its documented refusal is
 * std::invalid_argument ("FILE:LINE: field: ..."); a flow it accepts must be within the
 * bounds. Seeds: the .jsonl files of tests/scenario/traffic.
 */
#include "fuzz-target.h"
#include "traffic-file.h"

#include <sstream>
#include <stdexcept>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const ns3::TrafficBounds bounds{64, [](uint32_t vm) { return vm % 2; }, 1.0};
    std::istringstream in(vfp::fuzz::Text(data, size));
    try
    {
        for (const ns3::TrafficFlow& flow : ns3::ReadTrafficFile(in, "input", bounds))
        {
            if (flow.src >= bounds.vms || flow.dst >= bounds.vms || flow.src % 2 != flow.dst % 2 ||
                !(flow.start >= 0 && flow.start < bounds.duration) || flow.bytes == 0)
            {
                vfp::fuzz::Fail("a flow out of bounds was accepted");
            }
        }
    }
    catch (const std::invalid_argument&)
    {
        // the datacenter stops here with exit status 2
    }
    return 0;
}
