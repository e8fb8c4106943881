#include "port.h"

#include "../packet/addresses.h"

#include <algorithm>
#include <unordered_set>
#include <fmt/format.h>

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
            throw PolicyError(fmt::format("{}: the {} condition has no values (it could never match)",
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

Port::Port(const PortSpec& spec)
    : m_name(spec.name),
      m_mac(spec.mac)
{
    if (m_name.empty())
    {
        throw PolicyError("a port needs a name");
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

ProcessResult
Port::Process(Direction direction, const HeaderStack& packet, double now, PipelineTrace* trace)
{
    return Run(direction, packet, now, true, trace);
}

ProcessResult
Port::Simulate(Direction direction, const HeaderStack& packet, double now, PipelineTrace* trace)
{
    return Run(direction, packet, now, false, trace);
}

ProcessResult
Port::Run(Direction direction,
          const HeaderStack& packet,
          double now,
          bool commit,
          PipelineTrace* trace)
{
    const size_t d = static_cast<size_t>(direction);
    const uint32_t bytes = packet.SizeBytes();
    ProcessResult result;
    std::vector<ResourceEvent> events;
    std::vector<std::pair<Layer*, FlowPair>> pendingFlows;
    HeaderStack meta = packet;
    HeaderTransposition composite;

    // Outbound packets meet the layers from the VM side (lowest priority) outwards;
    // inbound packets the other way round, which makes each layer a boundary.
    const size_t layerCount = m_layers.size();
    for (size_t i = 0; i < layerCount; ++i)
    {
        Layer& layer = *m_layers[direction == Direction::Outbound ? i : layerCount - 1 - i];
        LayerOutcome outcome = layer.Process(direction, meta, now, commit);
        if (outcome.event)
        {
            outcome.event->port = m_name;
            outcome.event->time = now;
            events.push_back(*outcome.event);
        }
        if (outcome.verdict == Verdict::Allow && !outcome.ht.Apply(meta))
        {
            outcome.verdict = Verdict::Drop;
            outcome.reason = DropReason::ActionMismatch;
        }
        if (outcome.pendingFlow)
        {
            pendingFlows.emplace_back(&layer, std::move(*outcome.pendingFlow));
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

    if (result.verdict == Verdict::Allow)
    {
        result.ht = composite;
        result.packet = packet;
        composite.Apply(result.packet); // the packet itself is rewritten once
    }
    for (auto& [layer, pair] : pendingFlows)
    {
        if (result.verdict == Verdict::Allow)
        {
            layer->CommitFlow(std::move(pair));
        }
        else
        {
            Layer::Abandon(pair);
        }
    }
    if (trace && result.verdict != Verdict::Allow)
    {
        for (LayerStep& step : trace->steps)
        {
            step.outcome.flowCreated = false;
        }
    }

    if (commit)
    {
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
        m_counters.eventsRaised += events.size();
    }
    if (trace)
    {
        trace->events.insert(trace->events.end(), events.begin(), events.end());
    }
    if (commit)
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
    return result;
}

size_t
Port::ExpireFlows(double now)
{
    size_t expired = 0;
    for (const auto& layer : m_layers)
    {
        const size_t count = layer->GetFlows().ExpireIdle(now);
        layer->GetCounters().flowsExpired += count;
        expired += count;
    }
    return expired;
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
    std::stable_sort(m_layers.begin(), m_layers.end(), [](const auto& a, const auto& b) {
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
        throw PolicyError(fmt::format("port '{}' layer '{}': a group needs a name",
                                      m_name,
                                      layer.GetName()));
    }
    if (replacing == nullptr && layer.FindGroup(spec.name))
    {
        throw PolicyError(fmt::format("{}: the layer already has a group of that name", owner));
    }
    if (spec.type == GroupType::Lpm && !HasPrefixes(spec.lpmOn))
    {
        throw PolicyError(fmt::format("{}: lpm_on must be src_ip, dst_ip, src_mac or dst_mac, got {}",
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
    m_layers.erase(std::find_if(m_layers.begin(), m_layers.end(), [&layer](const auto& l) {
        return l.get() == &layer;
    }));
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
    const std::string owner = fmt::format("port '{}' layer '{}' group '{}' rule '{}'",
                                          m_name,
                                          layerName,
                                          groupName,
                                          spec.id);
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
            const bool kept = std::any_of(replacement->GetRules().begin(),
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
        throw PolicyError(fmt::format("port '{}' resource '{}': {}", m_name, spec.name, error.what()));
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
        for (const auto& [id, pair] : layer->GetFlows().GetPairs())
        {
            if (list && pair.snat == list)
            {
                throw PolicyError(fmt::format(
                    "port '{}': resource '{}' still holds ports of connections in layer '{}'",
                    m_name,
                    name,
                    layer->GetName()));
            }
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
        throw PolicyError(fmt::format("{}: resource '{}' has no mapping for {}",
                                      user,
                                      resource,
                                      FormatIpv4(customer)));
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
        throw PolicyError(fmt::format("port '{}': no resource '{}' to register for", m_name, resource));
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
    return spec;
}

} // namespace vfp
