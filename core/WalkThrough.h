#pragma once

#include "GenerationSettings.h"
#include "Trace.h"
#include "Transformer.h"

#include <vector>

namespace kv {

// One prompt run through both decode paths, each with its own session and
// its own sampler (same seed), and how far their logits were apart.
struct WalkThrough {
    Trace uncached;
    Trace cached;
    std::vector<float> maxAbsLogitDiff; // per step both paths ran
    int staleCacheRows = 0;             // cached rows an earlier prompt left behind (a demonstrated bug)

    float worstLogitDiff() const;
    bool sameTokens() const { return uncached.generated() == cached.generated(); }
    std::size_t stepCount() const { return cached.steps.size(); }
};

WalkThrough runWalkThrough(const Transformer& model, const std::vector<int>& prompt,
                           const GenerationSettings& settings, int eosId);

// Fills in maxAbsLogitDiff from the two traces.
void compareLogits(WalkThrough& run);

} // namespace kv
