/*
 * The JSON form of a header stack, as vfp-trace reads and writes it: a flat list of
 * headers, outermost first, each an object with one key:
 *
 *   {"eth":{"src":"..","dst":"..","type":"0x0800"}}   type defaults to 0x0800
 *   {"ipv4":{"src":"..","dst":"..","proto":6,"ttl":64}} proto defaults to what follows
 *   {"tcp":{"sport":1,"dport":2,"flags":"S","seq":0,"ack":0}}
 *   {"udp":{"sport":1,"dport":2}}
 *   {"vxlan":{"vni":5001}}   {"gre":{"key":5001}} (NVGRE)
 *
 * A vxlan or gre header ends its group and the next header (eth) starts the inner one;
 * an ipv4 header right after an ipv4 header is IP-in-IP. The whole stack must be one a
 * wire parser could produce (ValidateHeaderStack), else the error names the header.
 */
#ifndef VFP_ENGINE_HEADERS_JSON_H
#define VFP_ENGINE_HEADERS_JSON_H

#include "../packet/header-stack.h"
#include "json-reader.h"

namespace vfp
{

/// Parses a header list at @p path (e.g. "headers"); throws PolicyError naming the header.
HeaderStack ReadHeaderStack(const Json& headers, const std::string& path, uint32_t payloadBytes);
/// The header list of @p stack (payload not included).
Json WriteHeaderStack(const HeaderStack& stack);

/// Parses the headers of exactly one group (for pushes in a transposition): the list may
/// end with the tunnel header that will carry the groups below it.
HeaderGroup ReadHeaderGroup(const Json& headers, const std::string& path);
/// The header list of one group.
Json WriteHeaderGroup(const HeaderGroup& group);

} // namespace vfp

#endif
