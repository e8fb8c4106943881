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
#include "unified-flow-table.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vfp
{

/// Tunables of a port's data path (the engine's half of the ns-3 attributes).
struct PortConfig
{
    bool uftEnabled = true; //!< cache slow-path results; off: every packet takes the slow path
    TrackerConfig tracker;  //!< connection time-outs and the connection limit
    /// Unified flows the port caches at most (0: no limit); beyond, the least recently
    /// used are evicted (unified-flow-table.h). Default: one per direction of the
    /// paper's 500k connections per port.
    size_t maxUnifiedFlows = 1'000'000;
};

/// How a packet went through the pipeline.
enum class PathTaken : uint8_t
{
    Slow,       //!< no unified flow: the layers ran (a UFT miss, or the UFT is off)
    Fast,       //!< a unified flow hit: no layer ran
    Reconciled, //!< a unified flow was out of date and the layers ran again
    Simulated,  //!< diagnostics: the layers ran, nothing was committed
};
std::string_view PathName(PathTaken path);

struct ProcessResult
{
    Verdict verdict = Verdict::Allow;
    DropReason reason = DropReason::DefaultBlock; //!< valid unless verdict is Allow
    const Layer* layer = nullptr;                 //!< the layer that dropped or held the packet
    const Rule* rule = nullptr;                   //!< the rule that did, if a rule did
    HeaderTransposition ht;                       //!< the composed transposition (Allow)
    HeaderStack packet;                 //!< the packet after the composed transposition (Allow)
    PathTaken path = PathTaken::Slow;   //!< fast path, slow path, reconciled or simulated
    TcpState tcpState = TcpState::None; //!< the connection's TCP state after the packet (Allow)
    uint8_t layersVisited = 0;          //!< layers the packet went through (0 on the fast path)
    uint8_t layersClassified = 0; //!< of those, layers that searched their rules (no layer flow)
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
    explicit Port(const PortSpec& spec, const PortConfig& config = {});

    const std::string& GetName() const { return m_name; }
    uint64_t GetMac() const { return m_mac; }
    /// Incremented by every policy change.
    uint64_t GetGeneration() const { return m_generation; }

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
     * Processes one packet in @p direction at time @p now (seconds), the paper's way: a
     * unified flow hit applies its cached transposition (no layer runs); a miss, or a UF
     * from an older policy generation, runs the layers (Pseudocode 1), caches the result
     * if the packet is allowed, and tracks the connection. Flows are created and refreshed,
     * counters and meters counted, resources allocated, events delivered.
     * @param trace when not null, receives every layer's step (none on a hit) and the events
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
    /// The unified flow key of @p packet going @p direction: what the UFT, and a NIC that
    /// offloads its flows, index it by.
    UnifiedFlowKey FlowKeyOf(Direction direction, const HeaderStack& packet) const
    {
        return MakeUnifiedFlowKey(direction, packet, m_flagSensitive);
    }
    /// Whether the unified flow @p key is in the UFT at the current generation.
    bool HasCurrentFlow(const UnifiedFlowKey& key);
    /**
     * Accounts @p packets of @p bytes (at entry) that a NIC forwarded for the unified flow
     * @p key without this port (its counters synced back): the port's received and
     * allowed counters grow (allowed by @p sizeDelta per packet, the transposition's size
     * change), the flow's meters count as the fast path would (bytes plus each meter's
     * size delta, per packet), and its layer flows and connection are refreshed to
     * @p now. @return false when the unified flow is gone (then only the port counters
     * grow).
     */
    bool AccountOffloaded(
        const UnifiedFlowKey& key, uint64_t packets, uint64_t bytes, int64_t sizeDelta, double now);
    /// Ends every connection due by @p now (removing its unified flows) and removes idle
    /// layer flows of every layer; returns how many layer flow pairs went.
    size_t ExpireFlows(double now);

    /// Layer flow pairs over all layers.
    size_t GetLayerFlowCount() const;
    /// An estimate of the memory the port's flow state takes (connections, unified flows,
    /// layer flows: their structures' sizes plus the tables' per-entry overhead), in bytes.
    size_t EstimateStateBytes() const;

    // ---- inspection ----
    const std::vector<std::unique_ptr<Layer>>& GetLayers() const { return m_layers; }
    const Layer* FindLayer(const std::string& name) const;
    const PortCounters& GetCounters() const { return m_counters; }
    const std::map<std::string, PacketByteCounter>& GetMeters() const { return m_meters; }
    const std::map<std::string, ResourceEventHandler>& GetEventHandlers() const
    {
        return m_eventHandlers;
    }
    const PortConfig& GetConfig() const { return m_config; }
    const UftCounters& GetUftCounters() const { return m_uftCounters; }
    const UnifiedFlowTable& GetUft() const { return m_uft; }
    ConnectionTracker& GetTracker() { return m_tracker; }
    ResourceSet& GetResources() { return m_resources; }
    /// The port's QoS as last set (Switch::SetPortQos changes it, and the shaper with it).
    const std::optional<PortQosSpec>& GetQos() const { return m_qos; }
    PortSpec ToSpec() const;

private:
    friend class PortState;
    friend class Switch; // sets m_qos together with the switch's shaper (SetPortQos) // state save
                         // and restore (format/port-state.h) reads and sets it all

    /// What a walk through the layers found, before it is committed.
    struct Walk
    {
        ProcessResult result;                             //!< verdict, HT, packet
        std::vector<ResourceEvent> events;                //!< raised by the layers
        std::vector<std::pair<Layer*, FlowPair>> pending; //!< flow pairs to create if allowed
        std::vector<LayerFlowRef> flows;                  //!< layer flows used
        std::vector<LayerWatch> watches;                  //!< stateful layers passed by rules
        std::vector<MeterContext> meters;                 //!< meters counted
    };
    Walk RunLayers(Direction direction,
                   const HeaderStack& packet,
                   double now,
                   bool commit,
                   PipelineTrace* trace);
    ProcessResult FastPath(UnifiedFlow& flow,
                           Connection& connection,
                           Direction direction,
                           const HeaderStack& packet,
                           double now);
    void SlowPath(Walk& walk,
                  Direction direction,
                  const HeaderStack& packet,
                  double now,
                  const UnifiedFlowKey& key,
                  bool hadFlow);
    bool FlowsLive(const UnifiedFlow& flow, Direction direction, double now);
    /// Finds (or starts) the connection of an allowed packet and feeds it the packet.
    ConnectionHandle Track(Direction direction, const HeaderStack& vmSide, double now);
    /// Ends a connection: its UFs go, and its layer flows too if it closed or never
    /// completed its handshake; returns how many layer flow pairs went.
    size_t EndConnection(ConnectionHandle handle, ConnectionEnd reason);
    /// At the unified flow limit, evicts the least recently used batch (see the UFT).
    void MakeRoomInUft();
    static bool ReusesClosedTuple(const Connection& connection,
                                  Direction direction,
                                  const HeaderStack& packet);
    void AfterTracking(ConnectionHandle handle, ProcessResult& result);
    void Count(Direction direction, const ProcessResult& result, uint32_t bytes, size_t events);
    void Deliver(const std::vector<ResourceEvent>& events);
    void ForgetLayer(const Layer& layer);
    Layer& GetLayer(const std::string& name);
    /// Compiles a group and its rules aside, checking rule ids against @p layer.
    std::unique_ptr<Group> BuildGroup(Layer& layer,
                                      const GroupSpec& spec,
                                      uint64_t sequence,
                                      const Group* replacing);
    std::unique_ptr<Rule> BuildRule(const Group& group,
                                    const RuleSpec& spec,
                                    const std::string& owner);
    void SortLayers();
    void Changed();

    std::string m_name;          //!< the port's name
    uint64_t m_mac;              //!< the VNIC's MAC
    uint64_t m_generation = 0;   //!< policy generation
    uint64_t m_nextSequence = 0; //!< creation order of layers, groups and rules
    ResourceSet m_resources;     //!< declared before the layers: flows release into it
    std::map<std::string, PacketByteCounter> m_meters;           //!< named meters
    std::map<std::string, ResourceEventHandler> m_eventHandlers; //!< by resource
    std::vector<std::unique_ptr<Layer>> m_layers;                //!< sorted by (priority, sequence)
    PortCounters m_counters;                                     //!< statistics
    PortConfig m_config;                                         //!< data path tunables
    bool m_flagSensitive = false;     //!< some condition reads TCP flags: they key unified flows
    ConnectionTracker m_tracker;      //!< connections and their TCP state
    UnifiedFlowTable m_uft;           //!< the fast path
    UftCounters m_uftCounters;        //!< fast path statistics
    std::optional<PortQosSpec> m_qos; //!< caps, reservation, weight (the switch shapes)
};

} // namespace vfp

#endif
