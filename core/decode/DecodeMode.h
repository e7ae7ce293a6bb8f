#pragma once

#include <string>

namespace kv {

enum class DecodeMode { Uncached, Cached };

inline std::string modeName(DecodeMode mode)
{
    return mode == DecodeMode::Cached ? "with KV cache" : "without KV cache";
}

} // namespace kv
