#pragma once

#include "core/decode/DecodeMode.h"
#include "core/model/ModelConfig.h"
#include "core/decode/StepRecord.h"

#include <vector>

namespace kv {

// The records of one walk-through in one mode.
struct Trace {
    DecodeMode mode = DecodeMode::Cached;
    ModelConfig config;
    std::vector<int> prompt;
    std::vector<StepRecord> steps;

    std::vector<int> generated() const;
    MacCounts totalMacs(std::size_t throughStep) const; // steps 0..throughStep inclusive
};

} // namespace kv
