/*
 * The datacenter scenario's traffic file (--traffic): one JSON object per line, a flow
 * each, for example
 *   {"start": 0.1, "src": 5, "dst": 17, "proto": "tcp", "bytes": 1000000, "port": 5000}
 * src and dst are global VM indices (VM i sits on host i / vms-per-host); start is in
 * seconds after the traffic starts; port is the destination port (default 5000); a UDP
 * flow may give "rate" (default 1Gbps). Every line is checked before the run: a flow
 * between VMs of two tenants, an unknown VM, a size that is not a positive whole number or
 * a start past the traffic's end is refused with the file, the line and the field.
 */
#ifndef VFP_TRAFFIC_FILE_H
#define VFP_TRAFFIC_FILE_H

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

namespace ns3
{

/// One flow of a traffic file.
struct TrafficFlow
{
    uint32_t id = 0;            //!< its row in flows.csv: the line's order among the flows
    uint32_t line = 0;          //!< where it stands in the file
    double start = 0;           //!< seconds after the traffic starts
    uint32_t src = 0;           //!< sending VM
    uint32_t dst = 0;           //!< receiving VM
    std::string proto = "tcp";  //!< tcp or udp
    uint64_t bytes = 0;         //!< to transfer (TCP) or send (UDP)
    uint16_t port = 5000;       //!< destination port
    std::string rate = "1Gbps"; //!< UDP only: the sending rate
};

/// What a traffic file's flows are checked against.
struct TrafficBounds
{
    uint32_t vms = 0;                           //!< VMs in the datacenter
    std::function<uint32_t(uint32_t)> tenantOf; //!< a VM's tenant
    double duration = 0;                        //!< seconds of traffic: starts must be below
};

/**
 * Reads @p path. Blank lines are skipped.
 * @throws std::invalid_argument "FILE:LINE: field: what was expected" on the first bad line
 */
std::vector<TrafficFlow> ReadTrafficFile(const std::string& path, const TrafficBounds& bounds);
/// The same for the lines of @p in, named @p name in errors.
std::vector<TrafficFlow> ReadTrafficFile(std::istream& in,
                                         const std::string& name,
                                         const TrafficBounds& bounds);

} // namespace ns3

#endif
