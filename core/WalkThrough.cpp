#include "WalkThrough.h"

#include "DecodeSession.h"
#include "TraceGenerator.h"

#include <algorithm>

namespace kv {

float WalkThrough::worstLogitDiff() const
{
    return maxAbsLogitDiff.empty() ? 0.0f : *std::max_element(maxAbsLogitDiff.begin(), maxAbsLogitDiff.end());
}

WalkThrough runWalkThrough(const Transformer& model, const std::vector<int>& prompt,
                           const GenerationSettings& settings, int eosId)
{
    DecodeSession uncachedSession(model, DecodeMode::Uncached);
    DecodeSession cachedSession(model, DecodeMode::Cached);
    WalkThrough result;
    result.uncached = generateTrace(uncachedSession, prompt, settings, eosId);
    result.cached = generateTrace(cachedSession, prompt, settings, eosId);
    compareLogits(result);
    return result;
}

void compareLogits(WalkThrough& run)
{
    run.maxAbsLogitDiff.clear();
    const std::size_t common = std::min(run.uncached.steps.size(), run.cached.steps.size());
    for (std::size_t i = 0; i < common; ++i)
        run.maxAbsLogitDiff.push_back((run.uncached.steps[i].logits - run.cached.steps[i].logits).cwiseAbs().maxCoeff());
}

} // namespace kv
