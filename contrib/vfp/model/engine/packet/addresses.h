/*
 * Textual forms of the addresses the engine matches on. The engine keeps addresses as
 * host-order integers (IPv4 in 32 bits, MAC in the low 48 bits of 64) so that
 * conditions, ranges and prefixes are plain integer comparisons.
 */
#ifndef VFP_ENGINE_ADDRESSES_H
#define VFP_ENGINE_ADDRESSES_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vfp
{

/// Parses dotted-quad IPv4 ("10.0.0.1"); nullopt unless exactly four octets 0..255.
std::optional<uint32_t> ParseIpv4(std::string_view text);
/// Formats a host-order IPv4 address as a dotted quad.
std::string FormatIpv4(uint32_t address);

/// Parses a MAC written as six colon-separated hex octets ("00:1d:d8:b7:1c:01").
std::optional<uint64_t> ParseMac(std::string_view text);
/// Formats the low 48 bits as six lower-case colon-separated hex octets.
std::string FormatMac(uint64_t mac);

/// Parses an unsigned decimal (or 0x-prefixed hex) integer no larger than @p max.
std::optional<uint64_t> ParseUnsigned(std::string_view text, uint64_t max);

} // namespace vfp

#endif
