/*
 * vfp-trace: the VFP diagnostic path (paper §8.3) as a command.
 *
 *   vfp-trace --policy P.json --events E.jsonl [--out R.jsonl]
 *
 * Loads a policy onto one switch, then runs the event stream in order: each line is a
 * packet (processed through its port's layers) or a policy operation. For every packet it
 * writes one JSON line: verdict, drop reason, what matched in each layer, the composed
 * header transposition, the headers after processing and the counters touched. Input
 * errors name the file, line and field, and stop the run with exit status 2; the lines
 * already written stay written.
 */
#include "command-line.h"
#include "engine/diagnostics/trace-runner.h"
#include "engine/format/policy-json.h"

#include <fmt/format.h>
#include <fstream>
#include <iostream>

namespace po = boost::program_options;

int
main(int argc, char** argv)
{
    std::string policyFile;
    std::string eventsFile;
    std::string outFile;
    std::string uft = "on";
    po::options_description options(
        "vfp-trace: run packets and policy operations through a VFP switch\n\n"
        "Options");
    options.add_options()("help,h", "print this help")(
        "policy", po::value(&policyFile)->required(), "policy JSON file (docs/policy-format.md)")(
        "events",
        po::value(&eventsFile)->required(),
        "event stream, one JSON object per line: a packet or a policy operation")(
        "out", po::value(&outFile), "write the result lines here instead of standard output")(
        "uft",
        po::value(&uft)->default_value("on"),
        "unified flow table: on (the fast path caches flows) or off (every packet takes the "
        "slow path through the layers)");
    if (std::optional<int> status = vfp::ParseCommandLine(argc, argv, "vfp-trace", options))
    {
        return *status;
    }

    std::ofstream outStream;
    if (!outFile.empty())
    {
        outStream.open(outFile);
        if (!outStream)
        {
            std::cerr << fmt::format("vfp-trace: {}: cannot open for writing\n", outFile);
            return 2;
        }
    }
    std::ostream& out = outFile.empty() ? std::cout : outStream;

    if (uft != "on" && uft != "off")
    {
        std::cerr << fmt::format("vfp-trace: --uft: expected on or off, got \"{}\"\n", uft);
        return 2;
    }
    vfp::PortConfig config;
    config.uftEnabled = uft == "on";
    std::unique_ptr<vfp::Switch> vswitch;
    try
    {
        vswitch = std::make_unique<vfp::Switch>(vfp::LoadPolicyFile(policyFile), config);
    }
    catch (const vfp::PolicyError& error)
    {
        std::cerr << "vfp-trace: " << error.what() << "\n";
        return 2;
    }

    std::ifstream events(eventsFile);
    if (!events)
    {
        std::cerr << fmt::format("vfp-trace: {}: cannot open the event file\n", eventsFile);
        return 2;
    }
    vfp::TraceRunner runner(*vswitch);
    size_t lines = 0;
    size_t packets = 0;
    try
    {
        lines = vfp::RunEventStream(runner,
                                    events,
                                    eventsFile,
                                    [&out, &packets](const vfp::Json& result)
                                    {
                                        out << result.dump() << "\n";
                                        packets += result.contains("verdict");
                                    });
    }
    catch (const vfp::PolicyError& error)
    {
        out.flush();
        std::cerr << "vfp-trace: " << error.what() << "\n";
        return 2;
    }
    out.flush();
    std::cerr << fmt::format("vfp-trace: {} events, {} packet results\n", lines, packets);
    return 0;
}
