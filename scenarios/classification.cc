/*
 * classification: how fast a VFP group classifies a rule set, against linear search.
 *
 *     rule set (generated ClassBench-style, or a ClassBench file)
 *          |
 *     one priority group  --  packets (a share built to hit rules)  -->  selected rule
 *
 * The question (paper §6.5, Figure 9): how many lookups per second does the group's
 * classifier do for this rule set, how much faster is it than linear search, what does
 * it cost in memory, and where did the heuristic put the rules? Both classifiers must
 * select the same rule for every packet; the program checks that and says so.
 *
 *   build/bin/classification --profile fw --rules 10000
 *   build/bin/classification --classbench-file acl1_10k --packets 200000 --out result.json
 */
#include "command-line.h"
#include "engine/classifier/group-classifier.h"
#include "engine/workload/classbench.h"

#include <chrono>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

namespace po = boost::program_options;

namespace
{

/// Lookups per second of @p find over @p packets, repeated until at least 0.2 s passed.
template<typename Find>
double
Rate(const std::vector<vfp::PacketFields>& packets, Find&& find)
{
    using Clock = std::chrono::steady_clock;
    size_t lookups = 0;
    const auto start = Clock::now();
    double seconds = 0;
    do
    {
        for (const vfp::PacketFields& packet : packets)
        {
            volatile vfp::Rule* selected = find(packet);
            (void)selected;
        }
        lookups += packets.size();
        seconds = std::chrono::duration<double>(Clock::now() - start).count();
    } while (seconds < 0.2);
    return lookups / seconds;
}

} // namespace

