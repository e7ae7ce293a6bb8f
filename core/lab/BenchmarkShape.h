#pragma once

#include "core/model/ModelConfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kv {

// A model shape the timed run fills with random weights: the shipped tiny
// model's, a ~10M-parameter one, and GPT-2 small's.
struct BenchmarkShape {
    std::string name;
    ModelConfig config;

    // Every parameter of a model of this shape (its family's weight table).
    std::int64_t parameters() const;

    static const std::vector<BenchmarkShape>& all();
    static std::vector<std::string> names();
    // Case-insensitive; throws BenchmarkError listing the known shapes.
    static BenchmarkShape get(const std::string& name);
};

} // namespace kv
