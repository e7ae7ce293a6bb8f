#pragma once

#include <cstdint>
#include <string>

namespace kv {

// 1234567 -> "1,234,567"
std::string groupDigits(std::int64_t value);

} // namespace kv
