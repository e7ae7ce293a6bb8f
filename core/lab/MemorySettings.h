#pragma once

#include "core/tensor/DataType.h"

#include <cstdint>
#include <optional>

namespace kv {

// What the memory calculator is asked about, beside the model's shape.
struct MemorySettings {
    DataType dataType = DataType::Fp16; // of the cache and of the weights
    std::int64_t context = 4096;        // tokens per sequence
    std::int64_t batch = 1;             // sequences decoded together
    std::optional<int> kvHeads;         // "what if": replaces the model's KV heads (must divide its heads)
};

} // namespace kv
