/*
 * VfpController: what every SDN controller in the model has in common. A controller is an
 * ns-3 Application that owns its layers on a set of ports and programs them through the
 * VFPAPI only (the paper's Goal 1: independent controllers that know nothing of each
 * other). Programming is not instant: every change reaches the host ProgrammingLatency
 * after the controller makes it, so "time until policy converges" is measurable
 * (GetConvergedAt, trace Programmed).
 */
#ifndef VFP_CONTROLLER_H
#define VFP_CONTROLLER_H

#include "ns3/application.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"
#include "ns3/vfp-switch-net-device.h"

#include <functional>
#include <string>
#include <vector>

namespace ns3
{

class VfpController : public Application
{
public:
    static TypeId GetTypeId();

    /// A port this controller programs.
    struct ManagedPort
    {
        Ptr<VfpSwitchNetDevice> vswitch; //!< the host's switch
        std::string name;                //!< the port's name on it
    };

    /// Puts a port under this controller; its policy is programmed when the controller starts.
    void AddPort(Ptr<VfpSwitchNetDevice> vswitch, const std::string& port);
    /// The ports under this controller, in the order they were added.
    const std::vector<ManagedPort>& GetPorts() const { return m_ports; }
    /// When the last change so far landed on its port (zero before any did).
    Time GetConvergedAt() const { return m_convergedAt; }
    /// Changes made and not yet landed.
    uint32_t GetPendingChanges() const { return m_pending; }

    /// A layer a controller programs on its ports: what another controller must not reuse.
    struct LayerClaim
    {
        std::string name; //!< the layer's name
        int32_t priority; //!< its priority
    };

    /**
     * The layers this controller programs on every port it manages, so that someone
     * else's policy can be checked against them before it is installed
     * (UserPolicyHelper). The base class claims none.
     */
    virtual std::vector<LayerClaim> GetLayerClaims() const;
    /// Called as a restart lands on a port: its layers left as they were and replaced.
    using Resynced = std::function<void(const std::string& port, uint32_t kept, uint32_t replaced)>;
    /**
     * The controller restarts: it comes back knowing its policy but not what it had
     * programmed, reads back each port's layers and pushes what differs, one change per
     * port after ProgrammingLatency (a re-sync, as a controller reconnecting to its hosts
     * does). A layer of MakeLayers equal to the port's (in the policy format's canonical
     * form) is kept with its flows and stateful state, so admitted connections live on; a
     * layer that differs, or is missing, is programmed anew. Resources (mapping tables)
     * are the host's and stay. A controller whose MakeLayers is empty cannot restart
     * (NS_FATAL_ERROR). @p resynced, if set, hears from every port.
     */
    void Restart(Resynced resynced = nullptr);

    /// Signature of the Programmed trace: the port, and how long the change took to land.
    typedef void (*ProgrammedCallback)(const std::string& port, Time latency);

protected:
    void DoDispose() override;
    void StartApplication() override;
    void StopApplication() override;
    /// Programs @p port's initial policy (called ProgrammingLatency after the start).
    virtual void Configure(const ManagedPort& managed, vfp::Port& port) = 0;
    /// The layers this controller programs on @p managed, resources aside (what Restart
    /// pushes again). The base class has none.
    virtual std::vector<vfp::LayerSpec> MakeLayers(const ManagedPort& managed) const;
    /// Runs @p change on @p managed's VFPAPI ProgrammingLatency from now.
    void Program(const ManagedPort& managed, std::function<void(vfp::Port&)> change);

    std::vector<ManagedPort> m_ports; //!< in the order they were added

private:
    void Land(ManagedPort managed, std::function<void(vfp::Port&)> change, Time madeAt);

    Time m_programmingLatency;                                  //!< attribute ProgrammingLatency
    Time m_convergedAt;                                         //!< last change landed
    uint32_t m_pending = 0;                                     //!< changes in flight
    TracedCallback<const std::string&, Time> m_programmedTrace; //!< every landed change
};

} // namespace ns3

#endif
