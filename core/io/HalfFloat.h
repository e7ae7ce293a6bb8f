#pragma once

#include <cstdint>

namespace kv {

// The float32 value of an IEEE 754 binary16 (F16) bit pattern: exact for every
// value, subnormals, infinities and NaN included.
float halfToFloat(std::uint16_t bits);

// The float32 value of a bfloat16 (BF16) bit pattern: its 16 bits are the top
// half of a float32, so the widening is exact.
float bfloat16ToFloat(std::uint16_t bits);

} // namespace kv
