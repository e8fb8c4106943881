/*
 * The benchmarks' unified flow key: a TCP flow of one header group, distinct for each
 * index (its source port and the low bits of its destination address carry the index).
 */
#ifndef VFP_BENCH_FLOW_KEY_H
#define VFP_BENCH_FLOW_KEY_H

#include "engine/pipeline/unified-flow-key.h"

namespace vfp
{

inline UnifiedFlowKey
BenchFlowKey(uint32_t i)
{
    UnifiedFlowKey key;
    key.groups = 1;
    key.words[0] = (0x001dd8000001ULL << 16) | 0x0800;
    key.words[1] = (0x123456789abcULL << 16) | (0x1dULL << 8) | 6;
    key.words[2] = (uint64_t(0x0a000001) << 32) | (0xac100000u + (i >> 14));
    key.words[3] = (uint64_t(1024 + (i & 0x3fff)) << 48) | (uint64_t(80) << 32);
    return key;
}

} // namespace vfp

#endif
