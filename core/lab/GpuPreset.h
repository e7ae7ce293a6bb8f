#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kv {

// A GPU's memory, the budget weights and KV cache share.
struct GpuPreset {
    std::string name;
    std::int64_t bytes = 0;

    // A100 40 GB, A100 80 GB, H100 80 GB, RTX 4090 24 GB.
    static const std::vector<GpuPreset>& all();
    static std::vector<std::string> names();
    // Case-insensitive ("a100-40gb"); get() throws CalculatorError listing the known GPUs.
    static std::optional<GpuPreset> find(const std::string& name);
    static GpuPreset get(const std::string& name);
};

} // namespace kv
