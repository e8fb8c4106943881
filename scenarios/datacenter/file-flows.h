/*
 * FileFlows: runs a traffic file's flows in the datacenter and follows each to its end, for
 * flows.csv (docs/datacenter.md lists its columns). A TCP flow is a BulkSend of its bytes
 * into a PacketSink on the destination's port; a UDP flow an OnOff source at its rate until
 * its bytes are sent. Each sender binds its own local port (10000 up, per VM), so the sink
 * tells the flows apart by their source address and port; TCP retransmissions are the
 * data segments the sender's socket sends again (below its highest sequence sent).
 */
#ifndef VFP_FILE_FLOWS_H
#define VFP_FILE_FLOWS_H

#include "ns3/packet-sink.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-base.h"
#include "traffic-file.h"
#include "vfp-datacenter-helper.h"

#include <map>
#include <nlohmann/json.hpp>
#include <tuple>
#include <vector>

namespace ns3
{

class FileFlows
{
public:
    /// Installs @p flows' applications in @p dc; the traffic starts at @p start and stops
    /// at @p stop.
    FileFlows(const VfpDatacenterHelper::Datacenter& dc,
              std::vector<TrafficFlow> flows,
              Time start,
              Time stop);

    /// Writes flows.csv into @p directory.
    void Write(const std::string& directory) const;
    /// metrics.json's "traffic_file": flows, completed, FCT percentiles, goodput, bytes.
    nlohmann::json Summary() const;

private:
    struct Progress
    {
        uint64_t sent = 0;            //!< bytes the sender handed to its socket
        uint64_t received = 0;        //!< bytes the sink received
        double end = -1;              //!< seconds: the last byte (or all bytes, TCP) arrived
        uint64_t retransmissions = 0; //!< TCP data segments sent again
        uint32_t highestSeq = 0;      //!< TCP: highest sequence number sent so far
        bool completed = false;       //!< every byte arrived
    };
    /// (destination VM, protocol, port): one sink each.
    using SinkKey = std::tuple<uint32_t, std::string, uint16_t>;
    /// (sender address, sender port) at a sink: the flow.
    using SenderKey = std::pair<uint32_t, uint16_t>;

    void Install(const TrafficFlow& flow, uint16_t localPort);
    Ptr<PacketSink> SinkFor(const TrafficFlow& flow);
    void Received(SinkKey sink, Ptr<const Packet> packet, const Address& from, const Address&);
    void Watch(uint32_t flow, Ptr<Application> sender);
    void SentSegment(uint32_t flow, Ptr<const Packet> packet, const TcpHeader& header);

    const VfpDatacenterHelper::Datacenter& m_dc;
    std::vector<TrafficFlow> m_flows;
    std::vector<Progress> m_progress;
    Time m_start;
    Time m_stop;
    std::map<SinkKey, Ptr<PacketSink>> m_sinks;
    std::map<SinkKey, std::map<SenderKey, uint32_t>> m_senders; //!< -> flow id
};

} // namespace ns3

#endif
