/*
 * The pipeline's counters (paper §8.3): per port, per layer and per rule, plus named
 * meters that `meter` actions feed. Plain integers, updated only by the data path and
 * never by diagnostics (Simulate).
 */
#ifndef VFP_ENGINE_COUNTERS_H
#define VFP_ENGINE_COUNTERS_H

#include "../policy/policy-spec.h"

#include <array>
#include <cstdint>
#include <string_view>

namespace vfp
{

struct PacketByteCounter
{
    uint64_t packets = 0; //!< packets counted
    uint64_t bytes = 0;   //!< their bytes, frame length at the point of counting

    void Count(uint32_t frameBytes)
    {
        ++packets;
        bytes += frameBytes;
    }
};

/// Why the pipeline dropped a packet; every drop has exactly one.
enum class DropReason : uint8_t
{
    RuleBlock,          //!< a rule with a block action was selected
    DefaultBlock,       //!< no rule was selected and the layer's default is block
    MappingMiss,        //!< an encap rule's mapping resource had no entry (drop policy)
    PortsExhausted,     //!< a SNAT range list had no free port (drop policy)
    DecapWithoutTunnel, //!< a decap rule met a packet that carries no tunnel
    ActionMismatch,     //!< the action needs a header the packet lacks
    ConnectionLimit,    //!< a new connection, and the port tracks its maximum already
};
constexpr size_t DROP_REASON_COUNT = 7;
std::string_view DropReasonName(DropReason reason);

template<typename T>
using PerDirection = std::array<T, DIRECTION_COUNT>;

struct PortCounters
{
    PerDirection<PacketByteCounter> received; //!< packets handed to the pipeline
    PerDirection<PacketByteCounter> allowed;  //!< packets that came out
    PerDirection<PacketByteCounter> held;     //!< packets handed back to wait for a resource
    PerDirection<std::array<uint64_t, DROP_REASON_COUNT>> drops{}; //!< by reason
    uint64_t eventsRaised = 0;                                     //!< resource events raised
};

struct LayerCounters
{
    PerDirection<uint64_t> packets{};     //!< packets that entered the layer
    PerDirection<uint64_t> flowHits{};    //!< packets that took a layer flow
    PerDirection<uint64_t> ruleMatches{}; //!< packets that selected a rule
    PerDirection<uint64_t> defaultHits{}; //!< packets that took the default action
    PerDirection<uint64_t> drops{};       //!< packets dropped here
    uint64_t flowsCreated = 0;            //!< flow pairs created by stateful rules
    uint64_t flowsExpired = 0;            //!< flow pairs removed by idle time-out
    uint64_t flowsFlushed = 0;            //!< flow pairs removed with their rule
};

} // namespace vfp

#endif
