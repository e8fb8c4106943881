/*
 * offload-cache: how large must the NIC's flow table be for X% of packets in hardware?
 *
 *     flows (Zipf popularity)  --  packets at --packet-rate  -->  OffloadTable alone
 *                                                                 (hit: hardware;
 *                                                                  miss: offload it)
 *
 * A synthetic stream of packets over --flows distinct flows, flow k drawn with weight
 * 1 / (k + 1)^zipf, goes through the engine's NIC flow table (engine/nic/offload-table.h)
 * and nothing else: every packet is a lookup, and a lookup that misses (no entry, still
 * pending, or stale) asks for the flow to be offloaded, as the NIC model does on the first
 * miss. Packet i arrives at i / --packet-rate seconds, so the insert rate, the insert
 * latency and the idle timeout act in stream time. The answer is one JSON object
 * (docs/nic.md): the hit rate and what the table did to reach it.
 *
 *   build/bin/offload-cache --flows 100000 --zipf 1 --table-size 10000
 *   build/bin/offload-cache --table-size 1000 --eviction none --out result.json
 */
#include "command-line.h"
#include "engine/nic/offload-table.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

namespace po = boost::program_options;

namespace
{

/// The most flows: their cumulative weights take 8 bytes each.
constexpr int64_t MAX_FLOWS = 50'000'000;

/// The stream's seed for --seed @p seed and --run @p run: seed + (run - 1) * 2^64/phi
/// (mod 2^64), so run 1 is the seed itself and each run of a seed seeds its own engine
/// (mt19937_64's seeding scrambles neighbouring seeds into unrelated states).
uint64_t
StreamSeed(uint64_t seed, int64_t run)
{
    return seed + uint64_t(run - 1) * 0x9e3779b97f4a7c15u;
}

/// The unified flow key of flow @p index: a TCP connection from a distinct VM address and
/// port (10.0.0.0/8, ports 0..65535) to one server, 172.16.0.1:80.
vfp::UnifiedFlowKey
FlowKey(uint64_t index)
{
    vfp::HeaderStack stack;
    stack.count = 1;
    vfp::HeaderGroup& group = stack[0];
    group.hasEthernet = true;
    group.eth = vfp::EthernetHeader{0x00155d000001, 0x00155d0000fe, vfp::ETHER_TYPE_IPV4};
    group.hasIpv4 = true;
    group.ip.src = 0x0a000000u + uint32_t(index >> 16);
    group.ip.dst = 0xac100001u;
    group.ip.protocol = vfp::IP_PROTOCOL_TCP;
    group.l4 = vfp::L4Type::Tcp;
    group.transport.srcPort = uint16_t(index & 0xffff);
    group.transport.dstPort = 80;
    return vfp::MakeUnifiedFlowKey(vfp::Direction::Outbound, stack, false);
}

/**
 * Draws flow indices 0..flows-1 with weight 1 / (k + 1)^exponent by inverse CDF: a uniform
 * number in [0, 1) from std::mt19937_64 (whose output the standard fixes), scaled to the
 * total weight, found by binary search in the precomputed cumulative weights. std::
 * distributions are not used because their algorithms, and so their draws for a seed,
 * differ between standard libraries; this way a seed gives the same stream everywhere.
 */
class ZipfSampler
{
public:
    ZipfSampler(size_t flows, double exponent, uint64_t seed)
        : m_rng(seed)
    {
        m_cumulative.reserve(flows);
        double total = 0;
        for (size_t k = 0; k < flows; ++k)
        {
            total += std::pow(double(k + 1), -exponent);
            m_cumulative.push_back(total);
        }
    }

