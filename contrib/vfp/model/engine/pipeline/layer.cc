#include "layer.h"

#include <algorithm>

namespace vfp
{

std::string_view
VerdictName(Verdict verdict)
{
    switch (verdict)
    {
        case Verdict::Allow:
            return "allow";
        case Verdict::Drop:
            return "drop";
        case Verdict::Hold:
            return "hold";
    }
    return "drop";
}

std::string_view
MatchName(LayerOutcome::Match match)
{
    switch (match)
    {
        case LayerOutcome::Match::Flow:
            return "flow";
        case LayerOutcome::Match::Rule:
            return "rule";
        case LayerOutcome::Match::Default:
            return "default";
    }
    return "default";
}

Layer::Layer(const LayerSpec& spec, uint64_t sequence)
    : m_spec(spec)
    , m_sequence(sequence)
{
    m_spec.groups.clear();
}

std::pair<Group*, Rule*>
Layer::SelectRule(Direction direction, const HeaderStack& meta)
{
    std::pair<Group*, Rule*> candidate{nullptr, nullptr};
    const PacketFields fields(meta);
    for (const auto& group : m_groups)
    {
        if (group->GetDirection() != direction || !group->Applies(fields))
        {
            continue;
        }
        Rule* rule = group->Select(fields);
        if (rule == nullptr)
        {
            continue;
        }
        candidate = {group.get(), rule};
        if (rule->spec.terminating)
        {
            break;
        }
    }
    return candidate;
}

LayerOutcome
Layer::Process(Direction direction, const HeaderStack& meta, double now, bool commit)
{
    const size_t d = static_cast<size_t>(direction);
    const uint32_t bytes = meta.SizeBytes();
    LayerOutcome outcome;
    if (commit)
    {
        ++m_counters.packets[d];
    }

    const Ufid key = MakeUfid(meta);
    outcome.keyHash = UfidHash()(key);
    if (FlowHandle handle = m_flows.Find(direction, key, now, commit, m_counters); !handle.IsNull())
    {
        FlowPair* flow = m_flows.Get(handle);
        outcome.match = LayerOutcome::Match::Flow;
        outcome.flow = handle;
        outcome.flowRule = flow->ruleId;
        outcome.ht = flow->hts[d];
        if (commit)
        {
            flow->lastSeen = now;
            ++m_counters.flowHits[d];
        }
        if (flow->meter && direction == flow->origin)
        {
            outcome.meter = flow->meter; // counted by the port once the packet's fate is known
        }
        return outcome;
    }

    auto [group, rule] = SelectRule(direction, meta);
    if (rule == nullptr)
    {
        outcome.match = LayerOutcome::Match::Default;
        if (commit)
        {
            ++m_counters.defaultHits[d];
        }
        if (GetDefault(direction) == DefaultAction::Block)
        {
            outcome.verdict = Verdict::Drop;
            outcome.reason = DropReason::DefaultBlock;
            m_counters.drops[d] += commit;
        }
        return outcome;
    }

    outcome.match = LayerOutcome::Match::Rule;
    outcome.group = group;
    outcome.rule = rule;
    if (commit)
    {
        ++m_counters.ruleMatches[d];
        rule->counter.Count(bytes);
    }
    ActionOutcome action = rule->action.Evaluate(meta, commit);
    using Status = ActionOutcome::Status;
    if (action.status != Status::Ok)
    {
        outcome.verdict = Verdict::Drop;
        switch (action.status)
        {
            case Status::Block:
                outcome.reason = DropReason::RuleBlock;
                break;
            case Status::NoTunnel:
                outcome.reason = DropReason::DecapWithoutTunnel;
                break;
            case Status::Mismatch:
                outcome.reason = DropReason::ActionMismatch;
                break;
            case Status::MappingMiss:
            case Status::PortsExhausted:
            {
                const bool miss = action.status == Status::MappingMiss;
                outcome.reason = miss ? DropReason::MappingMiss : DropReason::PortsExhausted;
                if (rule->action.GetMissPolicy(action.status) == MissPolicy::Hold)
                {
                    outcome.verdict = Verdict::Hold;
                }
                ResourceEvent event;
                event.type =
                    miss ? ResourceEvent::Type::MappingMiss : ResourceEvent::Type::PortsExhausted;
                event.resource = miss ? rule->spec.action.mapping : rule->spec.action.snat;
                event.key = action.missKey;
                outcome.event = event;
                break;
            }
            case Status::Ok:
                break;
        }
        m_counters.drops[d] += commit && outcome.verdict == Verdict::Drop;
        return outcome;
    }

    outcome.ht = action.ht;
    PacketByteCounter* meter = rule->action.GetMeter();
    outcome.meter = meter; // counted by the port once the packet's fate is known
    if (rule->spec.stateful)
    {
        outcome.flowCreated = true;
        if (commit)
        {
            HeaderStack after = meta;
            action.ht.Apply(after);
            const HeaderStack reply = ReverseStack(after);
            FlowPair pair;
            pair.origin = direction;
            pair.keys[d] = key;
            pair.keys[1 - d] = MakeUfid(reply);
            pair.hts[d] = action.ht;
            pair.hts[1 - d] = HeaderTransposition::Between(reply, ReverseStack(meta));
            pair.ruleId = rule->spec.id;
            pair.lastSeen = now;
            pair.ttl = rule->spec.ttl;
            pair.meter = meter;
            pair.snat = action.snat;
            pair.snatPort = action.snatPort;
            outcome.pendingFlow = std::move(pair);
        }
    }
    return outcome;
}

FlowHandle
Layer::CommitFlow(FlowPair pair)
{
    ++m_counters.flowsCreated;
    return m_flows.Insert(std::move(pair));
}

void
Layer::Abandon(FlowPair& pair)
{
    if (pair.snat)
    {
        pair.snat->Release(pair.snatPort);
        pair.snat = nullptr;
    }
}

bool
Layer::HasStatefulRules() const
{
    return std::any_of(m_groups.begin(),
                       m_groups.end(),
                       [](const auto& group) { return group->HasStatefulRules(); });
}

Group*
Layer::FindGroup(const std::string& name)
{
    for (const auto& group : m_groups)
    {
        if (group->GetName() == name)
        {
            return group.get();
        }
    }
    return nullptr;
}

const Group*
Layer::FindRuleGroup(const std::string& id) const
{
    auto it = m_ruleGroups.find(id);
    return it == m_ruleGroups.end() ? nullptr : it->second;
}

void
Layer::Index(const Group& group)
{
    for (const auto& rule : group.GetRules())
    {
        m_ruleGroups[rule->spec.id] = &group;
    }
}

void
Layer::Unindex(const Group& group)
{
    for (const auto& rule : group.GetRules())
    {
        m_ruleGroups.erase(rule->spec.id);
    }
}

void
Layer::SortGroups()
{
    std::stable_sort(m_groups.begin(),
                     m_groups.end(),
                     [](const auto& a, const auto& b)
                     {
                         return std::make_pair(a->GetPriority(), a->GetSequence()) <
                                std::make_pair(b->GetPriority(), b->GetSequence());
                     });
}

Group&
Layer::AddGroup(std::unique_ptr<Group> group)
{
    Group& added = *group;
    Index(added);
    m_groups.push_back(std::move(group));
    SortGroups();
    return added;
}

void
Layer::ReplaceGroup(std::unique_ptr<Group> group)
{
    for (auto& slot : m_groups)
    {
        if (slot->GetName() == group->GetName())
        {
            Unindex(*slot);
            Index(*group);
            slot = std::move(group);
            SortGroups();
            return;
        }
    }
    AddGroup(std::move(group));
}

bool
Layer::RemoveGroup(const std::string& name)
{
    auto it = std::find_if(m_groups.begin(),
                           m_groups.end(),
                           [&name](const auto& group) { return group->GetName() == name; });
    if (it == m_groups.end())
    {
        return false;
    }
    Unindex(**it);
    m_groups.erase(it);
    return true;
}

void
Layer::AddRule(Group& group, std::unique_ptr<Rule> rule)
{
    m_ruleGroups[rule->spec.id] = &group;
    group.Insert(std::move(rule));
}

bool
Layer::RemoveRule(Group& group, const std::string& id)
{
    if (!group.Remove(id))
    {
        return false;
    }
    m_ruleGroups.erase(id);
    return true;
}

LayerSpec
Layer::ToSpec() const
{
    LayerSpec spec = m_spec;
    for (const auto& group : m_groups)
    {
        spec.groups.push_back(group->ToSpec());
    }
    return spec;
}

LayerSpec
Layer::InEngineOrder(LayerSpec spec)
{
    auto byPriority = [](const auto& a, const auto& b) { return a.priority < b.priority; };
    std::stable_sort(spec.groups.begin(), spec.groups.end(), byPriority);
    for (GroupSpec& group : spec.groups)
    {
        std::stable_sort(group.rules.begin(), group.rules.end(), byPriority);
    }
    return spec;
}

} // namespace vfp
