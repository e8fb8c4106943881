/*
 * Fuzz target: state restore (PortState::Restore, paper §8.2) from a saved document's
 * text. A restored port must then process packets, expire its flows and save without
 * fault, whatever the document said: the free lists and handles it brought are used by
 * the next inserts. Seed: corpus/port-state/figure4.json, the Figure 4 port after its
 * whole event stream (kept current by the PortState.FuzzSeedIsTheFigure4State test).
 *
 * Structure-aware: under libFuzzer a custom mutator parses the document and changes one
 * value of it (a number, often into a slot index or one past it; a list shortened,
 * lengthened or with an item doubled; a field dropped or nulled), so mutations reach
 * the free lists and the list lengths instead of dying in the JSON syntax.
 */
#include "engine/format/headers-json.h"
#include "engine/format/policy-json.h"
#include "engine/format/port-state.h"
#include "fuzz-target.h"

#include <fstream>
#include <random>

namespace
{

struct Packet
{
    vfp::Direction direction;
    vfp::HeaderStack stack;
};

/// The Figure 4 event stream's packets for port vm1, to run on a restored port.
std::vector<Packet>
Figure4Packets()
{
    std::vector<Packet> packets;
    std::ifstream events(VFP_FUZZ_FIGURE4_EVENTS);
    std::string line;
    while (std::getline(events, line))
    {
        const vfp::Json event = vfp::ParseJsonText(line, "events");
        if (event.contains("headers") && event["port"] == "vm1")
        {
            packets.push_back(Packet{event["dir"] == "outbound" ? vfp::Direction::Outbound
                                                                : vfp::Direction::Inbound,
                                     vfp::ReadHeaderStack(event["headers"], "headers", 0)});
        }
    }
    return packets;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const std::vector<Packet> PACKETS = Figure4Packets();
    std::unique_ptr<vfp::Port> port;
    try
    {
        port = vfp::PortState::Restore(vfp::ParseJsonText(vfp::fuzz::Text(data, size), "state"));
    }
    catch (const vfp::PolicyError&)
    {
        return 0; // refused with the documented error
    }
    double now = 1000;
    for (const Packet& packet : PACKETS)
    {
        port->Process(packet.direction, packet.stack, now += 0.5);
    }
    port->ExpireFlows(now + 1e6);
    const vfp::Json saved = vfp::PortState::Save(*port);
    try
    {
        vfp::PortState::Restore(saved);
    }
    catch (const vfp::PolicyError& error)
    {
        vfp::fuzz::Fail(std::string("a saved state is refused: ") + error.what());
    }
    return 0;
}

#ifdef VFP_LIBFUZZER

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t maxSize);

namespace
{

/// Every value in @p value, depth first.
void
Collect(vfp::Json& value, std::vector<vfp::Json*>& out)
{
    out.push_back(&value);
    if (value.is_structured())
    {
        for (vfp::Json& child : value)
        {
            Collect(child, out);
        }
    }
}

/// Changes one value of @p document.
void
MutateOne(vfp::Json& document, std::minstd_rand& random)
{
    std::vector<vfp::Json*> values;
    Collect(document, values);
    vfp::Json& value = *values[random() % values.size()];
    switch (random() % 8)
    {
        case 0: // a small number: a slot index, a count, a direction, a port
            value = random() % 8;
            break;
        case 1: // a boundary
        {
            static const uint64_t BOUNDS[] = {0xff, 0xffff, UINT32_MAX, UINT64_MAX, 1ull << 32};
            value = BOUNDS[random() % std::size(BOUNDS)];
            break;
        }
        case 2: // one item fewer
            if (value.is_array() && !value.empty())
            {
                value.erase(random() % value.size());
            }
            else if (value.is_object() && !value.empty())
            {
                value.erase(std::next(value.begin(), random() % value.size()).key());
            }
            break;
        case 3: // an item twice
            if (value.is_array() && !value.empty())
            {
                value.push_back(value[random() % value.size()]);
            }
            break;
        case 4: // one item more: a slot number (free lists)
            if (value.is_array())
            {
                value.push_back(random() % 12);
            }
            break;
        case 5:
            value = nullptr;
            break;
        case 6:
            value = value.is_boolean() ? vfp::Json(!value.get<bool>()) : vfp::Json(-1);
            break;
        default:
            value = "x";
            break;
    }
}

} // namespace

extern "C" size_t
LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t maxSize, unsigned int seed)
{
    vfp::Json document = vfp::Json::parse(data, data + size, nullptr, false);
    if (document.is_discarded())
    {
        return LLVMFuzzerMutate(data, size, maxSize);
    }
    std::minstd_rand random(seed);
    for (unsigned changes = 1 + random() % 3; changes > 0; --changes)
    {
        MutateOne(document, random);
    }
    const std::string text = document.dump();
    if (text.size() > maxSize)
    {
        return LLVMFuzzerMutate(data, size, maxSize);
    }
    std::copy(text.begin(), text.end(), data);
    return text.size();
}

#endif
