#include "vfp-host-cpu.h"

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
            .AddAttribute(
                "Cores",
                "Cores that run the data path (packets are served FIFO by the first free one).",
                UintegerValue(2),
                MakeUintegerAccessor(&VfpHostCpu::m_cores),
                MakeUintegerChecker<uint32_t>(1, 1024))
            .AddAttribute("FastPathTime",
                          "Service time of a unified flow hit: parse, one hash lookup, rewrite. "
                          "About a software vswitch's cached-flow cost per packet on one core.",
                          TimeValue(NanoSeconds(800)),
                          MakeTimeAccessor(&VfpHostCpu::m_fastPathTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("SlowPathTime",
                          "Fixed service time of a packet that misses the unified flow table "
                          "(parse, miss, flow creation), before its layers.",
                          TimeValue(MicroSeconds(2)),
                          MakeTimeAccessor(&VfpHostCpu::m_slowPathTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("LayerTime",
                          "Slow path: added per layer visited (flow table lookup, transposition).",
                          TimeValue(NanoSeconds(500)),
                          MakeTimeAccessor(&VfpHostCpu::m_layerTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("ClassificationTime",
                          "Slow path: added per layer that searched its rules (no layer flow).",
                          TimeValue(MicroSeconds(1)),
                          MakeTimeAccessor(&VfpHostCpu::m_classificationTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("MaxQueueDelay",
                          "Longest wait for a core; packets that would wait longer are dropped "
                          "(reason cpu_overload) without being processed.",
                          TimeValue(MilliSeconds(1)),
                          MakeTimeAccessor(&VfpHostCpu::m_maxQueueDelay),
                          MakeTimeChecker(Seconds(0)))
            .AddTraceSource("QueueDelay",
                            "How long a packet waited for a core.",
                            MakeTraceSourceAccessor(&VfpHostCpu::m_queueDelayTrace),
                            "ns3::Time::TracedCallback");
    return tid;
}

VfpHostCpu::VfpHostCpu()
{
    NS_LOG_FUNCTION(this);
}

size_t
VfpHostCpu::EarliestCore()
{
    if (m_freeAt.size() != m_cores)
    {
        m_freeAt.assign(m_cores, Time(0));
    }
    return std::min_element(m_freeAt.begin(), m_freeAt.end()) - m_freeAt.begin();
}

bool
VfpHostCpu::Admit()
{
    return m_freeAt[EarliestCore()] - Simulator::Now() <= m_maxQueueDelay;
}

Time
VfpHostCpu::ServiceTime(const vfp::ProcessResult& result) const
{
    if (result.path == vfp::PathTaken::Fast)
    {
        return m_fastPathTime;
    }
    return m_slowPathTime + m_layerTime * int64_t(result.layersVisited) +
           m_classificationTime * int64_t(result.layersClassified);
}

Time
VfpHostCpu::Charge(Time service)
{
    const Time now = Simulator::Now();
    Time& freeAt = m_freeAt[EarliestCore()];
    const Time start = std::max(now, freeAt);
    m_queueDelayTrace(start - now);
    freeAt = start + service;
    m_busy += service;
    return freeAt - now;
}

} // namespace ns3