    size_t Next()
    {
        const double uniform = double(m_rng() >> 11) * 0x1.0p-53; // 53 random bits
        const double target = uniform * m_cumulative.back();
        const auto it = std::upper_bound(m_cumulative.begin(), m_cumulative.end(), target);
        return std::min<size_t>(it - m_cumulative.begin(), m_cumulative.size() - 1);
    }

private:
    std::mt19937_64 m_rng;
    std::vector<double> m_cumulative; //!< weight of flows 0..k
};

/// The error for option @p option, or nothing when @p ok.
std::optional<std::string>
Refuse(bool ok, const char* option, const std::string& expected, const std::string& got)
{
    if (ok)
    {
        return std::nullopt;
    }
    return fmt::format("--{}: expected {}, got {}", option, expected, got);
}

/// A whole number from @p lo, and to @p hi if it has one.
std::optional<std::string>
RequireCount(const char* option, int64_t value, int64_t lo, int64_t hi = INT64_MAX)
{
    return Refuse(value >= lo && value <= hi,
                  option,
                  hi == INT64_MAX ? fmt::format("a whole number >= {}", lo)
                                  : fmt::format("a whole number from {} to {}", lo, hi),
                  std::to_string(value));
}

/// A finite number, above zero if @p positive, else not negative.
std::optional<std::string>
RequireFinite(const char* option, double value, bool positive)
{
    return Refuse(std::isfinite(value) && (positive ? value > 0 : value >= 0),
                  option,
                  positive ? "a finite number > 0" : "a finite number >= 0",
                  fmt::format("{}", value));
}

} // namespace

