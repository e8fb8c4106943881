#include "qos-shaper.h"

#include "fair-share.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace vfp
{

namespace
{

const QosShaper::Counters NO_COUNTERS{};

/// A share bucket's burst for @p rateBps: a cap's default (DefaultQosBurst).
double
ShareBurst(double rateBps)
{
    return static_cast<double>(DefaultQosBurst(rateBps));
}

} // namespace

QosShaper::PortQueues&
QosShaper::Find(const std::string& port)
{
    auto it = m_ports.find(port);
    if (it == m_ports.end())
    {
        throw PolicyError(fmt::format("qos: no port '{}'", port));
    }
    return it->second;
}

const QosShaper::PortQueues&
QosShaper::Find(const std::string& port) const
{
    return const_cast<QosShaper*>(this)->Find(port);
}

void
QosShaper::CheckReservations(const std::string& port, const std::optional<PortQosSpec>& qos) const
{
    double reserved = qos ? qos->txReservationBps : 0;
    for (const auto& [name, entry] : m_ports)
    {
        if (name != port && entry.spec)
        {
            reserved += entry.spec->txReservationBps;
        }
    }
    if (reserved > 0 && m_linkBps <= 0)
    {
        throw PolicyError(fmt::format("port '{}' qos: a reservation needs the switch's "
                                      "qos.link_bps (the uplink rate it is a share of)",
                                      port));
    }
    if (reserved > m_linkBps * (1 + 1e-12) && m_linkBps > 0)
    {
        throw PolicyError(fmt::format("port '{}' qos: reservations add up to {} bps, above "
                                      "the link's {} bps",
                                      port,
                                      reserved,
                                      m_linkBps));
    }
}

void
QosShaper::SetLink(double linkBps, double shareInterval, double now)
{
    now = Clock(now);
    if (!std::isfinite(linkBps) || linkBps < 0)
    {
        throw PolicyError(fmt::format("qos: link_bps {} must be finite and not negative", linkBps));
    }
    if (!std::isfinite(shareInterval) || shareInterval <= 0)
    {
        throw PolicyError(
            fmt::format("qos: share_interval {} s must be above zero and finite", shareInterval));
    }
    const double previous = m_linkBps;
    m_linkBps = linkBps;
    try
    {
        CheckReservations("", std::nullopt);
    }
    catch (const PolicyError& error)
    {
        m_linkBps = previous;
        throw PolicyError(fmt::format("qos: link_bps {}: {}", linkBps, error.what()));
    }
    m_interval = shareInterval;
    m_lastShare = now;
    if (m_linkBps > 0)
    {
        Reallocate(now);
    }
    else
    {
        for (auto& [name, entry] : m_ports)
        {
            entry.queues[static_cast<size_t>(Direction::Outbound)].share.reset();
        }
    }
    CountShaped();
}

void
QosShaper::Refresh(Queue& queue, const std::optional<RateLimitSpec>& cap, double now)
{
    if (cap)
    {
        if (queue.cap)
        {
            queue.cap->Reconfigure(cap->rateBps, cap->burstBytes, now);
        }
        else
        {
            queue.cap.emplace(cap->rateBps, cap->burstBytes);
        }
        queue.limit = cap->queueBytes;
    }
    else
    {
        queue.cap.reset();
        queue.limit = queue.group ? queue.group->spec.cap.queueBytes : DEFAULT_QOS_QUEUE_BYTES;
    }
}

void
QosShaper::SetPort(const std::string& port, const std::optional<PortQosSpec>& qos, double now)
{
    now = Clock(now);
    if (qos)
    {
        ValidatePortQos(*qos, fmt::format("port '{}' qos", port));
    }
    CheckReservations(port, qos);
    PortQueues& entry = m_ports[port];
    entry.spec = qos;
    Refresh(
        entry.queues[static_cast<size_t>(Direction::Outbound)], qos ? qos->tx : std::nullopt, now);
    Refresh(
        entry.queues[static_cast<size_t>(Direction::Inbound)], qos ? qos->rx : std::nullopt, now);
    if (m_linkBps > 0)
    {
        Reallocate(now);
    }
    CountShaped();
}

std::vector<uint64_t>
QosShaper::RemovePort(const std::string& port)
{
    std::vector<uint64_t> dropped;
    auto it = m_ports.find(port);
    if (it == m_ports.end())
    {
        return dropped;
    }
    for (Queue& queue : it->second.queues)
    {
        for (const Waiting& waiting : queue.waiting)
        {
            dropped.push_back(waiting.handle);
        }
        m_waiting -= queue.waiting.size();
    }
    for (auto group = m_groups.begin(); group != m_groups.end();)
    {
        auto& ports = group->second->spec.ports;
        ports.erase(std::remove(ports.begin(), ports.end(), port), ports.end());
        // A group with no port left goes with its last port: a policy names no empty group.
        group = ports.empty() ? m_groups.erase(group) : std::next(group);
    }
    m_ports.erase(it);
    CountShaped();
    return dropped;
}

void
QosShaper::SetGroup(const QosGroupSpec& spec, double now)
{
    now = Clock(now);
    const std::string where = fmt::format("qos group '{}'", spec.name);
    ValidateRateLimit(spec.cap, where);
    for (const std::string& port : spec.ports)
    {
        auto it = m_ports.find(port);
        if (it == m_ports.end())
        {
            throw PolicyError(fmt::format("{}: no port '{}'", where, port));
        }
        const Group* other = it->second.queues[static_cast<size_t>(spec.direction)].group;
        if (other && other->spec.name != spec.name)
        {
            throw PolicyError(fmt::format("{}: port '{}' is already in group '{}' {}",
                                          where,
                                          port,
                                          other->spec.name,
                                          DirectionName(spec.direction)));
        }
        if (std::count(spec.ports.begin(), spec.ports.end(), port) > 1)
        {
            throw PolicyError(fmt::format("{}: port '{}' is listed twice", where, port));
        }
    }
    RemoveGroup(spec.name);
    auto group = std::make_unique<Group>(
        Group{spec, TokenBucket(spec.cap.rateBps, static_cast<double>(spec.cap.burstBytes))});
    for (const std::string& port : spec.ports)
    {
        PortQueues& entry = m_ports[port];
        Queue& queue = entry.queues[static_cast<size_t>(spec.direction)];
        queue.group = group.get();
        const auto& own =
            entry.spec ? (spec.direction == Direction::Outbound ? entry.spec->tx : entry.spec->rx)
                       : std::optional<RateLimitSpec>{};
        Refresh(queue, own, now);
    }
    m_groups[spec.name] = std::move(group);
    CountShaped();
}

void
QosShaper::RemoveGroup(const std::string& name)
{
    auto it = m_groups.find(name);
    if (it == m_groups.end())
    {
        return;
    }
    for (auto& [port, entry] : m_ports)
    {
        for (Queue& queue : entry.queues)
        {
            if (queue.group == it->second.get())
            {
                queue.group = nullptr;
                if (!queue.cap)
                {
                    queue.limit = DEFAULT_QOS_QUEUE_BYTES;
                }
            }
        }
    }
    m_groups.erase(it);
    CountShaped();
}

SwitchQosSpec
QosShaper::ToSpec() const
{
    SwitchQosSpec spec;
    spec.linkBps = m_linkBps;
    spec.shareInterval = m_interval;
    for (const auto& [name, group] : m_groups)
    {
        spec.groups.push_back(group->spec);
    }
    return spec;
}

double
QosShaper::Clock(double now)
{
    m_clock = std::max(m_clock, now);
    return m_clock;
}

void
QosShaper::CountShaped()
{
    m_shapedQueues = 0;
    for (const auto& [name, entry] : m_ports)
    {
        for (const Queue& queue : entry.queues)
        {
            m_shapedQueues += queue.Shaped() ? 1 : 0;
        }
    }
}

double
QosShaper::Eligible(const Queue& queue)
{
    const Waiting& head = queue.waiting.front();
    double at = head.arrival;
    if (queue.cap)
    {
        at = queue.cap->EarliestConform(head.bytes, at);
    }
    if (queue.share)
    {
        at = queue.share->EarliestConform(head.bytes, at);
    }
    if (queue.group)
    {
        at = queue.group->bucket.EarliestConform(head.bytes, at);
    }
    return at;
}

void
QosShaper::Charge(Queue& queue, uint32_t bytes, double at)
{
    if (queue.cap)
    {
        queue.cap->Take(bytes, at);
    }
    if (queue.share)
    {
        queue.share->Take(bytes, at);
    }
    if (queue.group)
    {
        queue.group->bucket.Take(bytes, at);
    }
}

QosShaper::Admission
QosShaper::Enqueue(
    const std::string& port, Direction direction, uint64_t handle, uint32_t bytes, double now)
{
    now = Clock(now);
    Queue& queue = Find(port).queues[static_cast<size_t>(direction)];
    if (!queue.Shaped())
    {
        return Admission::Sent;
    }
    Advance(now);
    queue.offered += bytes;
    if (queue.waiting.empty())
    {
        queue.waiting.push_back({handle, bytes, now});
        if (Eligible(queue) <= now)
        {
            queue.waiting.pop_front();
            Charge(queue, bytes, now);
            queue.counters.conforming.Count(bytes);
            return Admission::Sent;
        }
        queue.waiting.pop_front();
    }
    queue.heldBack = true;
    if (queue.backlog + bytes > queue.limit)
    {
        queue.counters.dropped.Count(bytes);
        return Admission::Dropped;
    }
    queue.waiting.push_back({handle, bytes, now});
    queue.backlog += bytes;
    ++m_waiting;
    return Admission::Queued;
}

std::vector<QosShaper::Released>
QosShaper::Release(double now)
{
    now = Clock(now);
    std::vector<Released> released;
    Advance(now);
    while (m_waiting > 0)
    {
        Queue* best = nullptr;
        double bestAt = std::numeric_limits<double>::infinity();
        for (auto& [name, entry] : m_ports)
        {
            for (Queue& queue : entry.queues)
            {
                if (queue.waiting.empty())
                {
                    continue;
                }
                // Equal times go to the queue served least recently: members of a group
                // whose heads wait for the same group tokens take turns.
                const double at = Eligible(queue);
                if (at < bestAt || (at == bestAt && queue.servedAt < best->servedAt))
                {
                    bestAt = at;
                    best = &queue;
                }
            }
        }
        if (best == nullptr || bestAt > now)
        {
            break;
        }
        const Waiting head = best->waiting.front();
        best->waiting.pop_front();
        best->backlog -= head.bytes;
        --m_waiting;
        Charge(*best, head.bytes, bestAt);
        best->servedAt = ++m_served;
        best->counters.queued.Count(head.bytes);
        released.push_back({head.handle, bestAt});
    }
    return released;
}

std::optional<double>
QosShaper::NextRelease() const
{
    if (m_waiting == 0)
    {
        return std::nullopt;
    }
    double next =
        m_linkBps > 0 ? m_lastShare + m_interval : std::numeric_limits<double>::infinity();
    for (const auto& [name, entry] : m_ports)
    {
        for (const Queue& queue : entry.queues)
        {
            if (!queue.waiting.empty())
            {
                next = std::min(next, Eligible(queue));
            }
        }
    }
    return next;
}

void
QosShaper::Advance(double now)
{
    if (m_linkBps > 0 && now >= m_lastShare + m_interval)
    {
        Reallocate(now);
    }
}

void
QosShaper::SetShare(Queue& queue, double rateBps, double now)
{
    if (queue.share)
    {
        queue.share->Reconfigure(rateBps, ShareBurst(rateBps), now);
    }
    else
    {
        queue.share.emplace(rateBps, ShareBurst(rateBps));
    }
}

void
QosShaper::Reallocate(double now)
{
    const double elapsed = now - m_lastShare;
    std::vector<ShareClaim> claims;
    std::vector<Queue*> queues;
    for (auto& [name, entry] : m_ports)
    {
        Queue& queue = entry.queues[static_cast<size_t>(Direction::Outbound)];
        ShareClaim claim;
        if (entry.spec)
        {
            claim.reservation = entry.spec->txReservationBps;
            claim.weight = entry.spec->weight;
        }
        const double unbounded =
            queue.cap ? queue.cap->GetRateBps() : std::numeric_limits<double>::infinity();
        if (!queue.share || elapsed <= 0)
        {
            claim.demand = unbounded; // a new share: everyone is assumed to want it all
        }
        else
        {
            const double sent = queue.offered * 8 / elapsed;
            const bool wantsMore =
                queue.heldBack || sent >= SHARE_GREEDY_FRACTION * queue.share->GetRateBps();
            // An active port keeps its reservation: lending what it does not use this
            // interval would let the others oversubscribe the link, and its TCP, losing
            // packets there, would never climb back to its guarantee.
            const bool active =
                claim.reservation > 0 && sent >= SHARE_ACTIVE_FRACTION * claim.reservation;
            claim.demand = wantsMore ? unbounded
                           : active  ? std::max(sent, claim.reservation)
                                     : sent;
        }
        claims.push_back(claim);
        queues.push_back(&queue);
        queue.offered = 0;
        queue.heldBack = false;
    }
    const std::vector<double> given = Allocate(m_linkBps, claims);
    for (size_t i = 0; i < queues.size(); ++i)
    {
        SetShare(*queues[i],
                 std::max({given[i], claims[i].reservation, SHARE_FLOOR_FRACTION * m_linkBps}),
                 now);
    }
    m_lastShare = now;
}

bool
QosShaper::IsShaped(const std::string& port, Direction direction) const
{
    if (!IsActive())
    {
        return false;
    }
    auto it = m_ports.find(port);
    return it != m_ports.end() && it->second.queues[static_cast<size_t>(direction)].Shaped();
}

const QosShaper::Counters&
QosShaper::GetCounters(const std::string& port, Direction direction) const
{
    auto it = m_ports.find(port);
    return it == m_ports.end() ? NO_COUNTERS
                               : it->second.queues[static_cast<size_t>(direction)].counters;
}

uint64_t
QosShaper::GetBacklogBytes(const std::string& port, Direction direction) const
{
    auto it = m_ports.find(port);
    return it == m_ports.end() ? 0 : it->second.queues[static_cast<size_t>(direction)].backlog;
}

double
QosShaper::GetShareRate(const std::string& port) const
{
    auto it = m_ports.find(port);
    if (it == m_ports.end())
    {
        return 0;
    }
    const auto& share = it->second.queues[static_cast<size_t>(Direction::Outbound)].share;
    return share ? share->GetRateBps() : 0;
}

} // namespace vfp
