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
    const std::size_t common = std::min(result.uncached.steps.size(), result.cached.steps.size());
    for (std::size_t i = 0; i < common; ++i)
        result.maxAbsLogitDiff.push_back(
            (result.uncached.steps[i].logits - result.cached.steps[i].logits).cwiseAbs().maxCoeff());
    return result;
}

} // namespace kv
