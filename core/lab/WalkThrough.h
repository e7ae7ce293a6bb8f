#pragma once

#include "core/decode/GenerationSettings.h"
#include "core/cache/KVCache.h"
#include "core/decode/Trace.h"
#include "core/model/Transformer.h"

#include <memory>
#include <vector>

namespace kv {

// One prompt run through both decode paths, each with its own session and
// its own sampler (same seed), and how far their logits were apart. Only the
// per-step summaries are kept; LazyWalkThrough recomputes what each head saw.
struct WalkThrough {
    Trace uncached;
    Trace cached;
    std::vector<float> maxAbsLogitDiff; // per step both paths ran; NaN while the uncached pass is pending
    int staleCacheRows = 0;             // cached rows an earlier prompt left behind (a demonstrated bug)
    // The cached session's cache after its last step. Rows never change once
    // appended, so its first rows are the cache as any earlier step saw it.
    std::shared_ptr<const KVCache> cachedCache;

    float worstLogitDiff() const; // over the steps whose uncached pass has run
    bool sameTokens() const { return uncached.generated() == cached.generated(); }
    std::size_t stepCount() const { return cached.steps.size(); }
};

// When the uncached passes run: all now, or each when it is first asked for
// (LazyWalkThrough), so a long walk-through on a large model opens at once.
enum class UncachedPasses { Now, OnDemand };

// The cached path generates the tokens; the uncached path runs over the same
// sequence, now or on demand.
WalkThrough runWalkThrough(const Transformer& model, const std::vector<int>& prompt,
                           const GenerationSettings& settings, int eosId,
                           UncachedPasses uncachedPasses = UncachedPasses::Now);

// Fills in maxAbsLogitDiff from the two traces (NaN for pending steps).
void compareLogits(WalkThrough& run);

} // namespace kv