int
main(int argc, char** argv)
{
    std::string profileName = "acl";
    std::string file;
    std::string out;
    size_t count = 10000;
    size_t packetCount = 100000;
    double hitFraction = 0.9;
    uint64_t seed = 2017;
    po::options_description options(
        "classification: a VFP group's classifier against linear search\n\nOptions");
    options.add_options()("help,h",
                          "print this help")("profile",
                                             po::value(&profileName)->default_value(profileName),
                                             "generated rule set: acl, fw or ipc")(
        "rules", po::value(&count)->default_value(count), "rules to generate")(
        "classbench-file",
        po::value(&file),
        "read the rules from a ClassBench file instead of generating them")(
        "packets", po::value(&packetCount)->default_value(packetCount), "packets to classify")(
        "hit-fraction",
        po::value(&hitFraction)->default_value(hitFraction),
        "share of packets built to hit a rule")(
        "seed", po::value(&seed)->default_value(seed), "random seed (rules and packets)")(
        "out", po::value(&out), "also write the results as JSON here");
    if (std::optional<int> status = vfp::ParseCommandLine(argc, argv, "classification", options))
    {
        return *status;
    }
    auto profile = vfp::ParseClassBenchProfile(profileName);
    if (!profile || hitFraction < 0 || hitFraction > 1)
    {
        std::cerr << (profile
                          ? "classification: --hit-fraction must be between 0 and 1\n"
                          : fmt::format(
                                "classification: --profile: expected acl, fw or ipc, got \"{}\"\n",
                                profileName));
        return 2;
    }

    std::vector<vfp::ClassBenchRule> rules;
    try
    {
        if (file.empty())
        {
            rules = vfp::GenerateClassBenchRules(*profile, count, seed);
        }
        else
        {
            std::ifstream in(file);
            if (!in)
            {
                std::cerr << fmt::format("classification: {}: cannot open\n", file);
                return 2;
            }
            rules = vfp::ReadClassBench(in, file);
        }
    }
    catch (const vfp::PolicyError& error)
    {
        std::cerr << "classification: " << error.what() << "\n";
        return 2;
    }
    std::cerr << fmt::format("classification: {} rules from {}, {} packets\n",
                             rules.size(),
                             file.empty() ? "the " + profileName + " generator" : file,
                             packetCount);

    vfp::ResourceSet resources;
    std::map<std::string, vfp::PacketByteCounter> meters;
    std::vector<std::unique_ptr<vfp::Rule>> owned;
    std::vector<vfp::Rule*> pointers;
    uint64_t sequence = 0;
    for (const vfp::RuleSpec& spec : vfp::ToRuleSpecs(rules, vfp::ActionSpec{}))
    {
        owned.push_back(std::make_unique<vfp::Rule>(
            spec, vfp::RuleAction(spec.action, false, resources, meters, spec.id), sequence++));
        pointers.push_back(owned.back().get());
    }
    const auto buildStart = std::chrono::steady_clock::now();
    vfp::GroupClassifier classifier(vfp::GroupType::Priority, vfp::ConditionType::DstIp);
    classifier.Build(pointers);
    const double buildSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - buildStart).count();
    vfp::ListClassifier linear;
    for (vfp::Rule* rule : pointers)
    {
        linear.Insert(rule, nullptr);
    }

    const std::vector<vfp::HeaderStack> stacks =
        vfp::GenerateClassBenchPackets(rules, packetCount, hitFraction, seed + 1);
    std::vector<vfp::PacketFields> packets;
    packets.reserve(stacks.size());
    for (const vfp::HeaderStack& stack : stacks)
    {
        packets.emplace_back(stack);
    }
    size_t disagreements = 0;
    size_t matched = 0;
    for (const vfp::PacketFields& packet : packets)
    {
        vfp::Rule* fast = classifier.Lookup(packet, nullptr);
        disagreements += fast != linear.Lookup(packet, nullptr);
        matched += fast != nullptr;
    }
    const double fastRate =
        Rate(packets, [&](const vfp::PacketFields& p) { return classifier.Lookup(p, nullptr); });
    const double linearRate =
        Rate(packets, [&](const vfp::PacketFields& p) { return linear.Lookup(p, nullptr); });

    nlohmann::ordered_json result{{"rules", rules.size()},
                                  {"packets", packets.size()},
                                  {"matched", matched},
                                  {"disagreements", disagreements},
                                  {"classifier_lookups_per_second", fastRate},
                                  {"linear_lookups_per_second", linearRate},
                                  {"speedup", fastRate / linearRate},
                                  {"build_seconds", buildSeconds}};
    size_t memory = 0;
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();
    for (const auto& part : classifier.Describe())
    {
        memory += part.memoryBytes;
        parts.push_back(
            {{"kind", vfp::ClassifierKindName(part.kind)},
             {"condition",
              part.kind == vfp::ClassifierKind::List ? "" : vfp::ConditionTypeName(part.type)},
             {"rules", part.rules}});
    }
    result["bytes_per_rule"] = double(memory) / std::max<size_t>(1, rules.size());
    result["placement"] = parts;

    std::cout << fmt::format("rules {}  packets {}  matched {}  disagreements {}\n",
                             rules.size(),
                             packets.size(),
                             matched,
                             disagreements);
    std::cout << fmt::format("classifier {:.0f} lookups/s ({:.0f} ns)  linear {:.0f} lookups/s "
                             "({:.0f} ns)  speed-up {:.1f}x\n",
                             fastRate,
                             1e9 / fastRate,
                             linearRate,
                             1e9 / linearRate,
                             fastRate / linearRate);
    std::cout << fmt::format("memory {:.0f} bytes per rule, group built in {:.1f} ms\n",
                             double(memory) / rules.size(),
                             buildSeconds * 1e3);
    for (const auto& part : parts)
    {
        std::cout << fmt::format("  {:<14} {:<10} {} rules\n",
                                 part["kind"].get<std::string>(),
                                 part["condition"].get<std::string>(),
                                 part["rules"].get<size_t>());
    }
    if (!out.empty())
    {
        std::ofstream(out) << result.dump(2) << "\n";
    }
    if (disagreements > 0)
    {
        std::cerr << "classification: the classifier and linear search disagreed: a bug\n";
        return 1;
    }
    return 0;
}
