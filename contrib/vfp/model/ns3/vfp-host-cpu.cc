#include "vfp-host-cpu.h"

#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VfpHostCpu");
NS_OBJECT_ENSURE_REGISTERED(VfpHostCpu);

TypeId
VfpHostCpu::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::VfpHostCpu")
            .SetParent<Object>()
            .SetGroupName("Vfp")
            .AddConstructor<VfpHostCpu>()
            .AddAttribute("Cores",
                          "Cores that run the data path, each serving its packets in order. 2: "
                          "an assumption of ours, the few cores a host keeps for its virtual "
                          "switch (AccelNet, NSDI'18, offloads to the NIC to give such cores "
                          "back to VMs).",
                          UintegerValue(2),
                          MakeUintegerAccessor(&VfpHostCpu::m_cores),
                          MakeUintegerChecker<uint32_t>(1, 1024))
            .AddAttribute(
                "Steering",
                "How packets reach cores: vmq (a VM's packets on one core: Hyper-V "
                "VMQ) or rss (a VM's flows hashed over RssQueues cores by their "
                "symmetric 5-tuple: Hyper-V vRSS, the default on Azure's hosts).",
                EnumValue(int(vfp::Steering::Rss)),
                MakeEnumAccessor(&VfpHostCpu::m_steering),
                MakeEnumChecker(int(vfp::Steering::Vmq), "vmq", int(vfp::Steering::Rss), "rss"))
            .AddAttribute("RssQueues",
                          "rss: queues (cores) a VM's flows spread over, from core "
                          "(VM x RssQueues) mod Cores. 4: an assumption of ours, a small VM's "
                          "share of a host's cores.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&VfpHostCpu::m_rssQueues),
                          MakeUintegerChecker<uint32_t>(1, 1024))
            .AddAttribute("FastPathTime",
                          "Service time of a unified flow hit (parse, one hash lookup, rewrite), "
                          "before the copy and tunnel costs. 550 ns makes a 64-byte VXLAN packet "
                          "cost ~660 ns, 1.5 Mpps per core: the fast path of a production "
                          "software vswitch (Triton, SIGCOMM'24). Andromeda (NSDI'18) budgets "
                          "300 ns for its most optimised fast path.",
                          TimeValue(NanoSeconds(550)),
                          MakeTimeAccessor(&VfpHostCpu::m_fastPathTime),
                          MakeTimeChecker(Seconds(0), Seconds(1)))
            .AddAttribute("SlowPathTime",
                          "Fixed service time of a packet that misses the unified flow table "
                          "(parse, miss, unified flow and connection creation), before its "
                          "layers. 2 us: an assumption of ours, a few allocations and table "
                          "inserts; VFP has no user-space upcall, which costs Open vSwitch "
                          "tens of us.",
                          TimeValue(MicroSeconds(2)),
                          MakeTimeAccessor(&VfpHostCpu::m_slowPathTime),
                          MakeTimeChecker(Seconds(0), Seconds(1)))
            .AddAttribute("LayerTime",
                          "Slow path: added per layer visited (its flow table lookup, its "
                          "transposition, composing it). 300 ns: an assumption of ours, one "
                          "hash probe and a header rewrite.",
                          TimeValue(NanoSeconds(300)),
                          MakeTimeAccessor(&VfpHostCpu::m_layerTime),
                          MakeTimeChecker(Seconds(0), Seconds(1)))
            .AddAttribute("ClassificationTime",
                          "Slow path: added per layer that searched its rules (no layer flow). "
                          "800 ns: our classifier's measured median lookup at 50k rules, "
                          "550-834 ns (docs/performance.md).",
                          TimeValue(NanoSeconds(800)),
                          MakeTimeAccessor(&VfpHostCpu::m_classificationTime),
                          MakeTimeChecker(Seconds(0), Seconds(1)))
            .AddAttribute("TunnelTime",
                          "Added per tunnel header pushed or popped (encapsulation, "
                          "decapsulation). 100 ns: an assumption of ours; NIC offloads of "
                          "checksums and segmentation leave only the header write (paper §9).",
                          TimeValue(NanoSeconds(100)),
                          MakeTimeAccessor(&VfpHostCpu::m_tunnelTime),
                          MakeTimeChecker(Seconds(0), Seconds(1)))
            .AddAttribute("QosTime",
                          "Added when a packet passes a QoS queue in software (a shaped port "
                          "without a NIC that shapes). 100 ns: an assumption of ours for the "
                          "paper's atomic token-bucket update and interlocked queue (§7.3), "
                          "two contended cache lines; the engine's own shaper costs less "
                          "(docs/performance.md, qos-bench).",
                          TimeValue(NanoSeconds(100)),
                          MakeTimeAccessor(&VfpHostCpu::m_qosTime),
                          MakeTimeChecker(Seconds(0), Seconds(1)))
            .AddAttribute("CopyRate",
                          "How fast one core copies a frame between VM and host (VMBus); every "
                          "byte of every packet is copied once. 80 Gbps (10 GB/s): an "
                          "assumption of ours, one x86 core's memory copy bandwidth.",
                          DataRateValue(DataRate("80Gbps")),
                          MakeDataRateAccessor(&VfpHostCpu::m_copyRate),
                          MakeDataRateChecker())
            .AddAttribute("MaxQueueDelay",
                          "Longest wait for a core; packets that would wait longer are dropped "
                          "(reason cpu_overload) without being processed. 1 ms: a 1024-entry "
                          "receive ring drained at about 1 Mpps.",
                          TimeValue(MilliSeconds(1)),
                          MakeTimeAccessor(&VfpHostCpu::m_maxQueueDelay),
                          MakeTimeChecker(Seconds(0), Seconds(10)))
            .AddTraceSource("QueueDelay",
                            "How long a packet waited for its core, and the core.",
                            MakeTraceSourceAccessor(&VfpHostCpu::m_queueDelayTrace),
                            "ns3::VfpHostCpu::QueueDelayTracedCallback");
    return tid;
}

