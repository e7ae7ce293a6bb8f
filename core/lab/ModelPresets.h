#pragma once

#include "core/lab/ModelPreset.h"

#include <optional>
#include <string>
#include <vector>

namespace kv {

// Real models with their published shapes, for the memory calculator.
class ModelPresets {
public:
    static const std::vector<ModelPreset>& all();
    static std::vector<std::string> names();

    // Case-insensitive: "llama-3-70b" finds Llama-3-70B.
    static std::optional<ModelPreset> find(const std::string& name);
    // As find(), but throws CalculatorError listing the known presets.
    static ModelPreset get(const std::string& name);
};

} // namespace kv
