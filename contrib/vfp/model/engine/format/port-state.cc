#include "port-state.h"

#include "policy-json.h"
#include "transposition-json.h"

#include <fmt/format.h>

namespace vfp
{

namespace
{

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
            out[i] = static_cast<typename Array::value_type>(
                ReadUnsigned(value[i], itemPath, UINT64_MAX));
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
    Ufid ufid;
    ufid.count = static_cast<uint8_t>(value.size());
    for (size_t i = 0; i < value.size(); ++i)
    {
        std::array<uint64_t, 10> f{};
        ReadArray(value[i], fmt::format("{}[{}]", path, i), f);
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

/// Names the port's layers and meters in saved state, and finds them again on restore.
class Names
{
public:
    explicit Names(Port& port)
        : m_port(port)
    {
    }
    Layer* LayerNamed(const Json& value, const std::string& path) const
    {
        const std::string name = ReadString(value, path);
        for (const auto& layer : m_port.GetLayers())
        {
            if (layer->GetName() == name)
            {
                return layer.get();
            }
        }
        FailAt(path, fmt::format("no layer \"{}\" in the saved policy", name));
    }
    PacketByteCounter* MeterNamed(const Json& value,
                                  const std::string& path,
                                  std::map<std::string, PacketByteCounter>& meters) const
    {
        return value.is_null() ? nullptr : &meters[ReadString(value, path)];
    }

private:
    Port& m_port;
};

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
                      u.evicted}}};

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
    if (version != PORT_STATE_VERSION)
    {
        FailAt("version",
               fmt::format("this build restores port state version {}, got {}",
                           PORT_STATE_VERSION,
                           version));
    }
    const PolicySpec policy = ReadPolicy(top.Require("policy"));
    if (policy.ports.size() != 1)
    {
        FailAt("policy.ports", "expected exactly one port");
    }
    auto port = std::make_unique<Port>(policy.ports[0], config);
    Names names(*port);

    for (const auto& [name, ports] : top.Require("snat_allocated").items())
    {
        RangeList* list = port->m_resources.FindRangeList(name);
        if (list == nullptr || !ports.is_array())
        {
            FailAt("snat_allocated." + name, "expected a list of ports of a range_list resource");
        }
        std::vector<uint16_t> allocated;
        for (size_t i = 0; i < ports.size(); ++i)
        {
            allocated.push_back(static_cast<uint16_t>(
                ReadUnsigned(ports[i], fmt::format("snat_allocated.{}[{}]", name, i), 0xffff)));
        }
        list->RestoreAllocated(allocated);
    }
    for (const auto& [name, counter] : top.Require("meters").items())
    {
        port->m_meters[name] = ReadCounter(counter, "meters." + name);
    }

    const Json& layers = top.Require("layers");
    for (size_t l = 0; l < layers.size(); ++l)
    {
        const std::string path = fmt::format("layers[{}]", l);
        Layer* layer = names.LayerNamed(layers[l].at("name"), path + ".name");
        const Json& c = layers[l].at("counters");
        LayerCounters& counters = layer->GetCounters();
        ReadArray(c.at("packets"), path + ".counters.packets", counters.packets);
        ReadArray(c.at("flow_hits"), path + ".counters.flow_hits", counters.flowHits);
        ReadArray(c.at("rule_matches"), path + ".counters.rule_matches", counters.ruleMatches);
        ReadArray(c.at("default_hits"), path + ".counters.default_hits", counters.defaultHits);
        ReadArray(c.at("drops"), path + ".counters.drops", counters.drops);
        counters.flowsCreated =
            ReadUnsigned(c.at("flows_created"), path + ".counters.flows_created", UINT64_MAX);
        counters.flowsExpired =
            ReadUnsigned(c.at("flows_expired"), path + ".counters.flows_expired", UINT64_MAX);
        counters.flowsFlushed =
            ReadUnsigned(c.at("flows_flushed"), path + ".counters.flows_flushed", UINT64_MAX);
        for (const auto& group : layer->GetGroups())
        {
            for (const auto& rule : group->GetRules())
            {
                auto saved = layers[l].at("rules").find(rule->spec.id);
                if (saved != layers[l].at("rules").end())
                {
                    rule->counter = ReadCounter(*saved, path + ".rules." + rule->spec.id);
                }
            }
        }
        LayerFlowTable::Snapshot snapshot;
        const Json& slots = layers[l].at("slots");
        for (size_t s = 0; s < slots.size(); ++s)
        {
            const std::string slotPath = fmt::format("{}.slots[{}]", path, s);
            LayerFlowTable::Slot slot;
            slot.version = static_cast<uint32_t>(
                ReadUnsigned(slots[s].at("version"), slotPath + ".version", UINT32_MAX));
            slot.live = ReadBool(slots[s].at("live"), slotPath + ".live");
            if (slot.live)
            {
                const Json& saved = slots[s];
                FlowPair& pair = slot.value;
                pair.origin = static_cast<Direction>(
                    ReadUnsigned(saved.at("origin"), slotPath + ".origin", 1));
                for (size_t d = 0; d < DIRECTION_COUNT; ++d)
                {
                    pair.keys[d] =
                        ReadUfid(saved.at("keys")[d], fmt::format("{}.keys[{}]", slotPath, d));
                    pair.hts[d] = ReadTransposition(saved.at("hts")[d],
                                                    fmt::format("{}.hts[{}]", slotPath, d));
                }
                pair.ruleId = ReadString(saved.at("rule"), slotPath + ".rule");
                pair.lastSeen = ReadNumber(saved.at("last_seen"), slotPath + ".last_seen");
                pair.ttl = ReadNumber(saved.at("ttl"), slotPath + ".ttl");
                pair.pins = static_cast<uint32_t>(
                    ReadUnsigned(saved.at("pins"), slotPath + ".pins", UINT32_MAX));
                pair.meter =
                    names.MeterNamed(saved.at("meter"), slotPath + ".meter", port->m_meters);
                if (!saved.at("snat").is_null())
                {
                    const std::string resource =
                        ReadString(saved.at("snat")[0], slotPath + ".snat[0]");
                    pair.snat = port->m_resources.FindRangeList(resource);
                    if (pair.snat == nullptr)
                    {
                        FailAt(slotPath + ".snat[0]",
                               fmt::format("no range_list \"{}\"", resource));
                    }
                    pair.snatPort = static_cast<uint16_t>(
                        ReadUnsigned(saved.at("snat")[1], slotPath + ".snat[1]", 0xffff));
                }
            }
            snapshot.slots.push_back(std::move(slot));
        }
        const Json& free = layers[l].at("free");
        for (size_t i = 0; i < free.size(); ++i)
        {
            snapshot.free.push_back(
                static_cast<uint32_t>(ReadUnsigned(free[i], path + ".free", UINT32_MAX)));
        }
        layer->GetFlows().Restore(std::move(snapshot));
    }

    auto readLayerFlows = [&names](const Json& list, const std::string& path)
    {
        std::vector<LayerFlowRef> refs;
        for (size_t i = 0; i < list.size(); ++i)
        {
            refs.push_back(LayerFlowRef{
                names.LayerNamed(list[i][0], fmt::format("{}[{}][0]", path, i)),
                ReadHandle<FlowHandle>(list[i][1], fmt::format("{}[{}][1]", path, i))});
        }
        return refs;
    };
    const Json& tracker = top.Require("tracker");
    ConnectionTracker::Snapshot snapshot;
    const Json& slots = tracker.at("slots");
    for (size_t s = 0; s < slots.size(); ++s)
    {
        const std::string path = fmt::format("tracker.slots[{}]", s);
        ConnectionTracker::Slot slot;
        slot.version = static_cast<uint32_t>(
            ReadUnsigned(slots[s].at("version"), path + ".version", UINT32_MAX));
        slot.live = ReadBool(slots[s].at("live"), path + ".live");
        if (slot.live)
        {
            const Json& saved = slots[s];
            Connection& c = slot.value;
            c.key = ReadUfid(saved.at("key"), path + ".key");
            c.protocol =
                static_cast<uint8_t>(ReadUnsigned(saved.at("protocol"), path + ".protocol", 255));
            const std::string stateName = ReadString(saved.at("state"), path + ".state");
            bool known = false;
            for (uint8_t candidate = 0; candidate <= static_cast<uint8_t>(TcpState::Closed);
                 ++candidate)
            {
                if (TcpStateName(static_cast<TcpState>(candidate)) == stateName)
                {
                    c.state = static_cast<TcpState>(candidate);
                    known = true;
                }
            }
            if (!known)
            {
                FailAt(path + ".state", fmt::format("unknown TCP state \"{}\"", stateName));
            }
            c.initiator =
                static_cast<Direction>(ReadUnsigned(saved.at("initiator"), path + ".initiator", 1));
            std::array<uint32_t, 2> isn{};
            ReadArray(saved.at("isn"), path + ".isn", isn);
            c.initiatorIsn = isn[0];
            c.responderIsn = isn[1];
            ReadArray(saved.at("fin_sent"), path + ".fin_sent", c.finSent);
            ReadArray(saved.at("fin_seq"), path + ".fin_seq", c.finSeq);
            ReadArray(saved.at("fin_acked"), path + ".fin_acked", c.finAcked);
            c.created = ReadNumber(saved.at("created"), path + ".created");
            c.lastSeen = ReadNumber(saved.at("last_seen"), path + ".last_seen");
            c.timeWaitSince = ReadNumber(saved.at("time_wait_since"), path + ".time_wait_since");
            for (size_t i = 0; i < saved.at("flows").size(); ++i)
            {
                c.flows.push_back(
                    ReadKey(saved.at("flows")[i], fmt::format("{}.flows[{}]", path, i)));
            }
            for (const LayerFlowRef& ref :
                 readLayerFlows(saved.at("layer_flows"), path + ".layer_flows"))
            {
                c.layerFlows.emplace_back(ref.layer, ref.handle);
            }
            c.pinned = ReadBool(saved.at("pinned"), path + ".pinned");
        }
        snapshot.slots.push_back(std::move(slot));
    }
    for (const Json& free : tracker.at("free"))
    {
        snapshot.free.push_back(
            static_cast<uint32_t>(ReadUnsigned(free, "tracker.free", UINT32_MAX)));
    }
    const Json& tc = tracker.at("counters");
    snapshot.counters.created =
        ReadUnsigned(tc.at("created"), "tracker.counters.created", UINT64_MAX);
    snapshot.counters.refused =
        ReadUnsigned(tc.at("refused"), "tracker.counters.refused", UINT64_MAX);
    snapshot.counters.established =
        ReadUnsigned(tc.at("established"), "tracker.counters.established", UINT64_MAX);
    ReadArray(tc.at("ended"), "tracker.counters.ended", snapshot.counters.ended);
    port->m_tracker.Restore(std::move(snapshot));

    const Json& uft = top.Require("uft");
    const Json& flows = uft.at("flows");
    for (size_t f = 0; f < flows.size(); ++f)
    {
        const std::string path = fmt::format("uft.flows[{}]", f);
        const Json& saved = flows[f];
        UnifiedFlow flow;
        flow.generation = ReadUnsigned(saved.at("generation"), path + ".generation", UINT64_MAX);
        flow.ht = ReadTransposition(saved.at("ht"), path + ".ht");
        for (size_t m = 0; m < saved.at("meters").size(); ++m)
        {
            const Json& context = saved.at("meters")[m];
            flow.meters.push_back(
                MeterContext{names.MeterNamed(context[0], path + ".meters", port->m_meters),
                             static_cast<int32_t>(context[1].get<int64_t>())});
        }
        flow.layerFlows = readLayerFlows(saved.at("layer_flows"), path + ".layer_flows");
        for (size_t w = 0; w < saved.at("watches").size(); ++w)
        {
            const Json& watch = saved.at("watches")[w];
            flow.watches.push_back(LayerWatch{
                names.LayerNamed(watch[0], path + ".watches"),
                static_cast<size_t>(ReadUnsigned(watch[1], path + ".watches", UINT64_MAX))});
        }
        flow.connection =
            ReadHandle<ConnectionHandle>(saved.at("connection"), path + ".connection");
        port->m_uft.Insert(ReadKey(saved.at("key"), path + ".key"), std::move(flow));
    }
    std::array<uint64_t, 7> u{};
    ReadArray(uft.at("counters"), "uft.counters", u);
    port->m_uftCounters = UftCounters{u[0], u[1], u[2], u[3], u[4], u[5], u[6]};

    const Json& counters = top.Require("counters");
    for (size_t d = 0; d < DIRECTION_COUNT; ++d)
    {
        port->m_counters.received[d] = ReadCounter(counters.at("received")[d], "counters.received");
        port->m_counters.allowed[d] = ReadCounter(counters.at("allowed")[d], "counters.allowed");
        port->m_counters.held[d] = ReadCounter(counters.at("held")[d], "counters.held");
        ReadArray(counters.at("drops")[d], "counters.drops", port->m_counters.drops[d]);
    }
    port->m_counters.eventsRaised =
        ReadUnsigned(counters.at("events_raised"), "counters.events_raised", UINT64_MAX);
    // Last: the constructor counted generations of its own while building the policy.
    port->m_generation = ReadUnsigned(top.Require("generation"), "generation", UINT64_MAX);
    return port;
}

} // namespace vfp
