/*
 * The JSON form of a header transposition, one entry per header group, outermost first:
 *
 *   {"groups": [
 *     {"op": "push",   "headers": [{"eth":{..}}, {"ipv4":{..}}, {"udp":{..}}, {"vxlan":{..}}]},
 *     {"op": "pop"},
 *     {"op": "modify", "src_ip": "..", "dst_port": 80, "set_eth": {"src":..,"dst":..}},
 *     {"op": "ignore"}]}
 *
 * Pushes come first, then pops, then modify/ignore entries for the groups that stay
 * (groups past the list are ignored). Modify takes src_mac, dst_mac, src_ip, dst_ip,
 * src_port, dst_port, tunnel_key, and set_eth (an eth header) or "strip_eth": true.
 */
#ifndef VFP_ENGINE_TRANSPOSITION_JSON_H
#define VFP_ENGINE_TRANSPOSITION_JSON_H

#include "../packet/header-transposition.h"
#include "json-reader.h"

namespace vfp
{

HeaderTransposition ReadTransposition(const Json& value, const std::string& path);
/// Reads just the "groups" list (for actions, whose object also has a "type").
HeaderTransposition ReadTranspositionGroups(const Json& groups, const std::string& path);
Json WriteTransposition(const HeaderTransposition& ht);

} // namespace vfp

#endif
