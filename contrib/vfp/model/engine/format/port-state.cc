#include "port-state.h"

#include "policy-json.h"
#include "transposition-json.h"

#include <fmt/format.h>
#include <limits>
#include <optional>
#include <set>

namespace vfp
{

namespace
{

/// @p value, which must be a list (of exactly @p size items when given).
const Json&
ReadList(const Json& value, const std::string& path, std::optional<size_t> size = std::nullopt)
{
    if (!value.is_array() || (size && value.size() != *size))
    {
        FailAt(path,
               size ? fmt::format("expected a list of {} items, got {}", *size, Describe(value))
                    : fmt::format("expected a list, got {}", Describe(value)));
    }
    return value;
}

Json
SaveCounter(const PacketByteCounter& counter)
{
    return Json::array({counter.packets, counter.bytes});
}

PacketByteCounter
ReadCounter(const Json& value, const std::string& path)
{
    if (!value.is_array() || value.size() != 2)
    {
        FailAt(path, "expected [packets, bytes]");
    }
    return PacketByteCounter{ReadUnsigned(value[0], path + "[0]", UINT64_MAX),
                             ReadUnsigned(value[1], path + "[1]", UINT64_MAX)};
}

template<typename Array>
Json
SaveArray(const Array& values)
{
    Json out = Json::array();
    for (const auto& value : values)
    {
        out.push_back(value);
    }
    return out;
}

/// Reads a fixed-size array of unsigned numbers into @p out.
template<typename Array>
void
ReadArray(const Json& value, const std::string& path, Array& out)
{
    if (!value.is_array() || value.size() != out.size())
    {
        FailAt(path, fmt::format("expected a list of {} numbers", out.size()));
    }
    for (size_t i = 0; i < out.size(); ++i)
    {
        const std::string itemPath = fmt::format("{}[{}]", path, i);
        if constexpr (std::is_same_v<typename Array::value_type, bool>)
        {
            out[i] = ReadBool(value[i], itemPath);
        }
        else
        {
            out[i] = static_cast<typename Array::value_type>(ReadUnsigned(
                value[i], itemPath, std::numeric_limits<typename Array::value_type>::max()));
        }
    }
}

Json
SaveUfid(const Ufid& ufid)
{
    Json ids = Json::array();
    for (size_t i = 0; i < ufid.count; ++i)
    {
        const FlowId& id = ufid.ids[i];
        ids.push_back({id.srcMac,
                       id.dstMac,
                       id.srcIp,
                       id.dstIp,
                       id.tunnelKey,
                       id.srcPort,
                       id.dstPort,
                       id.etherType,
                       id.protocol,
                       static_cast<int>(id.tunnel)});
    }
    return ids;
}

Ufid
ReadUfid(const Json& value, const std::string& path)
{
    if (!value.is_array() || value.size() > MAX_HEADER_GROUPS)
    {
        FailAt(path, "expected a list of flow ids");
    }
    // The largest value of each FlowId field, in SaveUfid's order.
    constexpr std::array<uint64_t, 10> MAX{0xffffffffffff,
                                           0xffffffffffff,
                                           UINT32_MAX,
                                           UINT32_MAX,
                                           UINT32_MAX,
                                           0xffff,
                                           0xffff,
                                           0xffff,
                                           0xff,
                                           static_cast<uint64_t>(TunnelType::IpInIp)};
    Ufid ufid;
    ufid.count = static_cast<uint8_t>(value.size());
    for (size_t i = 0; i < value.size(); ++i)
    {
        const std::string idPath = fmt::format("{}[{}]", path, i);
        ReadList(value[i], idPath, MAX.size());
        std::array<uint64_t, 10> f{};
        for (size_t k = 0; k < f.size(); ++k)
        {
            f[k] = ReadUnsigned(value[i][k], fmt::format("{}[{}]", idPath, k), MAX[k]);
        }
        ufid.ids[i] = FlowId{f[0],
                             f[1],
                             static_cast<uint32_t>(f[2]),
                             static_cast<uint32_t>(f[3]),
                             static_cast<uint32_t>(f[4]),
                             static_cast<uint16_t>(f[5]),
                             static_cast<uint16_t>(f[6]),
                             static_cast<uint16_t>(f[7]),
                             static_cast<uint8_t>(f[8]),
                             static_cast<TunnelType>(f[9])};
    }
    return ufid;
}

Json
SaveKey(const UnifiedFlowKey& key)
{
    Json words = Json::array();
    for (size_t i = 0; i < key.groups * UNIFIED_KEY_WORDS_PER_GROUP; ++i)
    {
        words.push_back(key.words[i]);
    }
    return {static_cast<int>(key.direction), words};
}

UnifiedFlowKey
ReadKey(const Json& value, const std::string& path)
{
    if (!value.is_array() || value.size() != 2 || !value[1].is_array() ||
        value[1].size() % UNIFIED_KEY_WORDS_PER_GROUP != 0 ||
        value[1].size() > MAX_HEADER_GROUPS * UNIFIED_KEY_WORDS_PER_GROUP)
    {
        FailAt(path, "expected [direction, [key words]]");
    }
    UnifiedFlowKey key;
    key.direction = static_cast<Direction>(ReadUnsigned(value[0], path + "[0]", 1));
    key.groups = static_cast<uint8_t>(value[1].size() / UNIFIED_KEY_WORDS_PER_GROUP);
    for (size_t i = 0; i < value[1].size(); ++i)
    {
        key.words[i] = ReadUnsigned(value[1][i], fmt::format("{}[1][{}]", path, i), UINT64_MAX);
    }
    return key;
}

Json
SaveHandle(uint32_t slot, uint32_t version)
{
    return Json::array({slot, version});
}

template<typename Handle>
Handle
ReadHandle(const Json& value, const std::string& path)
{
    std::array<uint32_t, 2> parts{};
    ReadArray(value, path, parts);
    return Handle{parts[0], parts[1]};
}

/// The layer of @p port that @p value names.
Layer*
LayerNamed(Port& port, const Json& value, const std::string& path)
{
    const std::string name = ReadString(value, path);
    for (const auto& layer : port.GetLayers())
    {
        if (layer->GetName() == name)
        {
            return layer.get();
        }
    }
    FailAt(path, fmt::format("no layer \"{}\" in the saved policy", name));
}

/// A list of slot numbers (a slab's free list).
std::vector<uint32_t>
ReadSlotList(const Json& value, const std::string& path)
{
    std::vector<uint32_t> slots;
    for (size_t i = 0; i < ReadList(value, path).size(); ++i)
    {
        slots.push_back(static_cast<uint32_t>(
            ReadUnsigned(value[i], fmt::format("{}[{}]", path, i), UINT32_MAX - 1)));
    }
    return slots;
}

TcpState
ReadTcpState(const Json& value, const std::string& path)
{
    const std::string name = ReadString(value, path);
    for (uint8_t candidate = 0; candidate <= static_cast<uint8_t>(TcpState::Closed); ++candidate)
    {
        if (TcpStateName(static_cast<TcpState>(candidate)) == name)
        {
            return static_cast<TcpState>(candidate);
        }
    }
    FailAt(path, fmt::format("unknown TCP state \"{}\"", name));
}

std::string
MeterName(const std::map<std::string, PacketByteCounter>& meters, const PacketByteCounter* meter)
{
    for (const auto& [name, counter] : meters)
    {
        if (&counter == meter)
        {
            return name;
        }
    }
    return "";
}

} // namespace

Json
PortState::Save(const Port& constPort)
{
    Port& port = const_cast<Port&>(constPort); // reads only; the slabs' accessors are not const
    Json state{{"format", "vfp-port-state"}, {"version", PORT_STATE_VERSION}};
    PolicySpec policy;
    policy.ports.push_back(port.ToSpec());
    state["policy"] = WritePolicy(policy);
    state["generation"] = port.m_generation;

    Json allocated = Json::object();
    for (const ResourceSpec& resource : port.m_resources.ToSpecs())
    {
        if (const RangeList* list = port.m_resources.FindRangeList(resource.name))
        {
            allocated[resource.name] = SaveArray(list->GetAllocated());
        }
    }
    state["snat_allocated"] = allocated;

    Json meters = Json::object();
    for (const auto& [name, counter] : port.m_meters)
    {
        meters[name] = SaveCounter(counter);
    }
    state["meters"] = meters;

    auto resourceName = [&port](const RangeList* list)
    {
        for (const ResourceSpec& resource : port.m_resources.ToSpecs())
        {
            if (port.m_resources.FindRangeList(resource.name) == list)
            {
                return resource.name;
            }
        }
        return std::string();
    };
    Json layers = Json::array();
    for (const auto& layer : port.m_layers)
    {
        const LayerCounters& c = layer->GetCounters();
        Json counters{{"packets", SaveArray(c.packets)},
                      {"flow_hits", SaveArray(c.flowHits)},
                      {"rule_matches", SaveArray(c.ruleMatches)},
                      {"default_hits", SaveArray(c.defaultHits)},
                      {"drops", SaveArray(c.drops)},
                      {"flows_created", c.flowsCreated},
                      {"flows_expired", c.flowsExpired},
                      {"flows_flushed", c.flowsFlushed}};
        Json rules = Json::object();
        for (const auto& group : layer->GetGroups())
        {
            for (const auto& rule : group->GetRules())
            {
                rules[rule->spec.id] = SaveCounter(rule->counter);
            }
        }
        LayerFlowTable::Snapshot snapshot = layer->GetFlows().GetSnapshot();
        Json slots = Json::array();
        for (const LayerFlowTable::Slot& slot : snapshot.slots)
        {
            Json saved{{"version", slot.version}, {"live", slot.live}};
            if (slot.live)
            {
                const FlowPair& pair = slot.value;
                saved["origin"] = static_cast<int>(pair.origin);
                saved["keys"] = {SaveUfid(pair.keys[0]), SaveUfid(pair.keys[1])};
                saved["hts"] = {WriteTransposition(pair.hts[0]), WriteTransposition(pair.hts[1])};
                saved["rule"] = pair.ruleId;
                saved["last_seen"] = pair.lastSeen;
                saved["ttl"] = pair.ttl;
                saved["pins"] = pair.pins;
                saved["meter"] = pair.meter ? Json(MeterName(port.m_meters, pair.meter)) : Json();
                saved["snat"] =
                    pair.snat ? Json::array({resourceName(pair.snat), pair.snatPort}) : Json();
            }
            slots.push_back(saved);
        }
        layers.push_back({{"name", layer->GetName()},
                          {"counters", counters},
                          {"rules", rules},
                          {"slots", slots},
                          {"free", SaveArray(snapshot.free)}});
    }
    state["layers"] = layers;

    ConnectionTracker::Snapshot tracker = port.m_tracker.GetSnapshot();
    Json connections = Json::array();
    for (const ConnectionTracker::Slot& slot : tracker.slots)
    {
        Json saved{{"version", slot.version}, {"live", slot.live}};
        if (slot.live)
        {
            const Connection& c = slot.value;
            Json flows = Json::array();
            for (const UnifiedFlowKey& key : c.flows)
            {
                flows.push_back(SaveKey(key));
            }
            Json layerFlows = Json::array();
            for (const auto& [layer, handle] : c.layerFlows)
            {
                layerFlows.push_back({layer->GetName(), SaveHandle(handle.slot, handle.version)});
            }
            saved.update({{"key", SaveUfid(c.key)},
                          {"protocol", c.protocol},
                          {"state", TcpStateName(c.state)},
                          {"initiator", static_cast<int>(c.initiator)},
                          {"isn", {c.initiatorIsn, c.responderIsn}},
                          {"fin_sent", SaveArray(c.finSent)},
                          {"fin_seq", SaveArray(c.finSeq)},
                          {"fin_acked", SaveArray(c.finAcked)},
                          {"created", c.created},
                          {"last_seen", c.lastSeen},
                          {"time_wait_since", c.timeWaitSince},
                          {"flows", flows},
                          {"layer_flows", layerFlows},
                          {"pinned", c.pinned}});
        }
        connections.push_back(saved);
    }
    const TrackerCounters& tc = tracker.counters;
    state["tracker"] = {{"slots", connections},
                        {"free", SaveArray(tracker.free)},
                        {"counters",
                         {{"created", tc.created},
                          {"refused", tc.refused},
                          {"established", tc.established},
                          {"ended", SaveArray(tc.ended)}}}};

    Json flows = Json::array();
    for (const auto& [key, flow] : port.m_uft.Sorted())
    {
        Json meterContexts = Json::array();
        for (const MeterContext& context : flow->meters)
        {
            meterContexts.push_back({MeterName(port.m_meters, context.meter), context.sizeDelta});
        }
        Json layerFlows = Json::array();
        for (const LayerFlowRef& ref : flow->layerFlows)
        {
            layerFlows.push_back(
                {ref.layer->GetName(), SaveHandle(ref.handle.slot, ref.handle.version)});
        }
        Json watches = Json::array();
        for (const LayerWatch& watch : flow->watches)
        {
            watches.push_back({watch.layer->GetName(), watch.keyHash});
        }
        flows.push_back(
            {{"key", SaveKey(key)},
             {"generation", flow->generation},
             {"ht", WriteTransposition(flow->ht)},
             {"meters", meterContexts},
             {"layer_flows", layerFlows},
             {"watches", watches},
             {"connection", SaveHandle(flow->connection.slot, flow->connection.version)}});
    }
    const UftCounters& u = port.m_uftCounters;
    state["uft"] = {{"flows", flows},
                    {"counters",
                     {u.hits,
                      u.misses,
                      u.reconciled,
                      u.reconcileUpdated,
                      u.reconcileRemoved,
                      u.inserted,
                      u.evicted,
                      u.capacityEvicted}}};

    const PortCounters& pc = port.m_counters;
    Json drops = Json::array();
    for (const auto& perDirection : pc.drops)
    {
        drops.push_back(SaveArray(perDirection));
    }
    state["counters"] = {{"received", {SaveCounter(pc.received[0]), SaveCounter(pc.received[1])}},
                         {"allowed", {SaveCounter(pc.allowed[0]), SaveCounter(pc.allowed[1])}},
                         {"held", {SaveCounter(pc.held[0]), SaveCounter(pc.held[1])}},
                         {"drops", drops},
                         {"events_raised", pc.eventsRaised}};
    return state;
}

std::unique_ptr<Port>
PortState::Restore(const Json& state, const PortConfig& config)
{
    try
    {
        return RestoreChecked(state, config);
    }
    catch (const Json::exception& error)
    {
        // A missing or mistyped field deep in the document (nlohmann's at() and get()).
        throw PolicyError(fmt::format("port state: malformed document: {}", error.what()));
    }
}

std::unique_ptr<Port>
PortState::RestoreChecked(const Json& state, const PortConfig& config)
{
    ObjectReader top(state, "");
    if (ReadString(top.Require("format"), "format") != "vfp-port-state")
    {
        FailAt("format", "expected \"vfp-port-state\"");
    }
    const int version = ReadInt(top.Require("version"), "version");
    if (version < PORT_STATE_OLDEST_VERSION || version > PORT_STATE_VERSION)
    {
        FailAt("version",
               fmt::format("this build restores port state versions {} to {}, got {}",
                           PORT_STATE_OLDEST_VERSION,
                           PORT_STATE_VERSION,
                           version));
    }
    const PolicySpec policy = ReadPolicy(top.Require("policy"));
    if (policy.ports.size() != 1)
    {
        FailAt("policy.ports", "expected exactly one port");
    }
    auto port = std::make_unique<Port>(policy.ports[0], config);
    RestoreResources(*port, top);
    const Json& layers = ReadList(top.Require("layers"), "layers");
    std::set<const Layer*> restored;
    for (size_t l = 0; l < layers.size(); ++l)
    {
        const Layer* layer = RestoreLayer(*port, layers[l], fmt::format("layers[{}]", l));
        if (!restored.insert(layer).second)
        {
            FailAt(fmt::format("layers[{}].name", l), "the layer's state is saved twice");
        }
    }
    RestoreTracker(*port, top.Require("tracker"));
    RestoreUft(*port, top.Require("uft"), version);
    RestoreCounters(*port, top.Require("counters"));
    // Last: the constructor counted generations of its own while building the policy.
    port->m_generation = ReadUnsigned(top.Require("generation"), "generation", UINT64_MAX);
    top.RejectUnread();
    return port;
}

void
PortState::RestoreResources(Port& port, ObjectReader& top)
{
    const Json& allocated = top.Require("snat_allocated");
    if (!allocated.is_object())
    {
        FailAt("snat_allocated", fmt::format("expected an object, got {}", Describe(allocated)));
    }
    for (const auto& [name, ports] : allocated.items())
    {
        const std::string path = "snat_allocated." + name;
        RangeList* list = port.m_resources.FindRangeList(name);
        if (list == nullptr)
        {
            FailAt(path, "expected a list of ports of a range_list resource");
        }
        std::vector<uint16_t> held;
        for (size_t i = 0; i < ReadList(ports, path).size(); ++i)
        {
            held.push_back(static_cast<uint16_t>(
                ReadUnsigned(ports[i], fmt::format("{}[{}]", path, i), 0xffff)));
        }
        list->RestoreAllocated(held);
    }
    const Json& meters = top.Require("meters");
    if (!meters.is_object())
    {
        FailAt("meters", fmt::format("expected an object, got {}", Describe(meters)));
    }
    for (const auto& [name, counter] : meters.items())
    {
        port.m_meters[name] = ReadCounter(counter, "meters." + name);
    }
}

const Layer*
PortState::RestoreLayer(Port& port, const Json& saved, const std::string& path)
{
    ObjectReader reader(saved, path);
    Layer* layer = LayerNamed(port, reader.Require("name"), reader.PathOf("name"));
    ObjectReader c(reader.Require("counters"), reader.PathOf("counters"));
    LayerCounters& counters = layer->GetCounters();
    ReadArray(c.Require("packets"), c.PathOf("packets"), counters.packets);
    ReadArray(c.Require("flow_hits"), c.PathOf("flow_hits"), counters.flowHits);
    ReadArray(c.Require("rule_matches"), c.PathOf("rule_matches"), counters.ruleMatches);
    ReadArray(c.Require("default_hits"), c.PathOf("default_hits"), counters.defaultHits);
    ReadArray(c.Require("drops"), c.PathOf("drops"), counters.drops);
    counters.flowsCreated =
        ReadUnsigned(c.Require("flows_created"), c.PathOf("flows_created"), UINT64_MAX);
    counters.flowsExpired =
        ReadUnsigned(c.Require("flows_expired"), c.PathOf("flows_expired"), UINT64_MAX);
    counters.flowsFlushed =
        ReadUnsigned(c.Require("flows_flushed"), c.PathOf("flows_flushed"), UINT64_MAX);
    c.RejectUnread();

    ObjectReader rules(reader.Require("rules"), reader.PathOf("rules"));
    for (const auto& group : layer->GetGroups())
    {
        for (const auto& rule : group->GetRules())
        {
            if (const Json* counter = rules.Find(rule->spec.id))
            {
                rule->counter = ReadCounter(*counter, rules.PathOf(rule->spec.id));
            }
        }
    }
    rules.RejectUnread();

    LayerFlowTable::Snapshot snapshot;
    const Json& slots = ReadList(reader.Require("slots"), reader.PathOf("slots"));
    for (size_t s = 0; s < slots.size(); ++s)
    {
        snapshot.slots.push_back(
            ReadFlowSlot(port, slots[s], fmt::format("{}.slots[{}]", path, s)));
    }
    snapshot.free = ReadSlotList(reader.Require("free"), reader.PathOf("free"));
    const std::string invalid =
        VersionedSlab<FlowPair>::CheckSnapshot(snapshot.slots, snapshot.free);
    if (!invalid.empty())
    {
        FailAt(path, invalid);
    }
    reader.RejectUnread();
    layer->GetFlows().Restore(std::move(snapshot));
    return layer;
}

LayerFlowTable::Slot
PortState::ReadFlowSlot(Port& port, const Json& saved, const std::string& path)
{
    ObjectReader reader(saved, path);
    LayerFlowTable::Slot slot;
    slot.version = static_cast<uint32_t>(
        ReadUnsigned(reader.Require("version"), reader.PathOf("version"), UINT32_MAX));
    slot.live = ReadBool(reader.Require("live"), reader.PathOf("live"));
    if (slot.live)
    {
        FlowPair& pair = slot.value;
        pair.origin = static_cast<Direction>(
            ReadUnsigned(reader.Require("origin"), reader.PathOf("origin"), 1));
        const Json& keys = ReadList(reader.Require("keys"), reader.PathOf("keys"), 2);
        const Json& hts = ReadList(reader.Require("hts"), reader.PathOf("hts"), 2);
        for (size_t d = 0; d < DIRECTION_COUNT; ++d)
        {
            pair.keys[d] = ReadUfid(keys[d], fmt::format("{}.keys[{}]", path, d));
            pair.hts[d] = ReadTransposition(hts[d], fmt::format("{}.hts[{}]", path, d));
        }
        pair.ruleId = ReadString(reader.Require("rule"), reader.PathOf("rule"));
        pair.lastSeen = ReadNumber(reader.Require("last_seen"), reader.PathOf("last_seen"));
        pair.ttl = ReadNumber(reader.Require("ttl"), reader.PathOf("ttl"));
        pair.pins = static_cast<uint32_t>(
            ReadUnsigned(reader.Require("pins"), reader.PathOf("pins"), UINT32_MAX));
        const Json& meter = reader.Require("meter");
        pair.meter =
            meter.is_null() ? nullptr : &port.m_meters[ReadString(meter, reader.PathOf("meter"))];
        const Json& snat = reader.Require("snat");
        if (!snat.is_null())
        {
            const std::string snatPath = reader.PathOf("snat");
            ReadList(snat, snatPath, 2);
            const std::string resource = ReadString(snat[0], snatPath + "[0]");
            pair.snat = port.m_resources.FindRangeList(resource);
            if (pair.snat == nullptr)
            {
                FailAt(snatPath + "[0]", fmt::format("no range_list \"{}\"", resource));
            }
            pair.snatPort = static_cast<uint16_t>(ReadUnsigned(snat[1], snatPath + "[1]", 0xffff));
        }
    }
    reader.RejectUnread();
    return slot;
}

void
PortState::RestoreTracker(Port& port, const Json& saved)
{
    ObjectReader reader(saved, "tracker");
    ConnectionTracker::Snapshot snapshot;
    const Json& slots = ReadList(reader.Require("slots"), reader.PathOf("slots"));
    for (size_t s = 0; s < slots.size(); ++s)
    {
        snapshot.slots.push_back(
            ReadConnectionSlot(port, slots[s], fmt::format("tracker.slots[{}]", s)));
    }
    snapshot.free = ReadSlotList(reader.Require("free"), reader.PathOf("free"));
    const std::string invalid =
        VersionedSlab<Connection>::CheckSnapshot(snapshot.slots, snapshot.free);
    if (!invalid.empty())
    {
        FailAt("tracker", invalid);
    }
    ObjectReader tc(reader.Require("counters"), reader.PathOf("counters"));
    snapshot.counters.created =
        ReadUnsigned(tc.Require("created"), tc.PathOf("created"), UINT64_MAX);
    snapshot.counters.refused =
        ReadUnsigned(tc.Require("refused"), tc.PathOf("refused"), UINT64_MAX);
    snapshot.counters.established =
        ReadUnsigned(tc.Require("established"), tc.PathOf("established"), UINT64_MAX);
    ReadArray(tc.Require("ended"), tc.PathOf("ended"), snapshot.counters.ended);
    tc.RejectUnread();
    reader.RejectUnread();
    port.m_tracker.Restore(std::move(snapshot));
}

ConnectionTracker::Slot
PortState::ReadConnectionSlot(Port& port, const Json& saved, const std::string& path)
{
    ObjectReader reader(saved, path);
    ConnectionTracker::Slot slot;
    slot.version = static_cast<uint32_t>(
        ReadUnsigned(reader.Require("version"), reader.PathOf("version"), UINT32_MAX));
    slot.live = ReadBool(reader.Require("live"), reader.PathOf("live"));
    if (!slot.live)
    {
        reader.RejectUnread();
        return slot;
    }
    Connection& c = slot.value;
    c.key = ReadUfid(reader.Require("key"), reader.PathOf("key"));
    c.protocol = static_cast<uint8_t>(
        ReadUnsigned(reader.Require("protocol"), reader.PathOf("protocol"), 255));
    c.state = ReadTcpState(reader.Require("state"), reader.PathOf("state"));
    c.initiator = static_cast<Direction>(
        ReadUnsigned(reader.Require("initiator"), reader.PathOf("initiator"), 1));
    std::array<uint32_t, 2> isn{};
    ReadArray(reader.Require("isn"), reader.PathOf("isn"), isn);
    c.initiatorIsn = isn[0];
    c.responderIsn = isn[1];
    ReadArray(reader.Require("fin_sent"), reader.PathOf("fin_sent"), c.finSent);
    ReadArray(reader.Require("fin_seq"), reader.PathOf("fin_seq"), c.finSeq);
    ReadArray(reader.Require("fin_acked"), reader.PathOf("fin_acked"), c.finAcked);
    c.created = ReadNumber(reader.Require("created"), reader.PathOf("created"));
    c.lastSeen = ReadNumber(reader.Require("last_seen"), reader.PathOf("last_seen"));
    c.timeWaitSince =
        ReadNumber(reader.Require("time_wait_since"), reader.PathOf("time_wait_since"));
    const Json& flows = ReadList(reader.Require("flows"), reader.PathOf("flows"));
    for (size_t i = 0; i < flows.size(); ++i)
    {
        c.flows.push_back(ReadKey(flows[i], fmt::format("{}.flows[{}]", path, i)));
    }
    for (const LayerFlowRef& ref :
         ReadLayerFlows(port, reader.Require("layer_flows"), reader.PathOf("layer_flows")))
    {
        c.layerFlows.emplace_back(ref.layer, ref.handle);
    }
    c.pinned = ReadBool(reader.Require("pinned"), reader.PathOf("pinned"));
    reader.RejectUnread();
    return slot;
}

void
PortState::RestoreUft(Port& port, const Json& saved, int version)
{
    ObjectReader reader(saved, "uft");
    const Json& flows = ReadList(reader.Require("flows"), reader.PathOf("flows"));
    for (size_t f = 0; f < flows.size(); ++f)
    {
        const std::string path = fmt::format("uft.flows[{}]", f);
        ObjectReader flowReader(flows[f], path);
        const UnifiedFlowKey key = ReadKey(flowReader.Require("key"), flowReader.PathOf("key"));
        if (port.m_uft.Find(key) != nullptr)
        {
            FailAt(flowReader.PathOf("key"), "a unified flow with this key is saved twice");
        }
        port.m_uft.Insert(key, ReadUnifiedFlow(port, flowReader));
        flowReader.RejectUnread();
    }
    std::array<uint64_t, 8> u{};
    if (version == 1)
    {
        std::array<uint64_t, 7> v1{}; // no capacity_evicted yet
        ReadArray(reader.Require("counters"), reader.PathOf("counters"), v1);
        std::copy(v1.begin(), v1.end(), u.begin());
    }
    else
    {
        ReadArray(reader.Require("counters"), reader.PathOf("counters"), u);
    }
    port.m_uftCounters = UftCounters{u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7]};
    reader.RejectUnread();
}

