/*
 * Hash mixing shared by the engine's hashes (flow keys, VXLAN entropy ports, generated
 * rule sets). Platform-independent, unlike std::hash, which determinism needs.
 */
#ifndef VFP_ENGINE_HASH_MIX_H
#define VFP_ENGINE_HASH_MIX_H

#include <cstdint>

namespace vfp
{

/// Folds @p value into a running @p hash (a boost-style combine, then splitmix64's
/// finaliser): cheap and well spread.
inline uint64_t
HashMix(uint64_t hash, uint64_t value)
{
    hash ^= value + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2);
    hash = (hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9ULL;
    hash = (hash ^ (hash >> 27)) * 0x94d049bb133111ebULL;
    return hash ^ (hash >> 31);
}

/// MurmurHash3's 64-bit finaliser: every input bit reaches every output bit, which
/// open-addressing tables (probing with the low bits) need.
inline uint64_t
HashFinalize(uint64_t hash)
{
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdULL;
    hash ^= hash >> 33;
    hash *= 0xc4ceb9fe1a85ec53ULL;
    return hash ^ (hash >> 33);
}

} // namespace vfp

#endif