int
main(int argc, char** argv)
{
    const vfp::OffloadTableConfig defaults;
    int64_t flows = 100'000;
    double zipf = 1.0;
    int64_t packets = 1'000'000;
    uint64_t seed = 1;
    int64_t run = 1;
    int64_t tableSize = int64_t(defaults.capacity);
    std::optional<int64_t> fastSize;
    std::string eviction{vfp::OffloadEvictionName(defaults.eviction)};
    double insertLatency = defaults.insertLatency;
    double insertRate = defaults.maxInsertRate;
    int64_t maxBacklog = int64_t(defaults.maxBacklog);
    double idleTimeout = defaults.idleTimeout;
    double packetRate = 1e6;
    double policyInterval = 0;
    std::string out;
    const std::string fastHelp = fmt::format(
        "entries of the fast tier (default {}, or --table-size if smaller)", defaults.fastCapacity);
    po::options_description options(
        "offload-cache: a packet stream through the NIC's flow table alone\n\nOptions");
    options.add_options()("help,h", "print this help")(
        "flows", po::value(&flows)->default_value(flows), "distinct flows in the stream")(
        "zipf",
        po::value(&zipf)->default_value(zipf),
        "flow popularity: flow k has weight 1/(k+1)^S (0: uniform)")(
        "packets", po::value(&packets)->default_value(packets), "packets in the stream")(
        "seed", po::value(&seed)->default_value(seed), "random seed (the stream)")(
        "run",
        po::value(&run)->default_value(run),
        "run number: an independent stream of the same seed")(
        "table-size",
        po::value(&tableSize)->default_value(tableSize),
        "entries the table holds, both tiers")(
        "fast-size",
        po::value<int64_t>()->notifier([&](int64_t value) { fastSize = value; }),
        fastHelp.c_str())("eviction",
                          po::value(&eviction)->default_value(eviction),
                          "a full table's policy: lru or none")(
        "insert-latency",
        po::value(&insertLatency)->default_value(insertLatency, fmt::format("{}", insertLatency)),
        "seconds from an insert's service to its entry's visibility")(
        "insert-rate",
        po::value(&insertRate)->default_value(insertRate),
        "inserts per second the table serves (0: no limit)")(
        "max-backlog",
        po::value(&maxBacklog)->default_value(maxBacklog),
        "pending inserts at most, beyond which inserts fail (0: no limit)")(
        "idle-timeout",
        po::value(&idleTimeout)->default_value(idleTimeout),
        "seconds without a hit before an entry expires (0: never)")(
        "packet-rate",
        po::value(&packetRate)->default_value(packetRate),
        "packets per second: packet i arrives at i / rate")(
        "policy-change-interval",
        po::value(&policyInterval)->default_value(policyInterval),
        "seconds between policy changes, each invalidating every entry (0: none)")(
        "out", po::value(&out), "also write the JSON here");
    if (std::optional<int> status = vfp::ParseCommandLine(argc, argv, "offload-cache", options))
    {
        return *status;
    }
    const int64_t fast = fastSize.value_or(std::min(int64_t(defaults.fastCapacity), tableSize));
    const std::optional<vfp::OffloadEviction> policy = vfp::ParseOffloadEviction(eviction);
    for (const std::optional<std::string>& error :
         {RequireCount("flows", flows, 1, MAX_FLOWS),
          RequireFinite("zipf", zipf, false),
          RequireCount("packets", packets, 1),
          RequireCount("run", run, 1),
          RequireCount("table-size", tableSize, 1),
          RequireCount("fast-size", fast, 0, std::max<int64_t>(tableSize, 0)),
          Refuse(policy.has_value(), "eviction", "lru or none", '"' + eviction + '"'),
          RequireFinite("insert-latency", insertLatency, false),
          RequireFinite("insert-rate", insertRate, false),
          RequireCount("max-backlog", maxBacklog, 0),
          RequireFinite("idle-timeout", idleTimeout, false),
          RequireFinite("packet-rate", packetRate, true),
          RequireFinite("policy-change-interval", policyInterval, false)})
    {
        if (error)
        {
            std::cerr << "offload-cache: " << *error << "\n";
            return 2;
        }
    }
    std::ofstream outFile;
    if (!out.empty())
    {
        outFile.open(out);
        if (!outFile)
        {
            std::cerr << fmt::format("offload-cache: --out: cannot write {}\n", out);
            return 2;
        }
    }

    vfp::OffloadTableConfig config = defaults;
    config.capacity = size_t(tableSize);
    config.fastCapacity = size_t(fast);
    config.insertLatency = insertLatency;
    config.maxInsertRate = insertRate;
    config.maxBacklog = size_t(maxBacklog);
    config.idleTimeout = idleTimeout;
    config.eviction = *policy;
    vfp::OffloadTable table(config);
    ZipfSampler sampler(size_t(flows), zipf, StreamSeed(seed, run));
    std::vector<bool> seen(static_cast<size_t>(flows));
    uint64_t flowsSeen = 0;
    size_t entriesMax = 0;
    for (int64_t i = 0; i < packets; ++i)
    {
        const double now = double(i) / packetRate;
        const uint64_t generation = policyInterval > 0 ? uint64_t(now / policyInterval) : 0;
        const size_t flow = sampler.Next();
        flowsSeen += !seen[flow];
        seen[flow] = true;
        const vfp::UnifiedFlowKey key = FlowKey(flow);
        table.Expire(now);
        if (!table.Lookup(key, generation, now).Hit())
        {
            vfp::OffloadEntry entry;
            entry.generation = generation;
            table.Insert(key, entry, now);
        }
        entriesMax = std::max(entriesMax, table.Entries());
    }

    const vfp::OffloadCounters& c = table.Counters();
    const uint64_t hits = c.fastHits + c.largeHits;
    nlohmann::ordered_json result{
        {"packets", packets},
        {"flows_seen", flowsSeen},
        {"hits", hits},
        {"hit_rate", double(hits) / double(packets)},
        {"fast_hit_rate", double(c.fastHits) / double(packets)},
        {"misses", c.misses + c.stale},
        {"pending_misses", c.pendingMisses},
        {"stale", c.stale},
        {"inserts", c.inserts},
        {"coalesced", c.coalesced},
        {"installed", c.installed},
        {"insert_failures", c.insertFailuresFull + c.insertFailuresBacklog},
        {"insert_failures_full", c.insertFailuresFull},
        {"insert_failures_backlog", c.insertFailuresBacklog},
        {"evictions", c.evictions},
        {"expirations", c.expirations},
        {"promotions", c.promotions},
        {"table_entries_max", entriesMax},
        {"table_entries_end", table.Entries()},
        {"insert_backlog_max", c.backlogMax},
        {"options",
         {{"flows", flows},
          {"zipf", zipf},
          {"packets", packets},
          {"seed", seed},
          {"run", run},
          {"table_size", tableSize},
          {"fast_size", fast},
          {"eviction", eviction},
          {"insert_latency", insertLatency},
          {"insert_rate", insertRate},
          {"max_backlog", maxBacklog},
          {"idle_timeout", idleTimeout},
          {"packet_rate", packetRate},
          {"policy_change_interval", policyInterval}}}};
    std::cout << result.dump(2) << "\n";
    if (outFile.is_open())
    {
        outFile << result.dump(2) << "\n";
    }
    return 0;
}