UnifiedFlow
PortState::ReadUnifiedFlow(Port& port, ObjectReader& reader)
{
    UnifiedFlow flow;
    flow.generation =
        ReadUnsigned(reader.Require("generation"), reader.PathOf("generation"), UINT64_MAX);
    flow.ht = ReadTransposition(reader.Require("ht"), reader.PathOf("ht"));
    const Json& meters = ReadList(reader.Require("meters"), reader.PathOf("meters"));
    for (size_t m = 0; m < meters.size(); ++m)
    {
        const std::string path = fmt::format("{}[{}]", reader.PathOf("meters"), m);
        ReadList(meters[m], path, 2);
        flow.meters.push_back(MeterContext{&port.m_meters[ReadString(meters[m][0], path + "[0]")],
                                           ReadInt(meters[m][1], path + "[1]")});
    }
    flow.layerFlows =
        ReadLayerFlows(port, reader.Require("layer_flows"), reader.PathOf("layer_flows"));
    const Json& watches = ReadList(reader.Require("watches"), reader.PathOf("watches"));
    for (size_t w = 0; w < watches.size(); ++w)
    {
        const std::string path = fmt::format("{}[{}]", reader.PathOf("watches"), w);
        ReadList(watches[w], path, 2);
        flow.watches.push_back(
            LayerWatch{LayerNamed(port, watches[w][0], path + "[0]"),
                       static_cast<size_t>(ReadUnsigned(watches[w][1], path + "[1]", SIZE_MAX))});
    }
    flow.connection =
        ReadHandle<ConnectionHandle>(reader.Require("connection"), reader.PathOf("connection"));
    return flow;
}

