/*
 * A VFP port (paper §5.1): one per VNIC, holding all of that VNIC's policy, and the
 * programming API controllers use (VFPAPI, §5): layers, groups, rules and resources.
 *
 * The pipeline (Process) is the paper's Pseudocode 1 on metadata: each layer, in order
 * (outbound ascending priority, inbound descending), turns the packet's metadata into a
 * header transposition; the layers' HTs are composed into one, and the packet is
 * rewritten once, at the end.
 *
 * Every successful API change increments the port's generation number (§6.3); a failed
 * one throws PolicyError and changes nothing.
 */
#ifndef VFP_ENGINE_PORT_H
#define VFP_ENGINE_PORT_H

#include "layer.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vfp
{

struct ProcessResult
{
    Verdict verdict = Verdict::Allow;
    DropReason reason = DropReason::DefaultBlock; //!< valid unless verdict is Allow
    const Layer* layer = nullptr; //!< the layer that dropped or held the packet
    const Rule* rule = nullptr;   //!< the rule that did, if a rule did
    HeaderTransposition ht;       //!< the composed transposition (Allow)
    HeaderStack packet;           //!< the packet after the composed transposition (Allow)
};

/// One layer's part in a traced packet (diagnostics, §8.3).
struct LayerStep
{
    const Layer* layer = nullptr; //!< valid until the next policy change
    LayerOutcome outcome;         //!< what the layer did
    HeaderStack after;            //!< the metadata leaving the layer (Allow)
};

struct PipelineTrace
{
    std::vector<LayerStep> steps;      //!< the layers visited, in order
    std::vector<ResourceEvent> events; //!< events raised (or, simulated, that would be)
};

class Port
{
  public:
    /// A port with the spec's resources and layers; throws PolicyError on invalid policy.
    explicit Port(const PortSpec& spec);

    const std::string& GetName() const
    {
        return m_name;
    }
    uint64_t GetMac() const
    {
        return m_mac;
    }
    /// Incremented by every policy change.
    uint64_t GetGeneration() const
    {
        return m_generation;
    }

    // ---- VFPAPI: layers, groups, rules ----
    /// Creates a layer, with the groups and rules its spec holds.
    void CreateLayer(const LayerSpec& spec);
    void DeleteLayer(const std::string& layer);
    /// Creates a group, with the rules its spec holds.
    void CreateGroup(const std::string& layer, const GroupSpec& spec);
    /// Deletes a group; its layer flows stay unless @p flushFlows.
    void DeleteGroup(const std::string& layer, const std::string& group, bool flushFlows);
    void AddRule(const std::string& layer, const std::string& group, const RuleSpec& rule);
    /// Removes a rule; connections it admitted stay unless @p flushFlows.
    void RemoveRule(const std::string& layer,
                    const std::string& group,
                    const std::string& id,
                    bool flushFlows);
    /// Transactionally replaces (or creates) a whole group: the new group is compiled
    /// aside and swapped in only if all of it is valid. With @p flushFlows, flows created
    /// by rules the new group no longer has are removed.
    void ReplaceGroup(const std::string& layer, const GroupSpec& spec, bool flushFlows);

    // ---- VFPAPI: resources and events ----
    void CreateResource(const ResourceSpec& spec);
    /// Deletes a resource no rule references and no connection holds ports of.
    void DeleteResource(const std::string& name);
    void SetMapping(const std::string& resource, uint32_t customer, uint32_t provider);
    void RemoveMapping(const std::string& resource, uint32_t customer);
    void AddPortRange(const std::string& resource, PortRange range);
    void RemovePortRange(const std::string& resource, PortRange range);
    /// Registers the handler for the events of @p resource (replacing any earlier one).
    void RegisterEventHandler(const std::string& resource, ResourceEventHandler handler);

    // ---- data path ----
    /**
     * Processes one packet in @p direction at time @p now (seconds): flows are created and
     * refreshed, counters and meters counted, resources allocated, events delivered.
     * @param trace when not null, receives every layer's step and the events
     */
    ProcessResult Process(Direction direction,
                          const HeaderStack& packet,
                          double now,
                          PipelineTrace* trace = nullptr);
    /// The diagnostic path (§8.3): what Process would do, changing nothing.
    ProcessResult Simulate(Direction direction,
                           const HeaderStack& packet,
                           double now,
                           PipelineTrace* trace = nullptr);
    /// Removes idle layer flows of every layer; returns how many pairs.
    size_t ExpireFlows(double now);

    // ---- inspection ----
    const std::vector<std::unique_ptr<Layer>>& GetLayers() const
    {
        return m_layers;
    }
    const Layer* FindLayer(const std::string& name) const;
    const PortCounters& GetCounters() const
    {
        return m_counters;
    }
    const std::map<std::string, PacketByteCounter>& GetMeters() const
    {
        return m_meters;
    }
    ResourceSet& GetResources()
    {
        return m_resources;
    }
    PortSpec ToSpec() const;

  private:
    ProcessResult Run(Direction direction,
                      const HeaderStack& packet,
                      double now,
                      bool commit,
                      PipelineTrace* trace);
    Layer& GetLayer(const std::string& name);
    /// Compiles a group and its rules aside, checking rule ids against @p layer.
    std::unique_ptr<Group> BuildGroup(Layer& layer,
                                      const GroupSpec& spec,
                                      uint64_t sequence,
                                      const Group* replacing);
    std::unique_ptr<Rule> BuildRule(const Group& group, const RuleSpec& spec, const std::string& owner);
    void SortLayers();
    void Changed()
    {
        ++m_generation;
    }

    std::string m_name;           //!< the port's name
    uint64_t m_mac;               //!< the VNIC's MAC
    uint64_t m_generation = 0;    //!< policy generation
    uint64_t m_nextSequence = 0;  //!< creation order of layers, groups and rules
    ResourceSet m_resources;      //!< declared before the layers: flows release into it
    std::map<std::string, PacketByteCounter> m_meters;            //!< named meters
    std::map<std::string, ResourceEventHandler> m_eventHandlers;  //!< by resource
    std::vector<std::unique_ptr<Layer>> m_layers; //!< sorted by (priority, sequence)
    PortCounters m_counters;      //!< statistics
};

} // namespace vfp

#endif