VfpHostCpu::VfpHostCpu()
{
    NS_LOG_FUNCTION(this);
}

void
VfpHostCpu::EnsureCores()
{
    if (m_freeAt.size() != m_cores)
    {
        m_freeAt.assign(m_cores, Time(0));
        m_coreBusy.assign(m_cores, Time(0));
    }
}

uint32_t
VfpHostCpu::SelectCore(uint32_t vm, uint64_t flowHash) const
{
    return vfp::SteerCore(GetSteering(), m_cores, m_rssQueues, vm, flowHash);
}

bool
VfpHostCpu::Admit(uint32_t core)
{
    EnsureCores();
    return m_freeAt[core] - Simulator::Now() <= m_maxQueueDelay;
}

vfp::CpuCosts
VfpHostCpu::Costs() const
{
    vfp::CpuCosts costs;
    costs.fastPathNs = m_fastPathTime.GetNanoSeconds();
    costs.slowPathNs = m_slowPathTime.GetNanoSeconds();
    costs.layerNs = m_layerTime.GetNanoSeconds();
    costs.classificationNs = m_classificationTime.GetNanoSeconds();
    costs.tunnelNs = m_tunnelTime.GetNanoSeconds();
    costs.qosNs = m_qosTime.GetNanoSeconds();
    costs.copyBytesPerNs = m_copyRate.GetBitRate() / 8e9;
    return costs;
}

Time
VfpHostCpu::ServiceTime(const vfp::PacketWork& work) const
{
    return NanoSeconds(int64_t(vfp::ServiceNanoseconds(Costs(), work) + 0.5));
}

Time
VfpHostCpu::Charge(uint32_t core, Time service)
{
    EnsureCores();
    const Time now = Simulator::Now();
    Time& freeAt = m_freeAt[core];
    const Time start = std::max(now, freeAt);
    m_queueDelayTrace(start - now, core);
    freeAt = start + service;
    m_coreBusy[core] += service;
    m_busy += service;
    return freeAt - now;
}

Time
VfpHostCpu::GetCoreBusyTime(uint32_t core) const
{
    return core < m_coreBusy.size() ? m_coreBusy[core] : Time(0);
}

} // namespace ns3