std::vector<LayerFlowRef>
PortState::ReadLayerFlows(Port& port, const Json& list, const std::string& path)
{
    std::vector<LayerFlowRef> refs;
    for (size_t i = 0; i < ReadList(list, path).size(); ++i)
    {
        const std::string itemPath = fmt::format("{}[{}]", path, i);
        ReadList(list[i], itemPath, 2);
        refs.push_back(LayerFlowRef{LayerNamed(port, list[i][0], itemPath + "[0]"),
                                    ReadHandle<FlowHandle>(list[i][1], itemPath + "[1]")});
    }
    return refs;
}

void
PortState::RestoreCounters(Port& port, const Json& saved)
{
    ObjectReader reader(saved, "counters");
    PortCounters& counters = port.m_counters;
    const Json& received = ReadList(reader.Require("received"), reader.PathOf("received"), 2);
    const Json& allowed = ReadList(reader.Require("allowed"), reader.PathOf("allowed"), 2);
    const Json& held = ReadList(reader.Require("held"), reader.PathOf("held"), 2);
    const Json& drops = ReadList(reader.Require("drops"), reader.PathOf("drops"), 2);
    for (size_t d = 0; d < DIRECTION_COUNT; ++d)
    {
        counters.received[d] = ReadCounter(received[d], fmt::format("counters.received[{}]", d));
        counters.allowed[d] = ReadCounter(allowed[d], fmt::format("counters.allowed[{}]", d));
        counters.held[d] = ReadCounter(held[d], fmt::format("counters.held[{}]", d));
        ReadArray(drops[d], fmt::format("counters.drops[{}]", d), counters.drops[d]);
    }
    counters.eventsRaised =
        ReadUnsigned(reader.Require("events_raised"), reader.PathOf("events_raised"), UINT64_MAX);
    reader.RejectUnread();
}

} // namespace vfp
