#include "qos-controller.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("QosController");
NS_OBJECT_ENSURE_REGISTERED(QosController);

TypeId
QosController::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::QosController")
            .SetParent<VfpController>()
            .SetGroupName("Vfp")
            .AddConstructor<QosController>()
            .AddAttribute("TxCap",
                          "Transmit cap of every port without settings of its own (0: none). "
                          "A cloud VM's network cap is set by its size; no default is right for "
                          "all, so none is the default.",
                          DataRateValue(DataRate(0)),
                          MakeDataRateAccessor(&QosController::m_txCap),
                          MakeDataRateChecker())
            .AddAttribute("RxCap",
                          "Receive cap of every port without settings of its own (0: none).",
                          DataRateValue(DataRate(0)),
                          MakeDataRateAccessor(&QosController::m_rxCap),
                          MakeDataRateChecker())
            .AddAttribute("Burst",
                          "Bucket size of those caps in bytes; 0: 1 ms of the cap's rate, at "
                          "least one 1514-byte frame (the tc-tbf(8) rule, rate/HZ).",
                          UintegerValue(0),
                          MakeUintegerAccessor(&QosController::m_burst),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("QueueBytes",
                          "Queue of those caps in bytes: 256 KiB, our choice (about 1 ms at "
                          "2 Gbps, several datacenter bandwidth-delay products).",
                          UintegerValue(vfp::DEFAULT_QOS_QUEUE_BYTES),
                          MakeUintegerAccessor(&QosController::m_queue),
                          MakeUintegerChecker<uint32_t>(vfp::QOS_MIN_BURST_BYTES))
            .AddAttribute("ShareInterval",
                          "How often a switch that shares its uplink re-measures its ports' "
                          "demands and re-allocates: 10 ms, our choice in the millisecond "
                          "range of measurement-based allocators (docs/qos.md).",
                          TimeValue(Seconds(vfp::DEFAULT_QOS_SHARE_INTERVAL)),
                          MakeTimeAccessor(&QosController::m_shareInterval),
                          MakeTimeChecker(MicroSeconds(100), Seconds(10)))
            .AddAttribute("LinkShare",
                          "The part of the uplink's rate that reservations and weights divide. "
                          "QoS counts VM frames, so the uplink carries fewer of their bytes "
                          "than its rate: a full-size 1514-byte frame takes 1588 on the wire "
                          "in VXLAN (50 bytes of tunnel, 24 of preamble, FCS and gap), "
                          "1514/1588 = 0.953, hence 0.95.",
                          DoubleValue(0.95),
                          MakeDoubleAccessor(&QosController::m_linkShare),
                          MakeDoubleChecker<double>(0.01, 1))
            .AddTraceSource("Refused",
                            "A change the switch refused (reservations above the link): the "
                            "port or group, and why. The port keeps its earlier QoS.",
                            MakeTraceSourceAccessor(&QosController::m_refusedTrace),
                            "ns3::QosController::RefusedCallback");
    return tid;
}

const VfpController::ManagedPort&
QosController::Managed(Ptr<VfpSwitchNetDevice> vswitch, const std::string& port) const
{
    for (const ManagedPort& managed : m_ports)
    {
        if (managed.vswitch == vswitch && managed.name == port)
        {
            return managed;
        }
    }
    NS_FATAL_ERROR("QosController: port '" << port << "' is not one of this controller's");
}

void
QosController::SetPortQos(Ptr<VfpSwitchNetDevice> vswitch,
                          const std::string& port,
                          const std::optional<vfp::PortQosSpec>& qos)
{
    const ManagedPort& managed = Managed(vswitch, port);
    if (qos)
    {
        vfp::ValidatePortQos(*qos, "port '" + port + "' qos"); // a bad spec fails at the call
    }
    m_settings[{PeekPointer(vswitch), port}] = qos;
    if (m_started)
    {
        Program(managed, [this, managed, qos](vfp::Port&) { Apply(managed, qos); });
    }
}

