/*
 * The policy objects as controllers describe them through the VFPAPI (paper §5): plain
 * values, no behaviour. A PolicySpec is what the JSON policy format loads and saves; the
 * pipeline (Port, Layer, Group) compiles specs into its runtime structures and can give
 * them back (Port::ToSpec), which is how a policy round-trips.
 */
#ifndef VFP_ENGINE_POLICY_SPEC_H
#define VFP_ENGINE_POLICY_SPEC_H

#include "../packet/header-transposition.h"
#include "condition.h"

#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vfp
{

/// A bad policy or API call: the message says which object and field, and what was expected.
class PolicyError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// Directions are the VM's: outbound is VM to switch, inbound is switch to VM.
enum class Direction : uint8_t
{
    Outbound = 0,
    Inbound = 1,
};
constexpr size_t DIRECTION_COUNT = 2;

inline Direction
Opposite(Direction direction)
{
    return direction == Direction::Outbound ? Direction::Inbound : Direction::Outbound;
}
std::string_view DirectionName(Direction direction);
std::optional<Direction> ParseDirection(std::string_view name);

enum class DefaultAction : uint8_t
{
    Allow,
    Block,
};

enum class ActionType : uint8_t
{
    Allow,         //!< Ignore every header
    Block,         //!< drop the packet
    Nat,           //!< Modify L3 addresses and L4 ports (fixed values or an SNAT port range)
    Encap,         //!< Push a VXLAN, NVGRE or IP-in-IP outer group
    Decap,         //!< Pop the outermost group
    Meter,         //!< Ignore, plus count packets and bytes into a named meter
    Transposition, //!< a user-defined header transposition
};
std::string_view ActionTypeName(ActionType type);
std::optional<ActionType> ParseActionType(std::string_view name);

/// The data of a rule's action; which fields are used depends on the type.
struct ActionSpec
{
    ActionType type = ActionType::Allow;
    /// nat: the group rewritten. Also encap/decap: ignored.
    HeaderSelector header = HeaderSelector::Outer;
    /// nat: new source address; encap: outer source address.
    std::optional<uint32_t> srcIp;
    /// nat: new destination address; encap: outer destination (unless mapping is set).
    std::optional<uint32_t> dstIp;
    std::optional<uint16_t> srcPort; //!< nat: new source port
    std::optional<uint16_t> dstPort; //!< nat: new destination port
    /// nat: a range-list resource that picks the source address and port (SNAT).
    std::string snat;
    TunnelType format = TunnelType::Vxlan; //!< encap: the tunnel
    uint32_t key = 0;                      //!< encap: VXLAN VNI or NVGRE VSID
    /// encap: a mapping resource that maps the packet's destination (CA) to the outer
    /// destination (PA).
    std::string mapping;
    /// encap: outer MACs; when absent, those of the packet being encapsulated.
    std::optional<uint64_t> srcMac;
    std::optional<uint64_t> dstMac;
    std::string meter;                 //!< meter: the counter's name
    HeaderTransposition transposition; //!< transposition: the HT itself
};

constexpr double DEFAULT_FLOW_TTL = 240.0; //!< seconds; idle time before a layer flow expires

struct RuleSpec
{
    std::string id;                //!< unique within its layer
    int32_t priority = 0;          //!< lower is stronger; ties go to the earlier added
    bool terminating = false;      //!< selected at once, no later group is visited
    bool stateful = false;         //!< creates a flow pair in the layer
    double ttl = DEFAULT_FLOW_TTL; //!< idle seconds before the flows it creates expire
    std::vector<Condition> conditions;
    ActionSpec action;
};

enum class GroupType : uint8_t
{
    Priority, //!< the matching rule with the lowest priority number wins
    Lpm,      //!< the matching rule with the longest prefix on lpmOn wins
};

struct GroupSpec
{
    std::string name;
    Direction direction = Direction::Outbound;
    int32_t priority = 0;
    GroupType type = GroupType::Priority;
    ConditionType lpmOn = ConditionType::DstIp; //!< Lpm groups only
    std::vector<Condition> conditions;          //!< the group is skipped unless all match
    std::vector<RuleSpec> rules;
};

struct LayerSpec
{
    std::string name;
    int32_t priority = 0;
    /// Per direction (index by Direction); block unless the policy says allow.
    std::array<DefaultAction, DIRECTION_COUNT> defaults{DefaultAction::Block, DefaultAction::Block};
    std::vector<GroupSpec> groups;
};

/// What the pipeline does with a packet when a resource cannot serve it.
enum class MissPolicy : uint8_t
{
    Drop, //!< drop and count it
    Hold, //!< hand it back to the caller to hold until the controller answers
};

enum class ResourceType : uint8_t
{
    Mapping,   //!< a hash table of CA -> PA mappings (VL2 VNET)
    RangeList, //!< a list of port ranges on one address (Ananta SNAT)
};

struct PortRange
{
    uint16_t lo = 0;
    uint16_t hi = 0;
    bool operator==(const PortRange& other) const { return lo == other.lo && hi == other.hi; }
};

struct ResourceSpec
{
    std::string name;
    ResourceType type = ResourceType::Mapping;
    MissPolicy onMiss = MissPolicy::Drop;  //!< on a mapping miss or port exhaustion
    std::map<uint32_t, uint32_t> mappings; //!< Mapping: CA -> PA
    uint32_t address = 0;                  //!< RangeList: the SNAT address
    std::vector<PortRange> ranges;         //!< RangeList: the ports
};

/// An Ethernet header without VLAN tag (IEEE 802.3): what QoS counts beyond the IP packet.
constexpr uint32_t ETHERNET_HEADER_BYTES = 14;
/// The largest frame at the standard 1500-byte MTU (Ethernet header included, FCS not):
/// the smallest burst a cap accepts, since a packet larger than the burst never conforms.
constexpr uint64_t QOS_MIN_BURST_BYTES = 1500 + ETHERNET_HEADER_BYTES;
/// A cap's queue when the policy names none: 256 KiB, our choice (about 1 ms at 2 Gbps,
/// several times a datacenter path's bandwidth-delay product; docs/qos.md).
constexpr uint64_t DEFAULT_QOS_QUEUE_BYTES = 256 * 1024;

/// The fastest cap a policy may set: 10 Tbps (nothing modelled comes close; a larger
/// rate would make its default burst overflow).
constexpr double QOS_MAX_RATE_BPS = 1e13;
/// A cap's burst when the policy names none: 1 ms of its rate, at least one frame. The
/// Linux tc-tbf(8) manual's rule: a bucket must hold at least rate/HZ (HZ = 1000).
constexpr double DEFAULT_QOS_BURST_SECONDS = 0.001;
uint64_t DefaultQosBurst(double rateBps);

/// A max cap (paper §7.3): a token bucket of @c rateBps and @c burstBytes, and the queue
/// where packets above it wait, up to @c queueBytes.
struct RateLimitSpec
{
    double rateBps = 0;                            //!< bits per second, above zero
    uint64_t burstBytes = QOS_MIN_BURST_BYTES;     //!< at least QOS_MIN_BURST_BYTES
    uint64_t queueBytes = DEFAULT_QOS_QUEUE_BYTES; //!< at least QOS_MIN_BURST_BYTES
    bool operator==(const RateLimitSpec& other) const
    {
        return rateBps == other.rateBps && burstBytes == other.burstBytes &&
               queueBytes == other.queueBytes;
    }
};

/// A cap of @p rateBps with the default burst (DefaultQosBurst) and queue.
RateLimitSpec MakeRateLimit(double rateBps);

/// A port's QoS: caps each way, and its part in the weighted fair sharing of the uplink.
struct PortQosSpec
{
    std::optional<RateLimitSpec> tx; //!< transmit cap (the VM's outbound traffic)
    std::optional<RateLimitSpec> rx; //!< receive cap (its inbound traffic)
    double txReservationBps = 0;     //!< minimum transmit rate on the uplink (0: none)
    double weight = 1;               //!< share of the unreserved uplink, above zero
    bool operator==(const PortQosSpec& other) const
    {
        return tx == other.tx && rx == other.rx && txReservationBps == other.txReservationBps &&
               weight == other.weight;
    }
};

/// One cap over several ports of a switch, one way (e.g. a tenant's VMs on a host).
struct QosGroupSpec
{
    std::string name;
    Direction direction = Direction::Outbound;
    std::vector<std::string> ports; //!< each in at most one group per direction
    RateLimitSpec cap;
    bool operator==(const QosGroupSpec& other) const
    {
        return name == other.name && direction == other.direction && ports == other.ports &&
               cap == other.cap;
    }
};

/// The measurement interval of the fair sharing when the policy names none: 10 ms, our
/// choice, in the millisecond range that measurement-based datacenter allocators use
/// (docs/qos.md shows convergence against it).
constexpr double DEFAULT_QOS_SHARE_INTERVAL = 0.01;

/// The switch's QoS: what the uplink can carry (what reservations divide) and its groups.
struct SwitchQosSpec
{
    double linkBps = 0; //!< the uplink's rate; 0: no reservations and no fair sharing
    double shareInterval = DEFAULT_QOS_SHARE_INTERVAL; //!< seconds between re-allocations
    std::vector<QosGroupSpec> groups;
    bool operator==(const SwitchQosSpec& other) const
    {
        return linkBps == other.linkBps && shareInterval == other.shareInterval &&
               groups == other.groups;
    }
};

/**
 * Checks what can be checked of one port's QoS alone: rates above zero and finite, bursts
 * and queues of at least one frame, a reservation finite and not negative, a weight above
 * zero. @throws PolicyError naming @p where and the field
 */
void ValidatePortQos(const PortQosSpec& qos, const std::string& where);
/// The same for one cap (@p where names it).
void ValidateRateLimit(const RateLimitSpec& cap, const std::string& where);

struct PortSpec
{
    std::string name;
    uint64_t mac = 0;
    std::vector<LayerSpec> layers;
    std::vector<ResourceSpec> resources;
    std::optional<PortQosSpec> qos; //!< none: the port is not shaped
};

/**
 * A condition on @p type matching any of @p values, written as ParseConditionValue reads
 * them ("10.0.0.0/16", "80", "1024-2047"): how programs (controllers) write conditions.
 * @throws PolicyError naming the value and what was expected
 */
Condition MakeCondition(ConditionType type,
                        std::initializer_list<std::string_view> values,
                        HeaderSelector header = HeaderSelector::Outer);

struct PolicySpec
{
    int version = 1;
    std::vector<PortSpec> ports;
    SwitchQosSpec qos; //!< the switch-level QoS: uplink rate and port groups
};

} // namespace vfp

#endif
