/*
 * The diagnostic path of paper §8.3 as an event interpreter: packets and policy
 * operations run in order on one switch, so stateful behaviour over a sequence shows.
 * For each packet it reports the verdict, what matched in every layer, the composed
 * transposition, the headers after processing and the counters the packet touched.
 * vfp-trace is a thin command around it; the policy regression tests drive it directly.
 *
 * Each packet line also says how it went: "uft": "hit" (the fast path: no layer ran, so
 * "layers" is empty), "miss", "reconciled" or "off", and "tcp": its connection's state.
 *
 * Packets a resource holds (mapping miss or port exhaustion with the hold policy) wait
 * in a queue and are processed again, in arrival order, after each later operation on
 * their port; their lines carry "retry_of".
 */
#ifndef VFP_ENGINE_TRACE_RUNNER_H
#define VFP_ENGINE_TRACE_RUNNER_H

#include "../format/json-reader.h"
#include "../pipeline/switch.h"

#include <functional>
#include <istream>
#include <vector>

namespace vfp
{

class TraceRunner
{
public:
    explicit TraceRunner(Switch& vswitch);

    /**
     * Runs one event (a packet or an operation, see docs/policy-format.md).
     * @param line the event's line number, echoed in the output
     * @return the output lines: one for the event, plus one per held packet retried
     * @throws PolicyError naming the field when the event is malformed or refused
     */
    std::vector<Json> Run(const Json& event, size_t line);

private:
    struct HeldPacket
    {
        size_t line;         //!< the event that brought it
        std::string port;    //!< where it waits
        Direction direction; //!< its direction
        HeaderStack packet;  //!< as it arrived
    };

    Json RunPacket(ObjectReader& event, size_t line);
    Json Process(
        Port& port, Direction direction, const HeaderStack& packet, bool simulate, size_t line);
    Json RunOperation(ObjectReader& event, const std::string& op, size_t line);
    void ReadTime(ObjectReader& event);
    Port& ReadPort(ObjectReader& event);
    void RetryHeld(const std::string& port, std::vector<Json>& output);

    Switch& m_switch;               //!< the switch the events run on
    double m_now = 0;               //!< the latest event time (seconds)
    std::vector<HeldPacket> m_held; //!< packets waiting for a resource
};

/**
 * Runs every line of the event stream @p events on @p runner (blank lines are skipped and
 * keep the numbering) and hands each output line to @p sink, in order.
 * @param source the stream's name in error messages (its file)
 * @return the number of lines read
 * @throws PolicyError "<source>:<line>: <reason>" at the first bad event; the lines before
 *         it have reached @p sink
 */
size_t RunEventStream(TraceRunner& runner,
                      std::istream& events,
                      const std::string& source,
                      const std::function<void(const Json&)>& sink);

} // namespace vfp

#endif
