/*
 * QosController: the QoS controller (paper §7.3). It programs per-VM caps and bandwidth
 * reservations through the VFPAPI (vfp::Switch's QoS calls), as the other controllers
 * program their layers: every change reaches the host ProgrammingLatency after it is
 * made (trace Programmed). It owns no layer: QoS acts after the pipeline.
 *
 * A port gets its own settings (SetPortQos, before the start or at any time: the event
 * file's set_qos) or else the defaults (attributes TxCap, RxCap; 0 means none). A switch
 * whose ports have a reservation or a weight other than 1 is given its uplink's rate
 * (VfpSwitchNetDevice::GetUplinkBps) times LinkShare to share, every ShareInterval. A change the
 * switch refuses (reservations above the link) leaves the port as it was and fires Refused.
 */
#ifndef QOS_CONTROLLER_H
#define QOS_CONTROLLER_H

#include "ns3/data-rate.h"
#include "vfp-controller.h"

#include <map>
#include <optional>

namespace ns3
{

class QosController : public VfpController
{
public:
    static TypeId GetTypeId();

    /// Sets @p port's QoS (none: unshaped), programmed at the start or, once started,
    /// ProgrammingLatency from now. The port must be one of this controller's.
    void SetPortQos(Ptr<VfpSwitchNetDevice> vswitch,
                    const std::string& port,
                    const std::optional<vfp::PortQosSpec>& qos);
    /// The QoS @p port gets from this controller: its own settings, else the defaults.
    std::optional<vfp::PortQosSpec> GetPortQos(Ptr<VfpSwitchNetDevice> vswitch,
                                               const std::string& port) const;
    /// Puts a cap over a group of @p vswitch's ports (programmed as SetPortQos is).
    void SetGroup(Ptr<VfpSwitchNetDevice> vswitch, const vfp::QosGroupSpec& group);

    /// Signature of Refused: the port (or group) and the switch's reason.
    typedef void (*RefusedCallback)(const std::string& port, const std::string& reason);

protected:
    void StartApplication() override;
    void Configure(const ManagedPort& managed, vfp::Port& port) override;

private:
    /// The attribute defaults as a spec (none when both caps are 0).
    std::optional<vfp::PortQosSpec> Defaults() const;
    /// Installs @p qos on @p managed now (the change has landed).
    void Apply(const ManagedPort& managed, const std::optional<vfp::PortQosSpec>& qos);
    /// Gives @p vswitch its uplink to share when @p qos needs it.
    void ShareLink(Ptr<VfpSwitchNetDevice> vswitch, const std::optional<vfp::PortQosSpec>& qos);
    const ManagedPort& Managed(Ptr<VfpSwitchNetDevice> vswitch, const std::string& port) const;

    using Key = std::pair<const VfpSwitchNetDevice*, std::string>;
    std::map<Key, std::optional<vfp::PortQosSpec>> m_settings; //!< ports' own settings
    std::vector<std::pair<Ptr<VfpSwitchNetDevice>, vfp::QosGroupSpec>> m_groups; //!< to program
    DataRate m_txCap;       //!< attribute TxCap
    DataRate m_rxCap;       //!< attribute RxCap
    uint32_t m_burst;       //!< attribute Burst
    uint32_t m_queue;       //!< attribute QueueBytes
    Time m_shareInterval;   //!< attribute ShareInterval
    double m_linkShare;     //!< attribute LinkShare
    bool m_started = false; //!< StartApplication ran: changes are programmed, not stored
    TracedCallback<const std::string&, const std::string&> m_refusedTrace; //!< Refused
};

} // namespace ns3

#endif
