#pragma once

#include <cstdint>

namespace kv {

// temperature <= 0 means greedy (argmax); topK <= 0 and topP >= 1 switch those filters off.
struct SamplingSettings {
    float temperature = 0.0f;
    int topK = 0;
    float topP = 1.0f;
    std::uint64_t seed = 0;

    bool greedy() const { return temperature <= 0.0f; }
};

} // namespace kv
