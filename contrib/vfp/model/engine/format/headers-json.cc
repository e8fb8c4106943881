#include "headers-json.h"

#include "../packet/addresses.h"
#include "../policy/condition.h"

#include <fmt/format.h>

namespace vfp
{

namespace
{

struct ParsedList
{
    HeaderStack stack;
    std::array<bool, MAX_HEADER_GROUPS> protocolGiven{}; //!< per group
    bool openTunnel = false;                             //!< the list ended with a tunnel header
};

ParsedList
ParseList(const Json& headers, const std::string& path)
{
    if (!headers.is_array() || headers.empty())
    {
        FailAt(path,
               fmt::format("expected a non-empty list of headers, got {}", Describe(headers)));
    }
    ParsedList parsed;
    HeaderStack& stack = parsed.stack;
    bool startGroup = true; // the next header opens a new group
    for (size_t i = 0; i < headers.size(); ++i)
    {
        const std::string itemPath = fmt::format("{}[{}]", path, i);
        const Json& item = headers[i];
        if (!item.is_object() || item.size() != 1)
        {
            FailAt(itemPath, "expected an object with one key: eth, ipv4, tcp, udp, vxlan or gre");
        }
        const std::string kind = item.begin().key();
        ObjectReader fields(item.begin().value(), itemPath + "." + kind);
        auto openGroup = [&]() -> HeaderGroup&
        {
            if (stack.count == MAX_HEADER_GROUPS)
            {
                FailAt(itemPath, fmt::format("more than {} header groups", MAX_HEADER_GROUPS));
            }
            startGroup = false;
            return stack[stack.count++];
        };
        HeaderGroup* group = stack.count ? &stack[stack.count - 1] : nullptr;

        if (kind == "eth")
        {
            if (!startGroup)
            {
                FailAt(itemPath, "eth starts a group: it comes first or right after vxlan or gre");
            }
            HeaderGroup& opened = openGroup();
            opened.hasEthernet = true;
            opened.eth.src = ReadMac(fields.Require("src"), fields.PathOf("src"));
            opened.eth.dst = ReadMac(fields.Require("dst"), fields.PathOf("dst"));
            if (const Json* type = fields.Find("type"))
            {
                opened.eth.etherType =
                    static_cast<uint16_t>(ReadUnsigned(*type, fields.PathOf("type"), 0xffff));
            }
            fields.RejectUnknown({"src", "dst", "type"});
        }
        else if (kind == "ipv4")
        {
            if (!startGroup && group->hasIpv4)
            {
                if (group->l4 != L4Type::None || group->tunnel != TunnelType::None)
                {
                    FailAt(itemPath, "an ipv4 header after a transport header");
                }
                group->tunnel = TunnelType::IpInIp; // ipv4 right after ipv4
                startGroup = true;
            }
            if (startGroup && stack.count > 0 &&
                stack[stack.count - 1].tunnel != TunnelType::IpInIp)
            {
                FailAt(itemPath, "after vxlan or gre the inner group starts with eth");
            }
            HeaderGroup& target = startGroup ? openGroup() : *group;
            target.hasIpv4 = true;
            target.ip.src = ReadIpv4(fields.Require("src"), fields.PathOf("src"));
            target.ip.dst = ReadIpv4(fields.Require("dst"), fields.PathOf("dst"));
            if (const Json* protocol = fields.Find("proto"))
            {
                target.ip.protocol =
                    static_cast<uint8_t>(ReadUnsigned(*protocol, fields.PathOf("proto"), 255));
                parsed.protocolGiven[stack.count - 1] = true;
            }
            if (const Json* ttl = fields.Find("ttl"))
            {
                target.ip.ttl = static_cast<uint8_t>(ReadUnsigned(*ttl, fields.PathOf("ttl"), 255));
            }
            fields.RejectUnknown({"src", "dst", "proto", "ttl"});
        }
        else if (kind == "tcp" || kind == "udp")
        {
            if (startGroup || !group->hasIpv4 || group->l4 != L4Type::None)
            {
                FailAt(itemPath,
                       fmt::format("a {} header follows an ipv4 header in its group", kind));
            }
            group->l4 = kind == "tcp" ? L4Type::Tcp : L4Type::Udp;
            group->transport.srcPort = static_cast<uint16_t>(
                ReadUnsigned(fields.Require("sport"), fields.PathOf("sport"), 0xffff));
            group->transport.dstPort = static_cast<uint16_t>(
                ReadUnsigned(fields.Require("dport"), fields.PathOf("dport"), 0xffff));
            if (kind == "tcp")
            {
                if (const Json* flags = fields.Find("flags"))
                {
                    auto parsedFlags = ParseTcpFlags(ReadString(*flags, fields.PathOf("flags")));
                    if (!parsedFlags)
                    {
                        FailAt(fields.PathOf("flags"),
                               fmt::format("expected TCP flag letters from FSRPAUEC, got {}",
                                           Describe(*flags)));
                    }
                    group->transport.tcpFlags = *parsedFlags;
                }
                if (const Json* seq = fields.Find("seq"))
                {
                    group->transport.seq =
                        static_cast<uint32_t>(ReadUnsigned(*seq, fields.PathOf("seq"), UINT32_MAX));
                }
                if (const Json* ack = fields.Find("ack"))
                {
                    group->transport.ack =
                        static_cast<uint32_t>(ReadUnsigned(*ack, fields.PathOf("ack"), UINT32_MAX));
                }
                fields.RejectUnknown({"sport", "dport", "flags", "seq", "ack"});
            }
            else
            {
                fields.RejectUnknown({"sport", "dport"});
            }
        }
        else if (kind == "vxlan" || kind == "gre")
        {
            const bool vxlan = kind == "vxlan";
            if (startGroup || (vxlan && group->l4 != L4Type::Udp) ||
                (!vxlan && (!group->hasIpv4 || group->l4 != L4Type::None)))
            {
                FailAt(itemPath,
                       vxlan ? "a vxlan header follows a udp header"
                             : "a gre header follows an ipv4 header (with no transport header)");
            }
            const char* keyName = vxlan ? "vni" : "key";
            group->tunnel = vxlan ? TunnelType::Vxlan : TunnelType::Nvgre;
            group->tunnelKey = static_cast<uint32_t>(
                ReadUnsigned(fields.Require(keyName), fields.PathOf(keyName), MAX_TUNNEL_KEY));
            fields.RejectUnknown({keyName});
            startGroup = true;
        }
        else
        {
            FailAt(itemPath,
                   fmt::format("unknown header \"{}\"; expected eth, ipv4, tcp, udp, vxlan or gre",
                               kind));
        }
    }
    parsed.openTunnel = startGroup;

    // Protocols left out are those of the headers that follow.
    for (size_t i = 0; i < stack.count; ++i)
    {
        HeaderGroup& group = stack[i];
        if (!group.hasIpv4 || parsed.protocolGiven[i])
        {
            continue;
        }
        if (group.l4 == L4Type::Tcp)
        {
            group.ip.protocol = IP_PROTOCOL_TCP;
        }
        else if (group.l4 == L4Type::Udp)
        {
            group.ip.protocol = IP_PROTOCOL_UDP;
        }
        else if (group.tunnel == TunnelType::Nvgre)
        {
            group.ip.protocol = IP_PROTOCOL_GRE;
        }
        else if (group.tunnel == TunnelType::IpInIp)
        {
            group.ip.protocol = IP_PROTOCOL_IPIP;
        }
    }
    return parsed;
}

} // namespace

HeaderStack
ReadHeaderStack(const Json& headers, const std::string& path, uint32_t payloadBytes)
{
    ParsedList parsed = ParseList(headers, path);
    parsed.stack.payloadBytes = payloadBytes;
    std::string error = ValidateHeaderStack(parsed.stack);
    if (!error.empty())
    {
        FailAt(path, error);
    }
    return parsed.stack;
}

HeaderGroup
ReadHeaderGroup(const Json& headers, const std::string& path)
{
    ParsedList parsed = ParseList(headers, path);
    if (parsed.stack.count != 1)
    {
        FailAt(path,
               "a pushed group is one group: eth, ipv4, then tcp, udp(+vxlan), gre or nothing");
    }
    HeaderGroup group = parsed.stack[0];
    if (group.hasIpv4 && group.ip.protocol == IP_PROTOCOL_IPIP && group.tunnel == TunnelType::None)
    {
        group.tunnel = TunnelType::IpInIp; // it will carry the group below it
    }
    return group;
}

Json
WriteHeaderGroup(const HeaderGroup& group)
{
    Json list = Json::array();
    if (group.hasEthernet)
    {
        Json eth{{"src", FormatMac(group.eth.src)}, {"dst", FormatMac(group.eth.dst)}};
        if (group.eth.etherType != ETHER_TYPE_IPV4)
        {
            eth["type"] = fmt::format("{:#06x}", group.eth.etherType);
        }
        list.push_back({{"eth", eth}});
    }
    if (group.hasIpv4)
    {
        list.push_back({{"ipv4",
                         {{"src", FormatIpv4(group.ip.src)},
                          {"dst", FormatIpv4(group.ip.dst)},
                          {"proto", group.ip.protocol},
                          {"ttl", group.ip.ttl}}}});
    }
    if (group.l4 == L4Type::Tcp)
    {
        list.push_back({{"tcp",
                         {{"sport", group.transport.srcPort},
                          {"dport", group.transport.dstPort},
                          {"flags", FormatTcpFlags(group.transport.tcpFlags)},
                          {"seq", group.transport.seq},
                          {"ack", group.transport.ack}}}});
    }
    else if (group.l4 == L4Type::Udp)
    {
        list.push_back(
            {{"udp", {{"sport", group.transport.srcPort}, {"dport", group.transport.dstPort}}}});
    }
    if (group.tunnel == TunnelType::Vxlan)
    {
        list.push_back({{"vxlan", {{"vni", group.tunnelKey}}}});
    }
    else if (group.tunnel == TunnelType::Nvgre)
    {
        list.push_back({{"gre", {{"key", group.tunnelKey}}}});
    }
    return list;
}

Json
WriteHeaderStack(const HeaderStack& stack)
{
    Json list = Json::array();
    for (size_t i = 0; i < stack.count; ++i)
    {
        for (auto& header : WriteHeaderGroup(stack[i]))
        {
            list.push_back(header);
        }
    }
    return list;
}

} // namespace vfp
