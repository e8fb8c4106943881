/*
 * The datacenter scenario's event file (--events, docs/datacenter.md "Events"): one JSON
 * object per line, a change each at a time in seconds after the traffic starts, e.g.
 *   {"time": 0.5, "op": "set_policy", "vm": 5, "policy": "block.json"}
 *   {"time": 0.6, "op": "remove_layer", "tenant": 1, "layer": "block"}
 *   {"time": 0.2, "op": "link_down", "link": "tor0-agg1"}
 *   {"time": 0.1, "op": "directory_down"}
 *   {"time": 0.3, "op": "tor_down", "tor": 1}
 *   {"time": 0.4, "op": "controller_restart", "controller": "acl"}
 *   {"time": 0.5, "op": "syn_flood", "vm": 0, "dst": 2, "rate": 100000, "duration": 0.05}
 *   {"time": 0.6, "op": "snat_storm", "vm": 3, "rate": 5000, "duration": 0.1}
 *   {"time": 0.2, "op": "nic_full", "host": 0}
 *   {"time": 0.3, "op": "set_qos", "vm": 2, "tx_cap": "2Gbps", "tx_reservation": "1Gbps"}
 * Events may come in any order: they are applied by time, events at the same time in file
 * order. Every line is checked before the run (an unknown op or field, a missing or bad
 * field, a VM, tenant or link that does not exist, a policy file that does not load, a
 * time outside the traffic, a layer removed that cannot be on the port) and refused with
 * "FILE:LINE: field: what was expected". The ops are one table (OPS in event-file.cc): a
 * new op adds its fields and parser there and its applier in scenario-events.cc.
 */
#ifndef VFP_EVENT_FILE_H
#define VFP_EVENT_FILE_H

#include "engine/policy/policy-spec.h"
#include "user-policy-controller.h"

#include <cstdint>
#include <istream>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ns3
{

/// One event of an event file.
struct ScenarioEvent
{
    uint32_t line = 0;              //!< where it stands in the file
    double time = 0;                //!< seconds after the traffic starts
    std::string op;                 //!< its operation
    std::optional<uint32_t> vm;     //!< set_policy, remove_layer: one VM ...
    std::optional<uint32_t> tenant; //!< ... or every VM of a tenant
    std::string policyFile;         //!< set_policy: the policy file, resolved
    UserPolicy policy;              //!< set_policy: its layers
    std::string layer;              //!< remove_layer: the layer's name
    std::string link;               //!< link_down, link_up: the link's name
    std::optional<uint32_t> tor;    //!< tor_down, tor_up: the ToR
    std::optional<uint32_t> mux;    //!< mux_down, mux_up: the Mux
    std::optional<uint32_t> host;   //!< nic_full, nic_free: the host whose NIC
    std::string controller;         //!< controller_restart: vnet, acl or metering
    /// syn_flood: from vm, Rate SYNs a second for Seconds to Dst:Port.
    struct Flood
    {
        uint32_t dst = 0;     //!< the VM flooded (the same tenant as vm)
        double rate = 0;      //!< SYNs a second
        double seconds = 0;   //!< how long
        uint16_t port = 5000; //!< their destination port
    };
    std::optional<Flood> flood; //!< syn_flood only
    /// snat_storm: DIP vm opens Rate connections a second for Seconds to the outside servers.
    struct Storm
    {
        double rate = 0;    //!< connections a second
        double seconds = 0; //!< how long
    };
    std::optional<Storm> storm; //!< snat_storm only
    /// set_qos: the VM's whole QoS (fields left out are none: no cap, no reservation,
    /// weight 1); none at all clears it.
    std::optional<vfp::PortQosSpec> qos;
};

/// What an event file's events are checked against.
struct EventBounds
{
    uint32_t vms = 0;                  //!< VMs in the datacenter
    uint32_t tenants = 0;              //!< tenants (VM v is in tenant v mod tenants)
    std::set<std::string> links;       //!< the names of links that exist
    std::set<std::string> layers;      //!< layers every port has from the scenario
    uint32_t tors = 0;                 //!< ToRs in the datacenter
    uint32_t muxes = 0;                //!< Muxes (Ananta)
    uint32_t hosts = 0;                //!< hosts in the datacenter
    bool nic = false;                  //!< whether hosts have a programmable NIC (--nic)
    std::set<std::string> controllers; //!< the controllers that can restart
    std::set<uint32_t> dips;           //!< VMs behind a VIP (Ananta), which SNAT serves
    uint32_t servers = 0;              //!< outside servers (Ananta's --servers)
    double duration = 0;               //!< seconds of traffic: times must be below
    double hostLinkBps = 0;            //!< a host's uplink: what reservations divide
    std::string policyDirectory = "."; //!< where relative policy paths start
};

/// The VMs @p event touches (its vm, or every VM of its tenant; none for other ops).
std::vector<uint32_t> TargetsOf(const ScenarioEvent& event, const EventBounds& bounds);

/**
 * Reads the events of @p in, named @p name in errors; blank lines are skipped.
 * @return the events in the order they apply (by time, then by line)
 * @throws std::invalid_argument "NAME:LINE: field: what was expected" on the first bad line
 */
std::vector<ScenarioEvent> ReadEventFile(std::istream& in,
                                         const std::string& name,
                                         const EventBounds& bounds);
/// The same for the file @p path (relative policy paths start at its directory).
std::vector<ScenarioEvent> ReadEventFile(const std::string& path, EventBounds bounds);

} // namespace ns3

#endif