std::optional<vfp::PortQosSpec>
QosController::GetPortQos(Ptr<VfpSwitchNetDevice> vswitch, const std::string& port) const
{
    auto it = m_settings.find({PeekPointer(vswitch), port});
    return it != m_settings.end() ? it->second : Defaults();
}

void
QosController::SetGroup(Ptr<VfpSwitchNetDevice> vswitch, const vfp::QosGroupSpec& group)
{
    NS_ABORT_MSG_IF(group.ports.empty(), "QosController: group '" << group.name << "' has no port");
    const ManagedPort& managed = Managed(vswitch, group.ports.front());
    vfp::ValidateRateLimit(group.cap, "qos group '" + group.name + "'");
    auto program = [this, managed, group](vfp::Port&)
    {
        try
        {
            managed.vswitch->GetEngine().SetQosGroup(group, Simulator::Now().GetSeconds());
            managed.vswitch->QosChanged();
        }
        catch (const vfp::PolicyError& error)
        {
            NS_LOG_WARN("group " << group.name << " refused: " << error.what());
            m_refusedTrace(group.name, error.what());
        }
    };
    if (m_started)
    {
        Program(managed, program);
    }
    else
    {
        m_groups.emplace_back(vswitch, group);
    }
}

void
QosController::StartApplication()
{
    m_started = true;
    VfpController::StartApplication();
    std::vector<std::pair<Ptr<VfpSwitchNetDevice>, vfp::QosGroupSpec>> groups;
    groups.swap(m_groups);
    for (const auto& [vswitch, group] : groups)
    {
        SetGroup(vswitch, group); // after the ports' own settings: same latency, later event
    }
}

std::optional<vfp::PortQosSpec>
QosController::Defaults() const
{
    if (m_txCap.GetBitRate() == 0 && m_rxCap.GetBitRate() == 0)
    {
        return std::nullopt;
    }
    auto cap = [this](const DataRate& rate) -> std::optional<vfp::RateLimitSpec>
    {
        if (rate.GetBitRate() == 0)
        {
            return std::nullopt;
        }
        vfp::RateLimitSpec limit = vfp::MakeRateLimit(double(rate.GetBitRate()));
        limit.burstBytes = m_burst > 0 ? m_burst : limit.burstBytes;
        limit.queueBytes = m_queue;
        return limit;
    };
    vfp::PortQosSpec qos;
    qos.tx = cap(m_txCap);
    qos.rx = cap(m_rxCap);
    vfp::ValidatePortQos(qos, "QosController defaults");
    return qos;
}

void
QosController::Configure(const ManagedPort& managed, vfp::Port&)
{
    if (std::optional<vfp::PortQosSpec> qos = GetPortQos(managed.vswitch, managed.name))
    {
        Apply(managed, qos);
    }
}

void
QosController::ShareLink(Ptr<VfpSwitchNetDevice> vswitch,
                         const std::optional<vfp::PortQosSpec>& qos)
{
    const bool needs = qos && (qos->txReservationBps > 0 || qos->weight != 1);
    vfp::Switch& engine = vswitch->GetEngine();
    if (needs && engine.GetQos().ToSpec().linkBps == 0)
    {
        const double link = vswitch->GetUplinkBps() * m_linkShare;
        NS_ABORT_MSG_IF(link <= 0,
                        "QosController: reservations and weights need an uplink with a "
                        "DataRate attribute to share");
        engine.SetQosLink(link, m_shareInterval.GetSeconds(), Simulator::Now().GetSeconds());
    }
}

void
QosController::Apply(const ManagedPort& managed, const std::optional<vfp::PortQosSpec>& qos)
{
    try
    {
        ShareLink(managed.vswitch, qos);
        managed.vswitch->GetEngine().SetPortQos(managed.name, qos, Simulator::Now().GetSeconds());
        managed.vswitch->QosChanged();
    }
    catch (const vfp::PolicyError& error)
    {
        NS_LOG_WARN("port " << managed.name << " qos refused: " << error.what());
        m_refusedTrace(managed.name, error.what());
    }
}

} // namespace ns3
