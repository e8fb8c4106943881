/*
 * ScenarioEvents: the datacenter scenario's --events. It reads an event file
 * (event-file.h) against the datacenter that was built, schedules every event at the
 * traffic's start plus its time, applies it when it comes and records what it did, for
 * metrics.json's "events" (docs/datacenter.md "Events"):
 *
 *   set_policy, remove_layer  through a UserPolicyController of its own, on a controller
 *                             node of its own, after ProgrammingLatency as every change;
 *                             the record says how many ports it reached, the layers
 *                             changed and replaced, and when the last port landed
 *   link_down, link_up        VfpDatacenterHelper::SetLinkUp: the cable is cut or mended
 *                             and the fabric's routes are computed again at once
 *   directory_down, _up       VnetDirectory::SetAvailable: lookups go unanswered
 *   tor_down, tor_up          VfpDatacenterHelper::SetTorUp: every link of the ToR
 *   mux_down, mux_up          VfpDatacenterHelper::SetMuxUp: the Mux's link and route
 *   nic_full, nic_free        VfpProgrammableNic::SetFull: the host's NIC refuses
 *                             offloads (its flows stay in software), then takes them again
 *   controller_restart        VfpController::Restart: its layers re-synced
 *   syn_flood                 a SynFlood application on the VM, for its duration
 *   snat_storm                a RequestResponseClient on a DIP to the outside servers
 *   set_qos                   QosController::SetPortQos: the VM's caps, reservation, weight
 *
 * A new op adds its parser to event-file.cc and its applier here (ApplierOf).
 */
#ifndef VFP_SCENARIO_EVENTS_H
#define VFP_SCENARIO_EVENTS_H

#include "event-file.h"
#include "ns3/nstime.h"
#include "request-response-client.h"
#include "syn-flood.h"
#include "vfp-datacenter-helper.h"

#include <nlohmann/json.hpp>

namespace ns3
{

class ScenarioEvents
{
public:
    /**
     * Reads @p path against @p dc (its VMs, tenants, links and built-in layers; times
     * before @p duration) and schedules its events from @p start on; random streams
     * (syn_flood's source ports, snat_storm's arrivals) are taken from @p stream on.
     * @throws std::invalid_argument "FILE:LINE: field: what was expected", also for a
     *         policy, VNET or directory event on the bridge baseline and for a set_policy
     *         layer that takes a built-in layer's priority under another name
     */
    ScenarioEvents(VfpDatacenterHelper::Datacenter& dc,
                   const std::string& path,
                   Time start,
                   double duration,
                   int64_t& stream);
    ScenarioEvents(const ScenarioEvents&) = delete;
    ScenarioEvents& operator=(const ScenarioEvents&) = delete;

    /// One object per event, in the order they apply: what it did so far.
    nlohmann::json Summary() const;
    /// Changes the switches refused while the events applied (each also on stderr).
    uint32_t GetRefused() const { return m_refused; }

private:
    /// What one event did.
    struct Record
    {
        Time appliedAt = Seconds(-1);           //!< when it applied (negative: not yet)
        uint32_t ports = 0;                     //!< policy ops: ports it was sent to
        uint32_t landed = 0;                    //!< of those, ports where it landed
        uint32_t changed = 0;                   //!< layers created (set_policy) or deleted
        uint32_t replaced = 0;                  //!< set_policy: of those created, replacements;
                                                //!< controller_restart: layers programmed anew
        uint32_t kept = 0;                      //!< controller_restart: layers found in sync
        Time landedAt = Seconds(-1);            //!< when the last port landed
        std::vector<std::string> refused;       //!< the switches' reasons, per refusing port
        size_t routes = 0;                      //!< link and ToR ops: fabric routes after it
        Ptr<SynFlood> flood;                    //!< syn_flood: the flooding application
        uint64_t completed = 0;                 //!< snat_storm: connections completed
        std::map<std::string, uint64_t> failed; //!< snat_storm: failed, by reason
    };
    using Applier = void (ScenarioEvents::*)(size_t index);

    /// What the events may name in the datacenter.
    EventBounds BoundsOf(double duration) const;
    /// Refuses what the event reader cannot know: the switch's kind, and priorities.
    void Check(const std::string& path) const;
    /// The member function that applies op @p op.
    static Applier ApplierOf(const std::string& op);
    /// Applies event @p index now (scheduled at its time).
    void Apply(size_t index);
    void ApplyPolicy(size_t index);
    void ApplyLink(size_t index);
    void ApplyDirectory(size_t index);
    void ApplyTor(size_t index);
    void ApplyMux(size_t index);
    void ApplyNic(size_t index);
    void ApplyRestart(size_t index);
    void ApplyFlood(size_t index);
    void ApplyStorm(size_t index);
    /// set_qos: the QoS controller programs the VM's port.
    void ApplyQos(size_t index);
    /// The QoS controller refused a set_qos on @p port.
    void QosRefused(const std::string& port, const std::string& reason);
    /// The built-in controller named @p name in events (vnet, acl, metering).
    Ptr<VfpController> ControllerNamed(const std::string& name) const;
    /// Notes a change landing on one port for event @p index.
    void Land(size_t index,
              const std::string& port,
              uint32_t changed,
              uint32_t replaced,
              const std::string& refused);

    VfpDatacenterHelper::Datacenter& m_dc;
    std::string m_path;                         //!< the event file, for messages
    EventBounds m_bounds;                       //!< what the events were checked against
    std::vector<ScenarioEvent> m_events;        //!< in the order they apply
    std::vector<Record> m_records;              //!< one per event
    Ptr<UserPolicyController> m_controller;     //!< programs the policy ops (VFP only)
    uint32_t m_refused = 0;                     //!< changes the switches refused
    std::map<std::string, size_t> m_qosPending; //!< port -> its latest set_qos event
    bool m_qosTraced = false;                   //!< QosRefused is connected
    int64_t m_stream = 0;                       //!< the first random stream of the floods
};

} // namespace ns3

#endif
