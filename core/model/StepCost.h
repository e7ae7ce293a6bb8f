#pragma once

#include "core/model/MacCounts.h"

#include <cstdint>

namespace kv {

struct StepCost {
    MacCounts macs;           // performed this step
    std::int64_t kvBytes = 0; // cache bytes holding tokens after this step (0 without a cache)
    double wallMs = 0.0;      // forward pass time, observer included
};

} // namespace kv
