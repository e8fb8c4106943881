#include "port.h"

#include "../packet/addresses.h"

#include <algorithm>
#include <fmt/format.h>
#include <unordered_set>

namespace vfp
{

namespace
{

void
CheckConditions(const std::vector<Condition>& conditions, const std::string& owner)
{
    for (const Condition& condition : conditions)
    {
        if (condition.values.empty())
        {
            throw PolicyError(
                fmt::format("{}: the {} condition has no values (it could never match)",
                            owner,
                            ConditionTypeName(condition.type)));
        }
    }
}

bool
HasPrefixes(ConditionType type)
{
    return type == ConditionType::SrcIp || type == ConditionType::DstIp ||
           type == ConditionType::SrcMac || type == ConditionType::DstMac;
}

} // namespace

Port::Port(const PortSpec& spec, const PortConfig& config)
    : m_name(spec.name)
    , m_mac(spec.mac)
    , m_config(config)
    , m_tracker(config.tracker)
    , m_qos(spec.qos)
{
    if (m_name.empty())
    {
        throw PolicyError("a port needs a name");
    }
    if (m_qos)
    {
        ValidatePortQos(*m_qos, "port '" + m_name + "' qos");
    }
    for (const ResourceSpec& resource : spec.resources)
    {
        CreateResource(resource);
    }
    for (const LayerSpec& layer : spec.layers)
    {
        CreateLayer(layer);
    }
}

// ---------------------------------------------------------------- data path

std::string_view
PathName(PathTaken path)
{
    switch (path)
    {
        case PathTaken::Slow:
            return "miss";
        case PathTaken::Fast:
            return "hit";
        case PathTaken::Reconciled:
            return "reconciled";
        case PathTaken::Simulated:
            return "simulated";
    }
    return "miss";
}

ProcessResult
Port::Process(Direction direction, const HeaderStack& packet, double now, PipelineTrace* trace)
{
    const UnifiedFlowKey key = MakeUnifiedFlowKey(direction, packet, m_flagSensitive);
    bool hadFlow = false;
    if (m_config.uftEnabled)
    {
        if (UnifiedFlow* flow = m_uft.Find(key))
        {
            // The fast path is valid only while the policy, the connection and every layer
            // flow the slow path used are as they were; otherwise the layers decide again,
            // and connection tracking treats the packet exactly as without the UFT.
            Connection* connection = m_tracker.Get(flow->connection);
            if (flow->generation == m_generation && connection &&
                !m_tracker.Due(*connection, now) &&
                !ReusesClosedTuple(*connection, direction, packet) &&
                FlowsLive(*flow, direction, now))
            {
                return FastPath(*flow, *connection, direction, packet, now);
            }
            hadFlow = true;
        }
    }
    Walk walk = RunLayers(direction, packet, now, true, trace);
    SlowPath(walk, direction, packet, now, key, hadFlow);
    if (trace)
    {
        trace->events.insert(trace->events.end(), walk.events.begin(), walk.events.end());
    }
    Deliver(walk.events);
    return walk.result;
}

bool
Port::HasCurrentFlow(const UnifiedFlowKey& key)
{
    const UnifiedFlow* flow = m_uft.Find(key);
    return flow && flow->generation == m_generation;
}

bool
Port::AccountOffloaded(
    const UnifiedFlowKey& key, uint64_t packets, uint64_t bytes, int64_t sizeDelta, double now)
{
    const size_t d = static_cast<size_t>(key.direction);
    m_counters.received[d].packets += packets;
    m_counters.received[d].bytes += bytes;
    m_counters.allowed[d].packets += packets;
    m_counters.allowed[d].bytes += uint64_t(int64_t(bytes) + int64_t(packets) * sizeDelta);
    UnifiedFlow* flow = m_uft.Find(key);
    if (!flow)
    {
        return false;
    }
    for (const MeterContext& context : flow->meters)
    {
        context.meter->packets += packets;
        context.meter->bytes +=
            uint64_t(int64_t(bytes) + int64_t(packets) * int64_t(context.sizeDelta));
    }
    for (const LayerFlowRef& ref : flow->layerFlows)
    {
        if (FlowPair* pair = ref.layer->GetFlows().Get(ref.handle))
        {
            pair->lastSeen = std::max(pair->lastSeen, now);
        }
    }
    if (Connection* connection = m_tracker.Get(flow->connection))
    {
        connection->lastSeen = std::max(connection->lastSeen, now);
    }
    return true;
}

ProcessResult
Port::Simulate(Direction direction, const HeaderStack& packet, double now, PipelineTrace* trace)
{
    Walk walk = RunLayers(direction, packet, now, false, trace);
    walk.result.path = PathTaken::Simulated;
    if (trace)
    {
        trace->events.insert(trace->events.end(), walk.events.begin(), walk.events.end());
    }
    return walk.result;
}

Port::Walk
Port::RunLayers(
    Direction direction, const HeaderStack& packet, double now, bool commit, PipelineTrace* trace)
{
    Walk walk;
    ProcessResult& result = walk.result;
    const int64_t entryBytes = packet.SizeBytes();
    HeaderStack meta = packet;
    HeaderTransposition composite;

    // Outbound packets meet the layers from the VM side (lowest priority) outwards;
    // inbound packets the other way round, which makes each layer a boundary.
    const size_t layerCount = m_layers.size();
    for (size_t i = 0; i < layerCount; ++i)
    {
        Layer& layer = *m_layers[direction == Direction::Outbound ? i : layerCount - 1 - i];
        LayerOutcome outcome = layer.Process(direction, meta, now, commit);
        ++result.layersVisited;
        if (outcome.flow.IsNull())
        {
            ++result.layersClassified;
        }
        if (outcome.event)
        {
            outcome.event->port = m_name;
            outcome.event->time = now;
            walk.events.push_back(*outcome.event);
        }
        if (outcome.meter)
        {
            walk.meters.push_back(MeterContext{
                outcome.meter, static_cast<int32_t>(int64_t(meta.SizeBytes()) - entryBytes)});
        }
        if (!outcome.flow.IsNull())
        {
            walk.flows.push_back(LayerFlowRef{&layer, outcome.flow});
        }
        else if (!outcome.pendingFlow && layer.HasStatefulRules())
        {
            // Passed by rules: a flow appearing here later must win over this result.
            // (A flow this packet creates becomes a dependency instead, once committed.)
            walk.watches.push_back(LayerWatch{&layer, outcome.keyHash});
        }
        if (outcome.verdict == Verdict::Allow && !outcome.ht.Apply(meta))
        {
            outcome.verdict = Verdict::Drop;
            outcome.reason = DropReason::ActionMismatch;
        }
        if (outcome.pendingFlow)
        {
            walk.pending.emplace_back(&layer, std::move(*outcome.pendingFlow));
            outcome.pendingFlow.reset();
        }
        if (trace)
        {
            trace->steps.push_back(LayerStep{&layer, outcome, meta});
        }
        if (outcome.verdict != Verdict::Allow)
        {
            result.verdict = outcome.verdict;
            result.reason = outcome.reason;
            result.layer = &layer;
            result.rule = outcome.rule;
            break;
        }
        composite = composite.Then(outcome.ht);
    }

    // Meters count a packet at their layer whatever a later layer decides, except a hold:
    // a held packet comes back, and is counted then.
    if (commit && result.verdict != Verdict::Hold)
    {
        for (const MeterContext& context : walk.meters)
        {
            context.meter->Count(static_cast<uint32_t>(entryBytes + context.sizeDelta));
        }
    }
    if (result.verdict == Verdict::Allow)
    {
        result.ht = composite;
        result.packet = packet;
        composite.Apply(result.packet); // the packet itself is rewritten once
    }
    else if (trace)
    {
        for (LayerStep& step : trace->steps)
        {
            step.outcome.flowCreated = false;
        }
    }
    return walk;
}

bool
Port::FlowsLive(const UnifiedFlow& flow, Direction direction, double now)
{
    for (const LayerFlowRef& ref : flow.layerFlows)
    {
        const FlowPair* pair = ref.layer->GetFlows().Get(ref.handle);
        if (pair == nullptr || pair->ExpiredAt(now))
        {
            return false;
        }
    }
    for (const LayerWatch& watch : flow.watches)
    {
        if (watch.layer->GetFlows().MayHold(direction, watch.keyHash))
        {
            return false;
        }
    }
    return true;
}

ProcessResult
Port::FastPath(UnifiedFlow& flow,
               Connection& connection,
               Direction direction,
               const HeaderStack& packet,
               double now)
{
    const uint32_t bytes = packet.SizeBytes();
    for (const LayerFlowRef& ref : flow.layerFlows)
    {
        ref.layer->GetFlows().Get(ref.handle)->lastSeen = now;
    }
    for (const MeterContext& context : flow.meters)
    {
        context.meter->Count(static_cast<uint32_t>(int64_t(bytes) + context.sizeDelta));
    }
    ProcessResult result;
    result.path = PathTaken::Fast;
    result.ht = flow.ht;
    result.packet = packet;
    flow.ht.Apply(result.packet);
    ++m_uftCounters.hits;

    const HeaderStack& vmSide = direction == Direction::Outbound ? packet : result.packet;
    m_tracker.Update(
        connection, direction, vmSide[vmSide.count - 1].transport, vmSide.payloadBytes, now);
    const ConnectionHandle handle =
        flow.connection; // AfterTracking may end the connection and this UF
    AfterTracking(handle, result);
    Count(direction, result, bytes, 0);
    return result;
}

void
Port::SlowPath(Walk& walk,
               Direction direction,
               const HeaderStack& packet,
               double now,
               const UnifiedFlowKey& key,
               bool hadFlow)
{
    ProcessResult& result = walk.result;
    result.path = hadFlow ? PathTaken::Reconciled : PathTaken::Slow;
    if (hadFlow)
    {
        ++m_uftCounters.reconciled;
    }
    else
    {
        m_uftCounters.misses += m_config.uftEnabled;
    }

    ConnectionHandle connection;
    if (result.verdict == Verdict::Allow)
    {
        connection =
            Track(direction, direction == Direction::Outbound ? packet : result.packet, now);
        if (connection.IsNull())
        {
            result.verdict = Verdict::Drop;
            result.reason = DropReason::ConnectionLimit;
        }
    }

    if (result.verdict != Verdict::Allow)
    {
        for (auto& [layer, pair] : walk.pending)
        {
            Layer::Abandon(pair);
        }
        if (hadFlow)
        {
            // The policy now refuses what the UF allowed: the UF goes.
            const UnifiedFlow* stale = m_uft.Find(key);
            if (Connection* owner = stale ? m_tracker.Get(stale->connection) : nullptr)
            {
                owner->flows.erase(std::remove(owner->flows.begin(), owner->flows.end(), key),
                                   owner->flows.end());
            }
            m_uft.Erase(key);
            ++m_uftCounters.reconcileRemoved;
        }
        Count(direction, result, packet.SizeBytes(), walk.events.size());
        return;
    }

    // The layer flows this packet creates belong to its connection: TIME_WAIT pins them
    // and a close ends them. Flows it merely used may be another connection's.
    Connection& tracked = *m_tracker.Get(connection);
    for (auto& [layer, pair] : walk.pending)
    {
        const FlowHandle created = layer->CommitFlow(std::move(pair));
        walk.flows.push_back(LayerFlowRef{layer, created});
        tracked.layerFlows.emplace_back(layer, created);
        if (tracked.pinned)
        {
            ++layer->GetFlows().Get(created)->pins;
        }
    }
    if (m_config.uftEnabled)
    {
        const UnifiedFlow* old = hadFlow ? m_uft.Find(key) : nullptr;
        if (old && old->ht != result.ht)
        {
            ++m_uftCounters.reconcileUpdated;
        }
        Connection* previous = old ? m_tracker.Get(old->connection) : nullptr;
        if (previous && previous != &tracked)
        {
            // The packet now belongs to another connection: the old one lets go of the key.
            previous->flows.erase(std::remove(previous->flows.begin(), previous->flows.end(), key),
                                  previous->flows.end());
        }
        if (!old)
        {
            MakeRoomInUft();
            ++m_uftCounters.inserted;
        }
        m_uft.Insert(
            key,
            UnifiedFlow{
                m_generation, result.ht, walk.meters, walk.flows, walk.watches, connection});
        if (std::find(tracked.flows.begin(), tracked.flows.end(), key) == tracked.flows.end())
        {
            tracked.flows.push_back(key);
        }
    }
    AfterTracking(connection, result);
    Count(direction, result, packet.SizeBytes(), walk.events.size());
}

ConnectionHandle
Port::Track(Direction direction, const HeaderStack& vmSide, double now)
{
    const HeaderGroup& group = vmSide[vmSide.count - 1];
    // The connection is keyed on the VM side, outbound: both directions meet there.
    const Ufid key = MakeUfid(direction == Direction::Outbound ? vmSide : ReverseStack(vmSide));
    ConnectionHandle handle = m_tracker.Find(key);
    if (Connection* connection = m_tracker.Get(handle))
    {
        if (auto ended = m_tracker.Due(*connection, now))
        {
            EndConnection(handle, *ended);
        }
        else if (ReusesClosedTuple(*connection, direction, vmSide))
        {
            EndConnection(handle, ConnectionEnd::Replaced);
        }
        else
        {
            m_tracker.Update(*connection, direction, group.transport, vmSide.payloadBytes, now);
            return handle;
        }
    }
    const TransportHeader* transport = group.l4 == L4Type::Tcp ? &group.transport : nullptr;
    return m_tracker.Create(key, group.hasIpv4 ? group.ip.protocol : 0, direction, transport, now);
}

bool
Port::ReusesClosedTuple(const Connection& connection,
                        Direction direction,
                        const HeaderStack& packet)
{
    // A new SYN from the initiator of a connection in TIME_WAIT opens a new connection
    // (the client reused its port): the old one, and its unified flows, end first.
    const uint8_t flags = packet[packet.count - 1].transport.tcpFlags;
    return connection.state == TcpState::TimeWait && direction == connection.initiator &&
           (flags & (TcpFlags::SYN | TcpFlags::ACK)) == TcpFlags::SYN;
}

void
Port::AfterTracking(ConnectionHandle handle, ProcessResult& result)
{
    Connection* connection = m_tracker.Get(handle);
    result.tcpState = connection->state;
    if (connection->state == TcpState::TimeWait && !connection->pinned)
    {
        // Keep the connection's layer flows (and any SNAT port) until TIME_WAIT is over.
        connection->pinned = true;
        for (const auto& [layer, flow] : connection->layerFlows)
        {
            if (FlowPair* pair = layer->GetFlows().Get(flow))
            {
                ++pair->pins;
            }
        }
    }
    if (connection->state == TcpState::Closed)
    {
        EndConnection(handle, ConnectionEnd::Reset);
    }
}

size_t
Port::EndConnection(ConnectionHandle handle, ConnectionEnd reason)
{
    Connection* connection = m_tracker.Get(handle);
    if (connection == nullptr)
    {
        return 0;
    }
    for (const UnifiedFlowKey& key : connection->flows)
    {
        m_uftCounters.evicted += m_uft.Erase(key);
    }
    // A connection closed by its FINs or an RST ends its layer flows too (the paper: the
    // TCP state machine expires flows early), and so does a handshake that never completed
    // (a SYN flood leaves no layer state behind). An idle connection, or one picked up
    // mid-stream, leaves them to their own ttl.
    const bool handshakeFailed =
        reason == ConnectionEnd::HalfOpenTimeout &&
        (connection->state == TcpState::SynSent || connection->state == TcpState::SynReceived);
    const bool endFlows =
        reason == ConnectionEnd::TimeWaitDone || reason == ConnectionEnd::Reset || handshakeFailed;
    size_t ended = 0;
    for (const auto& [layer, flow] : connection->layerFlows)
    {
        if (FlowPair* pair = layer->GetFlows().Get(flow))
        {
            pair->pins -= connection->pinned;
            if (endFlows && layer->GetFlows().Erase(flow))
            {
                ++layer->GetCounters().flowsExpired;
                ++ended;
            }
        }
    }
    m_tracker.Remove(handle, reason);
    return ended;
}

void
Port::Count(Direction direction, const ProcessResult& result, uint32_t bytes, size_t events)
{
    const size_t d = static_cast<size_t>(direction);
    m_counters.received[d].Count(bytes);
    switch (result.verdict)
    {
        case Verdict::Allow:
            m_counters.allowed[d].Count(result.packet.SizeBytes());
            break;
        case Verdict::Hold:
            m_counters.held[d].Count(bytes);
            break;
        case Verdict::Drop:
            ++m_counters.drops[d][static_cast<size_t>(result.reason)];
            break;
    }
    m_counters.eventsRaised += events;
}

void
Port::Deliver(const std::vector<ResourceEvent>& events)
{
    for (const ResourceEvent& event : events)
    {
        auto handler = m_eventHandlers.find(event.resource);
        if (handler != m_eventHandlers.end() && handler->second)
        {
            handler->second(event);
        }
    }
}

size_t
Port::ExpireFlows(double now)
{
    size_t expired = 0;
    for (const auto& [handle, reason] : m_tracker.DueAt(now))
    {
        expired += EndConnection(handle, reason);
    }
    for (const auto& layer : m_layers)
    {
        const size_t count = layer->GetFlows().ExpireIdle(now);
        layer->GetCounters().flowsExpired += count;
        expired += count;
    }
    return expired;
}

namespace
{

/// The share of the table one eviction batch takes (unified-flow-table.h).
constexpr size_t UFT_EVICTION_FRACTION = 16;

/// Per-entry overhead of a node-based hash table (node pointer, bucket slot, allocator
/// header): the common case of libstdc++'s unordered_map and Abseil's node_hash_map.
constexpr size_t HASH_NODE_OVERHEAD = 32;

} // namespace

void
Port::MakeRoomInUft()
{
    const size_t limit = m_config.maxUnifiedFlows;
    if (limit == 0 || m_uft.Size() < limit)
    {
        return;
    }
    // Least recently seen connections first; a UF without a live connection goes first.
    std::vector<std::pair<double, UnifiedFlowKey>> byAge;
    byAge.reserve(m_uft.Size());
    m_uft.ForEach(
        [&](const UnifiedFlowKey& key, const UnifiedFlow& flow)
        {
            const Connection* owner = m_tracker.Get(flow.connection);
            byAge.emplace_back(owner ? owner->lastSeen : -1.0, key);
        });
    const size_t batch = std::min(byAge.size(), std::max<size_t>(1, limit / UFT_EVICTION_FRACTION));
    std::nth_element(byAge.begin(), byAge.begin() + (batch - 1), byAge.end());
    for (size_t i = 0; i < batch; ++i)
    {
        const UnifiedFlowKey& key = byAge[i].second;
        if (Connection* owner = m_tracker.Get(m_uft.Find(key)->connection))
        {
            owner->flows.erase(std::remove(owner->flows.begin(), owner->flows.end(), key),
                               owner->flows.end());
        }
        m_uft.Erase(key);
        ++m_uftCounters.capacityEvicted;
    }
}

size_t
Port::GetLayerFlowCount() const
{
    size_t pairs = 0;
    for (const auto& layer : m_layers)
    {
        pairs += layer->GetFlows().Size();
    }
    return pairs;
}

size_t
Port::EstimateStateBytes() const
{
    // Sizes of the structures themselves, plus one index entry each; the vectors a
    // connection and a UF hold are counted at their usual length (a UF per direction,
    // a layer flow per layer, no meters or watches).
    const size_t layers = m_layers.size();
    const size_t connection = sizeof(ConnectionTracker::Slot) + sizeof(Ufid) + sizeof(uint32_t) +
                              HASH_NODE_OVERHEAD + 2 * sizeof(UnifiedFlowKey) +
                              layers * sizeof(std::pair<Layer*, FlowHandle>);
    const size_t unified = sizeof(UnifiedFlowKey) + sizeof(UnifiedFlow) + HASH_NODE_OVERHEAD +
                           layers * sizeof(LayerFlowRef);
    const size_t layerFlow =
        sizeof(LayerFlowTable::Slot) + DIRECTION_COUNT * (sizeof(Ufid) + sizeof(uint32_t) +
                                                          sizeof(size_t) + 2 * HASH_NODE_OVERHEAD);
    return m_tracker.Size() * connection + m_uft.Size() * unified + GetLayerFlowCount() * layerFlow;
}

void
Port::Changed()
{
    ++m_generation;
    // TCP flags key unified flows only when some condition reads them (exact caching).
    m_flagSensitive = false;
    for (const auto& layer : m_layers)
    {
        for (const auto& group : layer->GetGroups())
        {
            m_flagSensitive = m_flagSensitive || group->ReadsTcpFlags();
        }
    }
}

void
Port::ForgetLayer(const Layer& layer)
{
    m_tracker.ForEach(
        [&layer](ConnectionHandle, Connection& connection)
        {
            auto& flows = connection.layerFlows;
            flows.erase(std::remove_if(flows.begin(),
                                       flows.end(),
                                       [&layer](const auto& ref) { return ref.first == &layer; }),
                        flows.end());
        });
}

// ---------------------------------------------------------------- VFPAPI

Layer&
Port::GetLayer(const std::string& name)
{
    for (const auto& layer : m_layers)
    {
        if (layer->GetName() == name)
        {
            return *layer;
        }
    }
    throw PolicyError(fmt::format("port '{}': no layer '{}'", m_name, name));
}

const Layer*
Port::FindLayer(const std::string& name) const
{
    for (const auto& layer : m_layers)
    {
        if (layer->GetName() == name)
        {
            return layer.get();
        }
    }
    return nullptr;
}

void
Port::SortLayers()
{
    std::stable_sort(m_layers.begin(),
                     m_layers.end(),
                     [](const auto& a, const auto& b)
                     {
                         return std::make_pair(a->GetPriority(), a->GetSequence()) <
                                std::make_pair(b->GetPriority(), b->GetSequence());
                     });
}

std::unique_ptr<Rule>
Port::BuildRule(const Group& group, const RuleSpec& spec, const std::string& owner)
{
    if (spec.id.empty())
    {
        throw PolicyError(fmt::format("{}: a rule needs an id", owner));
    }
    if (spec.stateful && !(spec.ttl > 0))
    {
        throw PolicyError(fmt::format("{}: ttl must be positive, got {}", owner, spec.ttl));
    }
    CheckConditions(spec.conditions, owner);
    group.CheckRule(spec, owner);
    RuleAction action(spec.action, spec.stateful, m_resources, m_meters, owner);
    return std::make_unique<Rule>(spec, std::move(action), m_nextSequence++);
}

std::unique_ptr<Group>
Port::BuildGroup(Layer& layer, const GroupSpec& spec, uint64_t sequence, const Group* replacing)
{
    const std::string owner =
        fmt::format("port '{}' layer '{}' group '{}'", m_name, layer.GetName(), spec.name);
    if (spec.name.empty())
    {
        throw PolicyError(
            fmt::format("port '{}' layer '{}': a group needs a name", m_name, layer.GetName()));
    }
    if (replacing == nullptr && layer.FindGroup(spec.name))
    {
        throw PolicyError(fmt::format("{}: the layer already has a group of that name", owner));
    }
    if (spec.type == GroupType::Lpm && !HasPrefixes(spec.lpmOn))
    {
        throw PolicyError(
            fmt::format("{}: lpm_on must be src_ip, dst_ip, src_mac or dst_mac, got {}",
                        owner,
                        ConditionTypeName(spec.lpmOn)));
    }
    CheckConditions(spec.conditions, owner);
    auto group = std::make_unique<Group>(spec, sequence);
    std::vector<std::unique_ptr<Rule>> rules;
    std::unordered_set<std::string> ids;
    for (const RuleSpec& rule : spec.rules)
    {
        const std::string ruleOwner = fmt::format("{} rule '{}'", owner, rule.id);
        const Group* holder = layer.FindRuleGroup(rule.id);
        if ((holder && holder != replacing) || !ids.insert(rule.id).second)
        {
            throw PolicyError(fmt::format("{}: rule ids must be unique within a layer", ruleOwner));
        }
        rules.push_back(BuildRule(*group, rule, ruleOwner));
    }
    group->InsertAll(std::move(rules));
    return group;
}

void
Port::CreateLayer(const LayerSpec& spec)
{
    if (spec.name.empty())
    {
        throw PolicyError(fmt::format("port '{}': a layer needs a name", m_name));
    }
    if (FindLayer(spec.name))
    {
        throw PolicyError(fmt::format("port '{}': layer '{}' already exists", m_name, spec.name));
    }
    auto layer = std::make_unique<Layer>(spec, m_nextSequence++);
    for (const GroupSpec& group : spec.groups)
    {
        layer->AddGroup(BuildGroup(*layer, group, m_nextSequence++, nullptr));
    }
    m_layers.push_back(std::move(layer));
    SortLayers();
    Changed();
}

void
Port::DeleteLayer(const std::string& name)
{
    Layer& layer = GetLayer(name);
    ForgetLayer(layer);
    m_layers.erase(std::find_if(
        m_layers.begin(), m_layers.end(), [&layer](const auto& l) { return l.get() == &layer; }));
    Changed();
}

void
Port::CreateGroup(const std::string& layerName, const GroupSpec& spec)
{
    Layer& layer = GetLayer(layerName);
    layer.AddGroup(BuildGroup(layer, spec, m_nextSequence++, nullptr));
    Changed();
}

void
Port::DeleteGroup(const std::string& layerName, const std::string& groupName, bool flushFlows)
{
    Layer& layer = GetLayer(layerName);
    Group* group = layer.FindGroup(groupName);
    if (group == nullptr)
    {
        throw PolicyError(
            fmt::format("port '{}' layer '{}': no group '{}'", m_name, layerName, groupName));
    }
    if (flushFlows)
    {
        for (const auto& rule : group->GetRules())
        {
            layer.GetCounters().flowsFlushed += layer.GetFlows().FlushRule(rule->spec.id);
        }
    }
    layer.RemoveGroup(groupName);
    Changed();
}

void
Port::AddRule(const std::string& layerName, const std::string& groupName, const RuleSpec& spec)
{
    Layer& layer = GetLayer(layerName);
    Group* group = layer.FindGroup(groupName);
    const std::string owner = fmt::format(
        "port '{}' layer '{}' group '{}' rule '{}'", m_name, layerName, groupName, spec.id);
    if (group == nullptr)
    {
        throw PolicyError(fmt::format("{}: no such group", owner));
    }
    if (layer.FindRuleGroup(spec.id))
    {
        throw PolicyError(fmt::format("{}: rule ids must be unique within a layer", owner));
    }
    layer.AddRule(*group, BuildRule(*group, spec, owner));
    Changed();
}

void
Port::RemoveRule(const std::string& layerName,
                 const std::string& groupName,
                 const std::string& id,
                 bool flushFlows)
{
    Layer& layer = GetLayer(layerName);
    Group* group = layer.FindGroup(groupName);
    if (group == nullptr || !layer.RemoveRule(*group, id))
    {
        throw PolicyError(fmt::format("port '{}' layer '{}' group '{}': no rule '{}' to remove",
                                      m_name,
                                      layerName,
                                      groupName,
                                      id));
    }
    if (flushFlows)
    {
        layer.GetCounters().flowsFlushed += layer.GetFlows().FlushRule(id);
    }
    Changed();
}

void
Port::ReplaceGroup(const std::string& layerName, const GroupSpec& spec, bool flushFlows)
{
    Layer& layer = GetLayer(layerName);
    Group* old = layer.FindGroup(spec.name);
    const uint64_t sequence = old ? old->GetSequence() : m_nextSequence++;
    std::unique_ptr<Group> replacement = BuildGroup(layer, spec, sequence, old);
    if (old && flushFlows)
    {
        for (const auto& rule : old->GetRules())
        {
            const bool kept =
                std::any_of(replacement->GetRules().begin(),
                            replacement->GetRules().end(),
                            [&rule](const auto& r) { return r->spec.id == rule->spec.id; });
            if (!kept)
            {
                layer.GetCounters().flowsFlushed += layer.GetFlows().FlushRule(rule->spec.id);
            }
        }
    }
    layer.ReplaceGroup(std::move(replacement));
    Changed();
}

void
Port::CreateResource(const ResourceSpec& spec)
{
    try
    {
        m_resources.Create(spec);
    }
    catch (const PolicyError& error)
    {
        throw PolicyError(
            fmt::format("port '{}' resource '{}': {}", m_name, spec.name, error.what()));
    }
    Changed();
}

void
Port::DeleteResource(const std::string& name)
{
    if (!m_resources.Contains(name))
    {
        throw PolicyError(fmt::format("port '{}': no resource '{}' to delete", m_name, name));
    }
    const RangeList* list = m_resources.FindRangeList(name);
    for (const auto& layer : m_layers)
    {
        for (const auto& group : layer->GetGroups())
        {
            for (const auto& rule : group->GetRules())
            {
                if (rule->action.References(name))
                {
                    throw PolicyError(
                        fmt::format("port '{}': resource '{}' is used by layer '{}' rule '{}'",
                                    m_name,
                                    name,
                                    layer->GetName(),
                                    rule->spec.id));
                }
            }
        }
        bool holdsPorts = false;
        layer->GetFlows().ForEach([&](FlowHandle, const FlowPair& pair)
                                  { holdsPorts = holdsPorts || (list && pair.snat == list); });
        if (holdsPorts)
        {
            throw PolicyError(fmt::format(
                "port '{}': resource '{}' still holds ports of connections in layer '{}'",
                m_name,
                name,
                layer->GetName()));
        }
    }
    m_resources.Delete(name);
    m_eventHandlers.erase(name);
    Changed();
}

void
Port::SetMapping(const std::string& resource, uint32_t customer, uint32_t provider)
{
    m_resources.GetMapping(resource, fmt::format("port '{}' set_mapping", m_name))
        .Set(customer, provider);
    Changed();
}

void
Port::RemoveMapping(const std::string& resource, uint32_t customer)
{
    const std::string user = fmt::format("port '{}' remove_mapping", m_name);
    if (!m_resources.GetMapping(resource, user).Remove(customer))
    {
        throw PolicyError(fmt::format(
            "{}: resource '{}' has no mapping for {}", user, resource, FormatIpv4(customer)));
    }
    Changed();
}

void
Port::AddPortRange(const std::string& resource, PortRange range)
{
    const std::string user = fmt::format("port '{}' add_range", m_name);
    RangeList& list = m_resources.GetRangeList(resource, user);
    try
    {
        list.AddRange(range);
    }
    catch (const PolicyError& error)
    {
        throw PolicyError(fmt::format("{} on '{}': {}", user, resource, error.what()));
    }
    Changed();
}

void
Port::RemovePortRange(const std::string& resource, PortRange range)
{
    const std::string user = fmt::format("port '{}' remove_range", m_name);
    RangeList& list = m_resources.GetRangeList(resource, user);
    try
    {
        list.RemoveRange(range);
    }
    catch (const PolicyError& error)
    {
        throw PolicyError(fmt::format("{} on '{}': {}", user, resource, error.what()));
    }
    Changed();
}

void
Port::RegisterEventHandler(const std::string& resource, ResourceEventHandler handler)
{
    if (!m_resources.Contains(resource))
    {
        throw PolicyError(
            fmt::format("port '{}': no resource '{}' to register for", m_name, resource));
    }
    m_eventHandlers[resource] = std::move(handler);
}

PortSpec
Port::ToSpec() const
{
    PortSpec spec;
    spec.name = m_name;
    spec.mac = m_mac;
    for (const auto& layer : m_layers)
    {
        spec.layers.push_back(layer->ToSpec());
    }
    spec.resources = m_resources.ToSpecs();
    spec.qos = m_qos;
    return spec;
}

} // namespace vfp
