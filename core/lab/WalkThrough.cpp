#include "core/lab/WalkThrough.h"

#include "core/decode/DecodeSession.h"
#include "core/decode/TraceGenerator.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kv {

float WalkThrough::worstLogitDiff() const
{
    float worst = 0.0f;
    for (float difference : maxAbsLogitDiff)
        if (!std::isnan(difference))
            worst = std::max(worst, difference);
    return worst;
}

WalkThrough runWalkThrough(const Transformer& model, const std::vector<int>& prompt,
                           const GenerationSettings& settings, int eosId, UncachedPasses uncachedPasses)
{
    DecodeSession cachedSession(model, DecodeMode::Cached);
    WalkThrough result;
    result.cached = generateTrace(cachedSession, prompt, settings, eosId);
    result.cachedCache = std::make_shared<const KVCache>(cachedSession.cache().copy());
    if (uncachedPasses == UncachedPasses::OnDemand) {
        result.uncached = pendingUncachedTrace(result.cached);
    } else {
        DecodeSession uncachedSession(model, DecodeMode::Uncached);
        result.uncached = generateTrace(uncachedSession, prompt, settings, eosId);
    }
    compareLogits(result);
    return result;
}

void compareLogits(WalkThrough& run)
{
    run.maxAbsLogitDiff.clear();
    const std::size_t common = std::min(run.uncached.steps.size(), run.cached.steps.size());
    for (std::size_t i = 0; i < common; ++i) {
        const StepRecord& uncached = run.uncached.steps[i];
        run.maxAbsLogitDiff.push_back(uncached.pending ? std::numeric_limits<float>::quiet_NaN()
                                                       : (uncached.logits - run.cached.steps[i].logits).cwiseAbs().maxCoeff());
    }
}

} // namespace kv
