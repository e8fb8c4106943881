/*
 * The entry point every fuzz target defines, libFuzzer's: one input, any bytes. A target
 * returns normally for an input the project refuses with its documented error
 * (vfp::PolicyError, a codec's refusal); anything else (a crash, a sanitizer report, an
 * exception of another type, a broken invariant) is a finding.
 *
 * The same sources build two ways (tests/fuzz/CMakeLists.txt): with clang and
 * -fsanitize=fuzzer for `make fuzz`, and with the normal compiler and fuzz-replay.cc's
 * main, which feeds every corpus file through this entry point in CTest.
 */
#ifndef VFP_FUZZ_TARGET_H
#define VFP_FUZZ_TARGET_H

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace vfp::fuzz
{

/// The input as text.
inline std::string
Text(const uint8_t* data, size_t size)
{
    return std::string(reinterpret_cast<const char*>(data), size);
}

/// Stops the run when a target's invariant fails (libFuzzer and CTest both see the abort).
[[noreturn]] void Fail(const std::string& what);

} // namespace vfp::fuzz

#endif
