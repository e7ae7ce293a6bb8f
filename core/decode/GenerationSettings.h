#pragma once

#include "core/decode/SamplingSettings.h"

namespace kv {

struct GenerationSettings {
    int maxNewTokens = 0; // 0: as many as the context holds
    bool stopAtEos = true;
    SamplingSettings sampling;
};

} // namespace kv
