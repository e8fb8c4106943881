#include "transposition-json.h"

#include "../packet/addresses.h"
#include "headers-json.h"

#include <fmt/format.h>

namespace vfp
{

namespace
{

GroupEdit
ReadEdit(ObjectReader& entry)
{
    GroupEdit edit;
    auto field = [&entry](const char* key)
    { return std::make_pair(entry.Find(key), entry.PathOf(key)); };
    if (auto [value, path] = field("src_mac"); value)
    {
        edit.fields |= EditField::SRC_MAC;
        edit.srcMac = ReadMac(*value, path);
    }
    if (auto [value, path] = field("dst_mac"); value)
    {
        edit.fields |= EditField::DST_MAC;
        edit.dstMac = ReadMac(*value, path);
    }
    if (auto [value, path] = field("src_ip"); value)
    {
        edit.fields |= EditField::SRC_IP;
        edit.srcIp = ReadIpv4(*value, path);
    }
    if (auto [value, path] = field("dst_ip"); value)
    {
        edit.fields |= EditField::DST_IP;
        edit.dstIp = ReadIpv4(*value, path);
    }
    if (auto [value, path] = field("src_port"); value)
    {
        edit.fields |= EditField::SRC_PORT;
        edit.srcPort = static_cast<uint16_t>(ReadUnsigned(*value, path, 0xffff));
    }
    if (auto [value, path] = field("dst_port"); value)
    {
        edit.fields |= EditField::DST_PORT;
        edit.dstPort = static_cast<uint16_t>(ReadUnsigned(*value, path, 0xffff));
    }
    if (auto [value, path] = field("tunnel_key"); value)
    {
        edit.fields |= EditField::TUNNEL_KEY;
        edit.tunnelKey = static_cast<uint32_t>(ReadUnsigned(*value, path, MAX_TUNNEL_KEY));
    }
    const Json* setEth = entry.Find("set_eth");
    const Json* stripEth = entry.Find("strip_eth");
    if (setEth && stripEth)
    {
        FailAt(entry.GetPath(), "give set_eth or strip_eth, not both");
    }
    if (setEth)
    {
        Json headers = Json::array({{{"eth", *setEth}}});
        HeaderGroup group = ReadHeaderGroup(headers, entry.PathOf("set_eth"));
        edit.l2 = L2Action::Set;
        edit.l2Header = group.eth;
    }
    if (stripEth && ReadBool(*stripEth, entry.PathOf("strip_eth")))
    {
        edit.l2 = L2Action::Strip;
    }
    // Canonical form: under set_eth the MACs live in the header itself.
    if (edit.l2 == L2Action::Set)
    {
        edit = GroupEdit{}.Then(edit);
    }
    entry.RejectUnknown({"op",
                         "src_mac",
                         "dst_mac",
                         "src_ip",
                         "dst_ip",
                         "src_port",
                         "dst_port",
                         "tunnel_key",
                         "set_eth",
                         "strip_eth"});
    return edit;
}

Json
WriteEdit(const GroupEdit& edit)
{
    if (edit.IsIgnore())
    {
        return {{"op", "ignore"}};
    }
    Json entry{{"op", "modify"}};
    if (edit.l2 == L2Action::Set)
    {
        entry["set_eth"] = WriteHeaderGroup(
            [&edit]
            {
                HeaderGroup group;
                group.hasEthernet = true;
                group.eth = edit.l2Header;
                return group;
            }())[0]["eth"];
    }
    else if (edit.l2 == L2Action::Strip)
    {
        entry["strip_eth"] = true;
    }
    if (edit.fields & EditField::SRC_MAC)
    {
        entry["src_mac"] = FormatMac(edit.srcMac);
    }
    if (edit.fields & EditField::DST_MAC)
    {
        entry["dst_mac"] = FormatMac(edit.dstMac);
    }
    if (edit.fields & EditField::SRC_IP)
    {
        entry["src_ip"] = FormatIpv4(edit.srcIp);
    }
    if (edit.fields & EditField::DST_IP)
    {
        entry["dst_ip"] = FormatIpv4(edit.dstIp);
    }
    if (edit.fields & EditField::SRC_PORT)
    {
        entry["src_port"] = edit.srcPort;
    }
    if (edit.fields & EditField::DST_PORT)
    {
        entry["dst_port"] = edit.dstPort;
    }
    if (edit.fields & EditField::TUNNEL_KEY)
    {
        entry["tunnel_key"] = edit.tunnelKey;
    }
    return entry;
}

} // namespace

HeaderTransposition
ReadTransposition(const Json& value, const std::string& path)
{
    ObjectReader reader(value, path);
    const Json& groups = reader.Require("groups");
    reader.RejectUnknown({"groups"});
    return ReadTranspositionGroups(groups, reader.PathOf("groups"));
}

HeaderTransposition
ReadTranspositionGroups(const Json& groups, const std::string& groupsPath)
{
    if (!groups.is_array())
    {
        FailAt(groupsPath,
               fmt::format("expected a list of group actions, got {}", Describe(groups)));
    }
    HeaderTransposition ht;
    size_t edits = 0;
    for (size_t i = 0; i < groups.size(); ++i)
    {
        ObjectReader entry(groups[i], fmt::format("{}[{}]", groupsPath, i));
        const std::string op = ReadString(entry.Require("op"), entry.PathOf("op"));
        auto outOfOrder = [&entry](const std::string& what)
        {
            FailAt(entry.GetPath(),
                   fmt::format("{}: pushes come first, then pops, then modify or ignore", what));
        };
        if (op == "push")
        {
            if (ht.popCount > 0 || edits > 0)
            {
                outOfOrder("push after pop or modify");
            }
            if (ht.pushCount == MAX_HEADER_GROUPS)
            {
                FailAt(entry.GetPath(),
                       fmt::format("at most {} groups may be pushed", MAX_HEADER_GROUPS));
            }
            ht.pushed[ht.pushCount++] =
                ReadHeaderGroup(entry.Require("headers"), entry.PathOf("headers"));
            entry.RejectUnknown({"op", "headers"});
        }
        else if (op == "pop")
        {
            if (edits > 0)
            {
                outOfOrder("pop after modify");
            }
            if (ht.popCount == MAX_HEADER_GROUPS)
            {
                FailAt(entry.GetPath(),
                       fmt::format("at most {} groups may be popped", MAX_HEADER_GROUPS));
            }
            ++ht.popCount;
            entry.RejectUnknown({"op"});
        }
        else if (op == "modify" || op == "ignore")
        {
            if (edits == MAX_HEADER_GROUPS)
            {
                FailAt(entry.GetPath(), fmt::format("more than {} groups", MAX_HEADER_GROUPS));
            }
            if (op == "ignore")
            {
                entry.RejectUnknown({"op"});
            }
            ht.edits[edits++] = op == "modify" ? ReadEdit(entry) : GroupEdit{};
        }
        else
        {
            FailAt(entry.PathOf("op"),
                   fmt::format("unknown group action \"{}\"; expected push, pop, modify or ignore",
                               op));
        }
    }
    return ht;
}

Json
WriteTransposition(const HeaderTransposition& ht)
{
    Json groups = Json::array();
    for (size_t i = 0; i < ht.pushCount; ++i)
    {
        groups.push_back({{"op", "push"}, {"headers", WriteHeaderGroup(ht.pushed[i])}});
    }
    for (size_t i = 0; i < ht.popCount; ++i)
    {
        groups.push_back({{"op", "pop"}});
    }
    size_t lastEdit = MAX_HEADER_GROUPS;
    while (lastEdit > 0 && ht.edits[lastEdit - 1].IsIgnore())
    {
        --lastEdit;
    }
    for (size_t i = 0; i < lastEdit; ++i)
    {
        groups.push_back(WriteEdit(ht.edits[i]));
    }
    return {{"groups", groups}};
}

} // namespace vfp
